#pragma once
// Physical address → (rank, bank group, bank, row, column) of a DDR4
// channel, from a bit-order string read most significant field first, e.g.
// "row:bank:column:bankgroup". The string places the bits above one burst:
// the byte within the data bus and the BL8 column bits of a burst are always
// the lowest log2(burst bytes) address bits, so "column" names the column
// bits above the burst. A field may be split by giving widths to all but one
// of its parts, e.g. "row:column[4]:bank:column:bankgroup"; the lowest bits
// of a field go to its lowest part. `rank` may be left out (it then takes
// the top bits); every other field must appear.

#include <cstdint>
#include <string>
#include <vector>

#include "models/ddr/Ddr4Config.h"

namespace ftsim::models {

struct DramAddress {
  int rank = 0;
  int bankGroup = 0;
  int bank = 0;  ///< within its bank group
  std::uint32_t row = 0;
  std::uint32_t column = 0;  ///< first column of the burst
};

class AddressMapping {
 public:
  AddressMapping() = default;
  /// Parse `order` for `device`; an empty `error` on success, else why not.
  static AddressMapping parse(const std::string& order, const Ddr4Config& device, std::string& error);

  DramAddress decode(std::uint64_t addr) const {
    const std::uint64_t burst = addr >> m_burstShift;
    std::uint32_t f[kFields];
    if (m_contiguous) {
      for (int k = 0; k < kFields; ++k) f[k] = static_cast<std::uint32_t>((burst >> m_shift[k]) & m_mask[k]);
    } else {
      for (int k = 0; k < kFields; ++k) f[k] = 0;
      for (const Part& p : m_parts)
        f[p.field] |= static_cast<std::uint32_t>((burst >> p.srcBit) & p.mask) << p.dstBit;
    }
    DramAddress a;
    a.rank = static_cast<int>(f[kRank]);
    a.bankGroup = static_cast<int>(f[kGroup]);
    a.bank = static_cast<int>(f[kBank]);
    a.row = f[kRow];
    a.column = f[kColumn] << m_burstColumnBits;
    return a;
  }
  /// log2 of the bursts of each aligned block that share rank, bank and row
  /// and differ only in column and bank group, with burst k of a block in
  /// bank group k mod (bank groups): when every field is in one piece and
  /// the bank group is the lowest (or has no bits). 0 when the mapping is
  /// not so (the controller's streaming path then takes bursts one by one).
  int rotationBits() const { return m_rotationBits; }
  /// The mapping, normalised ("row:bank:column[7]:bankgroup").
  const std::string& text() const { return m_text; }
  std::uint32_t burstBytes() const { return 1u << m_burstShift; }

 private:
  enum Field { kRank, kGroup, kBank, kRow, kColumn, kFields };
  struct Part {
    int field = 0;
    int srcBit = 0;  ///< lowest bit in the burst index
    int dstBit = 0;  ///< lowest bit in the field
    std::uint64_t mask = 0;
  };
  std::vector<Part> m_parts;
  /// Every field in one piece: field k is (burst >> m_shift[k]) & m_mask[k].
  bool m_contiguous = false;
  int m_shift[kFields] = {0, 0, 0, 0, 0};
  std::uint64_t m_mask[kFields] = {0, 0, 0, 0, 0};
  int m_burstShift = 6;
  int m_burstColumnBits = 3;
  int m_rotationBits = 0;
  std::string m_text;
};

}  // namespace ftsim::models

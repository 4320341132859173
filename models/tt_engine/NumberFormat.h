#pragma once
// The number formats of the TT engine's tensors, one description shared by
// the models, the planner's memory accounting and the references.
// NumberFormat is the kernels' TtFormat (models/kernels/TtFormat.h: the
// formats and their values) with what only the host needs: names, parsing,
// storage sizes.

#include <cstdint>
#include <optional>
#include <string>

#include "models/kernels/TtFormat.h"

namespace ftsim::kernels {

const char* toString(Rounding r);

struct NumberFormat : TtFormat {
  NumberFormat() = default;
  NumberFormat(FormatKind k, int w, int f, int block, int expBits) : TtFormat{k, w, f, block, expBits} {}

  static NumberFormat fp32() { return NumberFormat{}; }
  static NumberFormat fixed(int w, int f) { return NumberFormat{FormatKind::Fixed, w, f, 1, 0}; }
  static NumberFormat bfp(int w, int block, int expBits = 8) {
    return NumberFormat{FormatKind::Bfp, w, 0, block, expBits};
  }

  /// "fp32", "fixed<8,6>", "bfp<8,16>" (the syntax parseFormat reads).
  std::string name() const;
  /// Storage bits per element, the shared exponent spread over its block.
  double bitsPerElement() const;
  /// Bytes to store `elements` elements (whole bytes, exponents included).
  std::uint64_t bytesFor(std::uint64_t elements) const;
  /// Width of the multiplier operand the format needs (fp32: the 24-bit significand).
  int multiplierBits() const { return kind == FormatKind::Fp32 ? 24 : bits; }

  bool operator==(const NumberFormat& o) const {
    return kind == o.kind && bits == o.bits && fracBits == o.fracBits && blockSize == o.blockSize &&
           exponentBits == o.exponentBits;
  }
  bool operator!=(const NumberFormat& o) const { return !(*this == o); }
};

/// Parse "fp32", "fixed<W,F>" (2 ≤ W ≤ 16, 0 ≤ F < W) or "bfp<W,B>"
/// (2 ≤ W ≤ 16, 1 ≤ B ≤ 4096). On failure returns nothing and says why in
/// `why` (the caller turns it into a config error at the right key).
std::optional<NumberFormat> parseFormat(const std::string& text, std::string& why);

}  // namespace ftsim::kernels

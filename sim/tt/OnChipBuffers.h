#pragma once
// Maps the TT engine's on-chip buffers onto BRAM and URAM blocks and checks
// them against the board. One buffer per memory component, sized to that
// component's own peak (a buffer is a fixed region of the chip, so two
// components cannot share one), split into `banks` banks (the PE array
// reads `depth` operands per cycle), every bank a whole number of blocks:
// BRAM18 halves of 2,304 bytes (counted as BRAM36 in pairs), or URAM288
// blocks of 36,864 bytes (4K × 72 bits).
//
// Placement: `bram` puts everything in BRAM, `uram` in URAM; `auto` starts
// in BRAM and moves the largest buffers to URAM while BRAM overflows and the
// board has URAM.

#include <cstdint>
#include <string>
#include <vector>

#include "models/tt_engine/TtEngineConfig.h"
#include "sim/config/BoardConfig.h"
#include "sim/tt/TrainingMemory.h"

namespace ftsim::tt {

constexpr std::uint64_t kBram18Bytes = 18 * 1024 / 8;   // 2,304
constexpr std::uint64_t kUramBytes = 288 * 1024 / 8;    // 36,864

struct BufferPool {
  std::string name;
  std::uint64_t bytes = 0;
  bool uram = false;
  std::uint64_t blocks = 0;  ///< BRAM18 halves, or URAM blocks
  std::uint64_t capacityBytes() const { return blocks * (uram ? kUramBytes : kBram18Bytes); }
};

struct OnChipAllocation {
  std::vector<BufferPool> pools;
  std::uint64_t bram36 = 0, uram = 0;
  std::uint64_t bram36Budget = 0, uramBudget = 0;
  bool fits = true;
  std::string overflow;  ///< why it does not fit, naming the buffer

  std::uint64_t bytes() const;
};

OnChipAllocation allocateOnChip(const MemoryUse& use, const config::ResourceBudget& budget,
                                models::TtBufferConfig::Memory policy, int banks);

}  // namespace ftsim::tt

#pragma once
// Training memory of a program: every tensor lives from the operation that
// first writes it to the last one that reads it (weights and optimizer
// state for the whole step); the training memory is the largest total of
// live bytes, reported by component at that point. Each component's own
// peak sizes the on-chip buffer that holds it.

#include <array>
#include <cstdint>
#include <string>

#include "sim/tt/TtProgram.h"

namespace ftsim::tt {

struct MemoryUse {
  std::uint64_t peakBytes = 0;
  int peakOp = -1;
  std::string peakAt;  ///< label of the operation where the total peaks
  std::array<std::uint64_t, kMemoryComponents> atPeak{};    ///< live bytes per component at the peak
  std::array<std::uint64_t, kMemoryComponents> ownPeak{};   ///< each component's own peak
  std::uint64_t bytes(MemoryComponent c) const { return atPeak[static_cast<int>(c)]; }
};

MemoryUse analyzeMemory(const TtProgram& p);

}  // namespace ftsim::tt

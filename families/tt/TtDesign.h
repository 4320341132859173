#pragma once
// A tensorized-training design point made concrete: the program of the
// simulated step at the ranks the schedule allows then, its training memory
// against full-size fp32 training (also at every rank-schedule entry), the
// on-chip buffers on the board, and the checks that refuse a design the
// engine cannot run or the board cannot hold.

#include <cstdint>
#include <vector>

#include "sim/tt/OnChipBuffers.h"
#include "sim/tt/TrainingMemory.h"
#include "sim/tt/TtProgram.h"

namespace ftsim::config {
class ConfigNode;
struct DesignConfig;
}  // namespace ftsim::config

namespace ftsim::tt {

struct MemoryAtRanks {
  std::int64_t step = 0;
  int maxRank = 0;  ///< 0: ranks as configured
  std::uint64_t params = 0, denseParams = 0;
  std::uint64_t flops = 0, denseFlops = 0;
  MemoryUse design, dense;
  double reduction() const {
    return design.peakBytes ? static_cast<double>(dense.peakBytes) / static_cast<double>(design.peakBytes) : 0.0;
  }
};

struct TtDesignPlan {
  TtProgram program;
  MemoryAtRanks memory;                ///< at the simulated step
  std::vector<MemoryAtRanks> schedule; ///< at each rank-schedule entry
  OnChipAllocation onChip;
};

/// The options of the full-size fp32 baseline of a design.
ProgramOptions denseBaselineOptions(const ProgramOptions& design);

MemoryAtRanks memoryAtStep(const config::DesignConfig& d, std::int64_t step);
TtDesignPlan planTtDesign(const config::DesignConfig& d);

/// Config errors (file:line: key = value: rule) for what the TT engine
/// cannot run, a PE array over the board's DSPs, buffers over its BRAM/URAM.
void validateTtDesign(const config::DesignConfig& d, const config::ConfigNode& root);

}  // namespace ftsim::tt

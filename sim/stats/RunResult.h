#pragma once
// What a simulation run measured, in plain C++: the model fills it, the
// trace writers read it. Counters are raw; derived figures (GFLOPS,
// utilisation) are computed by the writers from these and the clock.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/schedule/Program.h"

namespace ftsim::stats {

/// Counters of one DMA stream.
struct StreamCounters {
  std::uint64_t bytes = 0;
  std::uint64_t transfers = 0;   ///< contiguous segments, each paying the start cost
  std::uint64_t busyCycles = 0;  ///< cycles with an operation in progress
};

/// One executed phase plan (a layer × phase, or a part of one).
struct PhaseResult {
  int layer = -1;
  std::string name;
  schedule::Phase phase = schedule::Phase::FP;
  schedule::Unit unit = schedule::Unit::PeArray;
  std::string layerType;
  std::uint64_t startCycle = 0;
  std::uint64_t cycles = 0;
  std::uint64_t analyticalCycles = 0;
  std::uint64_t flops = 0;
  std::uint64_t steps = 0;
  std::uint64_t macs = 0;            ///< MACs issued with data (padding and dilation zeros included)
  std::uint64_t computeBusyCycles = 0;
  std::array<StreamCounters, schedule::kNumStreams> streams{};
  schedule::MacTiling tiling;
  bool hasTiling = false;

  std::uint64_t bytesRead() const;
  std::uint64_t bytesWritten() const;
};

struct RunResult {
  std::string design;
  std::string memoryModel;
  double clockMhz = 0;
  int batch = 0;
  std::uint64_t seed = 0;
  std::uint64_t totalCycles = 0;
  std::vector<PhaseResult> phases;
  double wallSeconds = 0;  ///< host time of the simulation itself (not simulated time)
};

inline std::uint64_t PhaseResult::bytesRead() const {
  std::uint64_t b = 0;
  for (int s = 0; s < schedule::kNumStreams; ++s)
    if (!schedule::isWrite(static_cast<schedule::Stream>(s))) b += streams[s].bytes;
  return b;
}

inline std::uint64_t PhaseResult::bytesWritten() const {
  std::uint64_t b = 0;
  for (int s = 0; s < schedule::kNumStreams; ++s)
    if (schedule::isWrite(static_cast<schedule::Stream>(s))) b += streams[s].bytes;
  return b;
}

}  // namespace ftsim::stats

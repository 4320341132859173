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

/// DDR4 activity (all zero under the ideal memory): commands issued,
/// row-buffer outcomes per 64-byte burst (a hit needed no ACT of its own, a
/// miss found its bank closed, a conflict found another row open), the bytes
/// that crossed the DDR data bus and the AXI bursts that carried them.
struct DdrCounters {
  std::uint64_t activates = 0, precharges = 0, reads = 0, writes = 0, refreshes = 0;
  std::uint64_t rowHits = 0, rowMisses = 0, rowConflicts = 0;
  std::uint64_t dataBytes = 0;
  std::uint64_t axiBursts = 0;
  std::uint64_t bankRefreshes = 0;     ///< per-bank refreshes (LPDDR4 REFpb, HBM2 REFSB)
  /// DDR cycles with a bank open, summed over ranks (active standby; the
  /// rest of ranks × cycles is precharged standby), for the energy model.
  std::uint64_t rankActiveCycles = 0;

  DdrCounters& operator+=(const DdrCounters& o);
  DdrCounters& operator-=(const DdrCounters& o);
  /// Row hits over all bursts; 0 when there were none.
  double rowHitRate() const;
};

/// Energy of a span of the run by component, in whole femtojoules so that
/// components, rows and totals add up exactly (filled by sim/energy).
struct EnergyFj {
  std::uint64_t compute = 0;        ///< multiplies and adds (MAC array, vector path, weight update; TT: also roundings)
  std::uint64_t onChipMemory = 0;   ///< buffer bank reads and writes
  std::uint64_t dma = 0;            ///< stream beats through the DMA engines and the interconnect
  std::uint64_t ddrDynamic = 0;     ///< ACT, PRE, RD, WR, REF and the DDR I/O
  std::uint64_t ddrBackground = 0;  ///< DRAM standby current over time
  std::uint64_t staticPower = 0;    ///< PL and PS static power over time

  std::uint64_t total() const { return compute + onChipMemory + dma + ddrDynamic + ddrBackground + staticPower; }
  EnergyFj& operator+=(const EnergyFj& o) {
    compute += o.compute;
    onChipMemory += o.onChipMemory;
    dma += o.dma;
    ddrDynamic += o.ddrDynamic;
    ddrBackground += o.ddrBackground;
    staticPower += o.staticPower;
    return *this;
  }
};

struct DdrBankCounters {
  std::uint64_t rowHits = 0, rowMisses = 0, rowConflicts = 0, activates = 0;
};

/// The DDR4 memory system over the whole run (empty under the ideal memory).
struct MemoryRunStats {
  DdrCounters total;                 ///< includes the write queue drained after the last phase
  double ddrClockMhz = 0;
  double peakBytesPerSecond = 0;     ///< DDR data bus peak
  std::string addressMapping;
  std::string pagePolicy;
  std::vector<DdrBankCounters> banks;
  std::vector<std::uint64_t> readLatencyHistogram;  ///< bucket k: [2^k, 2^(k+1)) DDR cycles
  std::uint64_t readTransactions = 0;
  std::uint64_t readLatencySumCycles = 0;
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
  /// The design's analytical model (`analytical.model`) at the tiling this
  /// phase ran; 0 where no model applies (layers without weights, the host).
  std::uint64_t analyticalCycles = 0;
  std::uint64_t eftrainCycles = 0;   ///< the authors' model (sim/analytical/EfTrainAnalytical)
  std::uint64_t rooflineCycles = 0;  ///< Zhang et al.'s roofline (sim/analytical/Roofline)
  std::uint64_t flops = 0;
  std::uint64_t steps = 0;
  std::uint64_t macs = 0;            ///< MACs issued with data (padding and dilation zeros included)
  std::uint64_t computeBusyCycles = 0;
  /// Where `cycles` went (the three sum to it; docs/modelling.md, "Stall
  /// breakdown"): the datapath computing or draining; waiting on transfers
  /// as long as the stream rate and start cost alone make them; waiting
  /// longer than that because of the memory (DDR4 latency, queueing, refresh).
  std::uint64_t computeCycles = 0, dmaWaitCycles = 0, ddrStallCycles = 0;
  std::array<StreamCounters, schedule::kNumStreams> streams{};
  schedule::MacTiling tiling;
  bool hasTiling = false;
  DdrCounters ddr;                   ///< DDR activity between the phase's start and end
  EnergyFj energy;                   ///< zero unless the run's energy was modelled

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
  MemoryRunStats memory;
  bool energyModelled = false;  ///< the board has an energy table
  double wallSeconds = 0;  ///< host time of the simulation itself (not simulated time)
};

inline DdrCounters& DdrCounters::operator+=(const DdrCounters& o) {
  activates += o.activates;
  precharges += o.precharges;
  reads += o.reads;
  writes += o.writes;
  refreshes += o.refreshes;
  rowHits += o.rowHits;
  rowMisses += o.rowMisses;
  rowConflicts += o.rowConflicts;
  dataBytes += o.dataBytes;
  axiBursts += o.axiBursts;
  bankRefreshes += o.bankRefreshes;
  rankActiveCycles += o.rankActiveCycles;
  return *this;
}

inline DdrCounters& DdrCounters::operator-=(const DdrCounters& o) {
  activates -= o.activates;
  precharges -= o.precharges;
  reads -= o.reads;
  writes -= o.writes;
  refreshes -= o.refreshes;
  rowHits -= o.rowHits;
  rowMisses -= o.rowMisses;
  rowConflicts -= o.rowConflicts;
  dataBytes -= o.dataBytes;
  axiBursts -= o.axiBursts;
  bankRefreshes -= o.bankRefreshes;
  rankActiveCycles -= o.rankActiveCycles;
  return *this;
}

inline double DdrCounters::rowHitRate() const {
  const std::uint64_t n = rowHits + rowMisses + rowConflicts;
  return n ? static_cast<double>(rowHits) / static_cast<double>(n) : 0.0;
}

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

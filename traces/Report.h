#pragma once
// One row per layer × phase (the parts of a phase, e.g. a gradient sum that
// precedes a BP, are added into its row), and the run's totals, as the
// accelerator family computed them (families/*). Everything a writer prints
// comes from here, so the console, summary.json and layers.csv always agree.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/resources/ResourceModel.h"
#include "sim/schedule/BufferUsage.h"
#include "sim/schedule/Program.h"
#include "sim/stats/RunResult.h"
#include "sim/workload/Network.h"

namespace ftsim::traces {

struct LayerRow {
  std::string layer;
  std::string type;  ///< conv, fc, relu, ... or "host" for the loss
  schedule::Phase phase = schedule::Phase::FP;
  std::string unit;  ///< pe_array, vector, host
  std::uint64_t cycles = 0;
  std::uint64_t analyticalCycles = 0;  ///< 0: no analytical model covers this row
  std::uint64_t eftrainCycles = 0, rooflineCycles = 0;
  std::uint64_t flops = 0;
  std::uint64_t bytesRead = 0;
  std::uint64_t bytesWritten = 0;
  std::uint64_t transfers = 0;
  std::uint64_t computeBusyCycles = 0;
  std::uint64_t computeCycles = 0, dmaWaitCycles = 0, ddrStallCycles = 0;  ///< sum to `cycles`
  std::uint64_t steps = 0;
  bool hasTiling = false;
  schedule::MacTiling tiling;
  stats::DdrCounters ddr;  ///< DDR commands and row outcomes during this row's phases
  stats::EnergyFj energy;  ///< zero unless the report's energy is modelled

  double seconds(double clockMhz) const { return static_cast<double>(cycles) / (clockMhz * 1e6); }
  double gflops(double clockMhz) const { return cycles ? static_cast<double>(flops) / seconds(clockMhz) / 1e9 : 0.0; }
  /// (sim − analytical) / analytical, in percent.
  double modelErrorPercent() const {
    return analyticalCycles ? 100.0 * (static_cast<double>(cycles) - static_cast<double>(analyticalCycles)) /
                                  static_cast<double>(analyticalCycles)
                            : 0.0;
  }
};

struct Report {
  std::string design;
  std::string memoryModel;
  double clockMhz = 0;
  int batch = 0;
  std::uint64_t seed = 0;
  std::vector<LayerRow> rows;
  std::uint64_t totalCycles = 0;
  std::uint64_t analyticalCycles = 0;  ///< over the rows a model covers (conv/FC)
  std::uint64_t analyticalCoveredCycles = 0;  ///< simulated cycles of those rows
  std::uint64_t eftrainCycles = 0, rooflineCycles = 0;
  std::uint64_t flops = 0;
  std::uint64_t macCycles = 0;     ///< cycles of conv/FC phases
  std::uint64_t otherCycles = 0;   ///< pooling, batch norm, ReLU, adds
  std::uint64_t hostCycles = 0;    ///< loss on the host
  std::uint64_t computeCycles = 0, dmaWaitCycles = 0, ddrStallCycles = 0;  ///< stall breakdown of all rows
  std::uint64_t bytesRead = 0, bytesWritten = 0;
  std::vector<schedule::BufferUse> buffers;
  stats::MemoryRunStats memory;  ///< DDR4 run totals (empty under the ideal memory)
  bool energyModelled = false;
  stats::EnergyFj energy;        ///< sum of the rows
  double wallSeconds = 0;
  std::optional<resources::ResourceEstimate> resources;  ///< summary.json "resources" when set
  /// A functional run's results (summary.json "functional"; docs/functional.md).
  struct Functional {
    double loss = 0;                    ///< mean cross entropy of the batch, before BP
    double learningRate = 0;
    std::string weightChecksumFnv1a64;  ///< of the updated parameters (16 hex digits)
    double weightSum = 0;
    std::uint64_t bytesLoaded = 0, bytesStored = 0;  ///< payload bytes the DMAs carried to / from the datapath
    std::uint64_t backingStoreBytes = 0;             ///< DRAM pages the run touched
    /// workload.mode inference: one FP, no loss and no update; the last
    /// layer's output (logits) is the result.
    bool inference = false;
    std::string logitsChecksumFnv1a64;  ///< of the logits' fp32 bytes, [B][classes] (16 hex digits)
    double logitsSum = 0;
  };
  std::optional<Functional> functional;

  double seconds() const { return static_cast<double>(totalCycles) / (clockMhz * 1e6); }
  bool hasDdr() const { return memoryModel == "ddr4"; }
  /// DDR data-bus bytes over what the bus could move in the run's time.
  double ddrUtilisation() const {
    return memory.peakBytesPerSecond > 0 && totalCycles
               ? static_cast<double>(memory.total.dataBytes) / (memory.peakBytesPerSecond * seconds())
               : 0.0;
  }
  double gflops() const { return totalCycles ? static_cast<double>(flops) / seconds() / 1e9 : 0.0; }
  /// (simulated − analytical) / analytical over the rows a model covers, in percent.
  double analyticalErrorPercent() const {
    return analyticalCycles ? 100.0 * (static_cast<double>(analyticalCoveredCycles) - static_cast<double>(analyticalCycles)) /
                                  static_cast<double>(analyticalCycles)
                            : 0.0;
  }
  /// Over the conv/FC phases only (all FLOPs are theirs).
  double macGflops() const {
    return macCycles ? static_cast<double>(flops) / (static_cast<double>(macCycles) / (clockMhz * 1e6)) / 1e9 : 0.0;
  }
  double energyJoules() const { return static_cast<double>(energy.total()) * 1e-15; }
  double powerWatts() const { return totalCycles ? energyJoules() / seconds() : 0.0; }
  double gflopsPerWatt() const { return energy.total() ? static_cast<double>(flops) / energyJoules() / 1e9 : 0.0; }
};

}  // namespace ftsim::traces

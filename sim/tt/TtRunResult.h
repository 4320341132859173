#pragma once
// What a simulation of the TT engine measured, in plain C++: the SystemC
// model fills it, the report writers read it. One entry per operation of
// the program, in program order.

#include <cstdint>
#include <string>
#include <vector>

namespace ftsim::tt {

struct TtOpResult {
  std::uint64_t startCycle = 0;
  std::uint64_t cycles = 0;
  /// A per-op roofline (sim/analytical/TtRoofline), filled after the run.
  std::uint64_t analyticalCycles = 0;
  std::uint64_t bytesRead = 0;         ///< from DDR
  std::uint64_t transfers = 0;
};

struct TtRunResult {
  std::string memoryModel;
  double clockMhz = 0;
  std::uint64_t totalCycles = 0;
  std::vector<TtOpResult> ops;
  std::uint64_t peBusyCycles = 0, vectorBusyCycles = 0, dmaBusyCycles = 0;
  std::uint64_t macs = 0;
  double wallSeconds = 0;
  bool functional = false;
  double loss = 0;                    ///< functional: mean cross-entropy of the batch
  std::uint64_t weightChecksum = 0;   ///< functional: FNV-1a of the updated weights
};

}  // namespace ftsim::tt

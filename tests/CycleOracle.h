#pragma once
// A per-cycle reference of the EF-Train system under the ideal memory: it
// advances every unit one clock cycle at a time (no event skipping) and
// implements the same rules from the configs independently of the SystemC
// models. On small cases its cycle counts must equal the event-driven
// simulation's, phase by phase.

#include <cstdint>
#include <vector>

#include "models/accel/EfTrainConfig.h"
#include "models/memory/MemoryConfig.h"
#include "sim/schedule/Program.h"

namespace ftsim::test {

/// Cycles of every phase of `prog`, in program order.
std::vector<std::uint64_t> oraclePhaseCycles(const schedule::Program& prog, const models::EfTrainConfig& accel,
                                             const models::IdealMemoryConfig& mem);

}  // namespace ftsim::test

#pragma once
// The report of an EF-Train run: one row per layer × phase (the parts of a
// phase, e.g. a gradient sum that precedes a BP, are added into its row) and
// the run's totals, from what the simulation measured.

#include <vector>

#include "sim/schedule/BufferUsage.h"
#include "sim/stats/RunResult.h"
#include "sim/workload/Network.h"
#include "traces/Report.h"

namespace ftsim::families::eftrain {

traces::Report makeReport(const stats::RunResult& run, const workload::Network& net,
                          std::vector<schedule::BufferUse> buffers);

}  // namespace ftsim::families::eftrain

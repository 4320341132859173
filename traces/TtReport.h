#pragma once
// Reports of a tensorized-training run: the rows of traces::Report (so
// summary.json keeps schema ftsim.summary/1 and layers.csv its columns) plus
// what only this family has — the training memory against full-size fp32
// training by component and along the rank schedule, the on-chip buffers on
// BRAM/URAM, the contraction order of every network, DSP use and the
// embedded-CPU comparison (estimates). Energy, on a board with an energy
// table, is in the rows (sim/energy/TtEnergyModel).

#include <ostream>
#include <string>

#include "sim/tt/TtDesign.h"
#include "sim/tt/TtRunResult.h"
#include "traces/Report.h"

namespace ftsim::config { struct DesignConfig; }

namespace ftsim::traces {

Report makeTtReport(const config::DesignConfig& d, const tt::TtDesignPlan& plan, const tt::TtRunResult& run);

/// summary.json: the common schema plus accelerator, training_memory,
/// on_chip, contraction_orders, resources, cpu_baseline (and functional).
std::string ttSummaryJson(const config::DesignConfig& d, const tt::TtDesignPlan& plan, const tt::TtRunResult& run,
                          const Report& report);

void printTtConsoleSummary(const config::DesignConfig& d, const tt::TtDesignPlan& plan, const tt::TtRunResult& run,
                           const Report& report, std::ostream& os);

/// `ftsim check` of a tt design: configuration, contraction orders, memory, buffers.
void describeTtDesign(const config::DesignConfig& d, const tt::TtDesignPlan& plan, std::ostream& os);

}  // namespace ftsim::traces

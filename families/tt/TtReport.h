#pragma once
// Reports of a tensorized-training run: the rows of traces::Report (so
// summary.json keeps schema ftsim.summary/1 and layers.csv its columns) plus
// what only this family has — the training memory against full-size fp32
// training by component and along the rank schedule, the on-chip buffers on
// BRAM/URAM, the contraction order of every network, DSP use and the
// embedded-CPU comparison (estimates). The family (TtFamily) computes every
// figure, energy included; these writers, the TT family's part of the report,
// only format (namespace traces, like the writers they extend).

#include <optional>
#include <ostream>
#include <string>

#include "families/tt/TtDesign.h"
#include "sim/tt/TtRunResult.h"
#include "traces/Report.h"

namespace ftsim::config { struct DesignConfig; }

namespace ftsim::traces {

/// The step on the design's embedded CPU (estimates, see cpu_baseline).
struct TtCpuEstimate {
  double cpuSeconds = 0, accelSeconds = 0, speedup = 0, energyRatio = 0;
  bool hasEnergy = false;
  /// CPU energy over the accelerator's modelled energy (when energy is modelled).
  double modelledEnergyRatio = 0;
  bool hasModelledEnergy = false;
};

/// summary.json: the common schema plus accelerator, training_memory,
/// on_chip, contraction_orders, resources, cpu_baseline (when estimated; and functional).
std::string ttSummaryJson(const config::DesignConfig& d, const tt::TtDesignPlan& plan, const tt::TtRunResult& run,
                          const Report& report, const resources::ResourceEstimate& resources,
                          const std::optional<TtCpuEstimate>& cpuEstimate);

void printTtConsoleSummary(const config::DesignConfig& d, const tt::TtDesignPlan& plan, const tt::TtRunResult& run,
                           const Report& report, const std::optional<TtCpuEstimate>& cpuEstimate, std::ostream& os);

/// `ftsim check` of a tt design: configuration, contraction orders, memory, buffers.
void describeTtDesign(const config::DesignConfig& d, const tt::TtDesignPlan& plan, std::ostream& os);

}  // namespace ftsim::traces

#pragma once
// The analytical models beside a simulated run: every conv/FC phase gets the
// authors' closed-form model (sim/analytical/EfTrainAnalytical) and Zhang et
// al.'s roofline (sim/analytical/Roofline) at the tiling it ran, computed
// from the layer's shape and the accelerator's parameters only; the design's
// `analytical.model` fills the analytical cycles of the outputs.

#include "sim/config/DesignConfig.h"
#include "sim/stats/RunResult.h"

namespace ftsim::analytical {

/// The roofline's bandwidth in bytes per accelerator cycle: the design's
/// `analytical.roofline.bandwidth_gb_per_s`, else the board DDR's peak.
double rooflineBytesPerCycle(const config::DesignConfig& d);

void annotateModels(const config::DesignConfig& d, stats::RunResult& run);

}  // namespace ftsim::analytical

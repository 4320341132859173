#pragma once
// Tensorized training (Zhang et al., arXiv 2104.03420; Tian et al., arXiv
// 2501.06663): tensor-train compressed layers trained with every tensor on
// chip (`accelerator.kind: tt`).

#include "families/AcceleratorFamily.h"
#include "families/tt/TtDesign.h"
#include "sim/tt/TtRunResult.h"
#include "families/tt/TtReport.h"

namespace ftsim::families::tt {

const AcceleratorFamily& family();

/// The rows and totals of a run: one row per layer × phase, energy from the
/// design's table when its board has one.
traces::Report makeTtReport(const config::DesignConfig& d, const ftsim::tt::TtDesignPlan& plan,
                            const ftsim::tt::TtRunResult& run);

/// The step on the design's embedded CPU against the run (estimates).
traces::TtCpuEstimate estimateCpu(const config::DesignConfig& d, const ftsim::tt::TtDesignPlan& plan,
                                  const traces::Report& r);

}  // namespace ftsim::families::tt

#pragma once
// EF-Train (Tang et al., TODAES 2022): one fp32 Tm×Tn MAC array that runs
// FP, BP and WU, fed by data-reshaping DMAs (`accelerator.kind: eftrain`).

#include "families/AcceleratorFamily.h"
#include "sim/schedule/Scheduler.h"

namespace ftsim::families::eftrain {

const AcceleratorFamily& family();

/// What the scheduler needs from a design.
schedule::SchedulerInputs schedulerInputs(const config::DesignConfig& d);

}  // namespace ftsim::families::eftrain

#pragma once
// A cost of the simulator's own steps, used only to choose a tiling under
// `accelerator.tiling.policy: simulated` (ftsim's own choice, kept so older
// figures can be reproduced). It walks the step list the simulator executes,
// so it is not a reference for the simulation: the analytical model is the
// closed form in sim/analytical. Per-tile terms as in EF-Train's paper:
//
//   tIFM  = tstart + ⌈Tn/DMAp⌉·((Tr−1)S+K)·((Tc−1)S+K)
//   tCOMP = Tr·Tc·K²
//   FP: tWEI = ⌈Tm·Tn/DMAp⌉·K²          tOUT = ⌈Tm/DMAp⌉·Tr·Tc
//   BP: tWEI = ⌈Tm·Tn/DMAp⌉·K² + tstart
//   WU: weight write-back ⌈Tm·Tn/DMAp⌉·K²; output-gradient load ⌈Tm/DMAp⌉·Tr·Tc + tstart
//
// and a ping-pong step costs the max of the operations that overlap in it:
// the loads of step k, the compute of step k−1 and the stores of step k−2.
// Layers without weights (vector passes) are costed the same way, each
// transfer paying tstart + ⌈lanes/DMAp⌉ per pixel.
//
// What the model leaves out, and the simulator counts: the start cost of
// output and FP weight transfers, the datapath's pipeline fill per tile, an
// initiation interval above 1 when an accumulator is updated again before
// the adder returns, memory latency, and the real (clipped, packed) size of
// border tiles instead of the padded window.

#include <cstdint>
#include <vector>

#include "sim/core/Units.h"
#include "sim/schedule/Program.h"

namespace ftsim::schedule {

struct StepCostParams {
  std::uint64_t tstartCycles = 400;
  int dmaWordsPerCycle = 4;
};

/// The modelled cost of one phase and its terms.
struct StepCost {
  Cycles cycles;
  Cycles computeCycles;  ///< Σ tCOMP
  Cycles loadCycles;     ///< Σ of the largest load per step
  Cycles storeCycles;    ///< Σ of the largest store per step
};

class StepCostModel {
 public:
  explicit StepCostModel(StepCostParams p) : m_p(p) {}

  Cycles opCycles(const DmaOp& op, ComputeMode mode) const;
  Cycles computeCycles(const Step& s) const { return Cycles(s.iterations); }
  StepCost estimate(const std::vector<Step>& steps) const;

 private:
  StepCostParams m_p;
};

}  // namespace ftsim::schedule

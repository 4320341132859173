#pragma once
// EF-Train's analytical latency model (TODAES 2022), evaluated on the same
// steps the simulator executes:
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

namespace ftsim::analytical {

struct ModelParams {
  std::uint64_t tstartCycles = 400;
  int dmaWordsPerCycle = 4;
};

/// The modelled cost of one phase and its terms.
struct PhaseEstimate {
  Cycles cycles;
  Cycles computeCycles;  ///< Σ tCOMP
  Cycles loadCycles;     ///< Σ of the largest load per step
  Cycles storeCycles;    ///< Σ of the largest store per step
};

class EfTrainModel {
 public:
  explicit EfTrainModel(ModelParams p) : m_p(p) {}

  Cycles opCycles(const schedule::DmaOp& op, schedule::ComputeMode mode) const;
  Cycles computeCycles(const schedule::Step& s) const { return Cycles(s.iterations); }
  PhaseEstimate estimate(const std::vector<schedule::Step>& steps) const;

 private:
  ModelParams m_p;
};

}  // namespace ftsim::analytical

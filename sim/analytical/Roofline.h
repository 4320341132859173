#pragma once
// The roofline model of Zhang et al., "Optimizing FPGA-based Accelerator
// Design for Deep Convolutional Neural Networks", FPGA 2015, Sec. 3, for one
// conv/FC phase at a tiling:
//
//   computational roof = FLOPs / execution cycles,
//       execution cycles = ⌈M/Tm⌉·⌈N/Tn⌉·(R/Tr)·(C/Tc)·Tr·Tc·K² = ⌈M/Tm⌉·⌈N/Tn⌉·R·C·K² per image
//   CTC ratio = FLOPs / external bytes,
//       bytes = α_in·B_in + α_wght·B_wght + α_out·B_out (words × word size)
//       B_in = Tn·(S·Tr + K − S)·(S·Tc + K − S), B_wght = Tm·Tn·K², B_out = Tm·Tr·Tc
//       α_in = α_wght = ⌈M/Tm⌉·⌈N/Tn⌉·⌈R/Tr⌉·⌈C/Tc⌉
//       α_out = ⌈M/Tm⌉·⌈R/Tr⌉·⌈C/Tc⌉ with output reuse (outputs stay on chip
//               across the N loop), = α_in without
//   attainable = min(computational roof, CTC × bandwidth)
//
// per image, times the batch. The paper's trip counts are ratios; the
// transfers here are whole tiles, so α counts them with ceilings. In training, BP is the same convolution
// over the transposed shape; WU reads the input window and the output
// gradient tile (Tm·Tr·Tc in the weight operand's place) and writes dW
// (Tm·Tn·K² in the output's place), which stays on chip for the batch with
// output reuse (α_out = ⌈M/Tm⌉·⌈N/Tn⌉ once) and is written per trip without.
// The model ignores transfer start costs and pipeline fill: it is a bound.

#include <cstdint>

#include "sim/analytical/EfTrainAnalytical.h"

namespace ftsim::analytical {

struct RooflineParams {
  int tm = 16, tn = 16;
  double bytesPerCycle = 0;  ///< the platform's memory bandwidth per accelerator cycle
  int wordBytes = 4;
  bool outputReuse = true;
};

struct RooflineEstimate {
  std::uint64_t flops = 0;
  std::uint64_t computeCycles = 0;   ///< the computational roof's execution cycles
  std::uint64_t bytes = 0;           ///< external traffic
  double computationalRoof = 0;      ///< FLOPs per cycle
  double ctcRatio = 0;               ///< FLOPs per byte
  double attainable = 0;             ///< FLOPs per cycle: min(roof, CTC × bandwidth)
  std::uint64_t cycles = 0;          ///< ⌈FLOPs / attainable⌉ = max(compute, bytes / bandwidth)
  bool memoryBound = false;
};

RooflineEstimate roofline(const ConvShape& shape, Pass pass, const EfTrainTiling& tiling, const RooflineParams& p);

}  // namespace ftsim::analytical

// Compiles every kernel under the HLS subset: the poison header first, then
// the kernels, then one explicit instantiation of each template per array
// shape the simulator uses. Built as its own target (ftsim_kernels_subset)
// with -fno-exceptions -fno-rtti; a kernel that allocates, throws, uses an
// STL container or a double fails this build. tools/check_no_recursion.py
// reads the call graph GCC writes for this unit (-fcallgraph-info).
#include "models/kernels/HlsSubset.h"

#include "models/kernels/Clip.h"
#include "models/kernels/Dropout.h"
#include "models/kernels/GroupWeights.h"
#include "models/kernels/Lfsr.h"
#include "models/kernels/MacTile.h"
#include "models/kernels/TtContraction.h"
#include "models/kernels/TtFormat.h"
#include "models/kernels/TtQuantizer.h"
#include "models/kernels/VectorKernels.h"
#include "models/kernels/WeightLoader.h"

namespace ftsim::kernels {

#define FTSIM_MAC_INSTANCES(TM, TN)                                                                             \
  template void macTile<TM, TN, 11, 2486, 2016>(const float[TN][2486], const float[TM][TN][121], float[TM][2016], \
                                                const MacTile&);                                               \
  template void macTileWeightGrad<TM, TN, 11, 2486, 2016>(const float[TN][2486], const float[TM][2016],          \
                                                          float[TM][TN][121], const MacTile&);                  \
  template void loadWeightBlock<TM, TN, 11>(const float*, const WeightBlock&, float[TM][TN][121]);               \
  template void writeBackWeightBlock<TM, TN, 11>(const float[TM][TN][121], const float*, float*,                 \
                                                 const WeightBlock&, float);                                     \
  template void clearWeightTile<TM, TN, 11>(float[TM][TN][121]);                                               \
  template void loadGroupWeightBlock<TM, TN, 11>(const float*, const WeightBlock&, const GroupTile&,             \
                                                 float[TM][TN][121]);                                            \
  template void writeBackGroupWeightBlock<TM, TN, 11>(const float[TM][TN][121], const float*, float*,            \
                                                      const WeightBlock&, const GroupTile&, float);

FTSIM_MAC_INSTANCES(16, 16)
FTSIM_MAC_INSTANCES(8, 16)
FTSIM_MAC_INSTANCES(16, 8)
FTSIM_MAC_INSTANCES(32, 16)

template void clearLanes<16, 2016>(float[16][2016], int);
template void reluForward<16, 2016>(const float[16][2016], float[16][2016], int, int);
template void reluBackward<16, 2016>(const float[16][2016], const float[16][2016], float[16][2016], int, int);
template void reluInPlace<16, 2016>(float[16][2016], int, int);
template void addTiles<16, 2016>(const float[16][2016], const float[16][2016], float[16][2016], int, int, bool);
template void maxPoolForward<16, 2486, 2016>(const float[16][2486], float[16][2016], std::uint16_t[16][2016],
                                             const PoolTile&, int);
template void maxPoolBackward<16, 2486, 2016>(const float[16][2016], const std::uint16_t[16][2016], float[16][2486],
                                              const PoolTile&, int);
template void avgPoolForward<16, 2486, 2016>(const float[16][2486], float[16][2016], const PoolTile&, int);
template void avgPoolBackward<16, 2486, 2016>(const float[16][2016], float[16][2486], const PoolTile&, int);
template void bnAccumulateStats<16, 2016>(const float[16][2016], float[16], float[16], int, int);
template void bnApply<16, 2016>(const float[16][2016], float[16][2016], const float[16], const float[16],
                                const float[16], const float[16], int, int, bool);
template void bnAccumulateGrad<16, 2016>(const float[16][2016], const float[16][2016], const float[16],
                                         const float[16], float[16], float[16], int, int);
template void bnBackward<16, 2016>(const float[16][2016], const float[16][2016], float[16][2016], const float[16],
                                   const float[16], const float[16], const float[16], const float[16], float, int,
                                   int);
template void relu6Forward<16, 2016>(const float[16][2016], float[16][2016], int, int);
template void relu6Backward<16, 2016>(const float[16][2016], const float[16][2016], float[16][2016], int, int);
template void copyLanes<16, 2016>(const float[16][2016], float[16][2016], int, int);
template void dropoutApply<16, 2016>(const float[16][2016], float[16][2016], const DropoutTile&, int, int);
template void bnParamUpdate<16>(float[16], float[16], const float[16], const float[16], float, int);

// The TT engine's contraction units, one per PE array shape it supports
// (rows and depth each 2, 4, 8, 16 or 32), at the bounds of one layer's
// tables (4,096 entries per leg group, 2^20 elements per operand), and its
// rounding unit at its chunk of 4,096 elements.
using TtSubsetBounds = TtGemmBounds<4096, 4096, 4096, 4096, 1u << 20, 1u << 20, 1u << 20>;

#define FTSIM_TT_GEMM(R, D)                                                                                       \
  template void ttGemmFloat<R, D, TtSubsetBounds>(const TtGemmShape&, const std::uint32_t*, const std::uint32_t*, \
                                                  const std::uint32_t*, const std::uint32_t*, const std::uint32_t*, \
                                                  const std::uint32_t*, const std::uint32_t*, const std::uint32_t*, \
                                                  const std::uint32_t*, const float*, const float*, float*);      \
  template void ttGemmInt<R, D, TtSubsetBounds>(const TtGemmShape&, const std::uint32_t*, const std::uint32_t*,   \
                                                const std::uint32_t*, const std::uint32_t*, const std::uint32_t*,   \
                                                const std::uint32_t*, const std::uint32_t*, const std::uint32_t*,   \
                                                const std::uint32_t*, const float*, const float*, std::int64_t*);
#define FTSIM_TT_GEMM_DEPTHS(R) \
  FTSIM_TT_GEMM(R, 2) FTSIM_TT_GEMM(R, 4) FTSIM_TT_GEMM(R, 8) FTSIM_TT_GEMM(R, 16) FTSIM_TT_GEMM(R, 32)
FTSIM_TT_GEMM_DEPTHS(2)
FTSIM_TT_GEMM_DEPTHS(4)
FTSIM_TT_GEMM_DEPTHS(8)
FTSIM_TT_GEMM_DEPTHS(16)
FTSIM_TT_GEMM_DEPTHS(32)
#undef FTSIM_TT_GEMM_DEPTHS
#undef FTSIM_TT_GEMM

template void ttQuantizeAcc<kTtMaxBlock>(const std::int64_t*, int, const TtFormat&, Rounding, LaneRandom&, float*,
                                         std::uint64_t);
template void ttQuantizeValues<kTtMaxBlock>(const float*, int, const TtFormat&, Rounding, LaneRandom&, float*,
                                            std::int64_t*, std::uint64_t);

/// Non-template kernels must be odr-used to appear in the call graph.
float subsetNonTemplates(float a, float b, float& mean, float& invStd) {
  bnFinalizeStats(a, b, 4.0f, 1e-5f, mean, invStd);
  LaneRandom lanes(7, 16);
  return relu(a) + static_cast<float>(lanes.draw16(3));
}

}  // namespace ftsim::kernels

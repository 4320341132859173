#pragma once
// Expands a phase plan into the steps the controller executes, in the loop
// order of EF-Train's HLS top, each marked with where it sits in that loop
// nest (Step::groupStart, scopeEnd, storeAfterCompute) so that the
// controller can overlap them as the top's ping-pong code does.

#include <vector>

#include "sim/schedule/Program.h"

namespace ftsim::schedule {

/// Which DMA operations a MAC phase's steps carry.
enum class LoadPlan : std::uint8_t {
  /// What EF-Train's HLS top loads (HLS/hls_main6.cpp): BP brings the
  /// M_on×Tn weight slab of an input group with the first Tm group
  /// (LOAD_Weights, state 0, loops over every Tm group of the chunk); a WU
  /// whose strip covers the whole map loads the output gradient once per Tm
  /// group ("OFM do not need to repeat [N/Tn] times").
  Hls,
  /// One 16×16 weight tile per (Tm, Tn) pair in BP as in FP; the output
  /// gradient with every WU step.
  PerTile,
};

/// Append the steps of `plan` to `out` (cleared first).
void generateSteps(const Program& program, const PhasePlan& plan, std::vector<Step>& out,
                   LoadPlan loads = LoadPlan::PerTile);

/// Rows [lo, hi) of the phase's input map that output rows [r0, r1) read,
/// clipped to the map, and the padded window height the buffer holds.
struct Window {
  int lo = 0, hi = 0;   ///< real rows (or columns) moved by the DMA
  int padded = 0;       ///< extent in the on-chip buffer, padding (and dilation) included
};
/// `padBefore`: the padding before the first row (column); the padding
/// after the last only decides how many outputs there are.
Window forwardWindow(int o0, int o1, int stride, int padBefore, int kernel, int inExtent);
/// Input rows for a transposed (BP) convolution producing dX rows [o0, o1)
/// from dY: the buffer holds the zero-dilated, padded window (o1-o0+K-1).
Window transposedWindow(int o0, int o1, int stride, int padBefore, int kernel, int inExtent);

/// Input rows of a MAC phase's output rows [o0, o1) (BP: transposed).
Window rowWindow(const MacProblem& m, bool transposed, int o0, int o1);
/// Input columns of output columns [x0, x1). A tile that spans the whole
/// output width reads whole input rows, so that a strip stays one contiguous
/// run even where the stride skips the last columns (a 1×1 stride-2 conv
/// needs 31 of 32 columns; it reads all 32).
Window columnWindow(const MacProblem& m, bool transposed, int x0, int x1);
/// Words per lane the input buffer holds for a Tr×Tc tile.
std::int64_t inputWindowWords(const MacProblem& m, bool transposed, int tr, int tc);

}  // namespace ftsim::schedule

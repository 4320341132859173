// EF-Train's HLS top as ftsim simulates it: one call runs one conv layer x
// phase (FP, BP or WU) over its loop nest
//   M_on chunk -> image -> Tm group -> row strip -> column tile -> Tn group   (FP, BP)
//   M_on chunk -> image -> Tm group -> Tn group -> row strip -> column tile   (WU)
// with the loads and stores of ftsim's schedule (sim/schedule/StepGen.cpp,
// LoadPlan::Hls, after acc() in tangyuelm/EF-Train HLS/hls_main6.cpp). The
// AXI-Stream ports carry the DDR words in the order the host's simple-mode
// DMA transfers move them (transfers_<phase>.csv); the compute is the
// kernels in kernels/, copied verbatim from ftsim's models/kernels/.
//
// Written by `ftsim hls-export`; the design's sizes are in ftsim_design.h.
#include "kernels/HlsSubset.h"

#include "ftsim_design.h"
#include "kernels/MacTile.h"
#include "kernels/VectorKernels.h"
#include "kernels/WeightLoader.h"

namespace {

using namespace ftsim_hls;
namespace k = ftsim::kernels;

constexpr int kKK = kKMax * kKMax;
constexpr int kBlockWords = kTm * kTn * kKK;  ///< one Tm x Tn x K^2 weight block

int minInt(int a, int b) { return a < b ? a : b; }
int maxInt(int a, int b) { return a > b ? a : b; }
int floorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

struct Window {
  int lo, hi, padded, origin, dilation;
};

/// Input rows (or columns) that outputs [o0, o1) read, clipped to the map,
/// and where row `lo` sits in the buffer (sim/schedule/StepGen.cpp
/// forwardWindow / transposedWindow / columnWindow).
Window window(bool transposed, bool wholeWidth, int o0, int o1, int outExtent, int inExtent, int kernel, int stride,
              int pad) {
  Window w;
  if (transposed) {
    w.padded = (o1 - o0) + kernel - 1;
    w.lo = maxInt(0, -floorDiv(-(o0 + pad - kernel + 1), stride));
    w.hi = minInt(inExtent, floorDiv(o1 - 1 + pad, stride) + 1);
    w.origin = o0 - (kernel - 1 - pad);
    w.dilation = stride;
  } else {
    const int first = o0 * stride - pad;
    const int last = (o1 - 1) * stride - pad + kernel;
    w.padded = last - first;
    w.lo = maxInt(0, first);
    w.hi = minInt(inExtent, last);
    w.origin = first;
    w.dilation = 1;
    if (wholeWidth && o0 == 0 && o1 == outExtent) w.padded = maxInt(last, inExtent) - minInt(first, 0);
  }
  if (wholeWidth && o0 == 0 && o1 == outExtent) {
    w.lo = 0;
    w.hi = inExtent;
  }
  if (w.hi < w.lo) w.hi = w.lo;
  return w;
}

/// Read one input window of `lanes` channels from the stream (DDR order:
/// row, column, channel) into bank `bank` of the input buffer.
int loadWindow(const float* in, int pos, float buf[kTn][kInDepth], int lanes, const Window& rw, const Window& cw) {
  k::clearLanes<kTn, kInDepth>(buf, rw.padded * cw.padded);
load_rows:
  for (int h = 0; h < kMaxInExtent; ++h) {
    if (h >= rw.hi - rw.lo) break;
  load_cols:
    for (int w = 0; w < kMaxInExtent; ++w) {
      if (w >= cw.hi - cw.lo) break;
      const int r = (rw.lo + h) * rw.dilation - rw.origin, c = (cw.lo + w) * cw.dilation - cw.origin;
    load_lanes:
      for (int n = 0; n < kTn; ++n) {
        if (n >= lanes) break;
        buf[n][r * cw.padded + c] = in[pos++];
      }
    }
  }
  return pos;
}

}  // namespace

/// state: 0 FP, 1 BP, 2 WU. Channels, extents, kernel, stride and pad are
/// the phase's (BP: outputs are the layer's input channels and map). counts
/// returns the words moved on each stream (in, in2, w, out, wout).
void eftrain_top(const float* in_stream, const float* in2_stream, const float* w_stream, float* out_stream,
                 float* wout_stream, int state, int out_ch, int in_ch, int out_h, int out_w, int in_h, int in_w,
                 int kernel, int stride, int pad, int tr, int tc, int m_on, int images, int weights_resident,
                 int relu_on_store, float lr, int counts[5]) {
#pragma HLS INTERFACE mode=axis port=in_stream
#pragma HLS INTERFACE mode=axis port=in2_stream
#pragma HLS INTERFACE mode=axis port=w_stream
#pragma HLS INTERFACE mode=axis port=out_stream
#pragma HLS INTERFACE mode=axis port=wout_stream
#pragma HLS INTERFACE mode=s_axilite port=state bundle=control
#pragma HLS INTERFACE mode=s_axilite port=out_ch bundle=control
#pragma HLS INTERFACE mode=s_axilite port=in_ch bundle=control
#pragma HLS INTERFACE mode=s_axilite port=out_h bundle=control
#pragma HLS INTERFACE mode=s_axilite port=out_w bundle=control
#pragma HLS INTERFACE mode=s_axilite port=in_h bundle=control
#pragma HLS INTERFACE mode=s_axilite port=in_w bundle=control
#pragma HLS INTERFACE mode=s_axilite port=kernel bundle=control
#pragma HLS INTERFACE mode=s_axilite port=stride bundle=control
#pragma HLS INTERFACE mode=s_axilite port=pad bundle=control
#pragma HLS INTERFACE mode=s_axilite port=tr bundle=control
#pragma HLS INTERFACE mode=s_axilite port=tc bundle=control
#pragma HLS INTERFACE mode=s_axilite port=m_on bundle=control
#pragma HLS INTERFACE mode=s_axilite port=images bundle=control
#pragma HLS INTERFACE mode=s_axilite port=weights_resident bundle=control
#pragma HLS INTERFACE mode=s_axilite port=relu_on_store bundle=control
#pragma HLS INTERFACE mode=s_axilite port=lr bundle=control
#pragma HLS INTERFACE mode=s_axilite port=counts bundle=control
#pragma HLS INTERFACE mode=s_axilite port=return bundle=control
  // The on-chip arrays, partitioned along banks and lanes by directives.tcl.
  static float ifm[kInBanks][kTn][kInDepth];
  static float ofm[kOutBanks][kTm][kOutDepth];
  static float wbuf[kWeightBanks][kWeightTiles][kTm][kTn][kKK];
  static float blockIn[kBlockWords];
  static float blockOut[kBlockWords];
  const bool bp = state == 1, wu = state == 2;
  const int kk = kernel * kernel;
  const int nGroups = (in_ch + kTn - 1) / kTn;
  const int slotsPerGroup = (nGroups + kWeightBanks - 1) / kWeightBanks;
  // WU over a map that one strip covers: acc()'s `custom_Tr >= R` branch
  // loads the output gradient once per Tm group.
  const bool wuOneStrip = wu && tr >= out_h && tc >= out_w;
  int pin = 0, pin2 = 0, pw = 0, pout = 0, pwout = 0;

chunk_loop:
  for (int ci = 0; ci < kMaxChannels / kTm; ++ci) {
    const int c0 = ci * m_on;
    if (c0 >= out_ch) break;
    const int c1 = minInt(out_ch, c0 + m_on);
  image_loop:
    for (int img = 0; img < kMaxImages; ++img) {
      if (img >= images) break;
    tm_loop:
      for (int g0 = c0; g0 < kMaxChannels; g0 += kTm) {
        if (g0 >= c1) break;
        const int g1 = minInt(c1, g0 + kTm);
        const int gi = (g0 - c0) / kTm;
        if (!wu) {
        strip_loop:
          for (int r0 = 0; r0 < kMaxOutExtent; r0 += tr) {
            if (r0 >= out_h) break;
            const int r1 = minInt(out_h, r0 + tr);
            const Window rw = window(bp, false, r0, r1, out_h, in_h, kernel, stride, pad);
          col_loop:
            for (int x0 = 0; x0 < kMaxOutExtent; x0 += tc) {
              if (x0 >= out_w) break;
              const int x1 = minInt(out_w, x0 + tc);
              const Window cw = window(bp, true, x0, x1, out_w, in_w, kernel, stride, pad);
              const int rows = r1 - r0, cols = x1 - x0;
              const int ob = ((r0 / tr) + (x0 / tc)) % kOutBanks;
            tn_loop:
              for (int n0 = 0; n0 < kMaxChannels; n0 += kTn) {
                if (n0 >= in_ch) break;
                const int n1 = minInt(in_ch, n0 + kTn);
                const int ni = n0 / kTn;
                const int wb = ni % kWeightBanks;
                // Weights: a resident slab comes with the first image's
                // first strip (BP: the whole M_on x Tn slab with the first
                // Tm group); otherwise every step brings its tile.
                const bool firstVisit = img == 0 && r0 == 0 && x0 == 0;
                if (!weights_resident || (firstVisit && (!bp || g0 == c0))) {
                  const int ga = !weights_resident || !bp ? g0 : c0;
                  const int gb = !weights_resident || !bp ? g1 : c1;
                weight_groups:
                  for (int q = ga; q < kMaxChannels; q += kTm) {
                    if (q >= gb) break;
                    // A resident slab keeps every (Tm, Tn) tile of the chunk; otherwise
                    // one tile per bank is enough.
                    const int tile = weights_resident ? ((q - c0) / kTm) * slotsPerGroup + ni / kWeightBanks : 0;
                    ftsim::kernels::WeightBlock b;
                    b.mCount = bp ? n1 - n0 : minInt(gb, q + kTm) - q;
                    b.nCount = bp ? minInt(gb, q + kTm) - q : n1 - n0;
                    b.kernel = kernel;
                    b.reshaped = true;
                    b.flipTranspose = bp;
                    const int words = b.mCount * b.nCount * kk;
                  weight_words:
                    for (int i = 0; i < kBlockWords; ++i) {
                      if (i >= words) break;
                      blockIn[i] = w_stream[pw++];
                    }
                    k::clearWeightTile<kTm, kTn, kKMax>(wbuf[wb][tile]);
                    k::loadWeightBlock<kTm, kTn, kKMax>(blockIn, b, wbuf[wb][tile]);
                  }
                }
                const int ib = ni % kInBanks;
                pin = loadWindow(in_stream, pin, ifm[ib], n1 - n0, rw, cw);
                if (n0 == 0) k::clearLanes<kTm, kOutDepth>(ofm[ob], rows * cols);
                const k::MacTile mt{rows, cols, cw.padded, kernel, bp ? 1 : stride};
                const int tile = weights_resident ? gi * slotsPerGroup + ni / kWeightBanks : 0;
                k::macTile<kTm, kTn, kKMax, kInDepth, kOutDepth>(ifm[ib], wbuf[wb][tile], ofm[ob], mt);
                if (n1 == in_ch) {
                store_rows:
                  for (int p = 0; p < kOutDepth; ++p) {
                    if (p >= rows * cols) break;
                  store_lanes:
                    for (int m = 0; m < kTm; ++m) {
                      if (m >= g1 - g0) break;
                      const float v = ofm[ob][m][p];
                      out_stream[pout++] = relu_on_store ? k::relu(v) : v;
                    }
                  }
                }
              }
            }
          }
        } else {
        wu_tn_loop:
          for (int n0 = 0; n0 < kMaxChannels; n0 += kTn) {
            if (n0 >= in_ch) break;
            const int n1 = minInt(in_ch, n0 + kTn);
            const int ni = n0 / kTn;
            const int wb = ni % kWeightBanks;
            const int tile = gi * slotsPerGroup + ni / kWeightBanks;
          wu_strip_loop:
            for (int r0 = 0; r0 < kMaxOutExtent; r0 += tr) {
              if (r0 >= out_h) break;
              const int r1 = minInt(out_h, r0 + tr);
              const Window rw = window(false, false, r0, r1, out_h, in_h, kernel, stride, pad);
            wu_col_loop:
              for (int x0 = 0; x0 < kMaxOutExtent; x0 += tc) {
                if (x0 >= out_w) break;
                const int x1 = minInt(out_w, x0 + tc);
                const Window cw = window(false, true, x0, x1, out_w, in_w, kernel, stride, pad);
                const int rows = r1 - r0, cols = x1 - x0;
                // dW of the (Tm, Tn) pair accumulates over the whole batch.
                if (img == 0 && r0 == 0 && x0 == 0) k::clearWeightTile<kTm, kTn, kKMax>(wbuf[wb][tile]);
                pin = loadWindow(in_stream, pin, ifm[0], n1 - n0, rw, cw);
                if (!(wuOneStrip && n0 > 0)) {
                  k::clearLanes<kTm, kOutDepth>(ofm[0], rows * cols);
                wu_dy_rows:
                  for (int p = 0; p < kOutDepth; ++p) {
                    if (p >= rows * cols) break;
                  wu_dy_lanes:
                    for (int m = 0; m < kTm; ++m) {
                      if (m >= g1 - g0) break;
                      ofm[0][m][p] = in2_stream[pin2++];
                    }
                  }
                }
                const k::MacTile mt{rows, cols, cw.padded, kernel, stride};
                k::macTileWeightGrad<kTm, kTn, kKMax, kInDepth, kOutDepth>(ifm[0], ofm[0], wbuf[wb][tile], mt);
                if (img == images - 1 && r1 == out_h && x1 == out_w) {
                  // w - lr * sum(dW): old weights stream in, new ones out.
                  ftsim::kernels::WeightBlock b;
                  b.mCount = g1 - g0;
                  b.nCount = n1 - n0;
                  b.kernel = kernel;
                  b.reshaped = true;
                  const int words = b.mCount * b.nCount * kk;
                wb_in:
                  for (int i = 0; i < kBlockWords; ++i) {
                    if (i >= words) break;
                    blockIn[i] = w_stream[pw++];
                  }
                  k::writeBackWeightBlock<kTm, kTn, kKMax>(wbuf[wb][tile], blockIn, blockOut, b, lr);
                wb_out:
                  for (int i = 0; i < kBlockWords; ++i) {
                    if (i >= words) break;
                    wout_stream[pwout++] = blockOut[i];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  counts[0] = pin;
  counts[1] = pin2;
  counts[2] = pw;
  counts[3] = pout;
  counts[4] = pwout;
}

#pragma once
// The Tm×Tn MAC array of the EF-Train datapath, one tile at a time.
//
// FP and BP (hls_main6.cpp, FIRE, state 1): for every tap (kh, kw), every
// output pixel of the tile and every output lane m, the Tn products of the
// input lanes are summed by a balanced adder tree ((0+1)+(2+3))+…, and the
// tree's sum is added to the output accumulator. Across the Tn groups of a
// layer the accumulator carries on (the output buffer is not cleared between
// them). That is the fp32 summation order of the hardware.
//
// WU (FIRE, state 0): for every output pixel and every tap, each of the Tm×Tn
// weight-gradient accumulators adds dY[m][pixel]·X[n][pixel+tap]; the
// accumulators live in the weight buffer for the whole mini-batch.
//
// Buffers are lane-major: in[Tn][InWords] holds the input window row by row
// (row pitch `inCols`), out[Tm][OutWords] the tile's pixels row by row.

#include <cstdint>

namespace ftsim::kernels {

struct MacTile {
  int rows = 1, cols = 1;  ///< output pixels of the tile (Tr × Tc)
  int inCols = 1;          ///< row pitch of the input window in the buffer
  int kernel = 1;          ///< K
  int stride = 1;          ///< stride inside the window (1 for BP: the window is zero-dilated)
};

/// Smallest power of two >= n (n >= 1), at compile time.
constexpr int treeWidth(int n) {
  int w = 1;
  while (w < n) w *= 2;
  return w;
}

/// The Tn-input adder tree: pairwise levels, leaves beyond Tn are 0.
template <int Tn>
float adderTree(const float leaves[Tn]) {
  constexpr int kWidth = treeWidth(Tn);
  float level[kWidth];
  for (int i = 0; i < kWidth; ++i) level[i] = i < Tn ? leaves[i] : 0.0f;
  for (int width = kWidth / 2; width >= 1; width /= 2)
    for (int i = 0; i < width; ++i) level[i] = level[2 * i] + level[2 * i + 1];
  return level[0];
}

/// out[m][p] += Σ_taps tree_n(w[m][n][tap] · in[n][window(p, tap)]).
template <int Tm, int Tn, int KMax, int InWords, int OutWords>
void macTile(const float in[Tn][InWords], const float w[Tm][Tn][KMax * KMax], float out[Tm][OutWords],
             const MacTile& t) {
mac_kh:
  for (int kh = 0; kh < KMax; ++kh) {
    if (kh >= t.kernel) break;
  mac_kw:
    for (int kw = 0; kw < KMax; ++kw) {
      if (kw >= t.kernel) break;
      const int tap = kh * t.kernel + kw;
    mac_rows:
      for (int r = 0; r < OutWords; ++r) {
        if (r >= t.rows) break;
      mac_cols:
        for (int c = 0; c < OutWords; ++c) {
          // One pixel per cycle: the m and n loops below unroll into Tm x Tn
          // multipliers and Tm adder trees (sim/resources/EfTrainHlsStructure).
#pragma HLS PIPELINE II = 1
          if (c >= t.cols) break;
          const int p = r * t.cols + c;
          const int src = (r * t.stride + kh) * t.inCols + c * t.stride + kw;
          float x[Tn];
          for (int n = 0; n < Tn; ++n) x[n] = in[n][src];
          for (int m = 0; m < Tm; ++m) {
            float prod[Tn];
            for (int n = 0; n < Tn; ++n) prod[n] = w[m][n][tap] * x[n];
            out[m][p] = out[m][p] + adderTree<Tn>(prod);
          }
        }
      }
    }
  }
}

/// dw[m][n][tap] += dy[m][p] · x[n][window(p, tap)], pixel by pixel.
template <int Tm, int Tn, int KMax, int InWords, int OutWords>
void macTileWeightGrad(const float x[Tn][InWords], const float dy[Tm][OutWords], float dw[Tm][Tn][KMax * KMax],
                       const MacTile& t) {
wg_rows:
  for (int r = 0; r < OutWords; ++r) {
    if (r >= t.rows) break;
  wg_cols:
    for (int c = 0; c < OutWords; ++c) {
      if (c >= t.cols) break;
      const int p = r * t.cols + c;
    wg_kh:
      for (int kh = 0; kh < KMax; ++kh) {
        if (kh >= t.kernel) break;
      wg_kw:
        for (int kw = 0; kw < KMax; ++kw) {
          // One tap per cycle, Tm x Tn multiply-adds (an accumulator is
          // revisited every K^2 cycles, past the fadd latency for K >= 3).
#pragma HLS PIPELINE II = 1
          if (kw >= t.kernel) break;
          const int tap = kh * t.kernel + kw;
          const int src = (r * t.stride + kh) * t.inCols + c * t.stride + kw;
          for (int m = 0; m < Tm; ++m)
            for (int n = 0; n < Tn; ++n) dw[m][n][tap] = dy[m][p] * x[n][src] + dw[m][n][tap];
        }
      }
    }
  }
}

/// Clear `words` pixels of every lane of a buffer.
template <int Lanes, int Words>
void clearLanes(float buf[Lanes][Words], int words) {
  for (int l = 0; l < Lanes; ++l)
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      buf[l][i] = 0.0f;
    }
}

}  // namespace ftsim::kernels

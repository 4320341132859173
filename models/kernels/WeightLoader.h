#pragma once
// The weight loader and the weight write-back of the EF-Train datapath.
//
// One weight tensor sits in DDR once; FP, BP and WU read the same bytes in
// the same order. A block is mCount × nCount × K² words of the layer's
// (output m, input n, tap) weights:
//   reshaped: [⌈nCount/4⌉][mCount][K][K][4] (four input channels per 128-bit
//             beat; the last quad is compact when nCount is not a multiple of 4)
//   plain:    [mCount][nCount][K][K]
// FP places word (m, n, tap) at W[m][n][tap]. BP places it at
// W[n][m][K²−1−tap]: the kernel flipped by 180° and the channels swapped,
// while loading, so no transposed copy exists in DDR (hls_main6.cpp,
// LOAD_Weights, state 0). WU streams the old weights in and w − ΣdW·lr out,
// word for word in the same order (Weights_STORE).

#include <cstdint>

namespace ftsim::kernels {

struct WeightBlock {
  int mCount = 0, nCount = 0;    ///< layer output / input channels in the block
  int mOffset = 0, nOffset = 0;  ///< the block's first m, n inside the tile
  int kernel = 1;                ///< K
  bool reshaped = true;          ///< DDR order (see above)
  bool flipTranspose = false;    ///< BP: flip 180° and swap the channels while loading
  /// The part of the block the stream holds, in block channels [mBegin, mEnd)
  /// × [nBegin, nEnd) (−1: the block's end): with Tm ≠ Tn a BP tile (Tm layer
  /// inputs × Tn layer outputs) cuts the Tm×Tn blocks, and the DMA brings the
  /// part's words in block order (models/dma/TensorLayout). Words that fall
  /// outside the Tm×Tn tile are not placed (the part may meet several tiles).
  int mBegin = 0, mEnd = -1, nBegin = 0, nEnd = -1;
};

/// Visit the words of a block in DDR order: f(word, m, n, tap).
template <int MaxBlock, int KMax, typename F>
void visitWeightBlock(const WeightBlock& b, F& f) {
  const int kk = b.kernel * b.kernel;
  const int mEnd = b.mEnd < 0 ? b.mCount : b.mEnd, nEnd = b.nEnd < 0 ? b.nCount : b.nEnd;
  int word = 0;
  if (b.reshaped) {
    for (int q = 0; q < (MaxBlock + 3) / 4; ++q) {
      if (4 * q >= nEnd) break;
      const int quad = b.nCount - 4 * q < 4 ? b.nCount - 4 * q : 4;
      for (int m = 0; m < MaxBlock; ++m) {
        if (m >= mEnd) break;
        if (m < b.mBegin) continue;
        for (int tap = 0; tap < KMax * KMax; ++tap) {
          if (tap >= kk) break;
          for (int j = 0; j < 4; ++j) {
            if (j >= quad || 4 * q + j >= nEnd) break;
            if (4 * q + j < b.nBegin) continue;
            f(word++, m, 4 * q + j, tap);
          }
        }
      }
    }
  } else {
    for (int m = 0; m < MaxBlock; ++m) {
      if (m >= mEnd) break;
      if (m < b.mBegin) continue;
      for (int n = 0; n < MaxBlock; ++n) {
        if (n >= nEnd) break;
        if (n < b.nBegin) continue;
        for (int tap = 0; tap < KMax * KMax; ++tap) {
          if (tap >= kk) break;
          f(word++, m, n, tap);
        }
      }
    }
  }
}

template <int Tm, int Tn, int KMax>
struct WeightPlacer {
  const float* words;
  float (*w)[Tn][KMax * KMax];
  const WeightBlock* b;
  void operator()(int word, int m, int n, int tap) {
    const int kk = b->kernel * b->kernel;
    const int row = b->flipTranspose ? b->nOffset + n : b->mOffset + m;
    const int col = b->flipTranspose ? b->mOffset + m : b->nOffset + n;
    if (row < 0 || row >= Tm || col < 0 || col >= Tn) return;  // another tile's word
    w[row][col][b->flipTranspose ? kk - 1 - tap : tap] = words[word];
  }
};

/// Clear a weight tile (lanes the layer does not fill must multiply as 0).
template <int Tm, int Tn, int KMax>
void clearWeightTile(float w[Tm][Tn][KMax * KMax]) {
  for (int m = 0; m < Tm; ++m)
    for (int n = 0; n < Tn; ++n)
      for (int t = 0; t < KMax * KMax; ++t) w[m][n][t] = 0.0f;
}

/// Place one block's words (as streamed from DDR) in the weight tile.
template <int Tm, int Tn, int KMax>
void loadWeightBlock(const float* words, const WeightBlock& b, float w[Tm][Tn][KMax * KMax]) {
  WeightPlacer<Tm, Tn, KMax> place{words, w, &b};
  visitWeightBlock<(Tm > Tn ? Tm : Tn), KMax>(b, place);
}

template <int Tm, int Tn, int KMax>
struct WeightUpdater {
  const float (*dw)[Tn][KMax * KMax];
  const float* oldWords;
  float* newWords;
  const WeightBlock* b;
  float lr;
  void operator()(int word, int m, int n, int tap) {
    const int row = b->mOffset + m, col = b->nOffset + n;
    const bool mine = row >= 0 && row < Tm && col >= 0 && col < Tn;  // else another tile's word: unchanged
    newWords[word] = mine ? oldWords[word] - dw[row][col][tap] * lr : oldWords[word];
  }
};

/// WU write-back of one block: the old weights stream in, w − ΣdW·lr streams
/// out in the same order. dW is in FP orientation [m][n][tap].
template <int Tm, int Tn, int KMax>
void writeBackWeightBlock(const float dw[Tm][Tn][KMax * KMax], const float* oldWords, float* newWords,
                          const WeightBlock& b, float lr) {
  WeightUpdater<Tm, Tn, KMax> upd{dw, oldWords, newWords, &b, lr};
  visitWeightBlock<(Tm > Tn ? Tm : Tn), KMax>(b, upd);
}

}  // namespace ftsim::kernels

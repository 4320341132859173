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
};

/// Visit the words of a block in DDR order: f(word, m, n, tap).
template <int MaxBlock, int KMax, typename F>
void visitWeightBlock(const WeightBlock& b, F& f) {
  const int kk = b.kernel * b.kernel;
  int word = 0;
  if (b.reshaped) {
    for (int q = 0; q < (MaxBlock + 3) / 4; ++q) {
      if (4 * q >= b.nCount) break;
      const int quad = b.nCount - 4 * q < 4 ? b.nCount - 4 * q : 4;
      for (int m = 0; m < MaxBlock; ++m) {
        if (m >= b.mCount) break;
        for (int tap = 0; tap < KMax * KMax; ++tap) {
          if (tap >= kk) break;
          for (int j = 0; j < 4; ++j) {
            if (j >= quad) break;
            f(word++, m, 4 * q + j, tap);
          }
        }
      }
    }
  } else {
    for (int m = 0; m < MaxBlock; ++m) {
      if (m >= b.mCount) break;
      for (int n = 0; n < MaxBlock; ++n) {
        if (n >= b.nCount) break;
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
    if (b->flipTranspose)
      w[b->nOffset + n][b->mOffset + m][kk - 1 - tap] = words[word];
    else
      w[b->mOffset + m][b->nOffset + n][tap] = words[word];
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
    newWords[word] = oldWords[word] - dw[b->mOffset + m][b->nOffset + n][tap] * lr;
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

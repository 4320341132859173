#pragma once
// The weight loader and write-back of a grouped convolution on the Tm×Tn
// array. A grouped conv's weights sit in DDR as [M][N/G][K][K] (the layer's
// local input channels; reshaped into blocks as any weight tensor). The
// array computes out[m] += Σ_n w[m][n]·in[n] over Tm outputs × Tn inputs, so
// a tile whose outputs and inputs belong to different groups must multiply
// by 0: the loader places each word at (output lane, the input lane of its
// group's channel) of a cleared tile, a block-diagonal tile for a depthwise
// conv, and the write-back updates only the words that lie in the tile
// (the others stream back unchanged). docs/layers.md.

#include <cstdint>

#include "models/kernels/WeightLoader.h"

namespace ftsim::kernels {

/// Where a box of grouped weights meets a tile of the array.
struct GroupTile {
  int layerOut0 = 0;                    ///< the box's first layer output channel
  int localIn0 = 0;                     ///< the box's first local input channel
  int outPerGroup = 1, inPerGroup = 1;  ///< the layer's M/G and N/G
  int tileOut0 = 0, tileIn0 = 0;        ///< the tile's first output / input lane, in the phase's channels
  bool flipTranspose = false;           ///< BP: the phase's outputs are the layer's inputs
};

/// The tile position (row, col) of word (m, n) of a block, or false if it
/// lies outside the tile.
template <int Tm, int Tn>
bool groupTilePos(const GroupTile& g, const WeightBlock& b, int m, int n, int& row, int& col) {
  const int mo = g.layerOut0 + b.mOffset + m;
  const int ni = (mo / g.outPerGroup) * g.inPerGroup + g.localIn0 + b.nOffset + n;
  row = g.flipTranspose ? ni - g.tileOut0 : mo - g.tileOut0;
  col = g.flipTranspose ? mo - g.tileIn0 : ni - g.tileIn0;
  return row >= 0 && row < Tm && col >= 0 && col < Tn;
}

template <int Tm, int Tn, int KMax>
struct GroupWeightPlacer {
  const float* words;
  float (*w)[Tn][KMax * KMax];
  const WeightBlock* b;
  const GroupTile* g;
  void operator()(int word, int m, int n, int tap) {
    int row = 0, col = 0;
    if (!groupTilePos<Tm, Tn>(*g, *b, m, n, row, col)) return;
    const int kk = b->kernel * b->kernel;
    w[row][col][g->flipTranspose ? kk - 1 - tap : tap] = words[word];
  }
};

/// Place one block of grouped weights (as streamed from DDR) in a cleared tile.
template <int Tm, int Tn, int KMax>
void loadGroupWeightBlock(const float* words, const WeightBlock& b, const GroupTile& g,
                          float w[Tm][Tn][KMax * KMax]) {
  GroupWeightPlacer<Tm, Tn, KMax> place{words, w, &b, &g};
  visitWeightBlock<(Tm > Tn ? Tm : Tn), KMax>(b, place);
}

template <int Tm, int Tn, int KMax>
struct GroupWeightUpdater {
  const float (*dw)[Tn][KMax * KMax];
  const float* oldWords;
  float* newWords;
  const WeightBlock* b;
  const GroupTile* g;
  float lr;
  void operator()(int word, int m, int n, int tap) {
    int row = 0, col = 0;
    newWords[word] = groupTilePos<Tm, Tn>(*g, *b, m, n, row, col) ? oldWords[word] - dw[row][col][tap] * lr
                                                                    : oldWords[word];
  }
};

/// WU write-back of one block of grouped weights: w − ΣdW·lr for the words
/// in the tile, the others unchanged. dW in FP orientation [m][n][tap].
template <int Tm, int Tn, int KMax>
void writeBackGroupWeightBlock(const float dw[Tm][Tn][KMax * KMax], const float* oldWords, float* newWords,
                               const WeightBlock& b, const GroupTile& g, float lr) {
  GroupWeightUpdater<Tm, Tn, KMax> upd{dw, oldWords, newWords, &b, &g, lr};
  visitWeightBlock<(Tm > Tn ? Tm : Tn), KMax>(b, upd);
}

}  // namespace ftsim::kernels

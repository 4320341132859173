#pragma once
// Dropout on the vector path. The mask is not stored: element i of a layer
// (its index in [B][C][H][W] order) is dropped when the top 24 bits of a
// splitmix64 hash of (seed, i) fall below ⌊p·2^24⌉, so FP and BP make the
// same mask from the seed alone, in any tile order. Kept elements are scaled
// by 1/(1−p) (inverted dropout, as PyTorch trains). FP: y = x·mask·scale;
// BP: dx = dy·mask·scale, the same pass.

#include <cstdint>

namespace ftsim::kernels {

/// splitmix64's finalizer of seed + (index+1)·golden ratio.
inline std::uint64_t dropoutHash(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + (index + 1u) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline bool dropoutKeeps(std::uint64_t seed, std::uint64_t index, std::uint32_t dropBelow) {
  return static_cast<std::uint32_t>(dropoutHash(seed, index) >> 40) >= dropBelow;
}

/// A box of the layer's [B][C][H][W] tensor held lane-major: lane l is
/// channel c0 + l, word p is image img0 + p/(rows·cols), row row0 +
/// (p/cols)%rows, column col0 + p%cols.
struct DropoutTile {
  std::uint64_t seed = 0;
  std::uint32_t dropBelow = 0;  ///< ⌊p·2^24⌉
  float scale = 1.0f;           ///< 1/(1−p)
  int channels = 1, height = 1, width = 1;
  int c0 = 0, img0 = 0, row0 = 0, col0 = 0, rows = 1, cols = 1;
};

template <int Lanes, int Words>
void dropoutApply(const float x[Lanes][Words], float y[Lanes][Words], const DropoutTile& t, int lanes, int words) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      const int img = t.img0 + i / (t.rows * t.cols);
      const int h = t.row0 + (i / t.cols) % t.rows, w = t.col0 + i % t.cols;
      const std::uint64_t index =
          ((static_cast<std::uint64_t>(img) * t.channels + (t.c0 + l)) * t.height + h) * t.width + w;
      y[l][i] = dropoutKeeps(t.seed, index, t.dropBelow) ? x[l][i] * t.scale : 0.0f;
    }
  }
}

}  // namespace ftsim::kernels

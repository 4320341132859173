#pragma once
// ReLU6 (ONNX Clip(0, 6), MobileNetV2's activation) and the plain copy a
// concat makes of an input it cannot store in place, on the vector path's
// lane-major tiles.

#include <cstdint>

namespace ftsim::kernels {

inline float relu6(float x) { return x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f; }

template <int Lanes, int Words>
void relu6Forward(const float x[Lanes][Words], float y[Lanes][Words], int lanes, int words) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      y[l][i] = relu6(x[l][i]);
    }
  }
}

/// dx = 0 < y < 6 ? dy : 0, the mask taken from the clipped output y.
template <int Lanes, int Words>
void relu6Backward(const float dy[Lanes][Words], const float y[Lanes][Words], float dx[Lanes][Words], int lanes,
                   int words) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      dx[l][i] = y[l][i] > 0.0f && y[l][i] < 6.0f ? dy[l][i] : 0.0f;
    }
  }
}

template <int Lanes, int Words>
void copyLanes(const float x[Lanes][Words], float y[Lanes][Words], int lanes, int words) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      y[l][i] = x[l][i];
    }
  }
}

}  // namespace ftsim::kernels

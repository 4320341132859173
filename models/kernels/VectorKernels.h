#pragma once
// The vector path of the EF-Train datapath: the layers without weights and
// batch norm, on lane-major tiles buf[Lanes][Words] (one channel per lane,
// the tile's pixels in order). hls_main6.cpp: pool (Comparefor/Compareback,
// STORE_poolfor), bn (LOAD_bnfor, Weights_bnfor, OFM_STORE_bnfor,
// LOAD_bnback, Weights_bnback, OFM_STORE_bnback), and the ReLU of the stores.

#include <cmath>
#include <cstdint>

namespace ftsim::kernels {

// ---- ReLU -----------------------------------------------------------------

/// y = max(x, 0) (as the store path writes it: x > 0 ? x : 0).
inline float relu(float x) { return x > 0.0f ? x : 0.0f; }

template <int Lanes, int Words>
void reluForward(const float x[Lanes][Words], float y[Lanes][Words], int lanes, int words) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      y[l][i] = relu(x[l][i]);
    }
  }
}

/// dx = y > 0 ? dy : 0, the mask taken from the rectified output y.
template <int Lanes, int Words>
void reluBackward(const float dy[Lanes][Words], const float y[Lanes][Words], float dx[Lanes][Words], int lanes,
                  int words) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      dx[l][i] = y[l][i] > 0.0f ? dy[l][i] : 0.0f;
    }
  }
}

/// Residual add in FP and gradient sum in BP: out = a + b.
template <int Lanes, int Words>
void addTiles(const float a[Lanes][Words], const float b[Lanes][Words], float out[Lanes][Words], int lanes, int words,
              bool reluOnStore) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      const float s = a[l][i] + b[l][i];
      out[l][i] = reluOnStore ? relu(s) : s;
    }
  }
}

/// Apply ReLU to a tile in place (the store of a producer with a fused ReLU).
template <int Lanes, int Words>
void reluInPlace(float buf[Lanes][Words], int lanes, int words) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      buf[l][i] = relu(buf[l][i]);
    }
  }
}

// ---- Pooling ----------------------------------------------------------------

/// A pooling tile: `rows`×`cols` outputs of one image from a window whose
/// buffer position (0, 0) is input pixel (rowOrigin, colOrigin); the real
/// input is rows [rowLo, rowHi) × cols [colLo, colHi) of the buffer (outside
/// is padding: skipped by max pooling, counted as 0 by average pooling).
struct PoolTile {
  int rows = 1, cols = 1;
  int inCols = 1;
  int kernel = 1, stride = 1;
  int rowLo = 0, rowHi = 0, colLo = 0, colHi = 0;
};

/// Max pooling with argmax (the window tap of the first maximum, row-major,
/// as the comparator keeps the earlier value on ties: `ifmin > OFM_reg`).
template <int Lanes, int InWords, int OutWords>
void maxPoolForward(const float in[Lanes][InWords], float out[Lanes][OutWords], std::uint16_t argmax[Lanes][OutWords],
                    const PoolTile& t, int lanes) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int r = 0; r < OutWords; ++r) {
      if (r >= t.rows) break;
      for (int c = 0; c < OutWords; ++c) {
        if (c >= t.cols) break;
        float best = -INFINITY;
        std::uint16_t arg = 0;
        bool any = false;
        for (int kh = 0; kh < 64; ++kh) {
          if (kh >= t.kernel) break;
          for (int kw = 0; kw < 64; ++kw) {
            if (kw >= t.kernel) break;
            const int h = r * t.stride + kh, w = c * t.stride + kw;
            if (h < t.rowLo || h >= t.rowHi || w < t.colLo || w >= t.colHi) continue;
            const float v = in[l][h * t.inCols + w];
            if (!any || v > best) {
              best = v;
              arg = static_cast<std::uint16_t>(kh * t.kernel + kw);
              any = true;
            }
          }
        }
        out[l][r * t.cols + c] = best;
        argmax[l][r * t.cols + c] = arg;
      }
    }
  }
}

/// Max pooling backward: dx[window(p, argmax)] += dy[p] (dx cleared by the caller).
template <int Lanes, int InWords, int OutWords>
void maxPoolBackward(const float dy[Lanes][OutWords], const std::uint16_t argmax[Lanes][OutWords],
                     float dx[Lanes][InWords], const PoolTile& t, int lanes) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int r = 0; r < OutWords; ++r) {
      if (r >= t.rows) break;
      for (int c = 0; c < OutWords; ++c) {
        if (c >= t.cols) break;
        const int p = r * t.cols + c;
        const int kh = argmax[l][p] / t.kernel, kw = argmax[l][p] % t.kernel;
        const int pos = (r * t.stride + kh) * t.inCols + c * t.stride + kw;
        dx[l][pos] = dx[l][pos] + dy[l][p];
      }
    }
  }
}

/// Average pooling (padding counts as 0; divide by K²), global average pooling
/// being the K = H = W case.
template <int Lanes, int InWords, int OutWords>
void avgPoolForward(const float in[Lanes][InWords], float out[Lanes][OutWords], const PoolTile& t, int lanes) {
  const float area = static_cast<float>(t.kernel * t.kernel);
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int r = 0; r < OutWords; ++r) {
      if (r >= t.rows) break;
      for (int c = 0; c < OutWords; ++c) {
        if (c >= t.cols) break;
        float s = 0.0f;
        for (int kh = 0; kh < InWords; ++kh) {
          if (kh >= t.kernel) break;
          for (int kw = 0; kw < InWords; ++kw) {
            if (kw >= t.kernel) break;
            const int h = r * t.stride + kh, w = c * t.stride + kw;
            if (h < t.rowLo || h >= t.rowHi || w < t.colLo || w >= t.colHi) continue;
            s = s + in[l][h * t.inCols + w];
          }
        }
        out[l][r * t.cols + c] = s / area;
      }
    }
  }
}

/// Average pooling backward: every tap of the window gets dy / K².
template <int Lanes, int InWords, int OutWords>
void avgPoolBackward(const float dy[Lanes][OutWords], float dx[Lanes][InWords], const PoolTile& t, int lanes) {
  const float area = static_cast<float>(t.kernel * t.kernel);
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int r = 0; r < OutWords; ++r) {
      if (r >= t.rows) break;
      for (int c = 0; c < OutWords; ++c) {
        if (c >= t.cols) break;
        const float g = dy[l][r * t.cols + c] / area;
        for (int kh = 0; kh < InWords; ++kh) {
          if (kh >= t.kernel) break;
          for (int kw = 0; kw < InWords; ++kw) {
            if (kw >= t.kernel) break;
            const int h = r * t.stride + kh, w = c * t.stride + kw;
            if (h < t.rowLo || h >= t.rowHi || w < t.colLo || w >= t.colHi) continue;
            const int pos = h * t.inCols + w;
            dx[l][pos] = dx[l][pos] + g;
          }
        }
      }
    }
  }
}

// ---- Batch norm (training mode: batch statistics) ---------------------------

/// FP statistics: Σx and Σx² per channel, pixel by pixel (LOAD_bnfor).
template <int Lanes, int Words>
void bnAccumulateStats(const float x[Lanes][Words], float sum[Lanes], float sumSq[Lanes], int lanes, int words) {
  for (int i = 0; i < Words; ++i) {
    if (i >= words) break;
    for (int l = 0; l < Lanes; ++l) {
      if (l >= lanes) break;
      sum[l] = sum[l] + x[l][i];
      sumSq[l] = sumSq[l] + x[l][i] * x[l][i];
    }
  }
}

/// mean = Σx/F, var = Σx²/F − mean², invStd = 1/√(var + eps) (Weights_bnfor).
inline void bnFinalizeStats(float sum, float sumSq, float count, float eps, float& mean, float& invStd) {
  const float inv = 1.0f / count;
  mean = sum * inv;
  const float var = sumSq * inv - mean * mean;
  invStd = 1.0f / std::sqrt(var + eps);
}

/// y = (x − mean)·invStd·γ + β, rectified when a ReLU is fused (OFM_STORE_bnfor).
template <int Lanes, int Words>
void bnApply(const float x[Lanes][Words], float y[Lanes][Words], const float mean[Lanes], const float invStd[Lanes],
             const float gamma[Lanes], const float beta[Lanes], int lanes, int words, bool reluOnStore) {
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      const float xhat = (x[l][i] - mean[l]) * invStd[l];
      const float v = xhat * gamma[l] + beta[l];
      y[l][i] = reluOnStore ? relu(v) : v;
    }
  }
}

/// BP statistics: Σdy and Σdy·x̂ per channel (LOAD_bnback); they are also
/// dβ and dγ.
template <int Lanes, int Words>
void bnAccumulateGrad(const float dy[Lanes][Words], const float x[Lanes][Words], const float mean[Lanes],
                      const float invStd[Lanes], float sumDy[Lanes], float sumDyXhat[Lanes], int lanes, int words) {
  for (int i = 0; i < Words; ++i) {
    if (i >= words) break;
    for (int l = 0; l < Lanes; ++l) {
      if (l >= lanes) break;
      const float xhat = (x[l][i] - mean[l]) * invStd[l];
      sumDy[l] = sumDy[l] + dy[l][i];
      sumDyXhat[l] = sumDyXhat[l] + dy[l][i] * xhat;
    }
  }
}

/// dx = (dy − Σdy/F − x̂·Σdy·x̂/F)·γ·invStd (OFM_STORE_bnback).
template <int Lanes, int Words>
void bnBackward(const float dy[Lanes][Words], const float x[Lanes][Words], float dx[Lanes][Words],
                const float mean[Lanes], const float invStd[Lanes], const float gamma[Lanes], const float sumDy[Lanes],
                const float sumDyXhat[Lanes], float count, int lanes, int words) {
  const float inv = 1.0f / count;
  for (int l = 0; l < Lanes; ++l) {
    if (l >= lanes) break;
    const float meanDy = sumDy[l] * inv, meanDyXhat = sumDyXhat[l] * inv;
    const float scale = gamma[l] * invStd[l];
    for (int i = 0; i < Words; ++i) {
      if (i >= words) break;
      const float xhat = (x[l][i] - mean[l]) * invStd[l];
      dx[l][i] = (dy[l][i] - meanDy - xhat * meanDyXhat) * scale;
    }
  }
}

/// γ −= lr·Σdy·x̂, β −= lr·Σdy (Weights_bnback), over `count` channels.
template <int MaxChannels>
void bnParamUpdate(float gamma[MaxChannels], float beta[MaxChannels], const float sumDyXhat[MaxChannels],
                   const float sumDy[MaxChannels], float lr, int count) {
  for (int c = 0; c < MaxChannels; ++c) {
    if (c >= count) break;
    gamma[c] = gamma[c] - lr * sumDyXhat[c];
    beta[c] = beta[c] - lr * sumDy[c];
  }
}

}  // namespace ftsim::kernels

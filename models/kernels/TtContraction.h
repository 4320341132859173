#pragma once
// The TT engine's pairwise contraction C = A ⋆ B on its Rows × Depth PE
// array, the only arithmetic of a TT layer's forward and backward passes.
//
// A contraction is a batched matrix product: batch legs on A, B and C, row
// legs on A and C, column legs on B and C, summed (depth) legs on A and B.
// The address generators walk the operands through offset tables, one per
// leg group and operand (built by the controller, which also checks that
// the extents are within Bounds), so no operand is ever transposed in
// memory: element (bt, m, k) of A is a[aBatch[bt] + aRow[m] + aDepth[k]].
// Loop nest: batch → row tile → column → depth tile; a row holds Depth
// products, sums them in a binary adder tree and accumulates the tiles in
// order. Out-of-range lanes multiply zeros.
//
// ttGemmFloat multiplies and adds in fp32; ttGemmInt (every non-fp32
// format) puts each product on the accumulator grid (TtQuantizer.h) and sums
// exactly, so its result does not depend on the order; its results leave
// through the rounding unit.
//
// A TT layer's forward pass is a chain of these, one per step of its
// contraction order (the planner's choice, docs/tt-engine.md); each is a
// plain function template with array arguments, the unit of HLS export.
// HLS subset (docs/hls-subset.md): every trip count is bounded by a template
// parameter, runtime extents only end loops early.

#include <cstdint>

#include "models/kernels/TtQuantizer.h"

namespace ftsim::kernels {

/// Extents of one contraction (each within its Bounds).
struct TtGemmShape {
  std::uint32_t batch = 1, m = 1, k = 1, n = 1;
};

/// Bounds of the extents and operand sizes a contraction unit is built for:
/// a struct with kBatch, kM, kK, kN (table lengths) and kA, kB, kC (operand
/// elements), all static constexpr std::uint32_t.
template <std::uint32_t Batch, std::uint32_t M, std::uint32_t K, std::uint32_t N, std::uint32_t A, std::uint32_t B,
          std::uint32_t C>
struct TtGemmBounds {
  static constexpr std::uint32_t kBatch = Batch, kM = M, kK = K, kN = N, kA = A, kB = B, kC = C;
};

template <int Rows, int Depth, class Bounds>
void ttGemmFloat(const TtGemmShape& s, const std::uint32_t aBatch[Bounds::kBatch],
                 const std::uint32_t aRow[Bounds::kM], const std::uint32_t aDepth[Bounds::kK],
                 const std::uint32_t bBatch[Bounds::kBatch], const std::uint32_t bDepth[Bounds::kK],
                 const std::uint32_t bCol[Bounds::kN], const std::uint32_t cBatch[Bounds::kBatch],
                 const std::uint32_t cRow[Bounds::kM], const std::uint32_t cCol[Bounds::kN],
                 const float a[Bounds::kA], const float b[Bounds::kB], float c[Bounds::kC]) {
  for (std::uint32_t bt = 0; bt < Bounds::kBatch; ++bt) {
    if (bt >= s.batch) break;
    for (std::uint32_t m0 = 0; m0 < Bounds::kM; m0 += Rows) {
      if (m0 >= s.m) break;
      for (std::uint32_t n = 0; n < Bounds::kN; ++n) {
        if (n >= s.n) break;
        float acc[Rows] = {};
        for (std::uint32_t k0 = 0; k0 < Bounds::kK; k0 += Depth) {
          if (k0 >= s.k) break;
          for (int i = 0; i < Rows; ++i) {
            float tree[Depth];
            for (int kk = 0; kk < Depth; ++kk) {
              const bool live = m0 + i < s.m && k0 + kk < s.k;
              tree[kk] = live ? a[aBatch[bt] + aRow[m0 + i] + aDepth[k0 + kk]] *
                                    b[bBatch[bt] + bDepth[k0 + kk] + bCol[n]]
                              : 0.0f;
            }
            for (int width = Depth / 2; width >= 1; width /= 2)
              for (int kk = 0; kk < width; ++kk) tree[kk] = tree[2 * kk] + tree[2 * kk + 1];
            acc[i] += tree[0];
          }
        }
        for (int i = 0; i < Rows; ++i)
          if (m0 + i < s.m) c[cBatch[bt] + cRow[m0 + i] + cCol[n]] = acc[i];
      }
    }
  }
}

template <int Rows, int Depth, class Bounds>
void ttGemmInt(const TtGemmShape& s, const std::uint32_t aBatch[Bounds::kBatch], const std::uint32_t aRow[Bounds::kM],
               const std::uint32_t aDepth[Bounds::kK], const std::uint32_t bBatch[Bounds::kBatch],
               const std::uint32_t bDepth[Bounds::kK], const std::uint32_t bCol[Bounds::kN],
               const std::uint32_t cBatch[Bounds::kBatch], const std::uint32_t cRow[Bounds::kM],
               const std::uint32_t cCol[Bounds::kN], const float a[Bounds::kA], const float b[Bounds::kB],
               std::int64_t c[Bounds::kC]) {
  for (std::uint32_t bt = 0; bt < Bounds::kBatch; ++bt) {
    if (bt >= s.batch) break;
    for (std::uint32_t m0 = 0; m0 < Bounds::kM; m0 += Rows) {
      if (m0 >= s.m) break;
      for (std::uint32_t n = 0; n < Bounds::kN; ++n) {
        if (n >= s.n) break;
        std::int64_t acc[Rows] = {};
        for (std::uint32_t k0 = 0; k0 < Bounds::kK; k0 += Depth) {
          if (k0 >= s.k) break;
          for (int i = 0; i < Rows; ++i) {
            std::int64_t sum = 0;
            for (int kk = 0; kk < Depth; ++kk) {
              if (m0 + i < s.m && k0 + kk < s.k)
                sum += ttProductToAcc(a[aBatch[bt] + aRow[m0 + i] + aDepth[k0 + kk]],
                                      b[bBatch[bt] + bDepth[k0 + kk] + bCol[n]]);
            }
            acc[i] += sum;
          }
        }
        for (int i = 0; i < Rows; ++i)
          if (m0 + i < s.m) c[cBatch[bt] + cRow[m0 + i] + cCol[n]] = acc[i];
      }
    }
  }
}

}  // namespace ftsim::kernels

#pragma once
// Pairwise tensor contractions, the only arithmetic of a TT layer.
//
// A contraction C = A ⋆ B over a set of legs (named indices) is described by
// LegContraction: every leg's extent and its stride in A, B and C (0 where
// the tensor does not carry it). Legs in A, B and C are batch legs, in A and
// C only row legs, in B and C only column legs, in A and B only the summed
// (depth) legs. The engine runs it as a batched matrix product on the
// Rows × Depth PE array (gemmTiled*), its address generators walking the
// operands through offset tables (GemmTables), so no operand is ever
// transposed in memory. contractNaive is the straightforward reference: one
// loop over every index combination.
//
// The arithmetic is the kernels' (models/kernels/TtContraction.h, HLS
// subset): this file holds the controller's side — the leg description, the
// offset tables, the choice of the instantiation for the array shape — and
// the naive reference of the tiling.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ftsim::kernels {

constexpr int kMaxLegs = 24;

struct LegContraction {
  int legs = 0;
  std::uint32_t dim[kMaxLegs] = {};
  std::uint64_t strideA[kMaxLegs] = {};
  std::uint64_t strideB[kMaxLegs] = {};
  std::uint64_t strideC[kMaxLegs] = {};
  bool inA[kMaxLegs] = {}, inB[kMaxLegs] = {}, inC[kMaxLegs] = {};

  /// Add a leg; `a`, `b`, `c` say which tensors carry it, strides in elements.
  void add(std::uint32_t d, bool a, std::uint64_t sa, bool b, std::uint64_t sb, bool c, std::uint64_t sc);
};

/// Offset tables of the batched-matrix view (built by the controller when it
/// programs the address generators; not a kernel).
struct GemmTables {
  std::uint32_t batch = 1, m = 1, k = 1, n = 1;
  std::vector<std::uint32_t> aBatch, aRow, aDepth;
  std::vector<std::uint32_t> bBatch, bDepth, bCol;
  std::vector<std::uint32_t> cBatch, cRow, cCol;

  static GemmTables build(const LegContraction& lc);
};

/// The view the kernels read: extents and table pointers.
struct GemmView {
  std::uint32_t batch = 1, m = 1, k = 1, n = 1;
  const std::uint32_t *aBatch = nullptr, *aRow = nullptr, *aDepth = nullptr;
  const std::uint32_t *bBatch = nullptr, *bDepth = nullptr, *bCol = nullptr;
  const std::uint32_t *cBatch = nullptr, *cRow = nullptr, *cCol = nullptr;

  static GemmView of(const GemmTables& t);
};

/// PE array shapes the kernels are instantiated for (rows and depth each).
bool supportedPeExtent(int v);

/// C (fp32 values) = A ⋆ B on a rows × depth array; every C element written.
void gemmTiledFloat(int rows, int depth, const GemmView& v, const float* a, const float* b, float* c);
/// C (accumulator grid) = A ⋆ B on a rows × depth array; every C element written.
void gemmTiledInt(int rows, int depth, const GemmView& v, const float* a, const float* b, std::int64_t* c);

/// The reference: C (zeroed here, `cElements` long) += A·B for every index
/// combination, in double (`cDouble`) or on the accumulator grid (`cAcc`);
/// pass the one you want, the other nullptr.
void contractNaive(const LegContraction& lc, const float* a, const float* b, std::size_t cElements, double* cDouble,
                   std::int64_t* cAcc);

}  // namespace ftsim::kernels

#include "models/tt_engine/Contraction.h"

#include "models/kernels/TtContraction.h"
#include "sim/core/Error.h"

namespace ftsim::kernels {

void LegContraction::add(std::uint32_t d, bool a, std::uint64_t sa, bool b, std::uint64_t sb, bool c,
                         std::uint64_t sc) {
  const int i = legs++;
  dim[i] = d;
  inA[i] = a;
  inB[i] = b;
  inC[i] = c;
  strideA[i] = a ? sa : 0;
  strideB[i] = b ? sb : 0;
  strideC[i] = c ? sc : 0;
}

namespace {

// Offsets of every combination of `sel` legs (row-major over them), in
// each of up to three tensors.
void enumerate(const LegContraction& lc, const std::vector<int>& sel, std::vector<std::uint32_t>* outA,
               std::vector<std::uint32_t>* outB, std::vector<std::uint32_t>* outC) {
  std::uint64_t count = 1;
  for (int l : sel) count *= lc.dim[l];
  for (auto* v : {outA, outB, outC})
    if (v) v->assign(count, 0);
  std::vector<std::uint32_t> idx(sel.size(), 0);
  for (std::uint64_t e = 0; e < count; ++e) {
    std::uint64_t oa = 0, ob = 0, oc = 0;
    for (std::size_t s = 0; s < sel.size(); ++s) {
      oa += idx[s] * lc.strideA[sel[s]];
      ob += idx[s] * lc.strideB[sel[s]];
      oc += idx[s] * lc.strideC[sel[s]];
    }
    if (outA) (*outA)[e] = static_cast<std::uint32_t>(oa);
    if (outB) (*outB)[e] = static_cast<std::uint32_t>(ob);
    if (outC) (*outC)[e] = static_cast<std::uint32_t>(oc);
    for (int s = static_cast<int>(sel.size()) - 1; s >= 0; --s) {
      if (++idx[s] < lc.dim[sel[s]]) break;
      idx[s] = 0;
    }
  }
}

}  // namespace

GemmTables GemmTables::build(const LegContraction& lc) {
  std::vector<int> batch, row, depth, col;
  for (int l = 0; l < lc.legs; ++l) {
    if (lc.inA[l] && lc.inB[l] && lc.inC[l]) batch.push_back(l);
    else if (lc.inA[l] && lc.inB[l]) depth.push_back(l);
    else if (lc.inA[l]) row.push_back(l);
    else if (lc.inB[l]) col.push_back(l);
  }
  GemmTables t;
  enumerate(lc, batch, &t.aBatch, &t.bBatch, &t.cBatch);
  enumerate(lc, row, &t.aRow, nullptr, &t.cRow);
  enumerate(lc, depth, &t.aDepth, &t.bDepth, nullptr);
  enumerate(lc, col, nullptr, &t.bCol, &t.cCol);
  t.batch = static_cast<std::uint32_t>(t.aBatch.size());
  t.m = static_cast<std::uint32_t>(t.aRow.size());
  t.k = static_cast<std::uint32_t>(t.aDepth.size());
  t.n = static_cast<std::uint32_t>(t.bCol.size());
  return t;
}

GemmView GemmView::of(const GemmTables& t) {
  GemmView v;
  v.batch = t.batch;
  v.m = t.m;
  v.k = t.k;
  v.n = t.n;
  v.aBatch = t.aBatch.data();
  v.aRow = t.aRow.data();
  v.aDepth = t.aDepth.data();
  v.bBatch = t.bBatch.data();
  v.bDepth = t.bDepth.data();
  v.bCol = t.bCol.data();
  v.cBatch = t.cBatch.data();
  v.cRow = t.cRow.data();
  v.cCol = t.cCol.data();
  return v;
}

namespace {

// The simulator's contraction units: extents and operands bounded only by
// the 32-bit offset tables (the program's tensors are far smaller).
constexpr std::uint32_t kEngineBound = 1u << 30;
using EngineBounds = TtGemmBounds<kEngineBound, kEngineBound, kEngineBound, kEngineBound, kEngineBound,
                                  kEngineBound, kEngineBound>;

bool withinBounds(const GemmView& v) {
  return v.batch <= kEngineBound && v.m <= kEngineBound && v.k <= kEngineBound && v.n <= kEngineBound;
}

TtGemmShape shapeOf(const GemmView& v) { return TtGemmShape{v.batch, v.m, v.k, v.n}; }

template <typename Fn>
bool dispatch(int rows, int depth, Fn&& fn) {
#define FTSIM_PE_DEPTHS(R)                          \
  if (rows == R) {                                  \
    if (depth == 2) { fn.template run<R, 2>(); return true; }   \
    if (depth == 4) { fn.template run<R, 4>(); return true; }   \
    if (depth == 8) { fn.template run<R, 8>(); return true; }   \
    if (depth == 16) { fn.template run<R, 16>(); return true; } \
    if (depth == 32) { fn.template run<R, 32>(); return true; } \
  }
  FTSIM_PE_DEPTHS(2)
  FTSIM_PE_DEPTHS(4)
  FTSIM_PE_DEPTHS(8)
  FTSIM_PE_DEPTHS(16)
  FTSIM_PE_DEPTHS(32)
#undef FTSIM_PE_DEPTHS
  return false;
}

struct FloatCall {
  const GemmView& v;
  const float *a, *b;
  float* c;
  template <int R, int D>
  void run() {
    ttGemmFloat<R, D, EngineBounds>(shapeOf(v), v.aBatch, v.aRow, v.aDepth, v.bBatch, v.bDepth, v.bCol, v.cBatch,
                                    v.cRow, v.cCol, a, b, c);
  }
};

struct IntCall {
  const GemmView& v;
  const float *a, *b;
  std::int64_t* c;
  template <int R, int D>
  void run() {
    ttGemmInt<R, D, EngineBounds>(shapeOf(v), v.aBatch, v.aRow, v.aDepth, v.bBatch, v.bDepth, v.bCol, v.cBatch,
                                  v.cRow, v.cCol, a, b, c);
  }
};

}  // namespace

bool supportedPeExtent(int v) { return v == 2 || v == 4 || v == 8 || v == 16 || v == 32; }

void gemmTiledFloat(int rows, int depth, const GemmView& v, const float* a, const float* b, float* c) {
  FTSIM_ASSERT(withinBounds(v), "a contraction beyond the engine's table bounds");
  FloatCall call{v, a, b, c};
  const bool ran = dispatch(rows, depth, call);
  FTSIM_ASSERT(ran, "no contraction unit for this PE array shape");
}

void gemmTiledInt(int rows, int depth, const GemmView& v, const float* a, const float* b, std::int64_t* c) {
  FTSIM_ASSERT(withinBounds(v), "a contraction beyond the engine's table bounds");
  IntCall call{v, a, b, c};
  const bool ran = dispatch(rows, depth, call);
  FTSIM_ASSERT(ran, "no contraction unit for this PE array shape");
}

void contractNaive(const LegContraction& lc, const float* a, const float* b, std::size_t cElements, double* cDouble,
                   std::int64_t* cAcc) {
  for (std::size_t i = 0; i < cElements; ++i) {
    if (cDouble) cDouble[i] = 0.0;
    if (cAcc) cAcc[i] = 0;
  }
  std::uint32_t idx[kMaxLegs] = {};
  for (;;) {
    std::uint64_t oa = 0, ob = 0, oc = 0;
    for (int l = 0; l < lc.legs; ++l) {
      oa += idx[l] * lc.strideA[l];
      ob += idx[l] * lc.strideB[l];
      oc += idx[l] * lc.strideC[l];
    }
    if (cDouble) cDouble[oc] += static_cast<double>(a[oa]) * static_cast<double>(b[ob]);
    if (cAcc) cAcc[oc] += ttProductToAcc(a[oa], b[ob]);
    int l = lc.legs - 1;
    for (; l >= 0; --l) {
      if (++idx[l] < lc.dim[l]) break;
      idx[l] = 0;
    }
    if (l < 0) break;
  }
}

}  // namespace ftsim::kernels

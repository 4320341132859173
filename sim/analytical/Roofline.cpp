#include "sim/analytical/Roofline.h"

#include <algorithm>
#include <cmath>

#include "sim/core/Error.h"

namespace ftsim::analytical {

namespace {
using U = std::uint64_t;
U cdiv(U a, U b) { return (a + b - 1) / b; }
}  // namespace

RooflineEstimate roofline(const ConvShape& sh, Pass pass, const EfTrainTiling& t, const RooflineParams& p) {
  FTSIM_ASSERT(t.tr > 0 && t.tc > 0 && p.bytesPerCycle > 0, "roofline: empty tiling or no bandwidth");
  const U M = static_cast<U>(sh.m), N = static_cast<U>(sh.n), R = static_cast<U>(sh.r), C = static_cast<U>(sh.c);
  const U K = static_cast<U>(sh.k), S = static_cast<U>(sh.s), B = static_cast<U>(sh.batch);
  const U Tm = static_cast<U>(p.tm), Tn = static_cast<U>(p.tn), Tr = static_cast<U>(t.tr), Tc = static_cast<U>(t.tc);
  const U mT = cdiv(M, Tm), nT = cdiv(N, Tn), rT = cdiv(R, Tr), cT = cdiv(C, Tc);
  const U trips = mT * nT * rT * cT;
  RooflineEstimate e;
  e.flops = flops(sh);
  // The paper's execution cycles, ⌈M/Tm⌉·⌈N/Tn⌉·(R/Tr)·(C/Tc)·Tr·Tc·K²: the
  // channel loops fill the array in whole tiles, the pixels do not pad.
  e.computeCycles = mT * nT * R * C * K * K * B;
  const U bIn = Tn * (S * Tr + K - S) * (S * Tc + K - S);
  U words = 0;
  if (pass == Pass::WU) {
    const U bDy = Tm * Tr * Tc;
    const U bDw = Tm * Tn * K * K;
    words = B * trips * (bIn + bDy) + (p.outputReuse ? mT * nT : B * trips) * bDw;
  } else {
    const U bW = Tm * Tn * K * K;
    const U bOut = Tm * Tr * Tc;
    words = B * (trips * (bIn + bW) + (p.outputReuse ? mT * rT * cT : trips) * bOut);
  }
  e.bytes = words * static_cast<U>(p.wordBytes);
  e.computationalRoof = static_cast<double>(e.flops) / static_cast<double>(e.computeCycles);
  e.ctcRatio = static_cast<double>(e.flops) / static_cast<double>(e.bytes);
  const double memRoof = e.ctcRatio * p.bytesPerCycle;
  e.memoryBound = memRoof < e.computationalRoof;
  e.attainable = std::min(e.computationalRoof, memRoof);
  e.cycles = static_cast<U>(std::ceil(static_cast<double>(e.flops) / e.attainable - 1e-9));
  return e;
}

}  // namespace ftsim::analytical

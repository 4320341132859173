#include "sim/analytical/EfTrainAnalytical.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/accel/EfTrainConfig.h"
#include "sim/core/Error.h"
#include "sim/workload/Network.h"

namespace ftsim::analytical {

namespace {

using U = std::uint64_t;

U cdiv(U a, U b) { return (a + b - 1) / b; }
/// ⌈a/b − 1⌉ as the script writes it (math.ceil(N/Tn-1)): ⌈a/b⌉ − 1, never
/// below 0 (for a < b Python's ceil of a negative fraction is 0).
U cdivMinus1(U a, U b) { return cdiv(a, b) - 1; }

}  // namespace

const char* toString(Pass p) {
  switch (p) {
    case Pass::FP: return "FP";
    case Pass::BP: return "BP";
    case Pass::WU: return "WU";
  }
  return "?";
}

EfTrainParams EfTrainParams::fromConfig(const models::EfTrainConfig& a) {
  EfTrainParams p;
  p.tm = a.peArray.tm;
  p.tn = a.peArray.tn;
  p.outputWords = a.buffers.output.depthWords;
  p.inputWords = a.buffers.input.depthWords;
  p.kernelBound = std::max(1, static_cast<int>(std::floor(std::sqrt(static_cast<double>(a.buffers.weight.kernelWords)))));
  p.weightSlots = a.buffers.weight.slots;
  p.weightBanks = a.buffers.weight.banks;
  p.dmaWordsPerCycle = a.dma.wordsPerCycle(a.wordBits);
  p.tstartCycles = a.dma.startCycles;
  return p;
}

ConvShape shapeOf(const workload::Layer& l, Pass pass, int batch, int tm, int tn) {
  ConvShape s;
  if (l.type == workload::LayerType::Fc) {
    // The batch is the width of a 1×B map (one image), K = 1.
    const int f = static_cast<int>(l.in.elements());
    s.m = pass == Pass::BP ? f : l.out.c;
    s.n = pass == Pass::BP ? l.out.c : f;
    s.r = 1;
    s.c = batch;
    s.k = 1;
    s.s = 1;
    s.batch = 1;
    return s;
  }
  s.k = l.kernel;
  s.batch = batch;
  if (pass == Pass::BP) {
    // dX = transposed convolution of dY: M = the layer's inputs over the
    // input map, stride 1 over the zero-dilated dY (the script lists BP rows
    // with M and N swapped, lines 19-30).
    s.m = l.in.c;
    s.n = l.out.c;
    s.r = l.in.h;
    s.c = l.in.w;
    s.s = 1;
  } else {
    s.m = l.out.c;
    s.n = l.in.c;
    s.r = l.out.h;
    s.c = l.out.w;
    s.s = l.stride;
  }
  if (l.type == workload::LayerType::Conv && l.groups > 1) {
    const int outPerGroup = s.m / l.groups, inPerGroup = s.n / l.groups;
    const int groupsPerTm = outPerGroup >= tm ? 1 : (tm + outPerGroup - 1) / outPerGroup;
    const int span = (groupsPerTm * inPerGroup + tn - 1) / tn * tn;
    s.n = span < s.n ? span : s.n;
  }
  return s;
}

int lastChunk(int m, int mOn) {
  // lines 183-189
  if (mOn == m) return m;
  return m % mOn == 0 ? mOn : m % mOn;
}

std::uint64_t flops(const ConvShape& s) {
  return 2ULL * static_cast<U>(s.m) * static_cast<U>(s.n) * static_cast<U>(s.r) * static_cast<U>(s.c) *
         static_cast<U>(s.k) * static_cast<U>(s.k) * static_cast<U>(s.batch);
}

namespace {

/// Terms of one chunk of `mOn` output channels.
ChunkTerms chunkTerms(const ConvShape& sh, Pass pass, const EfTrainTiling& t, const EfTrainParams& p, int mOn) {
  const U Tm = static_cast<U>(p.tm), Tn = static_cast<U>(p.tn), DMAp = static_cast<U>(p.dmaWordsPerCycle);
  const U tstart = p.tstartCycles;
  const U N = static_cast<U>(sh.n), R = static_cast<U>(sh.r), C = static_cast<U>(sh.c);
  const U K = static_cast<U>(sh.k), S = static_cast<U>(sh.s), B = static_cast<U>(sh.batch);
  const U Tr = static_cast<U>(t.tr), Tc = static_cast<U>(t.tc);
  const U Mon = static_cast<U>(mOn);
  // Row strips of one image; × column tiles when Tc < C (the script has
  // Tc = C, line 167, so the factor is 1 there).
  const U strips = cdiv(R, Tr) * cdiv(C, Tc);
  const U groupsN = cdivMinus1(N, Tn);  // ⌈N/Tn − 1⌉: Tn groups after the first
  ChunkTerms x;
  // lines 62-65: a load moves ⌈Tn/DMAp⌉ beats per window pixel, ⌈N/DMAp⌉ when N ≤ 4 (= DMAp).
  const U lanes = N <= DMAp ? cdiv(N, DMAp) : cdiv(Tn, DMAp);
  x.tIFM = tstart + lanes * ((Tr - 1) * S + K) * ((Tc - 1) * S + K);
  x.tCOMP = Tr * Tc * K * K;  // line 66
  if (pass == Pass::FP || pass == Pass::BP) {
    if (pass == Pass::FP) {
      x.tWEI = cdiv(Tm * Tn, DMAp) * K * K;  // line 68
    } else {
      x.tWEI = cdiv(Mon * Tn, DMAp) * K * K + tstart;  // lines 97, 110: a whole M_on×Tn slab
    }
    x.tOUT = cdiv(Tm, DMAp) * Tr * Tc;          // lines 69, 81, 98, 111
    x.tLOAD = std::max(x.tIFM, x.tWEI);         // line 70
    x.tPROD1 = std::max(x.tIFM, x.tCOMP);       // line 71
    x.tPROD2 = std::max(x.tLOAD, x.tCOMP);      // line 72
    x.tSTORE = std::max(x.tCOMP, x.tOUT);       // line 73
    x.lat1 = groupsN * x.tPROD1 + x.tIFM + x.tCOMP;   // line 74: a strip whose store overlaps nothing
    x.lat2 = groupsN * x.tPROD1 + x.tIFM + x.tSTORE;  // line 75: the first load exposed, the store overlapped
    const U groupsM = cdiv(Mon, Tm);
    // line 76: one image after the first: ⌈M_on/Tm⌉·strips − 1 strips of
    // lat2, the last strip lat1, then the image's output and a transfer start.
    x.lat3 = (groupsM * strips - 1) * x.lat2 + x.lat1 + x.tOUT + tstart;
    x.latb1 = groupsN * x.tPROD2 + x.tIFM + x.tCOMP;   // line 77: with the weight loads
    x.latb2 = groupsN * x.tPROD2 + x.tIFM + x.tSTORE;  // line 78
    if (pass == Pass::FP) {
      // line 79: the first image pays the weights on the first strip of each Tm group
      x.latb3 = groupsM * (strips - 1) * x.lat2 + (groupsM - 1) * x.latb2 + x.latb1 + x.tOUT + tstart;
    } else {
      // line 108: BP loads the slab once per chunk, on the first strip
      x.latb3 = (groupsM * strips - 1) * x.lat2 + x.latb1 + x.tOUT + tstart;
    }
    x.chunkCycles = (B - 1) * x.lat3 + x.latb3;  // lines 80, 93
    return x;
  }
  // WU (lines 126-146)
  x.tOUT = cdiv(Tm * Tn, DMAp) * K * K;        // line 126: weight write-back
  x.tOFM = cdiv(Tm, DMAp) * Tr * Tc + tstart;  // line 127: output-gradient load
  x.tLOAD = std::max(x.tIFM, x.tOFM);          // line 128
  x.tPROD1 = std::max(x.tLOAD, x.tCOMP);       // line 129
  x.tPROD2 = std::max(x.tIFM, x.tCOMP);        // line 130
  x.tSTORE = std::max(x.tCOMP, x.tOUT);        // line 131
  const U groupsM = cdiv(Mon, Tm);
  const U groupsNAll = cdiv(N, Tn);
  if (strips > 1) {  // line 132: Tr < R
    x.lat1 = (strips - 1) * x.tPROD1 + x.tLOAD + x.tCOMP;   // line 133
    x.latb1 = (strips - 1) * x.tPROD1 + x.tLOAD + x.tSTORE;  // line 134
    // lines 135-138: (B−1)·⌈M_on/Tm⌉·⌈N/Tn⌉ + 1 (Tm,Tn) pairs of lat1, the
    // last image's other pairs latb1, and one write-back.
    x.chunkCycles = ((B - 1) * groupsM * groupsNAll + 1) * x.lat1 + (groupsM * groupsNAll - 1) * x.latb1 + x.tOUT;
  } else {
    x.lat1 = groupsN * x.tPROD2 + x.tLOAD + x.tCOMP;                  // line 142
    x.latb1 = groupsN * (x.tPROD2 + x.tOUT) + x.tLOAD + x.tCOMP + x.tOUT;  // line 143
    x.chunkCycles = groupsM * ((B - 1) * x.lat1 + x.latb1);           // lines 144-145
  }
  return x;
}

}  // namespace

PhaseEstimate estimate(const ConvShape& sh, Pass pass, const EfTrainTiling& t, const EfTrainParams& p) {
  FTSIM_ASSERT(t.mOn > 0 && t.tr > 0 && t.tc > 0 && sh.m > 0 && sh.n > 0, "analytical model: empty tiling or shape");
  PhaseEstimate e;
  e.mOn1 = lastChunk(sh.m, t.mOn);
  e.chunks = cdiv(static_cast<U>(sh.m), static_cast<U>(t.mOn));
  e.full = chunkTerms(sh, pass, t, p, t.mOn);
  e.last = chunkTerms(sh, pass, t, p, e.mOn1);
  e.latmon0 = (e.chunks - 1) * e.full.chunkCycles;  // lines 80, 109, 136, 144: ⌈M/M_on − 1⌉ chunks
  e.latmon1 = e.last.chunkCycles;                  // lines 93, 122, 138, 145
  e.cycles = e.latmon0 + e.latmon1;                // lines 94, 123, 140, 146
  return e;
}

namespace {

/// Weight slots one Tm group's slab takes in each bank (line 176): the
/// ⌈N/(2Tn)⌉ Tn groups of a bank, ⌊K_bound/K⌋² kernels per slot. Kernels
/// larger than K_bound (outside the script: a division by zero there) take
/// ⌈K²/K_bound²⌉ slots each.
U slotsPerTmGroup(const ConvShape& sh, const EfTrainParams& p) {
  const U groups = cdiv(static_cast<U>(sh.n), static_cast<U>(p.weightBanks) * static_cast<U>(p.tn));
  const U perSlot = static_cast<U>(p.kernelBound / sh.k) * static_cast<U>(p.kernelBound / sh.k);
  return perSlot > 0 ? cdiv(groups, perSlot)
                     : groups * cdiv(static_cast<U>(sh.k) * sh.k, static_cast<U>(p.kernelBound) * p.kernelBound);
}

}  // namespace

bool slabFits(const ConvShape& sh, int mOn, const EfTrainParams& p) {
  return cdiv(static_cast<U>(mOn), static_cast<U>(p.tm)) * slotsPerTmGroup(sh, p) <= static_cast<U>(p.weightSlots);
}

int chooseMOn(const ConvShape& sh, const EfTrainParams& p) {
  // line 176: M_on_bound = ⌊TmTn_bound / slots per Tm group⌋·Tm.
  const std::int64_t bound =
      static_cast<std::int64_t>(static_cast<U>(p.weightSlots) / slotsPerTmGroup(sh, p)) * p.tm;
  // lines 169-173: candidates Tm·j for j in 1..⌊M/Tm⌋−1, and M itself;
  // lines 175-182: the largest within the bound, else the smallest.
  int chosen = sh.m;
  std::vector<int> candidates;
  for (int j = 1; j < sh.m / p.tm; ++j) candidates.push_back(p.tm * j);
  if (std::find(candidates.begin(), candidates.end(), sh.m) == candidates.end()) candidates.push_back(sh.m);
  std::sort(candidates.rbegin(), candidates.rend());
  for (int c : candidates) {
    chosen = c;
    if (c <= bound) break;
  }
  return chosen;
}

EfTrainTiling chooseTiling(const ConvShape& sh, Pass pass, const EfTrainParams& p, const std::string& where) {
  EfTrainTiling t;
  t.mOn = chooseMOn(sh, p);
  // line 167: Tc = C. Outside the script: narrower tiles when one full row
  // does not fit the buffers.
  const auto fits = [&](int tr, int tc) {
    const std::int64_t trIn = static_cast<std::int64_t>(tr - 1) * sh.s + sh.k;  // line 192
    const std::int64_t tcIn = static_cast<std::int64_t>(tc - 1) * sh.s + sh.k;  // line 168
    return static_cast<std::int64_t>(tr) * tc <= p.outputWords && trIn * tcIn <= p.inputWords;  // line 193
  };
  t.tc = sh.c;
  while (t.tc > 0 && !fits(1, t.tc)) --t.tc;
  if (t.tc == 0)
    throw UserError(where + ": even a 1x1 output tile needs " + std::to_string(sh.k * sh.k) +
                    " input words per lane, more than the input buffer's " + std::to_string(p.inputWords));
  // lines 190-205: the first Tr wins ties (a strictly smaller latency replaces it).
  std::uint64_t best = 0;
  for (int tr = 1; tr <= sh.r && fits(tr, t.tc); ++tr) {
    EfTrainTiling trial = t;
    trial.tr = tr;
    const std::uint64_t lat = estimate(sh, pass, trial, p).cycles;
    if (tr == 1 || lat < best) {
      best = lat;
      t.tr = tr;
    }
  }
  return t;
}

}  // namespace ftsim::analytical

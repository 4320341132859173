#include "sim/energy/TtEnergyModel.h"

#include <algorithm>

#include "models/tt_engine/TtEngineTiming.h"
#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "sim/core/Units.h"

namespace ftsim::energy {

namespace {

constexpr std::uint64_t kMaskBitsPerWord = 32;

int index(Arith a) { return static_cast<int>(a); }

/// Buffer words of a tensor: one per element, a 1-bit mask 32 elements per word.
std::uint64_t words(const tt::ProgTensor& t) {
  return t.role == tt::TensorRole::Mask ? ceilDiv(t.elements, kMaskBitsPerWord) : t.elements;
}

/// Every element written in a fixed-point or bfp format leaves through the rounding unit once.
void countRoundings(const tt::TtProgram& prog, const std::vector<int>& written, TtActivity& a) {
  for (int w : written) {
    const tt::ProgTensor& t = prog.tensors[static_cast<std::size_t>(w)];
    if (t.role == tt::TensorRole::Mask || t.format.isFloat()) continue;
    a.roundings[index(arithOf(t.format))] += t.elements;
  }
}

void countContraction(const tt::TtProgram& prog, const tt::ProgOp& op, const models::TtPeArrayConfig& pe,
                      bool swapped, TtActivity& a) {
  const tt::GemmShape& g = op.gemm;
  const kernels::NumberFormat& fa = prog.tensors[static_cast<std::size_t>(op.a.tensor)].format;
  const kernels::NumberFormat& fb = prog.tensors[static_cast<std::size_t>(op.b.tensor)].format;
  const Arith mul = std::max(arithOf(fa), arithOf(fb));  // Fp32 only with fp32 operands (one datapath)
  const bool fp = fa.isFloat() || fb.isFloat();
  const Arith treeAdd = fp ? Arith::Fp32 : productArith(mul);
  const Arith accAdd = fp ? Arith::Fp32 : Arith::Int32;
  const std::uint64_t rowsDim = swapped ? g.n : g.m, colsDim = swapped ? g.m : g.n;
  const std::uint64_t depthTiles = ceilDiv(g.k, static_cast<std::uint64_t>(pe.depth));
  const std::uint64_t rowTiles = ceilDiv(rowsDim, static_cast<std::uint64_t>(pe.rows));
  const std::uint64_t outputs = g.batch * g.m * g.n;
  a.macs = g.macs();
  a.mults[index(mul)] += a.macs;
  // Per output and depth tile, kt products meet in the tree (kt − 1 adds)
  // and one add into the accumulator; the kt sum to k.
  a.adds[index(accAdd)] += outputs * depthTiles;
  a.adds[index(treeAdd)] += a.macs - outputs * depthTiles;
  // The stationary operand is loaded once; the streamed one passes once per
  // row tile; a partial sum is read back on every depth tile but the first
  // and written on every one.
  a.bramReads += g.batch * rowsDim * g.k + g.batch * rowTiles * g.k * colsDim + outputs * (depthTiles - 1);
  a.bramWrites += outputs * depthTiles;
  countRoundings(prog, op.writes, a);
}

void countVector(const tt::TtProgram& prog, const tt::ProgOp& op, TtActivity& a) {
  const int lead = !op.writes.empty() ? op.writes[0] : op.reads[0];
  const Arith arith = arithOf(prog.tensors[static_cast<std::size_t>(lead)].format);
  const std::uint64_t elementOps = static_cast<std::uint64_t>(op.passes) * op.elements;
  a.adds[index(arith)] += elementOps;
  if (op.kind == tt::OpKind::Update) a.mults[index(arith)] += elementOps;  // w − lr·g, and the moments
  // Every pass reads each input tensor element by element (at most its own size: a
  // gather's table, a layer norm's γ and β); every output is written once.
  for (int r : op.reads)
    a.bramReads += static_cast<std::uint64_t>(op.passes) *
                   std::min(words(prog.tensors[static_cast<std::size_t>(r)]), op.elements);
  for (int w : op.writes) a.bramWrites += words(prog.tensors[static_cast<std::size_t>(w)]);
  countRoundings(prog, op.writes, a);
}

}  // namespace

Arith arithOf(const kernels::NumberFormat& f) {
  if (f.isFloat()) return Arith::Fp32;
  if (f.bits <= 8) return Arith::Int8;
  return f.bits <= 16 ? Arith::Int16 : Arith::Int32;
}

Arith productArith(Arith a) {
  switch (a) {
    case Arith::Int8: return Arith::Int16;
    case Arith::Int16: return Arith::Int32;
    default: return a;
  }
}

TtEnergyTable makeTtTable(const EnergyConfig& cfg, double clockHz) {
  FTSIM_ASSERT(cfg.present, "energy table of a board without an energy section");
  const double s = cfg.fabricScale;
  TtEnergyTable t;
  static_cast<OnChipTable&>(t) = onChipTable(cfg, clockHz);
  t.mulPj = {cfg.fp32MulPj * s, cfg.int8MulPj * s, cfg.int16MulPj * s, cfg.int32MulPj * s};
  t.addPj = {cfg.fp32AddPj * s, cfg.int8AddPj * s, cfg.int16AddPj * s, cfg.int32AddPj * s};
  return t;
}

TtActivity countTtActivity(const tt::TtProgram& prog, const tt::ProgOp& op, const tt::TtOpResult& result,
                           const models::TtPeArrayConfig& pe, bool swapped, std::uint64_t beatBytes) {
  TtActivity a;
  a.cycles = result.cycles;
  switch (op.kind) {
    case tt::OpKind::LoadInput:
      a.dmaBeats = ceilDiv(result.bytesRead, beatBytes);
      for (int w : op.writes) a.bramWrites += words(prog.tensors[static_cast<std::size_t>(w)]);
      break;
    case tt::OpKind::Contract:
      countContraction(prog, op, pe, swapped, a);
      break;
    default:
      countVector(prog, op, a);
  }
  return a;
}

stats::EnergyFj ttEnergyOf(const TtEnergyTable& t, const TtActivity& a) {
  using LD = long double;
  LD computePj = 0;
  for (int k = 0; k < kArithKinds; ++k)
    computePj += static_cast<LD>(a.mults[k]) * t.mulPj[k] +
                 static_cast<LD>(a.adds[k] + a.roundings[k]) * t.addPj[k];  // a rounding costs an add
  stats::EnergyFj e;
  e.compute = femtojoules(computePj);
  priceOnChip(t, a.bramReads, a.bramWrites, a.dmaBeats, a.cycles, e);
  return e;
}

std::vector<stats::EnergyFj> ttOpEnergies(const TtEnergyTable& t, const tt::TtProgram& prog,
                                          const tt::TtRunResult& run, const models::TtEngineConfig& engine) {
  FTSIM_ASSERT(run.ops.size() == prog.ops.size(), "run and program disagree on the operations");
  const models::TtEngineTiming timing(engine.peArray, engine.vector);
  std::vector<TtActivity> acts;
  acts.reserve(prog.ops.size());
  std::uint64_t macs = 0, cycles = 0;
  for (std::size_t i = 0; i < prog.ops.size(); ++i) {
    const tt::ProgOp& op = prog.ops[i];
    const bool swapped = op.kind == tt::OpKind::Contract && timing.swapped(op.gemm);
    acts.push_back(countTtActivity(prog, op, run.ops[i], engine.peArray, swapped,
                                   static_cast<std::uint64_t>(engine.dma.bytesPerCycle())));
    macs += acts.back().macs;
    cycles += acts.back().cycles;
  }
  FTSIM_ASSERT(macs == run.macs, "energy model and engine disagree on the MACs");
  FTSIM_ASSERT(run.totalCycles >= cycles, "operations longer than the run");
  if (!acts.empty()) acts.back().cycles += run.totalCycles - cycles;
  std::vector<stats::EnergyFj> e;
  e.reserve(acts.size());
  for (const TtActivity& a : acts) e.push_back(ttEnergyOf(t, a));
  return e;
}

std::vector<stats::EnergyFj> ttDesignOpEnergies(const config::DesignConfig& d, const tt::TtProgram& prog,
                                                const tt::TtRunResult& run) {
  if (!d.board.energy.present) return {};
  return ttOpEnergies(makeTtTable(d.board.energy, static_cast<double>(d.tt.clock.freqHz())), prog, run, d.tt);
}

}  // namespace ftsim::energy

#include "sim/energy/EnergyModel.h"

#include <vector>

#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "sim/core/Units.h"
#include "sim/schedule/StepGen.h"

namespace ftsim::energy {

namespace {

/// Words a step's DMA op moves into or out of the banks (fp32 words).
std::uint64_t words(const schedule::DmaOp& op) { return op.valid() ? op.tile.elements() : 0; }

}  // namespace

DramDeviceEnergy dramDeviceEnergy(const models::Ddr4Config& ddr, const EnergyConfig& cfg) {
  const models::Ddr4Power& p = ddr.power;
  const double tCkNs = 1e3 / ddr.clock.freqMhz();
  const double tRas = ddr.t.tRAS * tCkNs, tRc = ddr.t.tRC * tCkNs, tRfc = ddr.t.tRFC * tCkNs;
  const double burstNs = ddr.burstLength / 2.0 * tCkNs;  // BL / data rate, in clocks
  const double w = ddr.chipWidthBits;
  DramDeviceEnergy e;
  e.actPj = (p.idd0 - p.idd3n) * tRas * p.vdd + (p.ipp0 - p.ipp3n) * tRas * p.vpp;
  e.prePj = (p.idd0 - p.idd2n) * (tRc - tRas) * p.vdd + (p.ipp0 - p.ipp3n) * (tRc - tRas) * p.vpp;
  e.rdPj = (p.idd4r - p.idd3n) * burstNs * p.vdd;
  e.wrPj = (p.idd4w - p.idd3n) * burstNs * p.vdd;
  e.refPj = (p.idd5b - p.idd3n) * tRfc * p.vdd;
  e.refPbPj = (p.idd5pb - p.idd3n) * ddr.t.tRFCpb * tCkNs * p.vdd;
  e.rdIoPj = cfg.ddrIoReadMwPerPin * (w + w / 8) * burstNs;
  e.wrTermPj = cfg.ddrTermWriteMwPerPin * (w + w / 4) * burstNs;
  e.activeStandbyW = (p.idd3n * p.vdd + p.ipp3n * p.vpp) * 1e-3;
  e.prechargeStandbyW = (p.idd2n * p.vdd + p.ipp3n * p.vpp) * 1e-3;
  return e;
}

EnergyTable makeTable(const EnergyConfig& cfg, const models::Ddr4Config& ddr, bool openPage, double clockHz) {
  FTSIM_ASSERT(cfg.present, "energy table of a board without an energy section");
  EnergyTable t;
  static_cast<OnChipTable&>(t) = onChipTable(cfg, clockHz);
  t.mulPj = cfg.fp32MulPj * cfg.fabricScale;
  t.addPj = cfg.fp32AddPj * cfg.fabricScale;
  const DramDeviceEnergy d = dramDeviceEnergy(ddr, cfg);
  const double devices = static_cast<double>(ddr.chipsPerRank) * ddr.ranks;
  // A command goes to every device of a rank; refresh to every rank.
  const double rank = ddr.chipsPerRank;
  t.actPj = d.actPj * rank;
  t.prePj = d.prePj * rank;
  t.rdPj = (d.rdPj + d.rdIoPj) * rank;
  t.wrPj = (d.wrPj + d.wrTermPj) * rank;
  t.refPj = d.refPj * devices;
  t.refPbPj = d.refPbPj * rank;
  t.ddrBackgroundW = (openPage ? d.activeStandbyW : d.prechargeStandbyW) * devices;
  t.rankActiveStandbyW = d.activeStandbyW * rank;
  t.rankPrechargeStandbyW = d.prechargeStandbyW * rank;
  t.ddrRanks = ddr.ranks;
  t.ddrClockHz = static_cast<double>(ddr.clock.freqHz());
  return t;
}

EnergyTable makeResidencyTable(const EnergyConfig& cfg, const models::Ddr4Config& ddr, double clockHz) {
  EnergyTable t = makeTable(cfg, ddr, true, clockHz);
  t.ddrResidency = true;
  return t;
}

Activity countActivity(const schedule::Program& prog, const schedule::PhasePlan& plan,
                       const stats::PhaseResult& result, int beatBytes) {
  using schedule::ComputeMode;
  using schedule::Stream;
  Activity a;
  a.cycles = result.cycles;
  a.ddr = result.ddr;
  for (const auto& s : result.streams) a.dmaBeats += ceilDiv(s.bytes, static_cast<std::uint64_t>(beatBytes));
  if (plan.unit == schedule::Unit::Host) return a;

  // Kept from phase to phase: a phase's steps take megabytes, grown anew each time otherwise.
  static thread_local std::vector<schedule::Step> steps;
  schedule::generateSteps(prog, plan, steps);
  for (const schedule::Step& s : steps) {
    // Every word a DMA moves is written into a bank (loads) or read out of
    // one (stores), once.
    for (int k = 0; k < schedule::kNumStreams; ++k) {
      const bool store = schedule::isWrite(static_cast<Stream>(k));
      (store ? a.bramReads : a.bramWrites) += words(s.pre[k]) + words(s.post[k]);
    }
    if (s.mode == ComputeMode::Vector) {
      a.vectorOps += s.iterations * static_cast<std::uint64_t>(plan.vec.lanes);
      continue;
    }
    if (s.iterations == 0) continue;
    // The lanes the step occupies: its Tm group's outputs × its Tn group's
    // inputs. A grouped conv's step issues every product of that tile (the
    // lanes whose output and input are in different groups multiply a zero
    // weight), so its useful MACs are fewer than iterations × m × n and need
    // not divide by n (BP of 12 → 20 channels in 2 groups on 4×16: 40 useful
    // products in a 4×12 tile).
    const std::uint64_t m = static_cast<std::uint64_t>(s.coord.m1 - s.coord.m0);
    const std::uint64_t n = static_cast<std::uint64_t>(s.coord.n1 - s.coord.n0);
    FTSIM_ASSERT(m > 0 && n == s.pre[static_cast<int>(Stream::In)].lanes && s.macs <= s.iterations * m * n,
                 "MAC step whose useful MACs exceed its tile's lanes");
    const std::uint64_t issued = s.iterations * m * n;
    a.mults += issued;
    if (s.mode == ComputeMode::Wu) {
      // Outer product: X (n lanes) and dY (m lanes) in, dW[m][n] read, added to, written back.
      a.accumulateAdds += issued;
      a.bramReads += s.iterations * (n + m) + issued;
      a.bramWrites += issued;
      const auto& upd = s.post[static_cast<int>(Stream::WeightOut)];
      if (upd.valid()) {  // w − lr·ΣdW: one multiply and one add per weight
        a.mults += upd.tile.elements();
        a.accumulateAdds += upd.tile.elements();
      }
    } else {
      // FP/BP: n inputs and m·n weights read; each output lane sums n products
      // in its tree (n−1 adds) and accumulates into its partial sum (read, add, write).
      a.treeAdds += s.iterations * m * (n - 1);
      a.accumulateAdds += s.iterations * m;
      a.bramReads += s.iterations * (n + m * n + m);
      a.bramWrites += s.iterations * m;
    }
  }
  return a;
}

stats::EnergyFj energyOf(const EnergyTable& t, const Activity& a) {
  using LD = long double;
  stats::EnergyFj e;
  e.compute = femtojoules(static_cast<LD>(a.mults) * t.mulPj + static_cast<LD>(a.adds()) * t.addPj);
  priceOnChip(t, a.bramReads, a.bramWrites, a.dmaBeats, a.cycles, e);
  e.ddrDynamic = femtojoules(static_cast<LD>(a.ddr.activates) * t.actPj + static_cast<LD>(a.ddr.precharges) * t.prePj +
                             static_cast<LD>(a.ddr.reads) * t.rdPj + static_cast<LD>(a.ddr.writes) * t.wrPj +
                             static_cast<LD>(a.ddr.refreshes) * t.refPj +
                             static_cast<LD>(a.ddr.bankRefreshes) * t.refPbPj);
  if (t.ddrResidency) {
    // DRAMPower's background: IDD3N while a rank has a bank open, IDD2N for
    // the rest of the span (ranks × its DDR cycles).
    const LD tCk = 1.0L / static_cast<LD>(t.ddrClockHz);
    const LD active = static_cast<LD>(a.ddr.rankActiveCycles) * tCk;
    const LD all = secondsOf(t, a.cycles) * static_cast<LD>(t.ddrRanks);
    const LD precharged = all > active ? all - active : 0.0L;
    e.ddrBackground = femtojoules((active * t.rankActiveStandbyW + precharged * t.rankPrechargeStandbyW) * 1e12L);
  } else {
    e.ddrBackground = femtojoules(secondsOf(t, a.cycles) * t.ddrBackgroundW * 1e12L);
  }
  return e;
}

void annotateRun(stats::RunResult& run, const schedule::Program& prog, const EnergyTable& table, int beatBytes) {
  FTSIM_ASSERT(run.phases.size() == prog.phases.size(), "run and program disagree on the phases");
  stats::DdrCounters ddrInPhases;
  std::uint64_t cyclesInPhases = 0;
  std::vector<Activity> acts;
  acts.reserve(run.phases.size());
  for (std::size_t i = 0; i < run.phases.size(); ++i) {
    acts.push_back(countActivity(prog, prog.phases[i], run.phases[i], beatBytes));
    ddrInPhases += run.phases[i].ddr;
    cyclesInPhases += run.phases[i].cycles;
  }
  if (!acts.empty()) {
    stats::DdrCounters tail = run.memory.total;
    if (run.memoryModel == "ddr4") {
      tail -= ddrInPhases;
      acts.back().ddr += tail;
    }
    FTSIM_ASSERT(run.totalCycles >= cyclesInPhases, "phases longer than the run");
    acts.back().cycles += run.totalCycles - cyclesInPhases;
  }
  for (std::size_t i = 0; i < acts.size(); ++i) run.phases[i].energy = energyOf(table, acts[i]);
  run.energyModelled = true;
}

EnergyTable designTable(const config::DesignConfig& d) {
  // A command-level DRAM run records its bank-state residency; the ideal
  // memory has none, and keeps the standby of its page policy.
  // Each of memory.ddr4.channels has its ranks in standby.
  const int channels = d.memory.ddr4.channels;
  if (d.memory.model == "ddr4") {
    EnergyTable t = makeResidencyTable(d.board.energy, d.memory.device, static_cast<double>(d.accelerator.clock.freqHz()));
    t.ddrRanks *= channels;
    return t;
  }
  const bool openPage = d.memory.ddr4.pagePolicy == models::PagePolicy::Open;
  EnergyTable t = makeTable(d.board.energy, d.memory.device, openPage, static_cast<double>(d.accelerator.clock.freqHz()));
  t.ddrBackgroundW *= channels;
  return t;
}

void annotateDesignRun(const config::DesignConfig& d, const schedule::Program& prog, stats::RunResult& run) {
  if (!d.board.energy.present) return;
  annotateRun(run, prog, designTable(d), d.accelerator.dma.bytesPerCycle());
}

}  // namespace ftsim::energy

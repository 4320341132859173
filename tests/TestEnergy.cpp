// Energy: DRAMPower command energies with their arithmetic, the actions
// counted from a phase's steps, components and rows that add up exactly,
// the config rules of `board.energy` and `measured:`, and determinism.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <sys/wait.h>

#include "families/eftrain/EfTrainReport.h"
#include "models/accel/EfTrainSystem.h"
#include "sim/config/DesignConfig.h"
#include "sim/energy/EnergyModel.h"
#include "sim/schedule/BufferUsage.h"
#include "sim/schedule/Scheduler.h"
#include "tests/Harness.h"
#include "traces/Report.h"

using namespace ftsim;
using namespace ftsim::test;
using Json = nlohmann::json;

namespace {

std::string design(const std::string& name) { return sourceDir() + "/configs/designs/" + name + ".yaml"; }

/// Load, schedule, simulate and price a design (once per process).
struct PricedRun {
  config::DesignConfig d;
  schedule::Program prog;
  stats::RunResult run;
};
const PricedRun& pricedRun(const std::string& file, const std::vector<std::string>& overrides = {}) {
  static PricedRun p;  // the SystemC modules refer to the config and the program
  p.d = config::DesignConfig::load(file, overrides);
  const schedule::Scheduler sched(schedulerInputs(p.d));
  p.prog = sched.build();
  p.run = models::simulate(p.d.accelerator, p.d.memory, p.prog, {});
  energy::annotateDesignRun(p.d, p.prog, p.run);
  return p;
}

/// A DDR4 device with round numbers: tCK = 1 ns, BL8, x8, the Micron 4 Gb x8
/// DDR4-2400 currents of DRAMPower's memspec (docs/sources.md §3).
models::Ddr4Config roundDdr() {
  models::Ddr4Config c;
  c.clock = Clock::fromMhz(1000);
  c.chipWidthBits = 8;
  c.chipsPerRank = 8;
  c.ranks = 1;
  c.burstLength = 8;
  c.t.tRAS = 32;
  c.t.tRC = 45;
  c.t.tRFC = 260;
  c.power = {1.2, 2.5, 60.75, 38.25, 44.0, 184.5, 168.75, 118.0, 4.05, 0.0};
  return c;
}

energy::EnergyConfig ioOnly() {
  energy::EnergyConfig e;
  e.present = true;
  e.ddrIoReadMwPerPin = 3.7;
  e.ddrTermWriteMwPerPin = 17.0;
  return e;
}

TEST(DramPower, PerCommandEnergiesOfOneDevice) {
  const energy::DramDeviceEnergy e = energy::dramDeviceEnergy(roundDdr(), ioOnly());
  // mA · ns · V = pJ.
  // ACT: (60.75 − 44) · 32 · 1.2 + (4.05 − 0) · 32 · 2.5 = 643.2 + 324 = 967.2
  EXPECT_DOUBLE_EQ(e.actPj, 967.2);
  // PRE: (60.75 − 38.25) · (45 − 32) · 1.2 + 4.05 · 13 · 2.5 = 351 + 131.625 = 482.625
  EXPECT_DOUBLE_EQ(e.prePj, 482.625);
  // RD: (184.5 − 44) · (8/2 · 1 ns) · 1.2 = 140.5 · 4.8 = 674.4
  EXPECT_DOUBLE_EQ(e.rdPj, 674.4);
  // WR: (168.75 − 44) · 4 · 1.2 = 598.8
  EXPECT_DOUBLE_EQ(e.wrPj, 598.8);
  // REF: (118 − 44) · 260 · 1.2 = 23088
  EXPECT_DOUBLE_EQ(e.refPj, 23088.0);
  // I/O: read 3.7 mW · (8 DQ + 1 DQS) · 4 ns = 133.2; write ODT 17 mW · (8 + 2) · 4 ns = 680
  EXPECT_DOUBLE_EQ(e.rdIoPj, 133.2);
  EXPECT_DOUBLE_EQ(e.wrTermPj, 680.0);
  // Standby: 44 mA · 1.2 V = 52.8 mW active, 38.25 · 1.2 = 45.9 mW precharged (IPP3N = 0).
  EXPECT_DOUBLE_EQ(e.activeStandbyW, 0.0528);
  EXPECT_DOUBLE_EQ(e.prechargeStandbyW, 0.0459);
}

TEST(DramPower, RankTableMultipliesByDevices) {
  const models::Ddr4Config ddr = roundDdr();
  const energy::EnergyTable open = energy::makeTable(ioOnly(), ddr, true, 100e6);
  const energy::EnergyTable closed = energy::makeTable(ioOnly(), ddr, false, 100e6);
  EXPECT_DOUBLE_EQ(open.actPj, 8 * 967.2);
  EXPECT_DOUBLE_EQ(open.rdPj, 8 * (674.4 + 133.2));   // 6460.8 pJ per 64-byte burst
  EXPECT_DOUBLE_EQ(open.wrPj, 8 * (598.8 + 680.0));   // 10230.4
  EXPECT_DOUBLE_EQ(open.refPj, 8 * 23088.0);
  EXPECT_DOUBLE_EQ(open.ddrBackgroundW, 8 * 0.0528);  // open page: active standby
  EXPECT_DOUBLE_EQ(closed.ddrBackgroundW, 8 * 0.0459);
}

TEST(DramPower, ShippedZcu102TimingInDdrCycles) {
  // DDR4-2133P at 1066.6667 MHz: tRAS 36, tRC 51, tRFC 278 cycles of tCK = 1000/1066.6667 ns.
  const config::DesignConfig d = config::DesignConfig::load(design("eftrain-lenet5-zcu102"), {});
  const double tCk = 1e3 / d.board.ddr.clock.freqMhz();
  const energy::DramDeviceEnergy e = energy::dramDeviceEnergy(d.board.ddr, d.board.energy);
  // ACT: (16.75 · 1.2 + 4.05 · 2.5) · 36 · tCK = 30.225 · 36 · tCK = 1088.1 · tCK ≈ 1020.1 pJ
  EXPECT_NEAR(e.actPj, 1088.1 * tCk, 1e-9);
  // PRE: (22.5 · 1.2 + 4.05 · 2.5) · 15 · tCK = 37.125 · 15 · tCK = 556.875 · tCK
  EXPECT_NEAR(e.prePj, 556.875 * tCk, 1e-9);
  // REF: 74 · 1.2 · 278 · tCK = 24686.4 · tCK
  EXPECT_NEAR(e.refPj, 24686.4 * tCk, 1e-9);
}

TEST(EnergyOf, ComponentsAreCountsTimesTheTableInWholeFemtojoules) {
  energy::EnergyTable t;
  t.mulPj = 3.7;
  t.addPj = 0.9;
  t.bramReadPj = 5;
  t.bramWritePj = 6;
  t.dmaBeatPj = 20;
  t.actPj = 1000;
  t.prePj = 500;
  t.rdPj = 700;
  t.wrPj = 800;
  t.refPj = 20000;
  t.ddrBackgroundW = 0.4;
  t.staticW = 1.0;
  t.clockHz = 100e6;
  energy::Activity a;
  a.mults = 1000;
  a.treeAdds = 900;
  a.accumulateAdds = 100;
  a.vectorOps = 10;
  a.bramReads = 300;
  a.bramWrites = 30;
  a.dmaBeats = 7;
  a.ddr.activates = 2;
  a.ddr.precharges = 1;
  a.ddr.reads = 3;
  a.ddr.writes = 4;
  a.ddr.refreshes = 1;
  a.cycles = 1000;  // 10 µs
  const stats::EnergyFj e = energy::energyOf(t, a);
  EXPECT_EQ(e.compute, 4609000u);        // 1000 · 3.7 + 1010 · 0.9 = 4609 pJ
  EXPECT_EQ(e.onChipMemory, 1680000u);   // 300 · 5 + 30 · 6 = 1680 pJ
  EXPECT_EQ(e.dma, 140000u);             // 7 · 20 = 140 pJ
  EXPECT_EQ(e.ddrDynamic, 27800000u);    // 2000 + 500 + 2100 + 3200 + 20000 = 27800 pJ
  EXPECT_EQ(e.ddrBackground, 4000000000u);  // 0.4 W · 10 µs = 4 µJ
  EXPECT_EQ(e.staticPower, 10000000000u);   // 1 W · 10 µs = 10 µJ
  EXPECT_EQ(e.total(), 4609000u + 1680000u + 140000u + 27800000u + 4000000000u + 10000000000u);

  // A command-level DRAM run prices the background from its residency: 2
  // ranks over the 10 µs span, one of them with a bank open for 4000 DDR
  // cycles of 1 ns: 4 µs · 0.4 W (active) + (2 · 10 − 4) µs · 0.3 W
  // (precharged) = 1.6 + 4.8 = 6.4 µJ. Per-bank refreshes at 150 pJ each.
  t.ddrResidency = true;
  t.rankActiveStandbyW = 0.4;
  t.rankPrechargeStandbyW = 0.3;
  t.ddrRanks = 2;
  t.ddrClockHz = 1e9;
  t.refPbPj = 150;
  a.ddr.rankActiveCycles = 4000;
  a.ddr.bankRefreshes = 2;
  const stats::EnergyFj r = energy::energyOf(t, a);
  EXPECT_EQ(r.ddrBackground, 6400000000u);
  EXPECT_EQ(r.ddrDynamic, 28100000u);  // 27800 + 2 · 150 pJ
}

TEST(Activity, PointwiseConvForwardCountsFromItsSteps) {
  // One 1×1 conv, 16 → 16 channels on an 8×8 map, batch 1, ideal memory: FP
  // iterates 8·8 = 64 pixels over the full 16×16 array, however the rows are
  // split into strips (a 1×1 window has no halo).
  const std::string dir = tempDir("d");
  const std::string file = writeDesign(
      dir,
      "  name: one-conv\n  batch: 1\n  input: {channels: 16, height: 8, width: 8}\n"
      "  layers:\n    - {name: conv, type: conv, out_channels: 16, kernel: 1}\n",
      "memory:\n  model: ideal\n");
  const PricedRun& p = pricedRun(file);
  const schedule::PhasePlan& plan = p.prog.phases.front();
  ASSERT_EQ(plan.name, "conv");
  ASSERT_EQ(plan.phase, schedule::Phase::FP);
  const energy::Activity a = energy::countActivity(p.prog, plan, p.run.phases.front(), 16);
  EXPECT_EQ(a.mults, 16384u);           // 64 · 16 · 16
  EXPECT_EQ(a.treeAdds, 15360u);        // 64 · 16 lanes · 15
  EXPECT_EQ(a.accumulateAdds, 1024u);   // 64 · 16
  EXPECT_EQ(a.vectorOps, 0u);
  // Reads: 64 · (16 inputs + 256 weights + 16 partial sums) = 18432, plus the
  // stored 16 × 8 × 8 output, 1024 words.
  EXPECT_EQ(a.bramReads, 19456u);
  // Writes: 64 · 16 partial sums = 1024, plus the loads: 16 × 8 × 8 = 1024
  // input words and 16 × 16 = 256 weights.
  EXPECT_EQ(a.bramWrites, 2304u);
  // Beats of 16 bytes: 4096 B in + 1024 B weights + 4096 B out = 256 + 64 + 256.
  EXPECT_EQ(a.dmaBeats, 576u);
  EXPECT_EQ(a.mults, p.run.phases.front().macs);
  EXPECT_EQ(a.cycles, p.run.phases.front().cycles);
}

TEST(Energy, LeNetComponentsRowsAndPhasesAddUpToTheTotal) {
  const PricedRun& p = pricedRun(design("eftrain-lenet5-zcu102"));
  ASSERT_TRUE(p.run.energyModelled);
  const traces::Report r = families::eftrain::makeReport(p.run, p.d.workload, schedule::bufferUsage(p.prog, p.d.accelerator));
  ASSERT_TRUE(r.energyModelled);
  stats::EnergyFj rows;
  for (const traces::LayerRow& row : r.rows) rows += row.energy;
  std::uint64_t phases = 0;
  for (const stats::PhaseResult& ph : p.run.phases) phases += ph.energy.total();
  EXPECT_EQ(rows.total(), r.energy.total());
  EXPECT_EQ(phases, r.energy.total());
  EXPECT_EQ(r.energy.compute + r.energy.onChipMemory + r.energy.dma + r.energy.ddrDynamic + r.energy.ddrBackground +
                r.energy.staticPower,
            r.energy.total());
  EXPECT_GT(r.energy.ddrDynamic, 0u);

  // Time-charged components cover the whole run: 1 W of PL+PS static power
  // times the run's seconds, to within one fJ of rounding per phase; DRAM
  // standby from the rank's residency: 8 · IDD3N · VDD (8 · 44 mA · 1.2 V =
  // 0.4224 W) while a bank is open, 8 · IDD2N · VDD (8 · 38.25 · 1.2 =
  // 0.3672 W) for the rest of the run.
  const double seconds = static_cast<double>(p.run.totalCycles) / 100e6;
  const double n = static_cast<double>(p.run.phases.size());
  EXPECT_NEAR(static_cast<double>(r.energy.staticPower), seconds * 1.0 * 1e15, n);
  const double active = static_cast<double>(p.run.memory.total.rankActiveCycles) / (p.d.board.ddr.clock.freqMhz() * 1e6);
  ASSERT_GT(active, 0.0);
  ASSERT_LT(active, seconds);
  EXPECT_NEAR(static_cast<double>(r.energy.ddrBackground), (active * 0.4224 + (seconds - active) * 0.3672) * 1e15, n);
  // DDR commands: the phases' share plus the writes drained after the last
  // phase are the run's totals.
  const energy::EnergyTable t = energy::designTable(p.d);
  const stats::DdrCounters& d = p.run.memory.total;
  const double ddrPj = d.activates * t.actPj + d.precharges * t.prePj + d.reads * t.rdPj + d.writes * t.wrPj +
                       d.refreshes * t.refPj;
  EXPECT_NEAR(static_cast<double>(r.energy.ddrDynamic), ddrPj * 1e3, n);
}

TEST(Energy, BoardWithoutEnergyTableLeavesTheRunUnpriced) {
  config::DesignConfig d = config::DesignConfig::load(design("eftrain-lenet5-zcu102"), {});
  d.board.energy = energy::EnergyConfig{};
  stats::RunResult run;
  energy::annotateDesignRun(d, schedule::Program{}, run);
  EXPECT_FALSE(run.energyModelled);
}

// ----- config rules ---------------------------------------------------------

struct Case {
  std::vector<std::string> sets;
  std::string expected;
};

class EnergyConfigRule : public ::testing::TestWithParam<Case> {};

TEST_P(EnergyConfigRule, IsRefusedWithKeyAndRule) {
  const std::string msg = errorOf(design("eftrain-lenet5-zcu102"), GetParam().sets);
  EXPECT_NE(msg.find(GetParam().expected), std::string::npos) << "message: " << msg;
}

const Case kCases[] = {
    {{"board.energy.fp32_mul_pj=-1"}, "board.energy.fp32_mul_pj = -1: must be >= 0"},
    {{"board.energy.fp32_add_pj=x"}, "board.energy.fp32_add_pj = x: must be a number"},
    {{"board.energy.bram_read_pj=2e6"}, "board.energy.bram_read_pj = 2e6: must be <= 1e+06"},
    {{"board.energy.int8_mul_pj=-1"}, "board.energy.int8_mul_pj = -1: must be >= 0"},
    {{"board.energy.int16_add_pj=x"}, "board.energy.int16_add_pj = x: must be a number"},
    {{"board.energy.int32_mul_pj=2e6"}, "board.energy.int32_mul_pj = 2e6: must be <= 1e+06"},
    {{"board.energy.fabric_scale=-2"}, "board.energy.fabric_scale = -2: must be >= 0"},
    {{"board.energy.pl_static_w=[1]"}, "board.energy.pl_static_w = [...]: must be a number"},
    {{"board.energy.fp32_mac_pj=4.6"}, "board.energy: unknown key 'fp32_mac_pj' (did you mean"},
    {{"board.energy={}"}, "board.energy.fp32_mul_pj: required key is missing"},
    {{"measured.throughput_gflops=5"}, "measured.source: required key is missing"},
    {{"measured.source=x", "measured.throughput_gflops=fast"}, "measured.throughput_gflops = fast: must be a number"},
    {{"measured.source=x", "measured.power_w=0"}, "measured.power_w = 0: must be > 0"},
    {{"measured.source=x", "measured.gflops_per_w=-6"}, "measured.gflops_per_w = -6: must be >= 0"},
    {{"measured.source=x", "measured.latency_s=abc"}, "measured.latency_s = abc: must be a number"},
    {{"measured.source=x", "measured.gflops=5"}, "measured: unknown key 'gflops' (valid keys here: fitted gflops_per_w"},
    {{"measured.source=x", "measured.resources.dsp=5"}, "measured.resources.source: required key is missing"},
    {{"measured.source=x", "measured.resources.source=y", "measured.resources.dsp=-1"},
     "measured.resources.dsp = -1: must be >= 0"},
    {{"measured.source=x", "measured.resources.source=y", "measured.resources.dsps=1"},
     "measured.resources: unknown key 'dsps' (did you mean 'dsp'?)"},
    {{"measured=5"}, "measured = 5: must be a map of keys"},
    {{"measured.source=[a]"}, "measured.source = [...]: must be a string"},
};

std::string caseName(const ::testing::TestParamInfo<Case>& info) {
  std::string key = info.param.sets.back().substr(0, info.param.sets.back().find('='));
  for (char& c : key)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return std::to_string(info.index) + "_" + key;
}

INSTANTIATE_TEST_SUITE_P(All, EnergyConfigRule, ::testing::ValuesIn(kCases), caseName);

TEST(EnergyConfigFile, MeasuredErrorNamesFileAndLine) {
  const std::string dir = tempDir("d");
  const std::string file = dir + "/design.yaml";
  writeText(file, "include: " + design("eftrain-lenet5-zcu102") +
                      "\nmeasured:\n  source: a paper\n  throughput_gflops: 5\n  power_w: lots\n");
  EXPECT_EQ(errorOf(file, {}), file + ":5: measured.power_w = lots: must be a number");
}

TEST(EnergyConfigFile, ShippedVgg16CarriesThePapersFigures) {
  const config::DesignConfig d = config::DesignConfig::load(design("eftrain-vgg16-zcu102"), {});
  ASSERT_TRUE(d.measured.present);
  EXPECT_EQ(*d.measured.throughputGflops, 46.99);
  EXPECT_EQ(*d.measured.gflopsPerW, 6.09);
  EXPECT_FALSE(d.measured.powerW.has_value());
  EXPECT_NE(d.measured.source.find("arXiv 2202.10935"), std::string::npos);
  EXPECT_TRUE(d.measured.resources.empty());
}

// ----- through the program --------------------------------------------------

TEST(EnergyOutputs, SummaryAndCsvCarryEnergyThatAddsUp) {
  const std::string dir = tempDir("out");
  const Result r = runFtsim("run " + design("eftrain-lenet5-zcu102") + " --quiet --out " + dir);
  ASSERT_EQ(r.code, 0) << r.out;
  const Json j = Json::parse(readText(dir + "/summary.json"));
  expectEnergyAddsUp(j);
  const double total = j["total"]["energy_j"].get<double>();
  EXPECT_DOUBLE_EQ(j["total"]["power_w"].get<double>(), total / j["total"]["seconds"].get<double>());
  EXPECT_DOUBLE_EQ(j["total"]["gflops_per_w"].get<double>(),
                   j["total"]["flops"].get<double>() / total / 1e9);
  const std::string csv = readText(dir + "/layers.csv");
  EXPECT_NE(csv.find(",axi_bursts,energy_j\n"), std::string::npos);
}

TEST(EnergyOutputs, SameSeedGivesIdenticalEnergy) {
  const std::string a = tempDir("a"), b = tempDir("b");
  ASSERT_EQ(runFtsim("run " + design("eftrain-lenet5-zcu102") + " --quiet --seed 3 --out " + a).code, 0);
  ASSERT_EQ(runFtsim("run " + design("eftrain-lenet5-zcu102") + " --quiet --seed 3 --out " + b).code, 0);
  const Json ja = Json::parse(readText(a + "/summary.json")), jb = Json::parse(readText(b + "/summary.json"));
  EXPECT_EQ(ja["energy"].dump(), jb["energy"].dump());
  EXPECT_EQ(readText(a + "/layers.csv"), readText(b + "/layers.csv"));
}

TEST(EnergyOutputs, ConsolePrintsEnergyPowerAndEfficiency) {
  const Result r = runFtsim("run " + design("eftrain-lenet5-zcu102") + " --out " + tempDir("out"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("GFLOPS/W"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DDR background"), std::string::npos) << r.out;
}

TEST(ReluFusion, ForwardReluRidesOnTheProducersStore) {
  // LeNet-5 under the ideal memory (phases do not interact): with fusion the
  // four ReLU FP rows take no cycles and move no bytes, every other row is
  // unchanged, and the total drops by exactly the ReLU FP cycles.
  const std::string a = tempDir("a"), b = tempDir("b");
  const std::string base = "run " + design("eftrain-lenet5-zcu102") + " --quiet --set memory.model=ideal --out ";
  ASSERT_EQ(runFtsim(base + a).code, 0);
  ASSERT_EQ(runFtsim(base + b + " --set accelerator.vector.fuse_relu=true").code, 0);
  const Json ja = Json::parse(readText(a + "/summary.json")), jb = Json::parse(readText(b + "/summary.json"));
  ASSERT_EQ(ja["layers"].size(), jb["layers"].size());
  std::uint64_t reluFp = 0;
  int fused = 0;
  for (std::size_t k = 0; k < ja["layers"].size(); ++k) {
    const Json& x = ja["layers"][k];
    const Json& y = jb["layers"][k];
    if (x["type"] == "relu" && x["phase"] == "FP") {
      reluFp += x["cycles"].get<std::uint64_t>();
      EXPECT_EQ(y["cycles"], 0);
      EXPECT_EQ(y["analytical_cycles"], 0);
      EXPECT_EQ(y["bytes_read"], 0);
      EXPECT_EQ(y["bytes_written"], 0);
      ++fused;
    } else {
      EXPECT_EQ(x["cycles"], y["cycles"]) << x["layer"] << " " << x["phase"];
      EXPECT_EQ(x["analytical_cycles"], y["analytical_cycles"]) << x["layer"] << " " << x["phase"];
    }
  }
  EXPECT_EQ(fused, 4);
  // relu1..relu4 FP: 28368 + 14400 + 4608 + 3664 = 51040 cycles.
  EXPECT_EQ(reluFp, 51040u);
  EXPECT_EQ(jb["total"]["cycles"].get<std::uint64_t>(), ja["total"]["cycles"].get<std::uint64_t>() - reluFp);
  EXPECT_NE(errorOf(design("eftrain-lenet5-zcu102"), {"accelerator.vector.fuse_relu=maybe"})
                .find("accelerator.vector.fuse_relu = maybe: must be true or false"),
            std::string::npos);
}

}  // namespace

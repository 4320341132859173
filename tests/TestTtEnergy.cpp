// Energy of the tensorized-training engine: a multiply-accumulate priced by
// its number format, the actions of every operation of a small training
// step counted by hand, components and rows that add up exactly, a board
// without an energy table, and determinism.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "models/accel/TtSystem.h"
#include "sim/energy/TtEnergyModel.h"
#include "families/tt/TtDesign.h"
#include "tests/Harness.h"
#include "families/tt/TtFamily.h"

using namespace ftsim;
using namespace ftsim::test;
using energy::Arith;
using Json = nlohmann::json;
using kernels::NumberFormat;

namespace {

std::string design(const std::string& name) { return sourceDir() + "/configs/designs/" + name + ".yaml"; }

/// The shipped ZCU102 table at 100 MHz, its fitted fabric scale pinned to
/// 22.3 so that the arithmetic below does not follow a refit.
energy::TtEnergyTable zcu102Table() {
  const config::DesignConfig d =
      config::DesignConfig::load(design("tt-mlp-mnist-zcu102"), {"board.energy.fabric_scale=22.3"});
  return energy::makeTtTable(d.board.energy, 100e6);
}

models::TtPeArrayConfig array16x16() {
  models::TtPeArrayConfig pe;
  pe.rows = 16;
  pe.depth = 16;
  return pe;
}

/// One row of the array: a dot product of 16 elements in format `f`.
energy::TtActivity dot16(const NumberFormat& f) {
  tt::TtProgram p;
  for (const char* name : {"x", "w", "y"}) {
    tt::ProgTensor t;
    t.name = name;
    t.elements = name[0] == 'y' ? 1 : 16;
    t.format = f;
    p.tensors.push_back(t);
  }
  tt::ProgOp op;
  op.kind = tt::OpKind::Contract;
  op.gemm = tt::GemmShape{1, 1, 16, 1};
  op.a.tensor = 0;
  op.b.tensor = 1;
  op.writes = {2};
  return energy::countTtActivity(p, op, tt::TtOpResult{}, array16x16(), false, 16);  // 128-bit stream
}

// kSmallTtEngineYaml (a 4x4 int8 engine at 100 MHz with 4 vector lanes) on the ZCU102.
const char* kSmallWorkload = R"(workload:
  name: dense
  batch: 2
  input: {channels: 8, height: 1, width: 1}
  layers:
    - {name: fc1, type: fc, out_features: 4}
)";

std::string smallDesign() {
  const std::string path = tempDir("d") + "/design.yaml";
  writeText(path, "name: tt-energy\ninclude:\n  - " + sourceDir() + "/configs/boards/zcu102.yaml\n" + kSmallTtEngineYaml +
                      kSmallWorkload);
  return path;
}

}  // namespace

TEST(TtEnergy, MultiplyAccumulatePricedByFormat) {
  // A 16-element dot product on one row of the array: 16 multiplies, 15
  // adder-tree adds at the product's width, 1 accumulation (int32, or fp32),
  // and, for fixed/bfp, the result's one rounding priced as an add at its
  // width. All × fabric scale 22.3; pJ → fJ × 1000.
  const energy::TtEnergyTable t = zcu102Table();
  // fp32: 16 · 3.7 + 16 · 0.9 = 73.6 pJ · 22.3 = 1641.28 pJ (102.58 pJ per MAC)
  const energy::TtActivity f = dot16(NumberFormat::fp32());
  EXPECT_EQ(f.mults[static_cast<int>(Arith::Fp32)], 16u);
  EXPECT_EQ(f.adds[static_cast<int>(Arith::Fp32)], 16u);
  EXPECT_EQ(energy::ttEnergyOf(t, f).compute, 1641280u);
  // fixed<8,6>: 16 · 0.2 (int8 mult) + 15 · 0.05 (int16 add) + 0.1 (int32 acc)
  //   + 0.03 (int8 rounding) = 4.08 pJ · 22.3 = 90.984 pJ
  const energy::TtActivity i8 = dot16(NumberFormat::fixed(8, 6));
  EXPECT_EQ(i8.mults[static_cast<int>(Arith::Int8)], 16u);
  EXPECT_EQ(i8.adds[static_cast<int>(Arith::Int16)], 15u);
  EXPECT_EQ(i8.adds[static_cast<int>(Arith::Int32)], 1u);
  EXPECT_EQ(i8.roundings[static_cast<int>(Arith::Int8)], 1u);
  EXPECT_EQ(energy::ttEnergyOf(t, i8).compute, 90984u);
  // bfp<8,16>: 8-bit mantissas, priced as int8: the same 90.984 pJ
  EXPECT_EQ(energy::ttEnergyOf(t, dot16(NumberFormat::bfp(8, 16))).compute, 90984u);
  // fixed<16,8>: 16 · 1.0 (int16 mult) + 15 · 0.1 (int32 add) + 0.1 + 0.05
  //   (int16 rounding) = 17.65 pJ · 22.3 = 393.595 pJ
  EXPECT_EQ(energy::ttEnergyOf(t, dot16(NumberFormat::fixed(16, 8))).compute, 393595u);
  // Buffers: 16 stationary words, 16 streamed, 1 result (one depth tile: no partial-sum read).
  EXPECT_EQ(i8.bramReads, 32u);
  EXPECT_EQ(i8.bramWrites, 1u);
}

TEST(TtEnergy, DenseStepActionsAndEnergyByHand) {
  // FC 8 -> 4, batch 2, int8 on the 4x4 array (cycles: TestTtCycles). Per
  // operation (reads, writes in buffer words; × 5 pJ × 22.3 = 111.5 pJ each):
  //  load   24 B: 2 beats · 20 · 22.3 = 892 pJ; writes 16 inputs + 2 labels = 18
  //  FP     m 2, k 8, n 4, n on the rows: 2 depth tiles, 1 row tile, 8 outputs:
  //         64 int8 mult, 16 int32 acc, 48 int16 tree adds, 8 int8 roundings:
  //         (12.8 + 1.6 + 2.4 + 0.24) · 22.3 = 379.992 pJ;
  //         reads 4·8 stationary + 8·2 streamed + 8 partial sums = 56; writes 8 · 2 = 16
  //  loss   8 logits, 3 passes: 24 int8 adds + 8 roundings = 0.96 · 22.3 = 21.408 pJ;
  //         reads 3 · (8 + 2 labels) = 30; writes 8
  //  WU     m 8, k 2, n 4, m on the rows (a tie keeps m): 1 depth tile, 2 row tiles, 32 outputs:
  //         64 int8 mult, 32 int32 acc, 32 int16 tree, 32 roundings:
  //         (12.8 + 3.2 + 1.6 + 0.96) · 22.3 = 413.888 pJ; reads 8·2 + 2·2·4 = 32; writes 32
  //  update 32 weights: 32 int8 mult + 32 adds + 32 roundings = 8.32 · 22.3 = 185.536 pJ;
  //         reads 32 w + 32 dW = 64; writes 32
  //  static 1 W × cycles / 100 MHz: 402, 19, 14, 21, 16 cycles → 10 nJ per cycle
  static config::DesignConfig d;
  static tt::TtDesignPlan plan;
  d = config::DesignConfig::load(smallDesign(), {"board.energy.fabric_scale=22.3"});  // pinned: the arithmetic above
  plan = tt::planTtDesign(d);
  const tt::TtRunResult run = models::simulateTt(d.tt, d.memory, plan.program, nullptr, {});
  ASSERT_EQ(run.ops.size(), 5u);
  const std::vector<stats::EnergyFj> e = energy::ttDesignOpEnergies(d, plan.program, run);
  ASSERT_EQ(e.size(), 5u);
  const std::uint64_t compute[] = {0, 379992, 21408, 413888, 185536};
  const std::uint64_t words[] = {18, 72, 38, 64, 96};
  const std::uint64_t cycles[] = {402, 19, 14, 21, 16};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(e[i].compute, compute[i]) << "op " << i;
    EXPECT_EQ(e[i].onChipMemory, words[i] * 111500) << "op " << i;
    EXPECT_EQ(e[i].dma, i == 0 ? 892000u : 0u) << "op " << i;
    EXPECT_EQ(e[i].staticPower, cycles[i] * 10000000) << "op " << i;
    EXPECT_EQ(e[i].ddrDynamic + e[i].ddrBackground, 0u);  // the ideal memory has no DRAM model
  }
  // The report: rows (input, fc1 FP, loss, fc1 WU = contraction + update) add up
  // to the total exactly, which is 1,000,824 + 32,112,000 + 892,000 + 4,720,000,000 fJ.
  const traces::Report r = families::tt::makeTtReport(d, plan, run);
  ASSERT_TRUE(r.energyModelled);
  ASSERT_EQ(r.rows.size(), 4u);
  stats::EnergyFj rows;
  for (const traces::LayerRow& row : r.rows) rows += row.energy;
  EXPECT_EQ(rows.total(), r.energy.total());
  EXPECT_EQ(r.energy.compute, 1000824u);
  EXPECT_EQ(r.energy.onChipMemory, 32112000u);
  EXPECT_EQ(r.energy.dma, 892000u);
  EXPECT_EQ(r.energy.staticPower, 4720000000u);
  EXPECT_EQ(r.energy.total(), 4754004824u);
  EXPECT_EQ(r.rows[3].energy.compute, 413888u + 185536u);
}

TEST(TtEnergy, SummaryAndConsoleCarryEnergyThatAddsUp) {
  const std::string dir = tempDir("out");
  const Result r = runFtsim("run " + design("tt-mlp-mnist-zcu102") + " --quiet --out " + dir);
  ASSERT_EQ(r.code, 0) << r.out;
  const Json j = Json::parse(readText(dir + "/summary.json"));
  expectEnergyAddsUp(j);
  const Json& e = j["energy"];
  EXPECT_EQ(e["components"]["ddr_dynamic"]["energy_fj"], 0);
  EXPECT_GT(e["components"]["compute"]["energy_fj"].get<std::uint64_t>(), 0u);
  EXPECT_GT(e["components"]["dma_interconnect"]["energy_fj"].get<std::uint64_t>(), 0u);
  const double total = j["total"]["energy_j"].get<double>();
  EXPECT_DOUBLE_EQ(j["total"]["power_w"].get<double>(), total / j["total"]["seconds"].get<double>());
  EXPECT_DOUBLE_EQ(j["total"]["gflops_per_w"].get<double>(), j["total"]["flops"].get<double>() / total / 1e9);
  const Json& cpu = j["cpu_baseline"];
  EXPECT_TRUE(cpu["energy_ratio"].is_number());  // the power_w figure stays
  EXPECT_DOUBLE_EQ(cpu["energy_ratio_modelled"].get<double>(),
                   cpu["cpu_seconds"].get<double>() * cpu["cpu_power_w"].get<double>() / total);
  const Result console = runFtsim("run " + design("tt-mlp-mnist-zcu102") + " --out " + dir);
  EXPECT_NE(console.out.find("GFLOPS/W"), std::string::npos) << console.out;
  EXPECT_NE(console.out.find("from the modelled energy"), std::string::npos) << console.out;
}

TEST(TtEnergy, BoardWithoutEnergyTableReportsNotModelled) {
  const std::string dir = tempDir("out");
  const Result r = runFtsim("run " + design("tt-mlp-mnist-ultra96v2") + " --out " + dir);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("energy        not modelled"), std::string::npos) << r.out;
  const Json j = Json::parse(readText(dir + "/summary.json"));
  EXPECT_FALSE(j["energy"]["modelled"].get<bool>());
  EXPECT_TRUE(j["total"]["energy_j"].is_null());
  EXPECT_TRUE(j["total"]["gflops_per_w"].is_null());
  for (const Json& l : j["layers"]) EXPECT_TRUE(l["energy_j"].is_null());
  if (j.contains("cpu_baseline")) {
    EXPECT_TRUE(j["cpu_baseline"]["energy_ratio_modelled"].is_null());
  }
}

TEST(TtEnergy, SameSeedGivesIdenticalEnergy) {
  const std::string a = tempDir("a"), b = tempDir("b");
  const std::string base = "run " + design("tt-mlp-mnist-zcu102") + " --quiet --seed 5 --out ";
  ASSERT_EQ(runFtsim(base + a).code, 0);
  ASSERT_EQ(runFtsim(base + b).code, 0);
  const Json ja = Json::parse(readText(a + "/summary.json")), jb = Json::parse(readText(b + "/summary.json"));
  EXPECT_EQ(ja["energy"].dump(), jb["energy"].dump());
  EXPECT_EQ(readText(a + "/layers.csv"), readText(b + "/layers.csv"));
}

// The resource estimate: block-RAM rounding rules (exact block counts with
// the arithmetic beside them), DSPs per MAC format, the EF-Train and TT
// totals, the over-budget refusal of `ftsim check` and `ftsim run`, the
// summary.json block and the config rules of the new keys.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "sim/cli/Cli.h"
#include "sim/core/Error.h"
#include "sim/config/DesignConfig.h"
#include "families/Registry.h"
#include "sim/resources/ResourceModel.h"
#include "tests/Harness.h"
#include "traces/ResourcesJson.h"

using ftsim::UserError;
using ftsim::config::DesignConfig;
using namespace ftsim::resources;
using namespace ftsim::test;

namespace {

std::string design(const std::string& name) { return sourceDir() + "/configs/designs/" + name + ".yaml"; }
std::string lenet() { return design("eftrain-lenet5-zcu102"); }

const ResourceLine& line(const ResourceEstimate& e, const std::string& unit) {
  for (const auto& l : e.lines)
    if (l.unit == unit) return l;
  throw std::runtime_error("no line " + unit);
}

struct CliResult {
  int code;
  std::string out, err;
};

CliResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), "ftsim");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = ftsim::cli::runCli(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

// EF-Train 64×64 with a 4-slot weight buffer: every shape key that must
// agree with pe_array.tm/tn set, and the buffer bytes (weights
// 64·64·4·9·4·2 = 1,179,648; inputs 64·2486·4·2 = 1,272,832; outputs
// 64·2016·4·2 = 1,032,192; 3,484,672 in all) under the XCZU9EG's
// 4,202,496 bytes of BRAM, so the byte check passes and the DSPs overflow.
const std::vector<std::string> kArray64 = {
    "accelerator.pe_array.tm=64",      "accelerator.pe_array.tn=64",      "accelerator.buffers.weight.tm=64",
    "accelerator.buffers.weight.tn=64", "accelerator.buffers.input.lanes=64", "accelerator.buffers.output.lanes=64",
    "accelerator.buffers.weight.slots=4"};

}  // namespace

// ---- block-RAM rounding -------------------------------------------------

TEST(BramRounding, InputLane2486x32IsFiveRamb18) {
  // 512×36 RAMB18: ⌈2486/512⌉ = 5 blocks = 5 halves (2.5 BRAM36). The other
  // grids cost more: RAMB36 1K×36 ⌈2486/1024⌉ = 3 blocks = 6 halves; RAMB18
  // 1K×18 3·⌈32/18⌉ = 6 halves; RAMB36 2K×18 2·2 = 4 blocks = 8 halves.
  const LaneMapping m = mapLaneToBram(2486, 32);
  EXPECT_EQ(m.halves(), 5u);
  EXPECT_DOUBLE_EQ(m.bram36(), 2.5);
  EXPECT_EQ(m.text(), "5 x RAMB18 512x36");
}

TEST(BramRounding, OutputLane2016x32IsTwoRamb36) {
  // 1K×36 RAMB36: ⌈2016/1024⌉ = 2 blocks = 4 halves; 512×36 RAMB18 also
  // costs ⌈2016/512⌉ = 4 halves, the tie goes to fewer primitives.
  const LaneMapping m = mapLaneToBram(2016, 32);
  EXPECT_EQ(m.halves(), 4u);
  EXPECT_EQ(m.blocks(), 2u);
  EXPECT_EQ(m.text(), "2 x RAMB36 1024x36");
}

TEST(BramRounding, WeightLane576x32NeedsAFullRamb36) {
  // 576·32 = 18,432 bits = exactly 18 Kib, but a RAMB18 at a width above
  // 18 bits is 512×36 (the 4 parity bits of each word hold no other
  // word's data): 576 > 512 words, so ⌈576/512⌉ = 2 RAMB18, or one RAMB36
  // as 1K×36 (2 halves, fewer primitives).
  const LaneMapping m = mapLaneToBram(576, 32);
  EXPECT_EQ(m.halves(), 2u);
  EXPECT_EQ(m.text(), "1 x RAMB36 1024x36");
  EXPECT_EQ(mapLaneToBram(512, 32).halves(), 1u);  // 512 words fit one RAMB18 512×36
  EXPECT_EQ(mapLaneToBram(512, 36).halves(), 1u);
}

TEST(BramRounding, SmallAndWideLanes) {
  EXPECT_EQ(mapLaneToBram(1, 1).halves(), 1u);      // a lane never takes less than one RAMB18
  EXPECT_EQ(mapLaneToBram(1024, 18).halves(), 1u);  // RAMB18 1K×18
  // 512×37: RAMB36 512×72, 1 block (2 halves) beats 2 × RAMB18 512×36 on primitives.
  EXPECT_EQ(mapLaneToBram(512, 37).text(), "1 x RAMB36 512x72");
  // 4096×9: RAMB36 4K×9 (2 halves) ties with 2 × RAMB18 2K×9; one block wins.
  EXPECT_EQ(mapLaneToBram(4096, 9).text(), "1 x RAMB36 4096x9");
}

TEST(BramRounding, PoolIndexBufferIs49Ramb36) {
  // EF-Train's Poolindex[100352] of 16 bits: RAMB36 2K×18 ⌈100352/2048⌉ = 49
  // blocks = 98 halves; RAMB18 1K×18 ⌈100352/1024⌉ = 98 halves in 98 blocks;
  // RAMB36 16K×2 ⌈100352/16384⌉·8 = 56 blocks = 112 halves.
  const LaneMapping m = mapLaneToBram(100352, 16);
  EXPECT_EQ(m.halves(), 98u);
  EXPECT_EQ(m.text(), "49 x RAMB36 2048x18");
}

TEST(UramRounding, FourKBySeventyTwoGrid) {
  EXPECT_EQ(mapLaneToUram(2486, 32).blocks(), 1u);  // ⌈2486/4096⌉·⌈32/72⌉ = 1
  EXPECT_EQ(mapLaneToUram(5000, 80).blocks(), 4u);  // ⌈5000/4096⌉·⌈80/72⌉ = 2·2
}

// ---- DSPs per MAC format --------------------------------------------------

TEST(DspPerMac, FromTheBoardTable) {
  const DesignConfig d = DesignConfig::load(lenet(), {});
  const ResourceTable& t = d.board.resourceModel;
  ImplementationConfig impl;  // fmul max_dsp, fadd full_dsp
  EXPECT_DOUBLE_EQ(dspPerMac(t, impl, true, 24), 5.0);  // 3 + 2
  impl.fp32Mul = "full_dsp";
  EXPECT_DOUBLE_EQ(dspPerMac(t, impl, true, 24), 4.0);  // 2 + 2
  impl.fp32Mul = "med_dsp";
  EXPECT_DOUBLE_EQ(dspPerMac(t, impl, true, 24), 3.0);  // 1 + 2
  impl.fp32Add = "no_dsp";
  EXPECT_DOUBLE_EQ(dspPerMac(t, impl, true, 24), 1.0);  // 1 + 0
  EXPECT_DOUBLE_EQ(dspPerMac(t, impl, false, 8), 0.5);  // two INT8 MACs per DSP48E2 (WP486)
  EXPECT_DOUBLE_EQ(dspPerMac(t, impl, false, 4), 0.5);
  EXPECT_DOUBLE_EQ(dspPerMac(t, impl, false, 16), 1.0);
  EXPECT_DOUBLE_EQ(dspPerMac(t, impl, false, 12), 1.0);
}

TEST(DspPerMac, ImplementationChangesTheArray) {
  const auto e = ftsim::families::estimateResources(DesignConfig::load(lenet(), {"accelerator.implementation.fp32_mul=med_dsp"}));
  EXPECT_DOUBLE_EQ(line(e, "pe_array.multipliers").dsp, 256.0);  // 256 multipliers × 1
  EXPECT_DOUBLE_EQ(e.total.dsp, 256 + 480 + 32 + 16 * 3);
}

// ---- EF-Train on the ZCU102 -----------------------------------------------

TEST(EfTrainEstimate, Vgg16Zcu102) {
  const auto e = ftsim::families::estimateResources(DesignConfig::load(design("eftrain-vgg16-zcu102"), {}));
  // DSP: 256 fmul × 3 = 768; 16 trees × 15 fadd × 2 = 480; 16 accumulating
  // fadd × 2 = 32; vector 16 lanes × (3 + 2) = 80. 1,360 of 2,520.
  EXPECT_DOUBLE_EQ(line(e, "pe_array.multipliers").dsp, 768);
  EXPECT_DOUBLE_EQ(line(e, "pe_array.adder_trees").dsp, 480);
  EXPECT_DOUBLE_EQ(line(e, "pe_array.accumulators").dsp, 32);
  EXPECT_DOUBLE_EQ(line(e, "vector").dsp, 80);
  EXPECT_DOUBLE_EQ(e.total.dsp, 1360);
  // BRAM36: input 16 lanes × 2 banks × 2.5 = 80; output 16 × 2 × 2 = 64;
  // weight 256 lanes × 2 banks × 1 = 512. 656 of 912.
  EXPECT_DOUBLE_EQ(line(e, "buffers.input").bram36, 80);
  EXPECT_DOUBLE_EQ(line(e, "buffers.output").bram36, 64);
  EXPECT_DOUBLE_EQ(line(e, "buffers.weight").bram36, 512);
  EXPECT_DOUBLE_EQ(e.total.bram36, 656);
  EXPECT_DOUBLE_EQ(e.total.uram, 0);
  // LUT (estimates): fmul 256·80 = 20,480; fadd 256·210 = 53,760 (trees and
  // accumulators); vector 16·290 = 4,640; buffer muxes 0.5 LUT per bit per
  // extra input: input 16·32·(2·5 − 1)·0.5 = 2,304, output 16·32·(2·2 − 1)·0.5
  // = 768, weight 256·32·(2·1 − 1)·0.5 = 4,096; DMA 4·2,000; ports 5·150;
  // controller 5,000. Sum 99,798.
  EXPECT_DOUBLE_EQ(line(e, "buffers.input").lut, 2304);
  EXPECT_DOUBLE_EQ(e.total.lut, 99798);
  // FF: 256·150 + 256·210 + 16·360 + 4·3,000 + 5·300 + 6,000 = 117,420.
  EXPECT_DOUBLE_EQ(e.total.ff, 117420);
  EXPECT_DOUBLE_EQ(e.budgetDsp, 2520);
  EXPECT_DOUBLE_EQ(e.budgetBram36, 912);
}

TEST(EfTrainEstimate, AutoPlacementKeepsLanesInBramWhenUramWastesMore) {
  // On a board with URAM, `auto` moves a buffer only when its URAM blocks
  // hold fewer bits than its BRAM: an input lane is 2.5 BRAM36 against one
  // URAM (8 BRAM36 of bits), so it stays in BRAM; `uram` forces it.
  const auto autoE = ftsim::families::estimateResources(DesignConfig::load(lenet(), {"board.resources.uram=100"}));
  EXPECT_DOUBLE_EQ(autoE.total.uram, 0);
  const auto uramE = ftsim::families::estimateResources(DesignConfig::load(
      lenet(), {"board.resources.uram=100", "accelerator.implementation.buffers.input=uram"}));
  EXPECT_DOUBLE_EQ(line(uramE, "buffers.input").uram, 32);  // 16 lanes × 2 banks × 1
  EXPECT_DOUBLE_EQ(line(uramE, "buffers.input").bram36, 0);
  EXPECT_DOUBLE_EQ(uramE.total.bram36, 576);
}

TEST(TtEstimate, Int8EngineMatchesItsOwnDspCount) {
  const DesignConfig d = DesignConfig::load(design("tt-mlp-mnist-zcu102"), {});
  const auto e = ftsim::families::estimateResources(d);
  // 16×16 8-bit MACs at two per DSP = 128, vector 16 lanes × 1 = 16.
  EXPECT_DOUBLE_EQ(line(e, "pe_array").dsp, 128);
  EXPECT_DOUBLE_EQ(e.total.dsp, 144);
  EXPECT_DOUBLE_EQ(e.total.dsp, d.tt.dsps());
}

TEST(TtEstimate, Fp32EngineFiveDspPerMac) {
  const auto e = ftsim::families::estimateResources(DesignConfig::load(design("tt-transformer-u50"), {}));
  EXPECT_DOUBLE_EQ(line(e, "pe_array").dsp, 1280);  // 256 × (3 + 2)
  EXPECT_DOUBLE_EQ(e.total.dsp, 1360);              // + 16 lanes × 5
}

// ---- over budget ---------------------------------------------------------

TEST(OverBudget, CheckRefusesADspOverflowAtPeArrayTm) {
  std::vector<std::string> args = {"check", lenet()};
  for (const auto& s : kArray64) args.insert(args.end(), {"--set", s});
  args.insert(args.end(), {"--set", "accelerator.vector.lanes=64"});
  const CliResult r = cli(args);
  EXPECT_EQ(r.code, 2);
  // 4,096 fmul × 3 = 12,288; 64 trees × 63 fadd × 2 = 8,064; 64 × 2 = 128;
  // vector 64 × 5 = 320: 20,800.
  EXPECT_NE(r.err.find("accelerator.pe_array.tm = 64: DSP48E2 over budget: the design needs 20800 DSP48E2, "
                       "board zcu102 has 2520; largest user pe_array.multipliers (12288 DSP48E2"),
            std::string::npos)
      << r.err;
}

TEST(OverBudget, CheckRefusesABramOverflowNamingTheWeightBuffer) {
  const CliResult r = cli({"check", lenet(), "--set", "board.resources.bram36=600"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(sourceDir() + "/configs/accelerators/eftrain-16x16.yaml:18: accelerator.buffers.weight.slots "
                       "= 64: BRAM36 over budget: the design needs 656 BRAM36, board zcu102 has 600; largest user "
                       "buffers.weight (512 BRAM36"),
            std::string::npos)
      << r.err;
}

TEST(OverBudget, RunRefusesBeforeSimulating) {
  const std::string out = tempDir("run");
  const CliResult r = cli({"run", lenet(), "--quiet", "--out", out, "--set", "board.resources.lut=90000"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("LUT over budget: the design needs 99798 LUT, board zcu102 has 90000"), std::string::npos)
      << r.err;
  EXPECT_EQ(readText(out + "/summary.json"), "");  // nothing written
}

TEST(OverBudget, UramPlacementOnABoardWithoutUram) {
  EXPECT_NE(errorOf(lenet(), {"accelerator.implementation.buffers.weight=uram"})
                .find("accelerator.implementation.buffers.weight = uram: URAM over budget: the design needs 512 "
                      "URAM, board zcu102 has 0"),
            std::string::npos)
      << errorOf(lenet(), {"accelerator.implementation.buffers.weight=uram"});
}

TEST(OverBudget, TtFlipFlopsNameThePeArray) {
  EXPECT_NE(errorOf(design("tt-mlp-mnist-zcu102"), {"board.resources.ff=1000"})
                .find("accelerator.pe_array.rows = 16: FF over budget"),
            std::string::npos);
}

// ---- output --------------------------------------------------------------

TEST(ResourceOutput, CheckPrintsTheTable) {
  const CliResult r = cli({"check", lenet()});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("  total                       1360      656     0     99798    117420"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  used                       54.0%    71.9%     -     36.4%     21.4%"), std::string::npos)
      << r.out;
}

TEST(ResourceOutput, SummaryJsonBlock) {
  const auto j = ftsim::traces::resourcesJson(ftsim::families::estimateResources(DesignConfig::load(lenet(), {})));
  EXPECT_EQ(j["board"], "zcu102");
  EXPECT_EQ(j["used"]["dsp"], 1360.0);
  EXPECT_EQ(j["used"]["bram36"], 656.0);
  EXPECT_EQ(j["budget"]["bram36"], 912.0);
  EXPECT_EQ(j["units"].size(), 10u);
  EXPECT_EQ(j["units"][6]["unit"], "buffers.weight");
  EXPECT_EQ(j["units"][6]["bram36"], 512.0);
}

TEST(ResourceOutput, RunWritesTheBlockIntoSummaryJson) {
  const std::string out = tempDir("run");
  const CliResult r = cli({"run", lenet(), "--quiet", "--out", out, "--set", "memory.model=ideal"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(readText(out + "/summary.json"));
  EXPECT_EQ(j["resources"]["used"]["dsp"], 1360.0);
  EXPECT_EQ(j["resources"]["used"]["bram36"], 656.0);
  EXPECT_EQ(j["resources"]["budget"]["dsp"], 2520.0);
  EXPECT_EQ(j["resources"]["units"][0]["unit"], "pe_array.multipliers");
}

TEST(ResourceOutput, ConsoleSummaryNamesUseAgainstTheBudget) {
  const std::string out = tempDir("console");
  const CliResult r = cli({"run", lenet(), "--out", out, "--set", "memory.model=ideal"});
  ASSERT_EQ(r.code, 0) << r.err;
  // 1360 / 2520 = 53.97% DSP; 656 / 912 = 71.93% BRAM36; the ZCU102 has no URAM, so no URAM item.
  EXPECT_NE(r.out.find("resources     DSP (DSP48E2) 1360/2520 (54.0%) BRAM36 656/912 (71.9%) LUT "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("URAM"), std::string::npos);
}

// ---- config rules of the new keys ------------------------------------------

struct Case {
  std::string file;
  std::vector<std::string> sets;
  std::string expected;
};

class ResourceConfigRule : public ::testing::TestWithParam<Case> {};

TEST_P(ResourceConfigRule, IsRefusedWithKeyAndRule) {
  const Case& c = GetParam();
  const std::string msg = errorOf(design(c.file), c.sets);
  EXPECT_NE(msg.find(c.expected), std::string::npos) << "message: " << msg;
}

const Case kCases[] = {
    {"eftrain-lenet5-zcu102", {"accelerator.implementation.fp32_mul=fast"},
     "accelerator.implementation.fp32_mul = fast: must be one of the board's resource_model.fp32_mul entries: "
     "full_dsp, max_dsp, med_dsp, no_dsp"},
    {"eftrain-lenet5-zcu102", {"accelerator.implementation.fp32_add=max_dsp"},
     "accelerator.implementation.fp32_add = max_dsp: must be one of the board's resource_model.fp32_add entries: "
     "full_dsp, no_dsp"},
    {"eftrain-lenet5-zcu102", {"accelerator.implementation.buffers.input=sram"},
     "accelerator.implementation.buffers.input = sram: must be one of auto, bram, uram"},
    {"eftrain-lenet5-zcu102", {"accelerator.implementation.dma_engines=-1"},
     "accelerator.implementation.dma_engines = -1: must be >= 0"},
    {"eftrain-lenet5-zcu102", {"accelerator.implementation.stream_ports=65"},
     "accelerator.implementation.stream_ports = 65: must be <= 64"},
    {"eftrain-lenet5-zcu102", {"accelerator.implementation.dma_engine=3"},
     "accelerator.implementation: unknown key 'dma_engine' (did you mean 'dma_engines'?)"},
    {"tt-mlp-mnist-zcu102", {"accelerator.implementation.buffers.input=bram"},
     "accelerator.implementation: unknown key 'buffers'"},
    {"eftrain-lenet5-zcu102", {"board.resource_model.fp32_add.full_dsp.dsp=-1"},
     "board.resource_model.fp32_add.full_dsp.dsp = -1: must be >= 0"},
    {"eftrain-lenet5-zcu102", {"board.resource_model.fp32_mul.max_dsp.lut=x"},
     "board.resource_model.fp32_mul.max_dsp.lut = x: must be a number"},
    {"eftrain-lenet5-zcu102", {"board.resource_model.fixed_mac.int8.macs_per_dsp=0"},
     "board.resource_model.fixed_mac.int8.macs_per_dsp = 0: must be >= 0.25"},
    {"eftrain-lenet5-zcu102", {"board.resource_model.bank_mux_lut_per_bit=-0.5"},
     "board.resource_model.bank_mux_lut_per_bit = -0.5: must be >= 0"},
    {"eftrain-lenet5-zcu102", {"board.resource_model.dma_engine.bram36=2000"},
     "board.resource_model.dma_engine.bram36 = 2000: must be <= 1024"},
    {"eftrain-lenet5-zcu102", {"board.resource_model.fp32_mul=3"},
     "board.resource_model.fp32_mul = 3: must map HLS implementations"},
    {"eftrain-lenet5-zcu102", {"board.resource_model.controller.luts=1"},
     "board.resource_model.controller: unknown key 'luts' (did you mean 'lut'?)"},
};

INSTANTIATE_TEST_SUITE_P(Keys, ResourceConfigRule, ::testing::ValuesIn(kCases));

TEST(ResourceConfigFile, BadImplementationNamesItsLine) {
  const std::string dir = tempDir("d");
  const std::string path = dir + "/design.yaml";
  writeText(path, "include:\n  - " + lenet() + "\naccelerator:\n  implementation:\n    fp32_add: slow\n");
  EXPECT_EQ(errorOf(path, {}), path + ":5: accelerator.implementation.fp32_add = slow: must be one of the board's "
                                      "resource_model.fp32_add entries: full_dsp, no_dsp");
}

TEST(ResourceConfigFile, BoardWithoutACostTableIsRefused) {
  const std::string dir = tempDir("d");
  const std::string path = dir + "/design.yaml";
  writeText(path, "include:\n  - " + sourceDir() + "/configs/ddr/ddr4-2133p-64bit-x8-4gb.yaml\n  - " + sourceDir() +
                      "/configs/accelerators/eftrain-16x16.yaml\n  - " + sourceDir() +
                      "/configs/workloads/lenet5-mnist.yaml\nboard:\n  name: b\n  device: d\n  resources: {dsp: 1, "
                      "bram36: 1, lut: 1, ff: 1}\n  host: {cpu: c, clock_mhz: 1000, dma_start_ns: 0, "
                      "loss_ns_per_element: 0}\n");
  EXPECT_EQ(errorOf(path, {}), path + ":6: board.resource_model: required key is missing");
}

// One negative test per config rule of the tensorized-training family: each
// case edits a valid design and expects the ConfigError that names the file
// and line, the key path and the rule. Then the command line: a design that
// does not fit on chip exits with status 2 naming the overflow, and `run`
// writes summary.json with the schema and the tensorized-training sections.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "sim/cli/Cli.h"
#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "tests/Harness.h"

using namespace ftsim;
using namespace ftsim::test;

namespace {

struct Case {
  const char* name;
  const char* design;  ///< "zcu102", "ultra96", "custom" (kCustom), "eftrain"
  const char* from;    ///< text to replace in a custom design ("" for none)
  const char* to;
  std::vector<std::string> overrides;
  const char* keyPath;  ///< expected key path of the error
  const char* rule;     ///< expected part of the rule
};

const char* kCustom = R"(name: custom
include:
  - @SRC@/configs/boards/zcu102.yaml
  - @SRC@/configs/accelerators/tt-engine-int8-16x16.yaml
workload:
  name: custom
  batch: 2
  input: {channels: 12, height: 1, width: 4}
  layers:
    - {name: q, type: tt_linear, in_modes: [3, 4], out_modes: [3, 4], ranks: [1, 2, 1]}
    - {name: k, type: tt_linear, input: image, in_modes: [3, 4], out_modes: [3, 4], rank: 2}
    - {name: v, type: tt_linear, input: image, in_modes: [3, 4], out_modes: [3, 4], rank: 2}
    - {name: attn, type: attention, inputs: [q, k, v], heads: 3}
    - {name: act, type: gelu}
    - {name: out, type: tt_linear, in_modes: [12], out_modes: [4], rank: 1}
  rank_schedule:
    - {step: 0, max_rank: 4}
    - {step: 10, max_rank: 2}
)";

const char* kMlp = R"(name: mlp
include:
  - @SRC@/configs/boards/zcu102.yaml
  - @SRC@/configs/accelerators/tt-engine-int8-16x16.yaml
workload:
  name: mlp
  batch: 2
  input: {channels: 12, height: 1, width: 1}
  layers:
    - {name: a, type: tt_linear, in_modes: [3, 4], out_modes: [3, 4], rank: 2}
    - {name: r, type: relu}
    - {name: b, type: tt_linear, in_modes: [3, 4], out_modes: [2, 2], rank: 2}
)";

std::string designPath(const Case& c) {
  const std::string src = sourceDir();
  if (std::string(c.design) == "zcu102") return src + "/configs/designs/tt-mlp-mnist-zcu102.yaml";
  if (std::string(c.design) == "ultra96") return src + "/configs/designs/tt-mlp-mnist-ultra96v2.yaml";
  if (std::string(c.design) == "u50") return src + "/configs/designs/tt-transformer-u50.yaml";
  if (std::string(c.design) == "eftrain") return src + "/configs/designs/eftrain-lenet5-zcu102.yaml";
  std::string text = std::string(c.design) == "mlp" ? kMlp : kCustom;
  for (std::size_t p; (p = text.find("@SRC@")) != std::string::npos;) text.replace(p, 5, src);
  if (*c.from) {
    const std::size_t p = text.find(c.from);
    if (p == std::string::npos) throw std::runtime_error(std::string("case text not found: ") + c.from);
    text.replace(p, std::string(c.from).size(), c.to);
  }
  const std::string path = tempDir("d") + "/design.yaml";
  writeText(path, text);
  return path;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class TtConfigRule : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(TtConfigRule, IsRejectedWithKeyAndRule) {
  const Case& c = GetParam();
  try {
    config::DesignConfig::load(designPath(c), c.overrides);
    FAIL() << "accepted";
  } catch (const ftsim::ConfigError& e) {
    EXPECT_EQ(e.keyPath(), c.keyPath) << e.what();
    EXPECT_NE(e.rule().find(c.rule), std::string::npos) << e.what();
    // Located at the file and line, or at the --set override that broke the rule.
    const std::string what = e.what();
    EXPECT_TRUE(what.find(".yaml:") != std::string::npos || what.rfind("--set", 0) == 0) << what;
  }
}

TEST(TtConfigRule, CustomBaseDesignsAreValid) {
  // The bases of the custom cases load: each case's failure is its own edit.
  EXPECT_NO_THROW(config::DesignConfig::load(designPath(Case{"base", "custom", "", "", {}, "", ""}), {}));
  EXPECT_NO_THROW(config::DesignConfig::load(designPath(Case{"base", "mlp", "", "", {}, "", ""}),
                                             {"accelerator.functional=true"}));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, TtConfigRule,
    ::testing::Values(
        Case{"InModesProduct", "zcu102", "", "", {"workload.layers.0.in_modes=[4,7,4,8]"},
             "workload.layers[0].in_modes", "product of in_modes"},
        Case{"ModeCounts", "zcu102", "", "", {"workload.layers.0.in_modes=[28,28]"}, "workload.layers[0].in_modes",
             "as many in_modes as out_modes"},
        Case{"ModesListed", "zcu102", "", "", {"workload.layers.0.out_modes=[]"}, "workload.layers[0].out_modes",
             "1 to 8 modes"},
        Case{"RankOrRanks", "zcu102", "", "", {"workload.layers.0.ranks=[1,2,2,2,1]"}, "workload.layers[0]",
             "either `rank`"},
        Case{"RanksLength", "custom", "ranks: [1, 2, 1]", "ranks: [1, 2, 2, 1]", {}, "workload.layers[0].ranks",
             "d+1 = 3 ranks"},
        Case{"RanksBoundary", "custom", "ranks: [1, 2, 1]", "ranks: [2, 2, 1]", {}, "workload.layers[0].ranks",
             "r_0 and r_d must be 1"},
        Case{"TtFormat", "custom", "{name: k, type: tt_linear,", "{name: k, type: tt_linear, tt_format: tucker,", {},
             "workload.layers[1].tt_format", "must be one of"},
        Case{"EmbeddingReadsTokens", "custom", "{name: act, type: gelu}",
             "{name: act, type: tt_embedding, vocab_modes: [4], dim_modes: [12], rank: 1}", {}, "workload.layers[4]",
             "token ids"},
        Case{"AttentionInputs", "custom", "inputs: [q, k, v]", "inputs: [q, k]", {}, "workload.layers[3]",
             "inputs: [q, k, v]"},
        Case{"AttentionShapes", "custom", "{name: v, type: tt_linear, input: image, in_modes: [3, 4], out_modes: [3, 4]",
             "{name: v, type: tt_linear, input: image, in_modes: [3, 4], out_modes: [2, 4]", {},
             "workload.layers[3].inputs", "same shape"},
        Case{"AttentionHeads", "custom", "heads: 3", "heads: 5", {}, "workload.layers[3].heads", "must divide"},
        Case{"MultipleInputs", "custom", "{name: act, type: gelu}", "{name: act, type: gelu, inputs: [q, k]}", {},
             "workload.layers[4].inputs", "only add and concat layers take more than one input"},
        Case{"RankScheduleSteps", "custom", "{step: 10, max_rank: 2}", "{step: 0, max_rank: 2}", {},
             "workload.rank_schedule[1].step", "steps must increase"},
        Case{"RankScheduleShrinks", "custom", "{step: 10, max_rank: 2}", "{step: 10, max_rank: 8}", {},
             "workload.rank_schedule[1].max_rank", "ranks only shrink"},
        Case{"TtLayerNeedsTtAccelerator", "eftrain", "", "", {"workload.layers.1.type=gelu"},
             "workload.layers[1].type", "accelerator.kind: tt"},
        Case{"AcceleratorKind", "zcu102", "", "", {"accelerator.kind=systolic"}, "accelerator.kind",
             "must be one of"},
        Case{"PeRows", "zcu102", "", "", {"accelerator.pe_array.rows=12"}, "accelerator.pe_array.rows",
             "2, 4, 8, 16 or 32"},
        Case{"PeDepth", "zcu102", "", "", {"accelerator.pe_array.depth=3"}, "accelerator.pe_array.depth",
             "2, 4, 8, 16 or 32"},
        Case{"FormatSyntax", "zcu102", "", "", {"accelerator.formats.weights=int8"}, "accelerator.formats.weights",
             "fixed<W,F>"},
        Case{"FormatFraction", "zcu102", "", "", {"accelerator.formats.weights=\"fixed<8,8>\""},
             "accelerator.formats.weights", "F < W"},
        Case{"FormatsOneDatapath", "zcu102", "", "", {"accelerator.formats.gradients=fp32"},
             "accelerator.formats.gradients", "all fp32 or all fixed/bfp"},
        Case{"StochasticNeedsFixed", "u50", "", "", {"accelerator.rounding=stochastic"}, "accelerator.rounding",
             "stochastic rounding needs"},
        Case{"RoundingLanes", "zcu102", "", "", {"accelerator.rounding_lanes=65"}, "accelerator.rounding_lanes",
             "<= 64"},
        Case{"PlannerObjective", "zcu102", "", "", {"accelerator.planner.objective=fast"},
             "accelerator.planner.objective", "must be one of"},
        Case{"OptimizerKind", "zcu102", "", "", {"accelerator.optimizer.kind=lamb"}, "accelerator.optimizer.kind",
             "must be one of"},
        Case{"BufferMemory", "zcu102", "", "", {"accelerator.buffers.memory=lutram"}, "accelerator.buffers.memory",
             "must be one of"},
        Case{"DmaWidth", "zcu102", "", "", {"accelerator.dma.stream_width_bits=48"},
             "accelerator.dma.stream_width_bits", "multiple of 32"},
        Case{"IdealMemoryWidth", "zcu102", "", "", {"memory.ideal.bytes_per_cycle=32"},
             "memory.ideal.bytes_per_cycle", "DMA stream width (16 bytes"},
        Case{"ClockRange", "zcu102", "", "", {"accelerator.clock_mhz=0"}, "accelerator.clock_mhz", ">= 1"},
        Case{"MulLatency", "zcu102", "", "", {"accelerator.pe_array.mul_latency_cycles=0"},
             "accelerator.pe_array.mul_latency_cycles", ">= 1"},
        Case{"AccLatency", "zcu102", "", "", {"accelerator.pe_array.acc_latency_cycles=0"},
             "accelerator.pe_array.acc_latency_cycles", ">= 1"},
        Case{"LearningRate", "zcu102", "", "", {"accelerator.optimizer.learning_rate=0"},
             "accelerator.optimizer.learning_rate", ">= 1e-09"},
        Case{"AdamBeta1", "zcu102", "", "", {"accelerator.optimizer.kind=adam", "accelerator.optimizer.beta1=1.5"},
             "accelerator.optimizer.beta1", "<= 0.999999"},
        Case{"BufferBanks", "zcu102", "", "", {"accelerator.buffers.banks=0"}, "accelerator.buffers.banks", ">= 1"},
        Case{"PowerRange", "zcu102", "", "", {"accelerator.power_w=-1"}, "accelerator.power_w", ">= 0"},
        Case{"SimulatedStep", "zcu102", "", "", {"workload.step=-1"}, "workload.step", ">= 0"},
        Case{"RankScheduleMaxRank", "zcu102", "", "", {"workload.rank_schedule.2.max_rank=0"},
             "workload.rank_schedule[2].max_rank", ">= 1"},
        Case{"CpuEfficiency", "zcu102", "", "", {"cpu_baseline.efficiency=2"}, "cpu_baseline.efficiency", "<= 1"},
        Case{"CpuCores", "zcu102", "", "", {"cpu_baseline.cores=0"}, "cpu_baseline.cores", ">= 1"},
        Case{"CpuSimdWidth", "zcu102", "", "", {"cpu_baseline.simd_width_bits=100"}, "cpu_baseline.simd_width_bits",
             "multiple of 32"},
        Case{"LayerTypeOnTt", "zcu102", "", "", {"workload.layers.1.type=batchnorm"}, "workload.layers[1].type",
             "the tt accelerator runs"},
        Case{"FunctionalLastLayer", "mlp", "{name: b, type: tt_linear, in_modes: [3, 4], out_modes: [2, 2], rank: 2}",
             "{name: b, type: relu}", {"accelerator.functional=true"}, "accelerator.functional",
             "must be tt_linear or fc"},
        Case{"DspBudget", "ultra96", "", "", {"accelerator.pe_array.rows=32", "accelerator.pe_array.depth=32"},
             "accelerator.pe_array", "needs 528 DSP48E2"},
        Case{"OnChipCapacity", "ultra96", "", "", {"workload.batch=256"}, "accelerator.buffers",
             "BRAM overflows: the buffers need 296 BRAM36, the board has 216"}),
    [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

namespace {

int runFtsim(std::vector<std::string> args, std::string& out, std::string& err) {
  args.insert(args.begin(), "ftsim");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream o, e;
  const int rc = ftsim::cli::runCli(static_cast<int>(argv.size()), argv.data(), o, e);
  out = o.str();
  err = e.str();
  return rc;
}

}  // namespace

TEST(TtCli, OverflowingDesignExitsWithStatus2) {
  std::string out, err;
  const int rc = runFtsim({"check", sourceDir() + "/configs/designs/tt-mlp-mnist-ultra96v2.yaml", "--set",
                      "workload.batch=256"},
                     out, err);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("does not fit board ultra96v2"), std::string::npos) << err;
  EXPECT_NE(err.find("largest in BRAM: activations (480256 bytes)"), std::string::npos) << err;
}

TEST(TtCli, CheckPrintsOrdersMemoryAndBuffers) {
  std::string out, err;
  ASSERT_EQ(runFtsim({"check", sourceDir() + "/configs/designs/tt-transformer-u50.yaml"}, out, err), 0) << err;
  EXPECT_NE(out.find("contraction orders"), std::string::npos);
  EXPECT_NE(out.find("training memory"), std::string::npos);
  EXPECT_NE(out.find("BRAM36"), std::string::npos);
  EXPECT_NE(out.find("URAM"), std::string::npos);
}

TEST(TtCli, RunWritesTheSummary) {
  const std::string dir = tempDir("out");
  std::string out, err;
  ASSERT_EQ(runFtsim({"run", sourceDir() + "/configs/designs/tt-mlp-mnist-zcu102.yaml", "--out", dir, "-q"}, out, err),
            0)
      << err;
  const auto j = nlohmann::json::parse(readText(dir + "/summary.json"));
  EXPECT_EQ(j["schema"], "ftsim.summary/1");
  const auto& m = j["training_memory"];
  // At batch 32, rank 20 (see the console table): 680,496 B against 3,418,112 B.
  EXPECT_EQ(m["training_bytes"], 680496u);
  EXPECT_EQ(m["dense_fp32_training_bytes"], 3418112u);
  EXPECT_NEAR(m["reduction_vs_dense_fp32"].get<double>(), 3418112.0 / 680496.0, 1e-9);
  EXPECT_EQ(m["components"]["weights"]["peak_bytes"], 28720u);
  EXPECT_EQ(m["components"]["weights"]["dense_fp32_peak_bytes"], 406528u * 4);
  EXPECT_EQ(m["rank_schedule"].size(), 3u);
  EXPECT_EQ(j["contraction_orders"][0]["networks"][0]["network"], "forward");
  EXPECT_TRUE(j["cpu_baseline"]["estimate"].get<bool>());
  // The analytical column is a per-op roofline (sim/analytical/TtRoofline),
  // below the simulation by the start cost, padding and pipeline fill.
  EXPECT_LT(j["total"]["analytical_cycles"].get<std::uint64_t>(), j["total"]["cycles"].get<std::uint64_t>());
  EXPECT_GT(j["total"]["analytical_cycles"].get<std::uint64_t>(), 0u);
  const std::string csv = readText(dir + "/layers.csv");
  EXPECT_NE(csv.find("tt1,tt_linear,WU,pe_array"), std::string::npos);
}

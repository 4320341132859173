// Every config rule has a negative test: the design is refused before
// simulation with "file:line: key.path = value: rule". Most cases break one
// value of a shipped design with --set (location "--set ..."); the file
// cases check that the file and line of the offending key are named.

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/config/ConfigNode.h"
#include "sim/cli/Common.h"
#include "sim/config/DesignConfig.h"
#include "tests/Harness.h"

using ftsim::ConfigError;
using ftsim::UserError;
using ftsim::config::DesignConfig;
using namespace ftsim::test;

namespace {

struct Case {
  std::vector<std::string> sets;
  std::string expected;  ///< a fragment of the message: "key.path = value: rule"
};

std::string lenet() { return sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml"; }

class ConfigRule : public ::testing::TestWithParam<Case> {};

TEST_P(ConfigRule, IsRefusedWithKeyAndRule) {
  const Case& c = GetParam();
  const std::string msg = errorOf(lenet(), c.sets);
  EXPECT_NE(msg.find(c.expected), std::string::npos) << "message: " << msg;
}

const Case kCases[] = {
    // accelerator.pe_array
    {{"accelerator.pe_array.tm=0"}, "accelerator.pe_array.tm = 0: must be >= 1"},
    {{"accelerator.pe_array.tm=2048"}, "accelerator.pe_array.tm = 2048: must be <= 1024"},
    {{"accelerator.pe_array.tm=abc"}, "accelerator.pe_array.tm = abc: must be an integer"},
    // Tm and Tn are independent; the buffers follow them.
    {{"accelerator.pe_array.tn=8"}, "accelerator.buffers.weight.tn = 16: must equal pe_array.tn (8)"},
    {{"workload.mode=eval"}, "workload.mode = eval: must be one of training, inference"},
    {{"accelerator.pe_array.format=int8"}, "accelerator.pe_array.format = int8: must be one of fp32"},
    {{"accelerator.pe_array.mul_latency_cycles=0"}, "accelerator.pe_array.mul_latency_cycles = 0: must be >= 1"},
    {{"accelerator.pe_array.add_latency_cycles=100"}, "accelerator.pe_array.add_latency_cycles = 100: must be <= 64"},
    {{"accelerator.pe_array.buffer_read_latency_cycles=-1"},
     "accelerator.pe_array.buffer_read_latency_cycles = -1: must be >= 0"},
    {{"accelerator.pe_array.pipeline=overlapped"},
     "accelerator.pe_array.pipeline = overlapped: must be one of rewind, per_tile"},
    {{"accelerator.pipeline.overlap=dataflow"},
     "accelerator.pipeline.overlap = dataflow: must be one of hls, lockstep"},
    // accelerator
    {{"accelerator.clock_mhz=0"}, "accelerator.clock_mhz = 0: must be >= 1"},
    {{"accelerator.clock_mhz=fast"}, "accelerator.clock_mhz = fast: must be a number"},
    {{"accelerator.kind=gpu"}, "accelerator.kind = gpu: must be one of eftrain"},
    {{"accelerator.buffers.input.depth_words=0"}, "accelerator.buffers.input.depth_words = 0: must be >= 1"},
    {{"accelerator.buffers.input.banks=3"}, "accelerator.buffers.input.banks = 3: must be <= 2"},
    {{"accelerator.buffers.input.lanes=8"}, "accelerator.buffers.input.lanes = 8: must equal pe_array.tn (16)"},
    {{"accelerator.buffers.output.lanes=32"}, "accelerator.buffers.output.lanes = 32: must equal pe_array.tm (16)"},
    {{"accelerator.buffers.weight.tm=8"}, "accelerator.buffers.weight.tm = 8: must equal pe_array.tm (16)"},
    {{"accelerator.buffers.weight.tn=8"}, "accelerator.buffers.weight.tn = 8: must equal pe_array.tn (16)"},
    {{"accelerator.buffers.weight.slots=0"}, "accelerator.buffers.weight.slots = 0: must be >= 1"},
    {{"accelerator.buffers.input.word_bits=16"}, "buffer word_bits must match the fp32 datapath (32)"},
    {{"accelerator.dma.stream_width_bits=100"}, "accelerator.dma.stream_width_bits = 100: must be a multiple of 32"},
    {{"accelerator.dma.start_cycles=-5"}, "accelerator.dma.start_cycles = -5: must be >= 0"},
    {{"accelerator.dma.max_outstanding=0"}, "accelerator.dma.max_outstanding = 0: must be >= 1"},
    {{"accelerator.vector.lanes=32"}, "accelerator.vector.lanes = 32: must be <= pe_array.tn"},
    {{"accelerator.vector.pipeline_cycles=-1"}, "accelerator.vector.pipeline_cycles = -1: must be >= 0"},
    // board
    {{"board.resources.dsp=-1"}, "board.resources.dsp = -1: must be >= 0"},
    {{"board.resources.bram36=100"}, "accelerator.buffers = {...}: on-chip buffers need"},
    {{"board.host.clock_mhz=0"}, "board.host.clock_mhz = 0: must be >= 1"},
    {{"board.host.dma_start_ns=-1"}, "board.host.dma_start_ns = -1: must be >= 0"},
    {{"board.host.loss_ns_per_element=x"}, "board.host.loss_ns_per_element = x: must be a number"},
    // board.ddr
    {{"board.ddr.chip_width_bits=5"}, "board.ddr.chip_width_bits = 5: must be 4, 8 or 16"},
    {{"board.ddr.chips_per_rank=4"}, "board.ddr.chips_per_rank = 4: chips_per_rank * chip_width_bits must equal"},
    {{"board.ddr.ranks=8"}, "board.ddr.ranks = 8: must be <= 4"},
    {{"board.ddr.burst_length=4"}, "board.ddr.burst_length = 4: must be >= 8"},
    {{"board.ddr.clock_mhz=50"}, "board.ddr.clock_mhz = 50: must be >= 100"},
    {{"board.ddr.timing.t_rc_ns=20"}, "board.ddr.timing = {...}: t_rc must be >= t_ras + t_rp"},
    {{"board.ddr.timing.t_rrd_l_ns=1"}, "t_rrd_l must be >= t_rrd_s"},
    {{"board.ddr.timing.t_ccd_l_cycles=2"}, "t_ccd_l must be >= t_ccd_s"},
    {{"board.ddr.timing.t_refi_ns=100"}, "t_refi must be longer than t_rfc"},
    {{"board.ddr.timing.t_rcd_ns=14"}, "board.ddr.timing.t_rcd_cycles = 15: give either t_rcd_ns or t_rcd_cycles"},
    {{"board.ddr.timing.cl_cycles=0"}, "board.ddr.timing.cl_cycles = 0: must be >= 1"},
    {{"board.ddr.power.vdd_v=9"}, "board.ddr.power.vdd_v = 9: must be <= 2"},
    // workload
    {{"workload.batch=0"}, "workload.batch = 0: must be >= 1"},
    {{"workload.input.channels=0"}, "workload.input.channels = 0: must be >= 1"},
    {{"workload.layers.0.type=lstm"}, "workload.layers[0].type = lstm: must be one of conv, fc"},
    {{"workload.layers.0.kernel=40"}, "workload.layers[0] = {...}: kernel 40 is larger than the padded input"},
    {{"workload.layers.0.stride=0"}, "workload.layers[0].stride = 0: must be >= 1"},
    {{"workload.layers.1.name=conv1"}, "workload.layers[1].name = conv1: layer names must be unique"},
    {{"workload.layers.3.input=nowhere"}, "workload.layers[3].input = nowhere: names no earlier layer"},
    {{"workload.layers.2.pad=2"}, "workload.layers[2].pad = 2: must be <= kernel/2"},
    {{"workload.layers.6.out_features=0"}, "workload.layers[6].out_features = 0: must be >= 1"},
    {{"workload.layers=[]"}, "workload.layers = [...]: must list at least one layer"},
    {{"workload.layers.1.inputs=[conv1, conv1]"}, "workload.layers[1].inputs = [...]: only add and concat layers take more than one input"},
    {{"workload.layers.3.type=add", "workload.layers.3.inputs=[relu1, pool1]"},
     "workload.layers[3].inputs = [...]: all inputs of an add must have the same shape"},
    // memory
    {{"memory.model=hbm"}, "memory.model = hbm: must be one of"},
    {{"memory.ideal.bytes_per_cycle=0"}, "memory.ideal.bytes_per_cycle = 0: must be >= 1"},
    {{"memory.ideal.latency_cycles=-3"}, "memory.ideal.latency_cycles = -3: must be >= 0"},
    {{"memory.ideal.bytes_per_cycle=32"}, "memory.ideal.bytes_per_cycle = 32: must be <= the DMA stream width (16"},
    // top level
    {{"seed=-1"}, "seed = -1: must be >= 0"},
    // unknown keys, with the nearest valid key suggested
    {{"accelerator.pe_array.tmm=16"}, "accelerator.pe_array: unknown key 'tmm' (did you mean 'tm'?)"},
    {{"board.ddr.timing.t_rcd_nss=3"}, "board.ddr.timing: unknown key 't_rcd_nss' (did you mean 't_rcd_ns'?)"},
    {{"workload.layers.0.kernal=3"}, "workload.layers[0]: unknown key 'kernal' (did you mean 'kernel'?)"},
    {{"memroy.model=ideal"}, "(top level): unknown key 'memroy' (did you mean 'memory'?)"},
    // overrides themselves
    {{"=3"}, "--set =3: expected key.path=value"},
    {{"workload.layers.99.kernel=3"}, "workload.layers[99]: index out of range (the list has 11 items, 0 to 10"},
};

std::string caseName(const ::testing::TestParamInfo<Case>& info) {
  std::string key = info.param.sets.front().substr(0, info.param.sets.front().find('='));
  for (char& c : key)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return std::to_string(info.index) + "_" + (key.empty() ? std::string("empty") : key);
}

INSTANTIATE_TEST_SUITE_P(All, ConfigRule, ::testing::ValuesIn(kCases), caseName);

TEST(ConfigFile, ErrorNamesFileLineKeyValueAndRule) {
  const std::string dir = tempDir("d");
  const std::string acc = dir + "/acc.yaml";
  writeText(acc, readText(sourceDir() + "/configs/accelerators/eftrain-16x16.yaml"));
  // Line 8 of the copy holds `tm: 16`; break it.
  std::string text = readText(acc);
  text.replace(text.find("tm: 16 "), 7, "tm: 0  ");
  writeText(acc, text);
  const std::string design = dir + "/design.yaml";
  writeText(design, "include:\n  - " + sourceDir() + "/configs/boards/zcu102.yaml\n  - acc.yaml\n  - " + sourceDir() +
                        "/configs/workloads/lenet5-mnist.yaml\n");
  const std::string msg = errorOf(design, {});
  EXPECT_EQ(msg, acc + ":8: accelerator.pe_array.tm = 0: must be >= 1");
}

TEST(ConfigFile, UnknownKeyNamesItsLine) {
  const std::string dir = tempDir("d");
  const std::string design = dir + "/design.yaml";
  writeText(design, "include:\n  - " + sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml\nmemory:\n  modle: ideal\n");
  EXPECT_EQ(errorOf(design, {}), design + ":4: memory: unknown key 'modle' (did you mean 'model'?)");
}

TEST(ConfigFile, MissingRequiredKeyNamesTheMap) {
  const std::string dir = tempDir("d");
  const std::string design = dir + "/design.yaml";
  writeText(design, "include:\n  - " + sourceDir() + "/configs/boards/zcu102.yaml\n  - " + sourceDir() +
                        "/configs/accelerators/eftrain-16x16.yaml\nworkload:\n  name: w\n  batch: 1\n  layers: []\n");
  // The map's first line (its `name:` key, line 5).
  EXPECT_EQ(errorOf(design, {}), design + ":5: workload.input: required key is missing");
}

TEST(ConfigFile, YamlSyntaxErrorNamesTheLine) {
  const std::string dir = tempDir("d");
  const std::string design = dir + "/design.yaml";
  writeText(design, "name: x\nboard: {a: 1\n");
  EXPECT_NE(errorOf(design, {}).find(design + ":3: YAML syntax error"), std::string::npos) << errorOf(design, {});
}

TEST(ConfigFile, MissingIncludeNamesTheIncludingLine) {
  const std::string dir = tempDir("d");
  const std::string design = dir + "/design.yaml";
  writeText(design, "name: x\ninclude:\n  - nothere.yaml\n");
  // The path as written, where it resolves to, and the including file and line.
  const std::string resolved = std::filesystem::weakly_canonical(std::filesystem::absolute(dir + "/nothere.yaml"));
  EXPECT_EQ(errorOf(design, {}), design + ":3: include = nothere.yaml: no such file (resolved to " + resolved + ")");
}

TEST(ConfigFile, IncludeCycleIsRefused) {
  const std::string dir = tempDir("d");
  writeText(dir + "/a.yaml", "include: b.yaml\n");
  writeText(dir + "/b.yaml", "include: a.yaml\n");
  EXPECT_NE(errorOf(dir + "/a.yaml", {}).find("include cycle"), std::string::npos);
}

TEST(ConfigFile, DuplicateKeyIsRefused) {
  const std::string dir = tempDir("d");
  writeText(dir + "/a.yaml", "name: a\nname: b\n");
  EXPECT_EQ(errorOf(dir + "/a.yaml", {}), dir + "/a.yaml:2: name: duplicate key");
}

TEST(ConfigFile, MissingDesignFile) {
  EXPECT_EQ(errorOf("/nonexistent/design.yaml", {}), "/nonexistent/design.yaml: no such design file");
}

TEST(ConfigFile, DirectoryAsDesignIsNamedAsSuch) {
  const std::string dir = tempDir("d");
  EXPECT_EQ(errorOf(dir, {}), dir + ": is a directory, not a design file");
}

TEST(ConfigFile, DeviceAsDesignIsNamedAsSuch) {
  EXPECT_EQ(errorOf("/dev/null", {}), "/dev/null: is a special file (a device, pipe or socket), not a design file");
}

TEST(ConfigFile, DirectoryAsIncludeIsNamedAsSuch) {
  const std::string dir = tempDir("d");
  std::filesystem::create_directories(dir + "/sub");
  writeText(dir + "/design.yaml", "name: x\ninclude: sub\n");
  EXPECT_NE(errorOf(dir + "/design.yaml", {}).find(":2: include = sub: is a directory, not a config file (resolved to "),
            std::string::npos);
}

// --- every error of a load at once -----------------------------------------

/// A design of the repository's board and array with `layers` as its workload.
std::string designWithLayers(const std::string& dir, const std::string& layers, const std::string& head = "") {
  const std::string design = dir + "/design.yaml";
  writeText(design, "include:\n  - " + sourceDir() + "/configs/boards/zcu102.yaml\n  - " + sourceDir() +
                        "/configs/accelerators/eftrain-16x16.yaml\n" + head +
                        "workload:\n  name: t\n  batch: 2\n  input: {channels: 1, height: 28, width: 28}\n"
                        "  layers:\n" + layers);
  return design;
}

std::vector<std::string> messagesOf(const std::string& design, const std::vector<std::string>& sets) {
  try {
    DesignConfig::load(design, sets);
  } catch (const ftsim::config::ConfigErrors& e) {
    return e.messages();
  } catch (const UserError& e) {
    return {e.what()};
  }
  return {};
}

TEST(ConfigCollect, EveryErrorOfEveryBlockInOneLoadSortedByLine) {
  const std::string dir = tempDir("d");
  const std::string design = designWithLayers(dir,
                                              "    - {name: c1, type: conv, out_channels: 6, kernel: 0}\n"     // line 9
                                              "    - {name: r1, type: relu, slope: 2}\n"                       // line 10
                                              "    - {name: c2, type: conv, out_chanels: 16, kernel: 3}\n"     // line 11
                                              "    - {name: f1, type: fc, out_features: 10}\n");
  const auto m = messagesOf(design, {"accelerator.pe_array.tm=0", "board.resources.dsp=-1"});
  const std::vector<std::string> expected = {
      // --set locations sort before the file's, in the order of their text
      "--set accelerator.pe_array.tm=0: accelerator.pe_array.tm = 0: must be >= 1",
      "--set board.resources.dsp=-1: board.resources.dsp = -1: must be >= 0",
      design + ":9: workload.layers[0].kernel = 0: must be >= 1",
      design + ":10: workload.layers[1]: unknown key 'slope' (valid keys here: input inputs name type)",
      design + ":11: workload.layers[2].out_channels: required key is missing; 'out_chanels' (" + design +
          ":11) looks like a misspelling of it",
      design + ":11: workload.layers[2]: unknown key 'out_chanels' (did you mean 'out_channels'?)",
  };
  EXPECT_EQ(m, expected);
}

TEST(ConfigCollect, TheSummaryListsTwentyThenCounts) {
  const std::string dir = tempDir("d");
  std::string layers;
  for (int i = 0; i < 25; ++i)
    layers += "    - {name: c" + std::to_string(i) + ", type: conv, out_channels: 0, kernel: 1}\n";
  const std::string msg = errorOf(designWithLayers(dir, layers), {});
  EXPECT_NE(msg.find("workload.layers[19].out_channels = 0: must be >= 1"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("workload.layers[20]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\nerror: ... and 5 more\nerror: 25 config errors in all; nothing was run"), std::string::npos)
      << msg;
}

TEST(ConfigCollect, ACheckOnAFailedValueIsSkippedNotRepeated) {
  // out_channels 0 fails (and reads as 1); the groups rule, which depends on
  // it, would only repeat the error, so it is not reported.
  const std::string dir = tempDir("d");
  const auto m = messagesOf(designWithLayers(dir, "    - {name: c1, type: conv, out_channels: 0, kernel: 3, "
                                                  "groups: 4}\n"),
                            {});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("workload.layers[0].out_channels = 0: must be >= 1"), std::string::npos) << m[0];
}

TEST(ConfigCollect, ALayerOfUnknownTypeIsNotReadFurther) {
  // Its other keys depend on the type: neither missing nor unknown keys are reported.
  const std::string dir = tempDir("d");
  const auto m = messagesOf(designWithLayers(dir, "    - {name: c1, type: cnov, out_channels: 4, kernel: 3}\n"), {});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("workload.layers[0].type = cnov: must be one of conv, fc"), std::string::npos) << m[0];
  EXPECT_NE(m[0].find("(did you mean 'conv'?)"), std::string::npos) << m[0];
}

TEST(ConfigCollect, AnUnknownKeyFarFromEveryValidOneListsThem) {
  const std::string dir = tempDir("d");
  const auto m = messagesOf(designWithLayers(dir, "    - {name: p, type: maxpool, kernel: 2, zzzzzz: 1}\n"), {});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("workload.layers[0]: unknown key 'zzzzzz' (valid keys here: input inputs kernel name pad "
                      "padding stride type)"),
            std::string::npos)
      << m[0];
}

TEST(ConfigCollect, EditDistanceCountsASwapOfNeighboursAsOneEdit) {
  using ftsim::config::editDistance;
  EXPECT_EQ(editDistance("hsl", "hls"), 1u);          // one swap
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);   // k→s, e→i, +g
  EXPECT_EQ(editDistance("", "abc"), 3u);
  EXPECT_EQ(editDistance("out_chanels", "out_channels"), 1u);
  EXPECT_EQ(editDistance("ca", "abc"), 3u);           // optimal string alignment: no edit of a swapped pair
}

TEST(ConfigCollect, WithoutCollectingTheFirstErrorThrows) {
  // Typed configs read alone (tests, tools) keep throwing at the first error.
  const auto root = ftsim::config::ConfigNode::loadString("a: 0\nb: x\n", "t.yaml");
  EXPECT_THROW(root.getInt("a", 1, 9), ConfigError);
  EXPECT_FALSE(root.collecting());
}

// --- whole-number flags ------------------------------------------------------

TEST(CliNumbers, SeedRulesNameTheFlagTheValueAndTheRule) {
  using ftsim::cli::parseWholeNumber;
  const auto msg = [](const std::string& v) {
    try {
      parseWholeNumber("--seed", v, 0, INT64_MAX);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string rule = ": must be a whole number from 0 to 9223372036854775807";
  EXPECT_EQ(msg("-5"), "--seed -5" + rule + " (it is negative)");
  EXPECT_EQ(msg("abc"), "--seed abc" + rule);
  EXPECT_EQ(msg("1e3"), "--seed 1e3" + rule + " (no fractions or exponents)");
  EXPECT_EQ(msg("2.5"), "--seed 2.5" + rule + " (no fractions or exponents)");
  EXPECT_EQ(msg("9223372036854775808"), "--seed 9223372036854775808" + rule + " (it is too large)");
  EXPECT_EQ(msg(""), "--seed ''" + rule);
  EXPECT_EQ(msg("0x10"), "--seed 0x10" + rule);
  EXPECT_EQ(parseWholeNumber("--seed", "9223372036854775807", 0, INT64_MAX), INT64_MAX);
  EXPECT_EQ(parseWholeNumber("--seed", "0", 0, INT64_MAX), 0);
  EXPECT_EQ(parseWholeNumber("--seed", "-0", 0, INT64_MAX), 0);
  EXPECT_THROW(parseWholeNumber("--jobs", "0", 1, 4096), UserError);
}

TEST(ConfigMerge, IncludingFileOverridesIncludedMapsKeyByKey) {
  const std::string dir = tempDir("d");
  writeText(dir + "/base.yaml", "a:\n  x: 1\n  y: 2\nb: [1, 2]\n");
  writeText(dir + "/top.yaml", "include: base.yaml\na:\n  y: 3\nb: [9]\n");
  const auto root = ftsim::config::ConfigNode::loadFile(dir + "/top.yaml");
  EXPECT_EQ(root.at("a").at("x").asInt(), 1);
  EXPECT_EQ(root.at("a").at("y").asInt(), 3);
  EXPECT_EQ(root.at("b").items().size(), 1u);
  EXPECT_EQ(root.at("a").at("y").loc().str(), dir + "/top.yaml:3");
}

// A file's parsed tree is kept and copied for the next load of the same path
// (sim/config/ConfigNode.cpp, parseFile): each load must still see the file's
// current text and none of what an earlier load marked or overrode.
TEST(ConfigMerge, AnIncludedFileIsReadAgainWhenItsTextChanges) {
  const std::string dir = tempDir("d");
  writeText(dir + "/base.yaml", "a:\n  x: 1\n");
  writeText(dir + "/top.yaml", "include: base.yaml\n");
  EXPECT_EQ(ftsim::config::ConfigNode::loadFile(dir + "/top.yaml").at("a").at("x").asInt(), 1);
  writeText(dir + "/base.yaml", "a:\n  x: 2\n");
  EXPECT_EQ(ftsim::config::ConfigNode::loadFile(dir + "/top.yaml").at("a").at("x").asInt(), 2);
}

TEST(ConfigMerge, ALoadSeesNothingAnEarlierLoadOfTheSameFilesChanged) {
  const std::string dir = tempDir("d");
  writeText(dir + "/base.yaml", "a:\n  x: 1\n  y: 2\n");
  writeText(dir + "/top.yaml", "include: base.yaml\nb: 3\n");
  auto first = ftsim::config::ConfigNode::loadFile(dir + "/top.yaml");
  first.applyOverride("a.x=5");
  EXPECT_EQ(first.at("a").at("x").asInt(), 5);
  EXPECT_EQ(first.at("a").at("y").asInt(), 2);
  const auto second = ftsim::config::ConfigNode::loadFile(dir + "/top.yaml");
  EXPECT_EQ(second.at("a").at("x").asInt(), 1);
  EXPECT_EQ(second.at("b").asInt(), 3);
  // a.y was asked for by the first load only: unknown to the second.
  try {
    second.checkNoUnknownKeys();
    ADD_FAILURE() << "a.y was taken as asked for";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), dir + "/base.yaml:3: a: unknown key 'y' (did you mean 'x'?)");
  }
}

TEST(ConfigMerge, OverridesApplyAfterIncludes) {
  const auto d = DesignConfig::load(lenet(), {"accelerator.clock_mhz=150", "workload.batch=4"});
  EXPECT_EQ(d.accelerator.clock.freqHz(), 150000000u);
  EXPECT_EQ(d.workload.batch, 4);
}

TEST(ConfigValues, DdrTimingConvertsNanosecondsOnceRoundingUp) {
  const auto d = DesignConfig::load(lenet(), {});
  // DDR4-2133P at 1066.6667 MHz (tCK 0.9375 ns): tRAS 33 ns → 35.2 → 36,
  // tRC 47.06 ns → 50.2 → 51, tWR 15 ns → 16, tRFC 260 ns → 277.3 → 278,
  // tREFI 7800 ns → 8320, tRRD_L 5.3 ns → 5.65 → 6, tFAW 21 ns → 22.4 → 23.
  EXPECT_EQ(d.board.ddr.t.tRAS, 36u);
  EXPECT_EQ(d.board.ddr.t.tRC, 51u);
  EXPECT_EQ(d.board.ddr.t.tWR, 16u);
  EXPECT_EQ(d.board.ddr.t.tRFC, 278u);
  EXPECT_EQ(d.board.ddr.t.tREFI, 8320u);
  EXPECT_EQ(d.board.ddr.t.tRRD_L, 6u);
  EXPECT_EQ(d.board.ddr.t.tFAW, 23u);
  EXPECT_EQ(d.board.ddr.capacityBytes(), 4ULL << 30);
}

TEST(ConfigValues, DmaStartDefaultsToTheBoardHostCost) {
  // Without accelerator.dma.start_cycles (the shipped accelerator sets none),
  // 4000 ns of host time at 100 MHz = 400 cycles; at 150 MHz it is 600.
  const std::string dir = tempDir("d");
  writeText(dir + "/acc.yaml", readText(sourceDir() + "/configs/accelerators/eftrain-16x16.yaml"));
  const std::string design = dir + "/design.yaml";
  writeText(design, "include:\n  - " + sourceDir() + "/configs/boards/zcu102.yaml\n  - acc.yaml\n  - " + sourceDir() +
                        "/configs/workloads/lenet5-mnist.yaml\n");
  EXPECT_EQ(DesignConfig::load(design, {}).accelerator.dma.startCycles, 400u);
  EXPECT_EQ(DesignConfig::load(design, {"accelerator.clock_mhz=150"}).accelerator.dma.startCycles, 600u);
}

}  // namespace

// ftsim sweep: the sweep file's axes, --set on list items, the Pareto front,
// and whole sweeps run as processes (LeNet-5 with the ideal memory: a point
// takes a fraction of a second): --jobs 1 and --jobs 2 give the same bytes, a
// sweep killed with SIGKILL resumes and loses nothing, infeasible, failing and
// crashing points are rows, shards and their collect equal a local run.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "sim/config/ConfigNode.h"
#include "sim/config/DesignConfig.h"
#include "sim/sweep/SweepResults.h"
#include "sim/sweep/SweepRunner.h"
#include "sim/sweep/SweepSpec.h"
#include "tests/Harness.h"

using ftsim::UserError;
using ftsim::config::DesignConfig;
using namespace ftsim::sweep;
using namespace ftsim::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::string lenet() { return sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml"; }

/// A sweep file over LeNet-5 with the ideal memory; `axes` is the YAML of
/// the axes (indented two spaces under `sweep:`).
std::string writeSweep(const std::string& dir, const std::string& axes, const std::string& name = "s") {
  const std::string path = dir + "/" + name + ".yaml";
  writeText(path, "sweep:\n  name: " + name + "\n  design: " + lenet() + "\n  set:\n    memory.model: ideal\n" + axes);
  return path;
}

std::string loadError(const std::string& path) {
  try {
    SweepSpec::load(path);
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// Whether a live process has `text` in its command line.
bool anyProcessMentions(const std::string& text) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::string cmd = readText(e.path().string() + "/cmdline");
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    if (contains(cmd, text)) return true;
  }
  return false;
}

std::vector<std::string> csvLines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(readText(path));
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

/// A results.csv cell by column name.
std::string cell(const std::vector<std::string>& lines, std::size_t row, const std::string& column) {
  auto split = [](const std::string& l) {
    std::vector<std::string> f;
    std::string cur;
    bool q = false;
    for (char c : l) {
      if (c == '"') q = !q;
      else if (c == ',' && !q) { f.push_back(cur); cur.clear(); }
      else cur += c;
    }
    f.push_back(cur);
    return f;
  };
  const auto head = split(lines.at(0));
  const auto it = std::find(head.begin(), head.end(), column);
  if (it == head.end()) return "(no column " + column + ")";
  return split(lines.at(row)).at(static_cast<std::size_t>(it - head.begin()));
}

const char* kSixPoints =
    "  grid:\n"
    "    accelerator.clock_mhz: [100, 200]\n"
    "  zip:\n"
    "    accelerator.pe_array.tm: [8, 16, 24]\n"
    "    accelerator.pe_array.tn: [8, 16, 24]\n"
    "    accelerator.buffers.weight.tm: [8, 16, 24]\n"
    "    accelerator.buffers.weight.tn: [8, 16, 24]\n"
    "    accelerator.buffers.input.lanes: [8, 16, 24]\n"
    "    accelerator.buffers.output.lanes: [8, 16, 24]\n"
    "    accelerator.vector.lanes: [8, 16, 16]\n";

}  // namespace

// ---------------------------------------------------------------- sweep file

TEST(SweepSpec, AxesExpandAsAProductWithTheLastAxisFastest) {
  const std::string dir = tempDir("spec");
  const SweepSpec s = SweepSpec::load(writeSweep(dir,
                                                 "  grid:\n    accelerator.clock_mhz: [100, 150]\n    workload.batch: [4, 8, 16]\n"
                                                 "  zip:\n    - {accelerator.dma.start_cycles: [0, 400], accelerator.dma.max_outstanding: [4, 8]}\n"));
  // 2 clocks x 3 batches x 2 zipped pairs = 12 points.
  ASSERT_EQ(s.points.size(), 12u);
  EXPECT_EQ(s.sweptKeys, (std::vector<std::string>{"accelerator.clock_mhz", "workload.batch", "accelerator.dma.start_cycles",
                                                   "accelerator.dma.max_outstanding"}));
  auto sets = [&](std::size_t i) {
    std::string t;
    for (const auto& a : s.points[i].sets) t += a.text() + " ";
    return t;
  };
  EXPECT_EQ(sets(0), "accelerator.clock_mhz=100 workload.batch=4 accelerator.dma.start_cycles=0 accelerator.dma.max_outstanding=4 ");
  EXPECT_EQ(sets(1), "accelerator.clock_mhz=100 workload.batch=4 accelerator.dma.start_cycles=400 accelerator.dma.max_outstanding=8 ");
  EXPECT_EQ(sets(2), "accelerator.clock_mhz=100 workload.batch=8 accelerator.dma.start_cycles=0 accelerator.dma.max_outstanding=4 ");
  EXPECT_EQ(sets(11), "accelerator.clock_mhz=150 workload.batch=16 accelerator.dma.start_cycles=400 accelerator.dma.max_outstanding=8 ");
  EXPECT_EQ(s.points[11].id, "p00011");
  ASSERT_EQ(s.fixed.size(), 1u);
  EXPECT_EQ(s.fixed[0].text(), "memory.model=ideal");
  // The point's overrides: the fixed ones first, each with the sweep file's line.
  EXPECT_EQ(s.overrides(s.points[0]).front().text(), "memory.model=ideal");
  EXPECT_EQ(s.points[0].sets[0].loc.line, 7);
  EXPECT_EQ(s.objectives.size(), 3u);
}

TEST(SweepSpec, RandomSamplesAreSeededDistinctAndInRange) {
  const std::string dir = tempDir("random");
  const std::string axes =
      "  random:\n    samples: 10\n    seed: SEED\n    axes:\n      accelerator.clock_mhz: {min: 100, max: 300, step: 25}\n"
      "      workload.batch: [2, 4, 8]\n";
  auto load = [&](const std::string& seed, const std::string& name) {
    std::string a = axes;
    a.replace(a.find("SEED"), 4, seed);
    return SweepSpec::load(writeSweep(dir, a, name));
  };
  const SweepSpec a = load("7", "a"), b = load("7", "b"), c = load("8", "c");
  ASSERT_EQ(a.points.size(), 10u);
  std::set<std::string> seen;
  std::string ta, tb, tc;
  for (std::size_t i = 0; i < 10; ++i) {
    const int clock = std::stoi(a.points[i].sets[0].value);
    EXPECT_TRUE(clock >= 100 && clock <= 300 && (clock - 100) % 25 == 0) << clock;
    const std::string batch = a.points[i].sets[1].value;
    EXPECT_TRUE(batch == "2" || batch == "4" || batch == "8") << batch;
    EXPECT_TRUE(seen.insert(a.points[i].sets[0].value + "/" + batch).second) << "drawn twice";
    ta += a.points[i].sets[0].value + batch;
    tb += b.points[i].sets[0].value + b.points[i].sets[1].value;
    tc += c.points[i].sets[0].value + c.points[i].sets[1].value;
  }
  EXPECT_EQ(ta, tb);  // same seed, same points
  EXPECT_NE(ta, tc);  // another seed, other points
  // 9 clocks x 3 batches = 27 distinct points: 28 samples cannot be distinct.
  std::string big = axes;
  big.replace(big.find("samples: 10"), 11, "samples: 28");
  big.replace(big.find("SEED"), 4, "1");
  EXPECT_TRUE(contains(loadError(writeSweep(dir, big, "d")), "sweep.random.samples = 28: more samples than distinct points (27)"))
      << loadError(writeSweep(dir, big, "d"));
}

TEST(SweepSpec, BadSweepFilesNameFileLineKeyAndRule) {
  const std::string dir = tempDir("bad");
  std::string e = loadError(writeSweep(dir, "  zip:\n    accelerator.pe_array.tm: [8, 16]\n    accelerator.pe_array.tn: [8]\n", "zip"));
  EXPECT_TRUE(contains(e, "zip.yaml:8: sweep.zip.accelerator.pe_array.tn = [...]: has 1 values, accelerator.pe_array.tm has 2"))
      << e;
  e = loadError(writeSweep(dir, "  grid:\n    accelerator.clock_mhz: [100]\n  zip:\n    accelerator.clock_mhz: [200]\n", "twice"));
  EXPECT_TRUE(contains(e, "twice.yaml:9: accelerator.clock_mhz: swept by two axes")) << e;
  e = loadError(writeSweep(dir, "  gird:\n    accelerator.clock_mhz: [100]\n", "typo"));
  EXPECT_TRUE(contains(e, "typo.yaml:6: sweep: unknown key 'gird' (did you mean 'grid'?)")) << e;
  e = loadError(writeSweep(dir, "", "none"));
  EXPECT_TRUE(contains(e, "a sweep needs at least one of grid, zip or random")) << e;
  e = loadError(writeSweep(dir, "  grid:\n    accelerator.clock_mhz: []\n", "empty"));
  EXPECT_TRUE(contains(e, "empty.yaml:7: sweep.grid.accelerator.clock_mhz = [...]: must list at least one value")) << e;
  e = loadError(writeSweep(dir, "  grid:\n    accelerator.clock_mhz: [{a: 1}]\n", "map"));
  EXPECT_TRUE(contains(e, "a swept value must be a number, a string or true/false")) << e;
  e = loadError(writeSweep(dir, "  grid:\n    workload.batch: [4]\n  objectives: [gflops:up]\n", "obj"));
  EXPECT_TRUE(contains(e, "objective 'gflops:up': write COLUMN:max or COLUMN:min")) << e;
  e = loadError(writeSweep(dir, "  grid:\n    workload.batch: [4]\n  objectives: [speed:max]\n", "obj2"));
  EXPECT_TRUE(contains(e, "objective 'speed:max': unknown column")) << e;
  writeText(dir + "/nodesign.yaml", "sweep:\n  design: nowhere.yaml\n  grid: {workload.batch: [4]}\n");
  e = loadError(dir + "/nodesign.yaml");
  EXPECT_TRUE(contains(e, "nodesign.yaml:2: sweep.design = nowhere.yaml: no such design file")) << e;
}

// Every point is expanded before the first runs: at most 100,000 values in all
// (points x swept keys). 400 x 125 grid values = 50,000 points x 2 keys: the cap
// exactly; one more value of the second key gives 400 x 126 = 50,400 points.
TEST(SweepSpec, AtMostAHundredThousandSweptValues) {
  const std::string dir = tempDir("cap");
  const auto values = [](int n) {
    std::string list;
    for (int i = 0; i < n; ++i) list += (i ? ", " : "") + std::to_string(i + 1);
    return "[" + list + "]";
  };
  const auto grid = [&](int b) {
    return "  grid:\n    workload.batch: " + values(400) + "\n    accelerator.clock_mhz: " + values(b) + "\n";
  };
  EXPECT_EQ(SweepSpec::load(writeSweep(dir, grid(125), "cap")).points.size(), 50000u);
  std::string e = loadError(writeSweep(dir, grid(126), "over"));
  EXPECT_TRUE(contains(e, "over.yaml:2: sweep = {...}: more than 100,000 swept values (50400 points x 2 swept keys); "
                          "split the sweep")) << e;
  // 50,001 samples x 2 keys, refused before the 2 x 1,000 choices are listed.
  e = loadError(writeSweep(dir, "  random:\n    samples: 50001\n    axes:\n      workload.batch: {min: 1, max: 1000}\n"
                                "      accelerator.clock_mhz: {min: 1, max: 1000}\n", "draws"));
  EXPECT_TRUE(contains(e, "draws.yaml:7: sweep.random.samples = 50001: more than 100,000 swept values "
                          "(50001 samples x 2 keys); split the sweep")) << e;
}

// ------------------------------------------------------- --set on list items

TEST(ConfigOverride, SelectsListItemsByIndexOrName) {
  // LeNet-5's layers: conv1, relu1, pool1, conv2, ... (configs/workloads/lenet5-mnist.yaml).
  const DesignConfig byIndex = DesignConfig::load(lenet(), {"workload.layers[3].out_channels=20"});
  const DesignConfig byName = DesignConfig::load(lenet(), {"workload.layers[conv2].out_channels=24"});
  const DesignConfig dotted = DesignConfig::load(lenet(), {"workload.layers.3.out_channels=12"});
  const DesignConfig base = DesignConfig::load(lenet(), {});
  ASSERT_EQ(base.workload.layers[3].name, "conv2");
  EXPECT_EQ(base.workload.layers[3].out.c, 16);
  EXPECT_EQ(byIndex.workload.layers[3].out.c, 20);
  EXPECT_EQ(byName.workload.layers[3].out.c, 24);
  EXPECT_EQ(dotted.workload.layers[3].out.c, 12);
  // Only the chosen item changes.
  EXPECT_EQ(byName.workload.layers[0].out.c, base.workload.layers[0].out.c);
}

TEST(ConfigOverride, BadListSelectorsNameTheListsFileLineKeyAndRule) {
  const std::string workload = "configs/workloads/lenet5-mnist.yaml:8";  // the line of `layers:`'s first item
  std::string e = errorOf(lenet(), {"workload.layers[11].kernel=3"});
  EXPECT_TRUE(contains(e, "workload.layers[11]: index out of range (the list has 11 items, 0 to 10; --set workload.layers[11].kernel=3)"))
      << e;
  EXPECT_TRUE(contains(e, workload)) << e;
  e = errorOf(lenet(), {"workload.layers[conv9].kernel=3"});
  EXPECT_TRUE(contains(e, workload + ": workload.layers[conv9]: no item named 'conv9' in this list; did you mean 'conv1'?")) << e;
  e = errorOf(lenet(), {"workload.layers[softmax].kernel=3"});
  EXPECT_TRUE(contains(e, "no item named 'softmax' in this list (names: conv1, relu1, pool1, conv2")) << e;
  e = errorOf(lenet(), {"workload.layers.conv2.kernel=3"});
  EXPECT_TRUE(contains(e, "workload.layers.conv2: this is a list: select an item by index ([3]) or by name ([conv1])")) << e;
  e = errorOf(lenet(), {"workload.input[0].channels=3"});
  EXPECT_TRUE(contains(e, "workload.input[0]: 'workload.input' is not a list")) << e;
  e = errorOf(lenet(), {"workload.layers[3.kernel=3"});
  EXPECT_TRUE(contains(e, "--set workload.layers[3.kernel=3: workload.layers[3.kernel: unclosed '[' in key path")) << e;
  e = errorOf(lenet(), {"workload.layers[].kernel=3"});
  EXPECT_TRUE(contains(e, "empty '[]' in key path")) << e;
  // A value the item does not accept is still checked where it lands.
  e = errorOf(lenet(), {"workload.layers[conv2].kernel=0"});
  EXPECT_TRUE(contains(e, "workload.layers[3].kernel = 0: must be >= 1")) << e;
}

// ------------------------------------------------------------ results, front

TEST(SweepResults, ConvFcGflopsIsMacFlopsOverMacCycles) {
  // Two MAC rows (2e6 + 6e6 FLOPs over 1000 + 3000 cycles) and a pooling row
  // (no FLOPs, 5000 cycles) at 200 MHz: 8e6 FLOP / (4000 / 200e6 s) = 400 GFLOPS.
  const std::string s = R"({"clock_mhz": 200, "layers": [
      {"layer": "c1", "flops": 2000000, "cycles": 1000},
      {"layer": "p1", "flops": 0, "cycles": 5000},
      {"layer": "c2", "flops": 6000000, "cycles": 3000}]})";
  ASSERT_TRUE(convFcGflops(s).has_value());
  EXPECT_DOUBLE_EQ(*convFcGflops(s), 400.0);
  EXPECT_FALSE(convFcGflops(R"({"clock_mhz": 200, "layers": []})").has_value());
}

TEST(SweepResults, ParetoFrontKeepsExactlyTheNonDominatedOkRows) {
  SweepSpec spec;
  std::vector<Point> points(6);
  for (std::size_t i = 0; i < points.size(); ++i) points[i].id = "p" + std::to_string(i);
  const auto& cols = objectiveColumns();
  auto col = [&](const char* c) { return static_cast<std::size_t>(std::find(cols.begin(), cols.end(), c) - cols.begin()); };
  // (GFLOPS, GFLOPS/W, BRAM36): p0 (10, 5, 100) front; p1 (8, 4, 100) dominated by p0;
  // p2 (12, 3, 200) front (fastest); p3 (5, 5, 50) front (fewest BRAM);
  // p4 (20, 9, 10) would dominate everything but is infeasible; p5 (10, 5, 100) ties p0: both stay.
  const double v[6][3] = {{10, 5, 100}, {8, 4, 100}, {12, 3, 200}, {5, 5, 50}, {20, 9, 10}, {10, 5, 100}};
  std::vector<Row> rows(6);
  for (std::size_t i = 0; i < 6; ++i) {
    rows[i].point = &points[i];
    rows[i].values.assign(cols.size(), std::nullopt);
    rows[i].values[col("gflops")] = v[i][0];
    rows[i].values[col("gflops_per_w")] = v[i][1];
    rows[i].values[col("bram36")] = v[i][2];
    rows[i].record.status = i == 4 ? Status::Infeasible : Status::Ok;
  }
  const auto objectives = parseObjectives({"gflops:max", "gflops_per_w:max", "bram36:min"}, "test");
  std::string ids;
  for (const Row& r : paretoFront(rows, objectives)) ids += r.point->id + " ";
  EXPECT_EQ(ids, "p0 p2 p3 p5 ");
  // On GFLOPS alone only p2 is left.
  ids.clear();
  for (const Row& r : paretoFront(rows, parseObjectives({"gflops:max"}, "test"))) ids += r.point->id + " ";
  EXPECT_EQ(ids, "p2 ");
}

// ------------------------------------------------------------- whole sweeps

TEST(SweepRun, JobsOneAndTwoGiveByteIdenticalResultsEqualToDirectRuns) {
  const std::string dir = tempDir("jobs");
  const std::string file = writeSweep(dir, kSixPoints);
  Result r1 = runFtsim("sweep " + file + " --out " + dir + "/j1 --jobs 1 --no-plot");
  ASSERT_EQ(r1.code, 0) << r1.out;
  Result r2 = runFtsim("sweep " + file + " --out " + dir + "/j2 --jobs 2 --no-plot --quiet");
  ASSERT_EQ(r2.code, 0) << r2.out;
  EXPECT_EQ(r2.out, "");  // quiet
  EXPECT_TRUE(contains(r1.out, "6 points, 0 already done, 6 now (ok 4, infeasible 2, error 0)")) << r1.out;
  const std::string a = readText(dir + "/j1/results.csv"), b = readText(dir + "/j2/results.csv");
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_EQ(readText(dir + "/j1/pareto.csv"), readText(dir + "/j2/pareto.csv"));

  // The row of point p00004 (200 MHz, 16x16) carries what `ftsim run` of the
  // same design reports; conv/FC GFLOPS checked against total.flops and
  // total.mac_cycles, which the sweep does not read.
  const auto lines = csvLines(dir + "/j1/results.csv");
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(cell(lines, 5, "point"), "p00004");
  EXPECT_EQ(cell(lines, 5, "accelerator.clock_mhz"), "200");
  EXPECT_EQ(cell(lines, 5, "accelerator.pe_array.tm"), "16");
  Result run = runFtsim("run " + lenet() + " --quiet --out " + dir + "/direct --set memory.model=ideal --set accelerator.clock_mhz=200");
  ASSERT_EQ(run.code, 0) << run.out;
  const Json s = Json::parse(readText(dir + "/direct/summary.json"));
  EXPECT_EQ(cell(lines, 5, "cycles"), std::to_string(s["total"]["cycles"].get<std::uint64_t>()));
  EXPECT_NEAR(std::stod(cell(lines, 5, "gflops")), s["total"]["gflops"].get<double>(), 1e-8);
  EXPECT_NEAR(std::stod(cell(lines, 5, "gflops_per_w")), s["total"]["gflops_per_w"].get<double>(), 1e-8);
  const double convFc = s["total"]["flops"].get<double>() / (s["total"]["mac_cycles"].get<double>() / 200e6) / 1e9;
  EXPECT_NEAR(std::stod(cell(lines, 5, "conv_fc_gflops")), convFc, 1e-6);
  EXPECT_EQ(cell(lines, 5, "dsp"), "1360");  // README: the 16x16 design's estimate
  EXPECT_EQ(cell(lines, 5, "bram36"), "656");
  // 200 MHz beats 100 MHz on GFLOPS and GFLOPS/W at the same BRAM: the front
  // holds one point per array size that fits, at 200 MHz.
  const auto front = csvLines(dir + "/j1/pareto.csv");
  ASSERT_EQ(front.size(), 3u);
  EXPECT_EQ(cell(front, 1, "point"), "p00003");
  EXPECT_EQ(cell(front, 2, "point"), "p00004");
  // Each point that ran has its own summary.json and layers.csv.
  EXPECT_TRUE(fs::exists(dir + "/j1/points/p00004/summary.json"));
  EXPECT_TRUE(fs::exists(dir + "/j1/points/p00004/layers.csv"));
}

TEST(SweepRun, InfeasibleAndFailingPointsAreRowsAndTheSweepGoesOn) {
  const std::string dir = tempDir("infeasible");
  // 24x24: 24*24 fp32 multipliers and adders need more DSP48E2 than the
  // XCZU9EG's 2,520 (docs/resources.md); tm = 0 breaks a config rule.
  const std::string file = writeSweep(dir,
                                      "  zip:\n"
                                      "    accelerator.pe_array.tm: [24, 0, 16]\n"
                                      "    accelerator.pe_array.tn: [24, 0, 16]\n"
                                      "    accelerator.buffers.weight.tm: [24, 0, 16]\n"
                                      "    accelerator.buffers.weight.tn: [24, 0, 16]\n"
                                      "    accelerator.buffers.input.lanes: [24, 0, 16]\n"
                                      "    accelerator.buffers.output.lanes: [24, 0, 16]\n");
  Result r = runFtsim("sweep " + file + " --out " + dir + "/o --jobs 2 --no-plot");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto lines = csvLines(dir + "/o/results.csv");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(cell(lines, 1, "status"), "infeasible");
  EXPECT_EQ(cell(lines, 1, "overflow"), "DSP48E2");
  EXPECT_TRUE(contains(cell(lines, 1, "reason"), "DSP48E2 over budget: the design needs")) << lines[1];
  // 576 fmul x 3 + 24 trees x 24 fadd x 2 (the kernel's tree pads 24 leaves to 32:
  // 12 + 6 + 3 + 2 + 1 adders, docs/hls-export.md) + 24 accumulators x 2 + vector 80
  // = 1728 + 1152 + 48 + 80 = 3008 DSP48E2; 3008 / 2520 = 119.4 %.
  EXPECT_EQ(cell(lines, 1, "dsp_percent").substr(0, 3), "119") << lines[1];
  EXPECT_EQ(cell(lines, 1, "cycles"), "");
  EXPECT_FALSE(fs::exists(dir + "/o/points/p00000/summary.json"));  // decided without simulating
  EXPECT_EQ(cell(lines, 2, "status"), "error");
  EXPECT_TRUE(contains(cell(lines, 2, "reason"), "s.yaml:7: accelerator.pe_array.tm = 0: must be >= 1")) << lines[2];
  EXPECT_EQ(cell(lines, 3, "status"), "ok");
}

TEST(SweepRun, ACrashedPointIsRecordedWithItsSignal) {
  const std::string dir = tempDir("crash");
  const SweepSpec spec = SweepSpec::load(writeSweep(dir, "  grid:\n    workload.batch: [2, 4]\n"));
  // A stand-in for `ftsim run` that crashes on batch 4 and succeeds on batch 2.
  const std::string fake = dir + "/fake-ftsim";
  writeText(fake,
            "#!/bin/sh\ncase \"$*\" in *workload.batch=4*) echo 'about to crash' >&2; kill -SEGV $$ ;; esac\n"
            "while [ \"$1\" != --out ]; do shift; done; echo '{\"total\": {\"cycles\": 7}}' > \"$2/summary.json\"\n");
  fs::permissions(fake, fs::perms::owner_all);
  prepareOutput(spec, dir + "/o");
  RunOptions o;
  o.outDir = dir + "/o";
  o.ftsimPath = fake;
  o.jobs = 2;
  std::ostringstream err;
  const RunCounts c = runPoints(spec, o, err);
  EXPECT_EQ(c.ok, 1u);
  EXPECT_EQ(c.error, 1u);
  const Row crashed = readPoint(o.outDir, spec.points[1]);
  EXPECT_EQ(crashed.record.status, Status::Error);
  EXPECT_TRUE(contains(crashed.record.reason, "ftsim run was killed by signal 11")) << crashed.record.reason;
  EXPECT_TRUE(contains(crashed.record.reason, "about to crash")) << crashed.record.reason;
  EXPECT_EQ(readPoint(o.outDir, spec.points[0]).value("cycles"), 7.0);
}

TEST(SweepRun, KilledWithSigkillResumesAndLosesNothing) {
  const std::string dir = tempDir("kill");
  const std::string file = writeSweep(dir, "  grid:\n    accelerator.clock_mhz: [100, 125, 150, 175, 200, 225, 250, 275]\n");
  // The reference: the same sweep, uninterrupted.
  ASSERT_EQ(runFtsim("sweep " + file + " --out " + dir + "/ref --jobs 2 --quiet --no-plot").code, 0);

  const std::string out = dir + "/o";
  const std::string pidFile = dir + "/pid";
  ASSERT_EQ(shell("(" + std::string(FTSIM_BINARY) + " sweep " + file + " --out " + out +
                  " --jobs 1 --quiet --no-plot > " + dir + "/log 2>&1 & echo $! > " + pidFile + ")").code, 0);
  const pid_t pid = std::stoi(readText(pidFile));
  // Kill it once two points are finished, while the third runs.
  auto finished = [&] {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(out + "/points", ec))
      if (e.path().filename().string()[0] == 'p') {
        ++n;
      }
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  // The point in flight had just started (a LeNet-5 point takes some 300 ms):
  // it must die with its sweep, not run on and write into its directory.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(anyProcessMentions(out + "/points/.p")) << "a point outlived its sweep";
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  for (const auto& e : fs::directory_iterator(out + "/points"))
    EXPECT_FALSE(fs::exists(e.path() / "summary.json") && e.path().filename().string()[0] == '.')
        << "an orphaned point wrote " << e.path();
  const std::size_t before = finished();
  ASSERT_GE(before, 2u);
  ASSERT_LT(before, 8u) << "the sweep ended before it was killed";
  // Every finished directory is whole; the point in flight died with the sweep.
  for (const auto& e : fs::directory_iterator(out + "/points")) {
    const std::string name = e.path().filename().string();
    if (name[0] == 'p') {
      EXPECT_TRUE(fs::exists(e.path() / "point.json")) << name;
    }
  }
  EXPECT_FALSE(fs::exists(out + "/results.csv"));

  Result r = runFtsim("sweep " + file + " --out " + out + " --jobs 2 --no-plot");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "8 points, " + std::to_string(before) + " already done, " + std::to_string(8 - before) + " now"))
      << r.out;
  EXPECT_EQ(readText(out + "/results.csv"), readText(dir + "/ref/results.csv"));
  for (const auto& e : fs::directory_iterator(out + "/points"))
    EXPECT_EQ(e.path().filename().string()[0], 'p') << "left behind: " << e.path();
}

TEST(SweepRun, ShardsThenCollectEqualALocalRun) {
  const std::string dir = tempDir("shards");
  const std::string file = writeSweep(dir, kSixPoints);
  ASSERT_EQ(runFtsim("sweep " + file + " --out " + dir + "/local --jobs 2 --quiet --no-plot").code, 0);
  for (const char* shard : {"0/3", "1/3", "2/3"}) {
    Result r = runFtsim("sweep " + file + " --out " + dir + "/sh --shard " + shard + " --jobs 1 --no-plot");
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "2 points (shard " + std::string(shard, 1) + "/3 of 6)")) << r.out;
    EXPECT_FALSE(fs::exists(dir + "/sh/results.csv"));  // a shard leaves the table to the collect step
  }
  Result c = runFtsim("sweep " + file + " --out " + dir + "/sh --collect --no-plot");
  ASSERT_EQ(c.code, 0) << c.out;
  EXPECT_EQ(readText(dir + "/sh/results.csv"), readText(dir + "/local/results.csv"));
  EXPECT_EQ(readText(dir + "/sh/pareto.csv"), readText(dir + "/local/pareto.csv"));
  // A collect before every shard ran lists the missing points.
  Result early = runFtsim("sweep " + file + " --out " + dir + "/early --collect --no-plot");
  EXPECT_TRUE(contains(early.out, "0 ok, 0 infeasible, 0 error, 6 not run yet")) << early.out;
}

TEST(SweepRun, AnOutputDirectoryOfAnotherSweepIsRefused) {
  const std::string dir = tempDir("other");
  const std::string a = writeSweep(dir, "  grid:\n    workload.batch: [2]\n", "a");
  const std::string b = writeSweep(dir, "  grid:\n    workload.batch: [4]\n", "b");
  ASSERT_EQ(runFtsim("sweep " + a + " --out " + dir + "/o --quiet --no-plot").code, 0);
  Result r = runFtsim("sweep " + b + " --out " + dir + "/o --quiet --no-plot");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.out, "sweep.json: this directory holds a different sweep")) << r.out;
}

TEST(SweepSlurm, DryRunWritesAnArrayOfShardsAndADependentCollectJob) {
  const std::string dir = tempDir("slurm");
  const std::string file = writeSweep(dir, kSixPoints);
  Result r = runFtsim("sweep " + file + " --out " + dir + "/o --slurm --dry-run --array-size 4 --partition short --time 0:30:00 --jobs 2");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string array = readText(dir + "/o/slurm/array.sbatch");
  EXPECT_TRUE(contains(array, "#SBATCH --array=0-3\n")) << array;
  EXPECT_TRUE(contains(array, "#SBATCH --partition=short\n")) << array;
  EXPECT_TRUE(contains(array, "#SBATCH --time=0:30:00\n")) << array;
  EXPECT_TRUE(contains(array, "#SBATCH --cpus-per-task=2\n")) << array;
  EXPECT_TRUE(contains(array, "--shard \"$SLURM_ARRAY_TASK_ID/4\" --jobs 2 --quiet")) << array;
  const std::string collect = readText(dir + "/o/slurm/collect.sbatch");
  EXPECT_TRUE(contains(collect, " --collect")) << collect;
  EXPECT_TRUE(contains(r.out, "6 points in 4 Slurm array tasks")) << r.out;
  EXPECT_FALSE(contains(r.out, "submitted"));
  // More tasks than points: one task per point.
  ASSERT_EQ(runFtsim("sweep " + file + " --out " + dir + "/o --slurm --dry-run --array-size 50").code, 0);
  EXPECT_TRUE(contains(readText(dir + "/o/slurm/array.sbatch"), "#SBATCH --array=0-5\n"));
}

TEST(SweepCli, HelpAndBadFlags) {
  Result r = runFtsim("sweep --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "usage: ftsim sweep <sweep.yaml>")) << r.out;
  EXPECT_TRUE(contains(runFtsim("--help").out, "sweep <sweep.yaml>"));
  const std::string dir = tempDir("cli");
  const std::string file = writeSweep(dir, "  grid:\n    workload.batch: [2]\n");
  const std::pair<std::string, std::string> cases[] = {
      {"sweep", "ftsim sweep: missing <sweep.yaml>"},
      {"sweep " + dir + "/none.yaml", "none.yaml: no such sweep file"},
      {"sweep " + file + " --jobs 0", "--jobs 0: expected a whole number from 1 to 4096"},
      {"sweep " + file + " --shard 3/3", "--shard 3/3: expected i/K with 0 <= i < K"},
      {"sweep " + file + " --shard x", "--shard x: expected i/K"},
      {"sweep " + file + " --objectives gflops:most", "--objectives: objective 'gflops:most'"},
      {"sweep " + file + " --partition p", "--partition: only with --slurm"},
      {"sweep " + file + " --slurm --collect", "--slurm: not with --collect or --shard"},
      {"sweep " + file + " --frobnicate", "ftsim sweep: unrecognised option '--frobnicate'"},
  };
  for (const auto& [args, msg] : cases) {
    r = runFtsim(args + " --out " + dir + "/o");
    EXPECT_EQ(r.code, 2) << args << ": " << r.out;
    EXPECT_TRUE(contains(r.out, msg)) << args << ": " << r.out;
  }
}

TEST(SweepPlots, TheFrontIsDrawnAndAMarkThatMatchesNothingIsRefused) {
  const Result mpl = shell("/usr/bin/python3 -c 'import matplotlib'");
  ASSERT_EQ(mpl.code, 0) << "python3-matplotlib is missing (dev.sh installs it): " << mpl.out;
  const std::string dir = tempDir("plots");
  const std::string file = writeSweep(dir, "  grid:\n    accelerator.clock_mhz: [100, 200]\n");
  Result r = runFtsim("sweep " + file + " --out " + dir + "/o --jobs 2");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "plots         " + dir + "/o/pareto.png")) << r.out;
  for (const char* name : {"pareto.png", "pareto_bram.png"}) {
    const std::string bytes = readText(dir + "/o/" + name);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << name;
    EXPECT_GT(bytes.size(), 5000u) << name;
  }
  const std::string plot = sourceDir() + "/tools/plot_sweep.py " + dir + "/o";
  EXPECT_EQ(shell(plot + " --mark accelerator.clock_mhz=100 --label base --quiet").code, 0);
  r = shell(plot + " --mark accelerator.clock_mhz=150");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.out, "--mark accelerator.clock_mhz=150: no point that ran has these values")) << r.out;
  r = shell(plot + " --mark tm=16");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.out, "tm is not a swept key of this sweep")) << r.out;
}

TEST(SweepRun, PointsRunTheSweepsOwnProgramEvenWhenItsFileIsReplaced) {
  // A rebuild while a sweep runs replaces the program's file: the points must
  // still run the program the sweep started with.
  const std::string dir = tempDir("rebuild");
  const std::string exe = dir + "/ftsim";
  fs::copy_file(FTSIM_BINARY, exe);
  const std::string file = writeSweep(dir, "  grid:\n    accelerator.clock_mhz: [100, 125, 150, 175]\n");
  ASSERT_EQ(shell("(" + exe + " sweep " + file + " --out " + dir + "/o --jobs 1 --quiet --no-plot > " + dir +
                  "/log 2>&1; echo $? > " + dir + "/rc) & sleep 0.2; rm " + exe).code, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(dir + "/rc") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(readText(dir + "/rc"), "0\n") << readText(dir + "/log");
  const auto lines = csvLines(dir + "/o/results.csv");
  ASSERT_EQ(lines.size(), 5u);
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(cell(lines, i, "status"), "ok") << lines[i];
}

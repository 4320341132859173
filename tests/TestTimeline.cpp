// timeline.json (Chrome trace events) and the stall breakdown of layers.csv,
// through the ftsim program on LeNet-5.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <sys/wait.h>

#include "tests/Harness.h"

using namespace ftsim::test;
using Json = nlohmann::json;

namespace {

const std::string kLenet = sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml";

/// Run LeNet-5 with `extra` options into a fresh directory; returns it.
std::string run(const std::string& name, const std::string& extra) {
  const std::string dir = tempDir(name);
  const auto r = runFtsim("run " + kLenet + " --quiet --out " + dir + " " + extra);
  EXPECT_EQ(r.code, 0) << r.out;
  return dir;
}

struct Trace {
  Json doc;
  std::map<std::pair<int, int>, std::string> threads;  ///< (pid, tid) → track name
  std::map<std::string, std::size_t> spans;            ///< track name → X events
  std::vector<Json> events;                            ///< X events off the layers track
  std::vector<Json> layerSpans;
  std::size_t counters = 0;
};

Trace load(const std::string& dir) {
  Trace t;
  t.doc = Json::parse(readText(dir + "/timeline.json"));
  for (const Json& e : t.doc["traceEvents"])
    if (e["ph"] == "M" && e["name"] == "thread_name")
      t.threads[{e["pid"].get<int>(), e["tid"].get<int>()}] = e["args"]["name"].get<std::string>();
  for (const Json& e : t.doc["traceEvents"]) {
    if (e["ph"] == "C") ++t.counters;
    if (e["ph"] != "X") continue;
    const std::string track = t.threads.at({e["pid"].get<int>(), e["tid"].get<int>()});
    ++t.spans[track];
    if (track == "layers") t.layerSpans.push_back(e);
    else t.events.push_back(e);
  }
  return t;
}

std::vector<std::vector<std::string>> csvRows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream l(line);
    while (std::getline(l, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

TEST(Timeline, HasNamedTracksForStreamsArrayAndDdr) {
  const std::string dir = run("tl", "--timeline");
  const Trace t = load(dir);
  EXPECT_EQ(t.doc["displayTimeUnit"], "ns");
  std::set<std::string> names;
  for (const auto& [k, v] : t.threads) names.insert(v);
  for (const char* n : {"layers", "pe_array", "vector", "host", "dma_in", "dma_in2", "dma_w_in", "dma_out",
                        "dma_w_out", "bank 0 (bg 0)", "refresh", "bandwidth"})
    EXPECT_TRUE(names.count(n)) << n;
  // Every stream, the array, the vector unit and the DDR banks did something.
  for (const char* n : {"pe_array", "vector", "dma_in", "dma_in2", "dma_w_in", "dma_out", "dma_w_out", "bank 0 (bg 0)"})
    EXPECT_GT(t.spans.count(n) ? t.spans.at(n) : 0, 0u) << n;
  std::set<std::string> commands;
  for (const Json& e : t.events)
    if (t.threads.at({e["pid"].get<int>(), e["tid"].get<int>()}).rfind("bank ", 0) == 0)
      commands.insert(e["name"].get<std::string>());
  for (const char* c : {"ACT", "RD", "WR"}) EXPECT_TRUE(commands.count(c)) << c;
  EXPECT_GT(t.counters, 0u);
  // One layer span per layer × phase row of layers.csv (parts of a phase are
  // separate spans, so at least as many), named "<layer> <phase>".
  const auto rows = csvRows(readText(dir + "/layers.csv"));
  EXPECT_GE(t.layerSpans.size(), rows.size() - 1);
  EXPECT_EQ(t.layerSpans.front()["name"], "conv1 FP");
  // Events name their phase and, for DMAs, their tensor and tile.
  bool sawDmaArgs = false;
  for (const Json& e : t.events) {
    EXPECT_GE(e["dur"].get<double>(), 0.0);
    // REF spans carry no args.
    if (e.contains("args") && e["args"].contains("tile") && e["args"].contains("phase") && e["args"].contains("bytes"))
      sawDmaArgs = true;
  }
  EXPECT_TRUE(sawDmaArgs);
  EXPECT_EQ(t.doc["otherData"]["dropped_events"], 0);
  EXPECT_EQ(t.doc["otherData"]["events"].get<std::size_t>(), t.events.size());
  // The bandwidth counter integrates to the DDR data bytes of the run (its
  // values carry 4 decimals of GB/s), and one RD/WR span is one 64-byte burst.
  const double bucketUs = t.doc["otherData"]["ddr_bandwidth_bucket_us"].get<double>();
  double bytes = 0;
  for (const Json& e : t.doc["traceEvents"])
    if (e["ph"] == "C") bytes += e["args"]["GB/s"].get<double>() * 1e9 * bucketUs * 1e-6;
  const Json summary = Json::parse(readText(dir + "/summary.json"));
  const double dataBytes = summary["memory"]["ddr"]["data_bytes"].get<double>();
  EXPECT_NEAR(bytes, dataBytes, dataBytes * 1e-3);
  std::size_t bursts = 0;
  for (const Json& e : t.events)
    if (e["name"] == "RD" || e["name"] == "WR") ++bursts;
  EXPECT_EQ(bursts * 64, summary["memory"]["ddr"]["data_bytes"].get<std::size_t>());
}

TEST(Timeline, IsByteIdenticalAcrossRuns) {
  const std::string a = run("tla", "--timeline --seed 3"), b = run("tlb", "--timeline --seed 3");
  EXPECT_EQ(readText(a + "/timeline.json"), readText(b + "/timeline.json"));
}

TEST(Timeline, CycleWindowBoundsEvents) {
  // 100 MHz: cycle 20000 is 200 µs, cycle 60000 is 600 µs.
  const Trace all = load(run("tlall", "--timeline"));
  const Trace w = load(run("tlw", "--timeline-window 20000:60000"));
  ASSERT_FALSE(w.events.empty());
  EXPECT_LT(w.events.size(), all.events.size());
  for (const Json& e : w.events) {
    EXPECT_GE(e["ts"].get<double>(), 200.0);
    EXPECT_LT(e["ts"].get<double>(), 600.0);
  }
  for (const Json& e : w.layerSpans) {
    EXPECT_LT(e["ts"].get<double>(), 600.0);
    EXPECT_GT(e["ts"].get<double>() + e["dur"].get<double>(), 200.0);
  }
  EXPECT_EQ(w.doc["otherData"]["window"], "20000:60000");
}

TEST(Timeline, LayerWindowKeepsThatLayersPhases) {
  const Trace w = load(run("tll", "--timeline-window conv2:BP"));
  ASSERT_EQ(w.layerSpans.size(), 1u);
  EXPECT_EQ(w.layerSpans[0]["name"], "conv2 BP");
  const double begin = w.layerSpans[0]["ts"].get<double>();
  const double end = begin + w.layerSpans[0]["dur"].get<double>();
  ASSERT_FALSE(w.events.empty());
  for (const Json& e : w.events) {
    EXPECT_GE(e["ts"].get<double>(), begin);
    EXPECT_LT(e["ts"].get<double>(), end);
  }
  const Trace all = load(run("tll2", "--timeline-window conv2"));
  std::set<std::string> spans;
  for (const Json& e : all.layerSpans) spans.insert(e["name"].get<std::string>());
  EXPECT_EQ(spans, (std::set<std::string>{"conv2 FP", "conv2 BP", "conv2 WU"}));
}

TEST(Timeline, CapDropsLaterEventsWithANote) {
  const std::string dir = tempDir("tlcap");
  const auto r = runFtsim("run " + kLenet + " --quiet --out " + dir + " --timeline-max-events 500");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("warning: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("events were dropped"), std::string::npos) << r.out;
  const Trace t = load(dir);
  EXPECT_EQ(t.events.size(), 500u);
  EXPECT_GT(t.doc["otherData"]["dropped_events"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(t.doc["otherData"]["max_events"], 500);
  EXPECT_NE(t.doc["otherData"]["note"].get<std::string>().find("dropped"), std::string::npos);
}

TEST(Timeline, BadOptionsWriteNothing) {
  for (const std::string bad : {"--timeline-window 5:2", "--timeline-window 7:7", "--timeline-max-events 0",
                                "--timeline-max-events -3", "--timeline-max-events lots", "--timeline-window nosuch",
                                "--timeline-window conv1:BP", "--timeline-window conv1:XX", "--timeline-window :5"}) {
    const std::string dir = tempDir("tlbad");
    const auto r = runFtsim("run " + kLenet + " --quiet --out " + dir + "/sub " + bad);
    EXPECT_EQ(r.code, 2) << bad << ": " << r.out;
    EXPECT_NE(r.out.find("error: --timeline"), std::string::npos) << bad << ": " << r.out;
    EXPECT_FALSE(std::filesystem::exists(dir + "/sub")) << bad;
  }
  const auto r = runFtsim("run --help");
  for (const char* opt : {"--timeline", "--timeline-window", "--timeline-max-events"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}

TEST(Timeline, OffWritesNoFile) {
  const std::string dir = run("tloff", "");
  EXPECT_FALSE(std::filesystem::exists(dir + "/timeline.json"));
}

void expectBreakdownSums(const std::string& dir, bool idealMemory) {
  const auto rows = csvRows(readText(dir + "/layers.csv"));
  ASSERT_GT(rows.size(), 1u);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  for (const char* c : {"cycles", "compute_cycles", "dma_wait_cycles", "ddr_stall_cycles"})
    ASSERT_TRUE(col.count(c)) << c;
  std::uint64_t stall = 0, wait = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const auto v = [&](const char* c) { return std::stoull(r[col[c]]); };
    EXPECT_EQ(v("compute_cycles") + v("dma_wait_cycles") + v("ddr_stall_cycles"), v("cycles")) << r[0];
    stall += v("ddr_stall_cycles");
    wait += v("dma_wait_cycles");
  }
  EXPECT_GT(wait, 0u);  // LeNet-5's small maps are load-bound
  // With no memory latency and the full stream rate, transfers take exactly
  // their ideal time: no memory stall. DDR4 adds latency to every transfer.
  if (idealMemory) EXPECT_EQ(stall, 0u);
  else EXPECT_GT(stall, 0u);
  const Json j = Json::parse(readText(dir + "/summary.json"));
  const Json& t = j["total"];
  EXPECT_EQ(t["compute_cycles"].get<std::uint64_t>() + t["dma_wait_cycles"].get<std::uint64_t>() +
                t["ddr_stall_cycles"].get<std::uint64_t>(),
            t["cycles"].get<std::uint64_t>());
}

TEST(StallBreakdown, SumsToCyclesUnderDdr4) { expectBreakdownSums(run("sbddr", ""), false); }

TEST(StallBreakdown, NoMemoryStallUnderIdealMemory) {
  expectBreakdownSums(run("sbideal", "--set memory.model=ideal"), true);
}

}  // namespace

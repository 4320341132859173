// The DDR4 memory system inside the EF-Train model: the plain DDR layouts,
// the memory section of summary.json, per-phase DDR counters, and whole
// runs of the ftsim program compared across memory models and with the
// controller's fast path off (one simulation per process, so these run the
// binary).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

#include "models/dma/TensorLayout.h"
#include "sim/schedule/Program.h"
#include "tests/Harness.h"

using ftsim::schedule::Layout;
using ftsim::schedule::Phase;
using ftsim::schedule::Stream;
using ftsim::schedule::TensorDesc;
using ftsim::schedule::TileRef;
using namespace ftsim::test;
using Json = nlohmann::json;

namespace {

TileRef tile(std::array<int, 4> lo, std::array<int, 4> hi) {
  TileRef t;
  t.tensor = 0;
  t.lo = lo;
  t.hi = hi;
  return t;
}

TEST(PlainLayout, FeatureStripIsOneSegmentPerChannel) {
  // Image 0, channels 0-15 of 32, rows 2-4 of an 8x8 map, full width.
  TensorDesc t;
  t.dims = {2, 32, 8, 8};
  t.baseAddr = 1 << 20;
  std::vector<ftsim::models::Segment> s;
  t.layout = Layout::Plain;
  ftsim::models::tileSegments(t, tile({0, 0, 2, 0}, {1, 16, 5, 8}), s);
  ASSERT_EQ(s.size(), 16u);  // [B][C][H][W]: rows 2-4 of each channel plane
  for (int c = 0; c < 16; ++c) {
    EXPECT_EQ(s[c].addr, t.baseAddr + (c * 64 + 2 * 8) * 4u);
    EXPECT_EQ(s[c].bytes, 3 * 8 * 4u);
  }
  t.layout = Layout::Reshaped;
  ftsim::models::tileSegments(t, tile({0, 0, 2, 0}, {1, 16, 5, 8}), s);
  ASSERT_EQ(s.size(), 1u);  // [B][C/16][H][W][16]: one strip of group 0
  EXPECT_EQ(s[0].addr, t.baseAddr + 2 * 8 * 16 * 4u);
  EXPECT_EQ(s[0].bytes, 3 * 8 * 16 * 4u);
  // Element offsets of the plain layout are [B][C][H][W].
  t.layout = Layout::Plain;
  EXPECT_EQ(ftsim::models::elementOffset(t, 1, 5, 3, 7), ((1 * 32 + 5) * 64 + 3 * 8 + 7) * 4u);
}

TEST(PlainLayout, WeightTileIsOneSegmentPerOutputChannel) {
  // Outputs 16-31, inputs 0-15 of a 32x32 3x3 layer.
  TensorDesc t;
  t.dims = {32, 32, 3, 3};
  std::vector<ftsim::models::Segment> s;
  t.layout = Layout::WeightsPlain;
  ftsim::models::tileSegments(t, tile({16, 0, 0, 0}, {32, 16, 3, 3}), s);
  ASSERT_EQ(s.size(), 16u);  // [M][N][K][K]: 16 inputs x 9 taps per output
  EXPECT_EQ(s[0].addr, 16 * 32 * 9 * 4u);
  EXPECT_EQ(s[0].bytes, 16 * 9 * 4u);
  t.layout = Layout::WeightsReshaped;
  ftsim::models::tileSegments(t, tile({16, 0, 0, 0}, {32, 16, 3, 3}), s);
  ASSERT_EQ(s.size(), 1u);  // one contiguous 16x16x3x3 block
  EXPECT_EQ(s[0].addr, 16 * 32 * 9 * 4u);
  EXPECT_EQ(s[0].bytes, 16 * 16 * 9 * 4u);
}

const char* kNet = R"(  name: strips
  batch: 2
  input: {channels: 32, height: 48, width: 48}
  layers:
    - {name: conv1, type: conv, out_channels: 32, kernel: 3, pad: 1}
    - {name: conv2, type: conv, out_channels: 16, kernel: 3, pad: 1}
)";

TEST(PlainLayout, SchedulerAndDmaUsePlainLayoutsWhenAsked) {
  const std::string dir = tempDir("d");
  const auto d = ftsim::config::DesignConfig::load(writeDesign(dir, kNet), {"accelerator.dma.layout=plain"});
  const auto prog = buildProgram(d);
  int plain = 0, weightsPlain = 0;
  for (const auto& t : prog.tensors) {
    plain += t.layout == Layout::Plain;
    weightsPlain += t.layout == Layout::WeightsPlain;
    EXPECT_NE(t.layout, Layout::Reshaped) << t.name;
    EXPECT_NE(t.layout, Layout::WeightsReshaped) << t.name;
  }
  EXPECT_GT(plain, 0);
  EXPECT_EQ(weightsPlain, 2);
}

TEST(Ddr4System, PhasesCarryDdrCountersAndRunTotals) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kNet));
  EXPECT_EQ(r.memoryModel, "ddr4");
  ftsim::stats::DdrCounters sum;
  for (const auto& p : r.phases) {
    sum += p.ddr;
    // A phase's DMA reads finish inside it, in whole 64-byte bursts (posted
    // writes may drain in the next phase).
    EXPECT_GE(p.ddr.reads * 64, p.bytesRead());
    EXPECT_EQ(p.ddr.dataBytes, (p.ddr.reads + p.ddr.writes) * 64);
  }
  const auto& t = r.memory.total;
  EXPECT_GE(t.reads * 64, [&] {
    std::uint64_t b = 0;
    for (const auto& p : r.phases) b += p.bytesRead();
    return b;
  }());
  // The run totals add the writes drained after the last phase.
  EXPECT_EQ(t.reads, sum.reads);
  EXPECT_GE(t.writes, sum.writes);
  EXPECT_EQ(t.rowHits + t.rowMisses + t.rowConflicts, t.reads + t.writes);
  EXPECT_EQ(t.axiBursts, sum.axiBursts);
  EXPECT_GT(t.refreshes, 0u);
  EXPECT_GT(t.rowHitRate(), 0.5);
  EXPECT_EQ(r.memory.addressMapping, "row[15]:bank[2]:column[7]:bankgroup[2]");
  std::uint64_t hist = 0;
  for (auto n : r.memory.readLatencyHistogram) hist += n;
  EXPECT_EQ(hist, r.memory.readTransactions);
}

TEST(Ddr4System, Conv1TakesAtLeastTheIdealCycles) {
  // The ideal memory gives the lower bound on DMA time (no latency, full
  // stream rate); DDR4 adds latency, refresh and contention.
  const char* twoConvs = R"(  name: two-convs
  batch: 2
  input: {channels: 16, height: 8, width: 8}
  layers:
    - {name: conv1, type: conv, out_channels: 16, kernel: 3, pad: 1}
    - {name: conv2, type: conv, out_channels: 16, kernel: 3, pad: 1}
)";
  const auto r = simulateDesign(writeDesign(tempDir("d"), twoConvs));
  EXPECT_GT(phaseCycles(r, "conv1", Phase::FP), 4160u);  // ideal: TestCycles.ConvForwardTwoImages
  EXPECT_LT(phaseCycles(r, "conv1", Phase::FP), 4160u + 200);
}

// ------------------------------------------------------------ whole runs

Json runFtsim(const std::string& dir, const std::string& design, const std::string& sets) {
  const std::string cmd = std::string(FTSIM_BINARY) + " run " + design + " --quiet --out " + dir + " " + sets;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(dir + "/summary.json");
  return Json::parse(in);
}

TEST(Ddr4System, FastPathGivesTheSameRun) {
  // The fast path (the controller's streaming path and runs, the
  // interconnect driving its core directly) against the per-command
  // controller behind the TLM socket; with the DMAs' default start cost
  // (400 cycles, the direct mode's lead) and with one cycle (a lead of
  // 9,998 ps: it computes less ahead and wakes more often).
  const std::string design = sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml";
  for (const std::string start : {"", "--set accelerator.dma.start_cycles=1"}) {
    const Json fast = runFtsim(tempDir("fast"), design, start);
    const Json slow = runFtsim(tempDir("slow"), design, start + " --set memory.ddr4.fast_path=false");
    EXPECT_EQ(fast["total"]["cycles"], slow["total"]["cycles"]) << start;
    EXPECT_EQ(fast["memory"]["ddr"]["commands"], slow["memory"]["ddr"]["commands"]) << start;
    EXPECT_EQ(fast["memory"]["ddr"]["read_latency_ns"], slow["memory"]["ddr"]["read_latency_ns"]) << start;
    ASSERT_EQ(fast["layers"].size(), slow["layers"].size());
    for (std::size_t i = 0; i < fast["layers"].size(); ++i) {
      EXPECT_EQ(fast["layers"][i]["cycles"], slow["layers"][i]["cycles"]) << start << " " << i;
      EXPECT_EQ(fast["layers"][i]["ddr_reads"], slow["layers"][i]["ddr_reads"]) << start << " " << i;
      EXPECT_EQ(fast["layers"][i]["ddr_acts"], slow["layers"][i]["ddr_acts"]) << start << " " << i;
    }
  }
}

TEST(Ddr4System, SummaryNamesTheMemoryModel) {
  const std::string design = sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml";
  const std::string ddrDir = tempDir("ddr4");
  const Json ddr = runFtsim(ddrDir, design, "");
  const Json ideal = runFtsim(tempDir("ideal"), design, "--set memory.model=ideal");
  EXPECT_EQ(ddr["memory"]["model"], "ddr4");
  EXPECT_EQ(ideal["memory"]["model"], "ideal");
  EXPECT_TRUE(ideal["memory"]["row_hit_rate"].is_null());
  EXPECT_TRUE(ideal["memory"]["ddr"].is_null());
  EXPECT_EQ(ideal["layers"][0]["ddr_acts"], 0);
  // Same work, more time.
  EXPECT_EQ(ddr["memory"]["bytes_read"], ideal["memory"]["bytes_read"]);
  EXPECT_EQ(ddr["memory"]["bytes_written"], ideal["memory"]["bytes_written"]);
  EXPECT_GT(ddr["total"]["cycles"].get<std::uint64_t>(), ideal["total"]["cycles"].get<std::uint64_t>());
  const double hit = ddr["memory"]["row_hit_rate"].get<double>();
  EXPECT_GT(hit, 0.0);
  EXPECT_LT(hit, 1.0);
  const double util = ddr["memory"]["bandwidth_utilisation"].get<double>();
  EXPECT_GT(util, 0.0);
  EXPECT_LT(util, 1.0);
  for (const char* k : {"ddr_bytes", "ddr_row_hit_rate", "ddr_acts", "ddr_reads", "ddr_writes", "ddr_refreshes"})
    EXPECT_TRUE(ddr["layers"][0].contains(k)) << k;
  // layers.csv carries the same columns.
  std::ifstream csv(ddrDir + "/layers.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_NE(header.find("ddr_bytes,ddr_row_hit_rate,"), std::string::npos) << header;
}

TEST(Ddr4System, PlainLayoutMovesMoreTransfersForTheSameBytes) {
  const std::string dir = tempDir("d");
  const std::string design = writeDesign(dir, kNet);
  const Json reshaped = runFtsim(dir + "/reshaped", design, "");
  const Json plain = runFtsim(dir + "/plain", design, "--set accelerator.dma.layout=plain");
  std::uint64_t tr = 0, tp = 0;
  for (const auto& l : reshaped["layers"]) tr += l["transfers"].get<std::uint64_t>();
  for (const auto& l : plain["layers"]) tp += l["transfers"].get<std::uint64_t>();
  EXPECT_GT(tp, 4 * tr);
  EXPECT_EQ(reshaped["memory"]["bytes_read"], plain["memory"]["bytes_read"]);
  EXPECT_GT(plain["total"]["cycles"].get<std::uint64_t>(), reshaped["total"]["cycles"].get<std::uint64_t>());
}

}  // namespace

// Several DRAM channels in a design's memory system: the interconnect
// splits AXI bursts at the channel interleave and routes each to its
// channel's controller and device (models/memory/Ddr4Memory,
// models/interconnect/AxiInterconnect).
//
// DDR4-2133P x8 in DDR cycles: CL 15, tRCD 15, tRRD_S 4, tCCD_S 4, BL/2 4;
// default mapping row:bank:column:bankgroup (bank group = address bits
// 6-7), so a sequential stream alternates bank groups and one RD goes every
// tCCD_S = 4 cycles: the data bus bounds it. The port runs on the DDR clock
// (a port cycle is a DDR cycle), 1024 bits wide (128-byte beats), so the
// port never binds.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/common/SimTime.h"
#include "models/memory/Ddr4Memory.h"
#include "tests/DdrHarness.h"
#include "tests/Harness.h"
#include "tests/TlmInitiator.h"

namespace {

using ftsim::Picoseconds;
using namespace ftsim;

models::MemoryConfig memory(int channels) {
  models::MemoryConfig c;
  c.device = test::loadDdr("ddr4-2133p-64bit-x8-4gb");
  c.ddr4 = test::controllerConfig(c.device, "{channels: " + std::to_string(channels) + "}");
  c.interconnect.portWidthBits = 1024;
  c.interconnect.clock = c.device.clock;
  c.interconnect.clockMhz = c.device.clock.freqMhz();
  c.interconnect.maxOutstanding = 32;
  c.interconnect.channels = c.ddr4.channels;
  c.interconnect.channelInterleaveBytes = c.ddr4.channelInterleaveBytes;
  return c;
}

struct ChannelRun {
  std::uint64_t doneCycle = 0;
  std::vector<std::uint64_t> lastData, reads;
  std::uint64_t axiBursts = 0;
};

ChannelRun readThrough(int channels, std::uint64_t bytes) {
  const models::MemoryConfig cfg = memory(channels);
  // One read transfer at time 0, like a DMA engine.
  test::Initiator dma("dma", {{0, false, 0, bytes}});
  models::Ddr4Memory mem("memory", cfg, 32);
  mem.bindStream(dma.socket);
  sc_core::sc_start();
  ChannelRun r;
  EXPECT_EQ(dma.done.size(), 1u);
  r.doneCycle = cfg.device.clock.edgeAtOrAfter(dma.done.at(0)).value();
  EXPECT_EQ(cfg.device.clock.edgePs(Cycles(r.doneCycle)), dma.done.at(0));  // answered on a port (= DDR) edge
  for (int c = 0; c < mem.channels(); ++c) {
    r.lastData.push_back(mem.controller(c).core().lastDataCycle());
    r.reads.push_back(mem.controller(c).core().counters().reads);
  }
  r.axiBursts = mem.interconnect().axiBursts();
  return r;
}

TEST(DdrChannels, OneChannelReadsFourKilobytes) {
  // One 4 KB read: one AXI burst of 32 beats, 64 DDR bursts in one channel.
  // ACTs of the four bank groups at 0, 4, 8, 12; RDs from tRCD 15 every
  // tCCD_S 4: the last at 15 + 63·4 = 267, its data out at 267 + CL 15 +
  // BL/2 4 = 286 (the AXI burst's response); the 32 beats cross the port
  // by 286 + 32 = 318.
  const ChannelRun r = readThrough(1, 4096);
  EXPECT_EQ(r.lastData, (std::vector<std::uint64_t>{286}));
  EXPECT_EQ(r.axiBursts, 1u);
  EXPECT_EQ(r.doneCycle, 318u);
}

TEST(DdrChannels, TwoChannelsHalveTheDataBusTime) {
  // Two channels, 256-byte interleave: the 4 KB become 16 AXI bursts of 256
  // bytes (2 beats), the port sending one per cycle: burst k at cycle k to
  // channel k mod 2. Each channel gets 2 KB (32 DDR bursts, contiguous in
  // its own address space): channel 0 from cycle 0, ACTs 0, 4, 8, 12, RDs
  // 15 + 4j, the last (j = 31) at 139, data out 139 + 19 = 158; channel 1
  // one cycle later: 159. The data-bus time halves: 32·4 = 128 cycles
  // instead of 64·4 = 256.
  const ChannelRun r = readThrough(2, 4096);
  EXPECT_EQ(r.lastData, (std::vector<std::uint64_t>{158, 159}));
  EXPECT_EQ(r.reads, (std::vector<std::uint64_t>{32, 32}));
  EXPECT_EQ(r.axiBursts, 16u);
  // The port: burst 2j (channel 0) answered when its 4th RD's data is out,
  // 15 + 4(4j + 3) + 19 = 46 + 16j; burst 2j + 1 at 47 + 16j. Two beats
  // each, in order: burst 14 at 46 + 112 = 158, done 160; burst 15 at 159
  // waits for it: 160 + 2 = 162 (one channel: 318).
  EXPECT_EQ(r.doneCycle, 162u);
}

TEST(DdrChannels, TimelineShowsEveryChannel) {
  // LeNet-5 on two channels: channel 0's tracks are process `ddr4`, channel
  // 1's `ddr4_1` (the controllers' instance names), each with a track per
  // bank, its refresh and its data-bus counter. Each bank track carries that
  // channel's commands: its ACT spans are the ACTs summary.json counts for
  // the bank (banks listed channel after channel), and the RD/WR spans of a
  // channel are its data-bus bytes, 64 per burst, which its own counter
  // integrates to.
  const std::string dir = test::tempDir("ddr_channels_timeline");
  const auto run = test::runFtsim("run " + test::sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml --quiet" +
                                  " --set memory.ddr4.channels=2 --timeline --out " + dir);
  ASSERT_EQ(run.code, 0) << run.out;
  const nlohmann::json tl = nlohmann::json::parse(test::readText(dir + "/timeline.json"));
  const nlohmann::json summary = nlohmann::json::parse(test::readText(dir + "/summary.json"));
  ASSERT_EQ(tl["otherData"]["dropped_events"], 0);
  std::map<int, std::string> process;
  std::map<std::pair<int, int>, std::string> thread;
  for (const nlohmann::json& e : tl["traceEvents"]) {
    if (e["ph"] != "M") continue;
    if (e["name"] == "process_name") process[e["pid"].get<int>()] = e["args"]["name"].get<std::string>();
    if (e["name"] == "thread_name")
      thread[{e["pid"].get<int>(), e["tid"].get<int>()}] = e["args"]["name"].get<std::string>();
  }
  // (process, track) -> ACT spans; process -> RD/WR spans, counter bytes.
  std::map<std::pair<std::string, std::string>, std::uint64_t> acts;
  std::map<std::string, std::uint64_t> bursts;
  std::map<std::string, double> counterBytes;
  std::map<std::string, int> tracks;
  for (const auto& [k, name] : thread) ++tracks[process.at(k.first)];
  const double bucketUs = tl["otherData"]["ddr_bandwidth_bucket_us"].get<double>();
  for (const nlohmann::json& e : tl["traceEvents"]) {
    if (e["ph"] == "M") continue;
    const std::string p = process.at(e["pid"].get<int>());
    if (e["ph"] == "C") counterBytes[p] += e["args"]["GB/s"].get<double>() * 1e9 * bucketUs * 1e-6;
    if (e["ph"] != "X") continue;
    const std::string& t = thread.at({e["pid"].get<int>(), e["tid"].get<int>()});
    if (e["name"] == "ACT") ++acts[{p, t}];
    if (e["name"] == "RD" || e["name"] == "WR") ++bursts[p];
  }
  // 16 banks, refresh and bandwidth per channel.
  EXPECT_EQ(tracks["ddr4"], 18);
  EXPECT_EQ(tracks["ddr4_1"], 18);
  const nlohmann::json& banks = summary["memory"]["ddr"]["banks"];
  ASSERT_EQ(banks.size(), 32u);
  std::uint64_t channel1Acts = 0;
  for (int b = 0; b < 16; ++b) {
    const std::string track = "bank " + std::to_string(b) + " (bg " + std::to_string(b / 4) + ")";
    EXPECT_EQ((acts[{"ddr4", track}]), banks[b]["activates"].get<std::uint64_t>()) << track;
    EXPECT_EQ((acts[{"ddr4_1", track}]), banks[16 + b]["activates"].get<std::uint64_t>()) << track;
    channel1Acts += acts[{"ddr4_1", track}];
  }
  EXPECT_GT(channel1Acts, 0u);
  EXPECT_GT(bursts["ddr4_1"], 0u);
  EXPECT_EQ((bursts["ddr4"] + bursts["ddr4_1"]) * 64, summary["memory"]["ddr"]["data_bytes"].get<std::uint64_t>());
  for (const char* p : {"ddr4", "ddr4_1"}) {
    const double busBytes = static_cast<double>(bursts[p] * 64);
    EXPECT_NEAR(counterBytes[p], busBytes, busBytes * 1e-3) << p;
  }
}

}  // namespace

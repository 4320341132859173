// `ftsim dram`: the trace formats, replay of small hand-built traces to the
// exact cycle, the report and the command line.
//
// DDR4-2133P x8 (configs/ddr/ddr4-2133p-64bit-x8-4gb.yaml), in DDR cycles:
// CL 15, CWL 14, tRCD 15, tRP 15, tRAS 36 (33 ns), tRRD_S 4, tCCD_S 4,
// tCCD_L 6; a burst holds the bus 4 cycles, so a read's data is out
// CL + 4 = 19 cycles after its RD and a write's is in CWL + 4 = 18 after
// its WR. Default mapping row:bank:column:bankgroup: the bank group is
// address bits 6-7, the column above the burst bits 8-14.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/ddr/DramTrace.h"
#include "models/ddr/TraceReplay.h"
#include "sim/core/Error.h"
#include "sim/energy/DramEnergy.h"
#include "tests/DdrHarness.h"
#include "tests/Harness.h"

using namespace ftsim;
using namespace ftsim::models;
using ftsim::test::controllerConfig;
using ftsim::test::loadDdr;

namespace {

const std::string kDdr = "ddr4-2133p-64bit-x8-4gb";

ReplayResult replay(const std::string& text, const std::string& ctlYaml = "{}", bool asap = false,
                    const std::string& format = "") {
  const Ddr4Config dev = loadDdr(kDdr);
  const TraceFormat f = format.empty() ? detectTraceFormat(text, "t.trace") : parseTraceFormat(format);
  const DramTrace t = parseTrace(text, f, dev.burstBytes(), "t.trace");
  return replayTrace(dev, controllerConfig(dev, ctlYaml), t.requests, asap || !t.timed);
}

std::string errorOf(const std::string& text, const std::string& format = "") {
  try {
    const TraceFormat f = format.empty() ? detectTraceFormat(text, "t.trace") : parseTraceFormat(format);
    parseTrace(text, f, 64, "t.trace");
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(DramTrace, ParsesTheThreeFormats) {
  const DramTrace a = parseTrace("# comment\n0x40 READ 3\n\n0x1000 WRITE 7\n", TraceFormat::DramSim3, 64, "a");
  ASSERT_EQ(a.requests.size(), 2u);
  EXPECT_EQ(a.requests[0].addr, 0x40u);
  EXPECT_FALSE(a.requests[0].write);
  EXPECT_EQ(a.requests[0].cycle, 3u);
  EXPECT_EQ(a.requests[0].bytes, 64u);
  EXPECT_TRUE(a.requests[1].write);
  EXPECT_EQ(a.requests[1].cycle, 7u);
  EXPECT_TRUE(a.timed);

  const DramTrace b = parseTrace("0x80 R\n0xC0 W\nLD 0x100\nST 0x140\n", TraceFormat::Ramulator, 64, "b");
  ASSERT_EQ(b.requests.size(), 4u);
  EXPECT_FALSE(b.timed);
  EXPECT_EQ(b.requests[1].addr, 0xC0u);
  EXPECT_TRUE(b.requests[1].write);
  EXPECT_FALSE(b.requests[2].write);
  EXPECT_TRUE(b.requests[3].write);

  const DramTrace c = parseTrace("5:\tread\t0x200\n9: (128) write 0x400 0xdeadbeef\n", TraceFormat::Stl, 64, "c");
  ASSERT_EQ(c.requests.size(), 2u);
  EXPECT_EQ(c.requests[0].cycle, 5u);
  EXPECT_EQ(c.requests[0].bytes, 64u);
  EXPECT_EQ(c.requests[1].bytes, 128u);
  EXPECT_TRUE(c.requests[1].write);
  EXPECT_EQ(c.requests[1].addr, 0x400u);
}

TEST(DramTrace, DetectsTheFormatFromTheFirstRequest) {
  EXPECT_EQ(detectTraceFormat("# x\n0x40 READ 3\n", "t"), TraceFormat::DramSim3);
  EXPECT_EQ(detectTraceFormat("0x40 W\n", "t"), TraceFormat::Ramulator);
  EXPECT_EQ(detectTraceFormat("ST 0x40\n", "t"), TraceFormat::Ramulator);
  EXPECT_EQ(detectTraceFormat("12: write 0x40\n", "t"), TraceFormat::Stl);
}

TEST(DramTrace, BadLinesNameFileLineAndFormat) {
  EXPECT_EQ(errorOf("0x40 READ 3\n0x80 FETCH 4\n"),
            "t.trace:2: `0x80 FETCH 4`: expected `0x<addr> READ|WRITE <cycle>` (dramsim3 format)");
  EXPECT_EQ(errorOf("0x40 READ 9\n0x80 READ 4\n"),
            "t.trace:2: cycle 4 is before the previous request's cycle 9: requests must be in cycle order");
  EXPECT_EQ(errorOf("5: read 0xZZ\n", "stl"),
            "t.trace:1: `5: read 0xZZ`: expected `<cycle>: [(<bytes>)] read|write 0x<addr>` (DRAMSys stl format)");
  EXPECT_EQ(errorOf("# only a comment\n"), "t.trace: the trace has no requests");
  EXPECT_NE(errorOf("hello world\n").find("t.trace:1: `hello world`: not a request of a known trace format"),
            std::string::npos);
  EXPECT_EQ(errorOf("0x40 R\n", "ddr9"), "--format ddr9: expected dramsim3, ramulator or stl");
}

TEST(DramReplay, OneReadOfAClosedBank) {
  const ReplayResult r = replay("0x0 READ 10\n");
  // ACT at 10, RD at 10 + tRCD 15 = 25, data out at 25 + 19 = 44.
  EXPECT_EQ(r.firstCycle, 10u);
  EXPECT_EQ(r.endCycle, 44u);
  EXPECT_EQ(r.readLatencyP50, 34u);
  EXPECT_EQ(r.readLatencyMax, 34u);
  EXPECT_EQ(r.counters.activates, 1u);
  EXPECT_EQ(r.counters.reads, 1u);
  EXPECT_EQ(r.counters.rowMisses, 1u);
  // The bank is open from the ACT at 10 to the end (open page).
  ASSERT_EQ(r.rankActiveCycles.size(), 1u);
  EXPECT_EQ(r.rankActiveCycles[0], 34u);
}

TEST(DramReplay, OneRequestPerCycleAndTccdL) {
  // Both at cycle 0: the second is taken at cycle 1 (one request per
  // cycle). Same bank group, same row: ACT 0, RD 15, RD 15 + tCCD_L 6 = 21;
  // data out at 34 and 40; latencies 34 − 0 = 34 and 40 − 1 = 39.
  const ReplayResult r = replay("0x0 READ 0\n0x100 READ 0\n");
  EXPECT_EQ(r.endCycle, 40u);
  EXPECT_EQ(r.readLatencyMin, 34u);
  EXPECT_EQ(r.readLatencyP50, 34u);  // nearest rank: the 1st of 2
  EXPECT_EQ(r.readLatencyP99, 39u);  // the 2nd of 2
  EXPECT_EQ(r.readLatencyMax, 39u);
  EXPECT_DOUBLE_EQ(r.readLatencyMean, 36.5);
  EXPECT_EQ(r.counters.rowHits, 1u);
  EXPECT_EQ(r.delayedRequests, 1u);
  EXPECT_EQ(r.entryDelayCycles, 1u);
}

TEST(DramReplay, AFullQueueHoldsTheTraceBack) {
  // One read-queue entry. Request 1 (bank group 0) enters at 0: ACT 0,
  // RD 15. Request 2 (group 1), offered at 1, gets the entry the cycle after
  // that RD, 16: ACT 16, RD 31, data out 50. Request 3 (group 2), offered at
  // 17, enters at 32: ACT 32, RD 47, data out 66.
  const ReplayResult r = replay("0x0 READ 0\n0x40 READ 0\n0x80 READ 0\n", "{read_queue_bursts: 1, write_queue_bursts: 2, "
                                "write_high_watermark_bursts: 2, write_low_watermark_bursts: 1}");
  EXPECT_EQ(r.endCycle, 66u);
  EXPECT_EQ(r.lastEntryCycle, 32u);
  EXPECT_EQ(r.delayedRequests, 2u);
  EXPECT_EQ(r.entryDelayCycles, 16u + 32u);
  // Latency from the cycle a request is offered: 34, 50 − 1 = 49, 66 − 17 = 49.
  EXPECT_EQ(r.readLatencyMin, 34u);
  EXPECT_EQ(r.readLatencyMax, 49u);
  EXPECT_EQ(r.readLatencyP50, 49u);
}

TEST(DramReplay, AsapIgnoresTheTraceCycles) {
  const std::string trace = "0x0 READ 0\n0x40 READ 1000\n";
  // At the trace cycle: the second read's ACT at 1000, RD 1015, out 1034.
  EXPECT_EQ(replay(trace).endCycle, 1034u);
  // As soon as taken (cycle 1): ACT at 0 + tRRD_S 4, RD at 19 (RD 15 + tCCD_S
  // 4 also allows it), data out 19 + 19 = 38.
  EXPECT_EQ(replay(trace, "{}", true).endCycle, 38u);
  // Ramulator traces have no cycles: the same two requests, asap.
  EXPECT_EQ(replay("0x0 R\n0x40 R\n").endCycle, 38u);
}

TEST(DramReplay, StlSizedWrite) {
  // 128 bytes: bursts in bank groups 0 and 1. Only writes queued, so they
  // issue at once: ACT 0 and 4 (tRRD_S), WR 15 and 19; the last write data
  // is in at 19 + CWL 14 + 4 = 37.
  const ReplayResult r = replay("0: (128) write 0x0\n");
  EXPECT_EQ(r.writes, 1u);
  EXPECT_EQ(r.counters.writes, 2u);
  EXPECT_EQ(r.counters.activates, 2u);
  EXPECT_EQ(r.endCycle, 37u);
  EXPECT_EQ(r.reads, 0u);
  EXPECT_EQ(r.readLatencyMax, 0u);
}

TEST(DramReplay, PerBankCommandsAndClosedPageResidency) {
  // Closed page: the read auto-precharges its bank at the first cycle tRAS
  // (36) and tRTP (RD 15 + 8 = 23) allow: 36. The bank is open 0..36.
  const ReplayResult r = replay("0x0 READ 0\n", "{page_policy: closed}");
  EXPECT_EQ(r.counters.precharges, 1u);
  EXPECT_EQ(r.bankCommands[0][static_cast<int>(DdrCommand::Pre)], 1u);
  EXPECT_EQ(r.bankCommands[0][static_cast<int>(DdrCommand::Act)], 1u);
  EXPECT_EQ(r.bankCommands[0][static_cast<int>(DdrCommand::Rd)], 1u);
  EXPECT_EQ(r.bankCommands[1][static_cast<int>(DdrCommand::Act)], 0u);
  EXPECT_EQ(r.endCycle, 34u);
  // The replay ends with the data at 34, before the precharge at 36.
  EXPECT_EQ(r.rankActiveCycles[0], 34u);
}

// ------------------------------------------------------------ several channels
//
// Each channel has its own controller, device and request stage. With the
// default 256-byte interleave and two channels, 0x0..0xFF is channel 0 and
// 0x100..0x1FF channel 1 (its address 0); a channel's address 0x40 is bank
// group 1. A read of a closed bank: ACT at entry, RD 15 later, data out 19
// after the RD.

TEST(DramReplayChannels, EachChannelTakesARequestPerCycle) {
  // Requests 0 and 1 both go to channel 0 (bank groups 0 and 1), request 2
  // to channel 1; all at cycle 0. Channel 0 takes request 0 at 0 and
  // request 1 at 1; channel 1's stage is free, so request 2 enters at 0, not
  // behind request 1 (one stage for all would take it at 2).
  // Channel 0: ACT 0, ACT 1 -> 0 + tRRD_S 4 = 4, RD 15, RD 4 + 15 = 19
  // (15 + tCCD_S 4 allows it too); data out 34 and 38.
  // Channel 1: ACT 0, RD 15, data out 34.
  const ReplayResult r = replay("0x0 READ 0\n0x40 READ 0\n0x100 READ 0\n", "{channels: 2}");
  EXPECT_EQ(r.endCycle, 38u);
  EXPECT_EQ(r.lastEntryCycle, 1u);
  EXPECT_EQ(r.delayedRequests, 1u);  // request 1: taken at 1, trace cycle 0
  EXPECT_EQ(r.entryDelayCycles, 1u);
  // Latencies 34, 38 - 1 = 37 and 34.
  EXPECT_EQ(r.readLatencyMin, 34u);
  EXPECT_EQ(r.readLatencyP50, 34u);
  EXPECT_EQ(r.readLatencyMax, 37u);
  // All three in the bucket [32, 64) DDR cycles, as one channel counts them.
  EXPECT_EQ(r.readLatencyHistogram, (std::vector<std::uint64_t>{0, 0, 0, 0, 0, 3}));
  EXPECT_EQ(r.counters.activates, 3u);
  ASSERT_EQ(r.bankCommands.size(), 32u);  // 16 banks per channel, channel by channel
  EXPECT_EQ(r.bankCommands[16][static_cast<int>(DdrCommand::Rd)], 1u);  // channel 1, bank 0
}

TEST(DramReplayChannels, AFullChannelHoldsBackOnlyItsOwnRequests) {
  // One read-queue entry per channel. Channel 0: request 0 enters at 0
  // (ACT 0, RD 15); request 1 (bank group 1), offered at 1, gets the entry
  // the cycle after that RD, 16: ACT 16, RD 31, data out 50. Request 2 is
  // channel 1's and enters at its trace cycle 0: ACT 0, RD 15, out 34 (one
  // request stage for both channels would offer it at 17, after request 1,
  // and its data would be out at 17 + 34 = 51).
  const std::string ctl = "{channels: 2, read_queue_bursts: 1, write_queue_bursts: 2, "
                          "write_high_watermark_bursts: 2, write_low_watermark_bursts: 1}";
  const ReplayResult r = replay("0x0 READ 0\n0x40 READ 0\n0x100 READ 0\n", ctl);
  EXPECT_EQ(r.endCycle, 50u);
  EXPECT_EQ(r.lastEntryCycle, 16u);
  EXPECT_EQ(r.delayedRequests, 1u);
  EXPECT_EQ(r.entryDelayCycles, 16u);
  // Latencies 34, 50 - 1 = 49, 34.
  EXPECT_EQ(r.readLatencyMin, 34u);
  EXPECT_EQ(r.readLatencyMax, 49u);
  EXPECT_EQ(r.readLatencyP50, 34u);
}

TEST(DramReplayChannels, ARequestOverTwoChannelsIsTakenWithItsLastPart) {
  // Four channels, 64-byte interleave: channel = (address / 64) mod 4, its
  // address = address / 256 * 64 + address mod 64. One read-queue entry
  // per channel. Request 0 (0x0): channel 0, address 0 (bank group 0).
  // Request 1, 128 bytes at 0xC0: 0xC0 is channel 3's address 0, 0x100
  // channel 0's address 0x40 (bank group 1). Its channel-3 part enters at
  // 0 (ACT 0, RD 15, out 34); its channel-0 part is offered at 1 and enters
  // at 16, the cycle after request 0's RD 15 freed the entry (ACT 16, RD 31,
  // out 50). Request 1 is taken at 16 and done at 50: latency 50 from its
  // first part's entry at 0. Request 0: ACT 0, RD 15, out 34.
  const std::string ctl = "{channels: 4, channel_interleave_bytes: 64, read_queue_bursts: 1, "
                          "write_queue_bursts: 2, write_high_watermark_bursts: 2, write_low_watermark_bursts: 1}";
  const ReplayResult r = replay("0: read 0x0\n0: (128) read 0xC0\n", ctl);
  EXPECT_EQ(r.endCycle, 50u);
  EXPECT_EQ(r.lastEntryCycle, 16u);
  EXPECT_EQ(r.delayedRequests, 1u);
  EXPECT_EQ(r.entryDelayCycles, 16u);
  EXPECT_EQ(r.readLatencyMin, 34u);
  EXPECT_EQ(r.readLatencyMax, 50u);
  EXPECT_EQ(r.counters.reads, 3u);
  ASSERT_EQ(r.bankCommands.size(), 64u);
  EXPECT_EQ(r.bankCommands[0][static_cast<int>(DdrCommand::Act)], 1u);       // channel 0, bank 0
  EXPECT_EQ(r.bankCommands[3 * 16][static_cast<int>(DdrCommand::Act)], 1u);  // channel 3, bank 0
}

TEST(DramReplayChannels, AsapFeedsEveryChannelFromItsOwnPreviousRequest) {
  // Four channels (256-byte interleave: channel = address / 256 mod 4), a
  // Ramulator trace (no cycles, so asap). Three reads of channel 0 (bank
  // groups 0, 1, 2) enter at 0, 1, 2; the reads of channels 1, 2 and 3
  // come after them in the trace but enter at 0, as soon as their own
  // channel is free. Channel 0: ACT 0, 4, 8 (tRRD_S 4), RD 15, 19, 23, data
  // out 34, 38, 42 (latencies 34, 37, 40); channels 1-3: ACT 0, RD 15, out
  // 34 (latency 34).
  const ReplayResult r = replay("0x0 R\n0x40 R\n0x80 R\n0x100 R\n0x200 R\n0x300 R\n", "{channels: 4}");
  EXPECT_EQ(r.endCycle, 42u);
  EXPECT_EQ(r.lastEntryCycle, 2u);
  EXPECT_EQ(r.readLatencyMin, 34u);
  EXPECT_EQ(r.readLatencyP50, 34u);  // nearest rank: the 3rd of 34, 34, 34, 34, 37, 40
  EXPECT_EQ(r.readLatencyMax, 40u);
  EXPECT_DOUBLE_EQ(r.readLatencyMean, (4 * 34 + 37 + 40) / 6.0);
  EXPECT_EQ(r.delayedRequests, 0u);  // asap: no trace cycle to be late for
  EXPECT_EQ(r.counters.activates, 6u);
}

TEST(DramEnergy, CommandsAndResidencyAsDramPowerPricesThem) {
  const Ddr4Config dev = loadDdr(kDdr);
  DdrCommandCounts n{};
  n[static_cast<int>(DdrCommand::Act)] = 2;
  n[static_cast<int>(DdrCommand::Rd)] = 3;
  n[static_cast<int>(DdrCommand::Ref)] = 1;
  const energy::DramEnergyJ e = energy::dramEnergy(dev, n, {1000}, 4000);
  // Per x8 device (IDD in mA, ns, V: mA·ns·V = pJ), eight devices, tCK =
  // 0.9375 ns: ACT (IDD0 60.75 − IDD3N 44)·tRAS (36·0.9375 = 33.75 ns)·1.2 +
  // (IPP0 4.05 − 0)·33.75·2.5 = 678.375 + 341.71875 = 1020.09375 pJ.
  EXPECT_NEAR(e.act, 2 * 8 * 1020.09375e-12, 1e-6 * e.act);  // tCK from 1066.6667 MHz: relative 1e-7
  // RD (184.5 − 44)·4·0.9375·1.2 = 632.25 pJ.
  EXPECT_NEAR(e.rd, 3 * 8 * 632.25e-12, 1e-6 * e.rd);
  // REF (118 − 44)·tRFC (278·0.9375 = 260.625 ns)·1.2 = 23143.5 pJ.
  EXPECT_NEAR(e.ref, 8 * 23143.5e-12, 1e-6 * e.ref);
  // 1000 cycles active (44 mA·1.2 V = 52.8 mW), 3000 precharged (38.25 mA·1.2 V
  // = 45.9 mW), per device.
  EXPECT_NEAR(e.activeStandby, 8 * 1000 * 0.9375e-9 * 52.8e-3, 1e-6 * e.activeStandby);
  EXPECT_NEAR(e.prechargeStandby, 8 * 3000 * 0.9375e-9 * 45.9e-3, 1e-6 * e.prechargeStandby);
  EXPECT_EQ(e.pre, 0.0);
}

// ---------------------------------------------------------------- command line

std::string traceFile(const std::string& name, const std::string& text) {
  const std::string dir = test::tempDir("dram_" + name);
  const std::string path = dir + "/" + name + ".trace";
  test::writeText(path, text);
  return path;
}

std::string ddrFile() { return test::sourceDir() + "/configs/ddr/" + kDdr + ".yaml"; }

TEST(DramCommand, WritesTheReport) {
  const std::string trace = traceFile("two", "0x0 READ 0\n0x100 READ 0\n");
  const std::string out = test::tempDir("dram_two_out");
  const test::Result r = test::runFtsim("dram " + trace + " --ddr " + ddrFile() + " --out " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("read latency  mean 36.5, p50 34, p99 39, max 39 DDR cycles"), std::string::npos) << r.out;
  const nlohmann::json j = nlohmann::json::parse(test::readText(out + "/dram.json"));
  EXPECT_EQ(j["schema"], "ftsim.dram/1");
  EXPECT_EQ(j["trace"]["format"], "dramsim3");
  EXPECT_EQ(j["cycles"]["end"], 40);
  EXPECT_EQ(j["commands"]["act"], 1);
  EXPECT_EQ(j["commands"]["rd"], 2);
  EXPECT_EQ(j["banks"][0]["rd"], 2);
  EXPECT_EQ(j["read_latency_cycles"]["p99"], 39);
  // 2 bursts of 64 bytes in 40 cycles of 0.9375 ns (the clock is 1066.6667 MHz:
  // relative 3e-8).
  EXPECT_NEAR(j["bandwidth_gb_per_s"].get<double>(), 128.0 / 37.5, 1e-6);
  EXPECT_TRUE(j["energy_j"].is_object());
}

TEST(DramCommand, ControllerFileAndOverrides) {
  const std::string trace = traceFile("closed", "0x0 READ 0\n");
  const std::string dir = test::tempDir("dram_closed_ctl");
  test::writeText(dir + "/ctl.yaml", "memory:\n  ddr4:\n    page_policy: closed\n");
  const std::string out = dir + "/out";
  test::Result r = test::runFtsim("dram " + trace + " --ddr " + ddrFile() + " --controller " + dir +
                                  "/ctl.yaml --quiet --out " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(test::readText(out + "/dram.json"));
  EXPECT_EQ(j["controller"]["page_policy"], "closed");
  EXPECT_EQ(j["commands"]["pre"], 1);
  // tRCD 20 instead of 15: RD at 20, data out at 39.
  r = test::runFtsim("dram " + trace + " --ddr " + ddrFile() + " --set board.ddr.timing.t_rcd_cycles=20 --quiet --out " +
                     out);
  ASSERT_EQ(r.code, 0) << r.out;
  j = nlohmann::json::parse(test::readText(out + "/dram.json"));
  EXPECT_EQ(j["cycles"]["end"], 39);
}

TEST(DramCommand, BadInputExitsWithTwo) {
  const std::string trace = traceFile("bad", "0x0 READ 0\n0x40 READ\n");
  test::Result r = test::runFtsim("dram " + trace + " --ddr " + ddrFile() + " --quiet");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("bad.trace:2: `0x40 READ`: expected `0x<addr> READ|WRITE <cycle>`"), std::string::npos) << r.out;
  const std::string good = traceFile("good", "0x0 READ 0\n");
  r = test::runFtsim("dram " + good + " --quiet");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("missing --ddr"), std::string::npos) << r.out;
  r = test::runFtsim("dram " + good + " --ddr " + ddrFile() + " --set accelerator.clock_mhz=3 --quiet");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("takes board.ddr.* (the device) and memory.ddr4.* (the controller) keys"), std::string::npos);
  r = test::runFtsim("dram " + good + " --ddr " + ddrFile() + " --set memory.ddr4.page_polcy=closed --quiet");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("page_polcy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("page_policy"), std::string::npos) << r.out;
  r = test::runFtsim("dram " + good + " --ddr /nonexistent.yaml --quiet");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--ddr /nonexistent.yaml: no such file"), std::string::npos) << r.out;
  r = test::runFtsim("dram --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("usage: ftsim dram <trace> --ddr <device.yaml>"), std::string::npos);
  EXPECT_NE(test::runFtsim("--help").out.find("dram <trace>"), std::string::npos);
}

}  // namespace

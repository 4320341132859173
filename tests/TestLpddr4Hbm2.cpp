// LPDDR4 and HBM2 command rules, each gate tight (refused at c − 1,
// accepted at c), and the per-bank refresh policy, to the exact cycle.
//
// LPDDR4-1066 (configs/ddr/lpddr4-1066-32bit-2gb.yaml, tCK 1.875 ns): CL 13,
// CWL 9, tRCD 10, tRP 10, tRAS 23, tRC 33, tRRD 6, tFAW 22, tCCD 8, tWTR 8,
// tRTP 8, tWR 10, tRFC 96, tREFI 2082, tRFCpb 48, tRREFD 48, tDQSCK 2,
// tPPD 4; BL16 holds the data bus 8 cycles; ACT, RD, WR hold the CA bus 4
// cycles, PRE and REFpb 2.
//
// HBM2 pseudo channel (configs/ddr/hbm2-1800-pc64-256mb.yaml, tCK 1.113 ns):
// CL 17, CWL 7, tRCD 11, tRCDWR 6, tRP 13, tRAS 26, tRC 39, tRRD_S 4,
// tRRD_L 6, tFAW 15, tCCD_S 2, tCCD_L 3, tWTR_S 4, tWTR_L 9, tRTP 5, tWR 13,
// tRFC 315, tREFI 3503, tRFCSB 144, tRREFD 8; BL4 (2 data-bus cycles); ACT
// holds the row bus 2 cycles, RD/WR use the column bus.

#include <gtest/gtest.h>

#include "models/ddr/Ddr4ControllerTiming.h"
#include "models/ddr/Ddr4Device.h"
#include "models/ddr/TraceReplay.h"
#include "sim/config/ConfigNode.h"
#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "sim/energy/DramEnergy.h"
#include "tests/DdrHarness.h"
#include "tests/Harness.h"

using namespace ftsim;
using namespace ftsim::models;
using namespace ftsim::test;
using Cmd = Ddr4ControllerTiming::CommandRecord;

namespace {

void gate(Ddr4Device& d, DdrCommand cmd, int bank, std::uint32_t row, std::uint64_t c) {
  EXPECT_FALSE(d.canIssue(cmd, bank, row, c - 1)) << toString(cmd) << " to bank " << bank << " at " << c - 1;
  EXPECT_TRUE(d.canIssue(cmd, bank, row, c)) << toString(cmd) << " to bank " << bank << " at " << c;
  d.issue(cmd, bank, row, c);
}

TEST(Lpddr4, ConfigConvertsToCycles) {
  const Ddr4Config c = loadDdr("lpddr4-1066-32bit-2gb");
  EXPECT_EQ(c.standard, DramStandard::Lpddr4);
  EXPECT_EQ(c.banks(), 8);
  EXPECT_EQ(c.burstBytes(), 64u);              // 4 bytes x BL16
  EXPECT_EQ(c.capacityBytes(), 2ull << 30);    // 2 ranks x 8 x 32768 x 1024 x 4 B
  EXPECT_EQ(c.t.tRCD, 10u);                    // 18 / 1.875 = 9.6
  EXPECT_EQ(c.t.tRAS, 23u);                    // 42 / 1.875 = 22.4
  EXPECT_EQ(c.t.tFAW, 22u);                    // 40 / 1.875 = 21.3
  EXPECT_EQ(c.t.tWR, 10u);                     // 18 / 1.875 = 9.6
  EXPECT_EQ(c.t.tRFC, 96u);                    // 180 / 1.875
  EXPECT_EQ(c.t.tRFCpb, 48u);                  // 90 / 1.875
  EXPECT_EQ(c.t.tRREFD, 48u);
  EXPECT_EQ(c.t.tDQSCK, 2u);                   // 3.5 / 1.875 = 1.87
}

TEST(Lpddr4, CommandGates) {
  Ddr4Device d(loadDdr("lpddr4-1066-32bit-2gb"));
  d.issue(DdrCommand::Act, 0, 0, 0);
  gate(d, DdrCommand::Act, 1, 0, 6);   // tRRD 6 (the CA bus is free from 4)
  gate(d, DdrCommand::Rd, 0, 0, 10);   // tRCD 10; ACT 6 holds the CA bus to 10
  // The 4-cycle RD holds the CA bus to 14: ACT of bank 2 waits for it, not
  // for tRRD (6 + 6 = 12).
  gate(d, DdrCommand::Act, 2, 0, 14);
  // RD→WR: 10 + CL 13 + BL/2 8 + tDQSCK 2 + 1 − CWL 9 = 25.
  gate(d, DdrCommand::Wr, 1, 0, 25);
  gate(d, DdrCommand::Pre, 2, 0, 37);  // tRAS: 14 + 23
  // WR→RD: end of write data 25 + 9 + 8 = 42, + tWTR 8 + 1 = 51.
  gate(d, DdrCommand::Rd, 0, 0, 51);
  // Bank 1 may precharge from 42 + tWR 10 = 52, but the RD at 51 holds the
  // CA bus to 55; bank 0 then waits for RD→PRE 51 + tRTP 8 = 59 (and tPPD:
  // 55 + 4 = 59).
  gate(d, DdrCommand::Pre, 1, 0, 55);
  gate(d, DdrCommand::Pre, 0, 0, 59);
}

TEST(Lpddr4, PrechargeToPrechargeTppd) {
  Ddr4Device d(loadDdr("lpddr4-1066-32bit-2gb"));
  d.issue(DdrCommand::Act, 0, 0, 0);
  d.issue(DdrCommand::Act, 1, 0, 6);
  d.issue(DdrCommand::Pre, 1, 0, 29);  // 6 + tRAS 23
  // Bank 0 is past tRAS (23) but PRE→PRE is tPPD 4: 29 + 4 = 33 (the
  // 2-cycle PRE alone would allow 31).
  gate(d, DdrCommand::Pre, 0, 0, 33);
}

TEST(Lpddr4, PerBankRefreshGates) {
  Ddr4Device d(loadDdr("lpddr4-1066-32bit-2gb"));
  d.issue(DdrCommand::Act, 0, 0, 0);
  EXPECT_FALSE(d.canIssue(DdrCommand::RefPb, 0, 0, 100));  // bank open
  // ACT → REFpb of another bank: tRRD 6 (the CA bus is free from 4).
  gate(d, DdrCommand::RefPb, 1, 0, 6);
  d.issue(DdrCommand::Pre, 0, 0, 23);  // tRAS
  // REFpb → REFpb of another bank tRREFD: 6 + 48 = 54 (PRE 23 + tRP 10 =
  // 33 would allow it earlier).
  gate(d, DdrCommand::RefPb, 0, 0, 54);
  // Bank 1 refreshed at 6 is busy tRFCpb: ACT at 6 + 48 = 54 is also where
  // the REFpb at 54 lets another bank activate (54 + 48 = 102), so bank 1
  // waits for 102.
  gate(d, DdrCommand::Act, 1, 0, 102);
  // The all-bank REF waits for bank 0's REFpb (54 + tRFCpb 48 = 102) and
  // bank 1 to close (ACT 102 + tRAS 23 = 125, + tRP 10 = 135).
  d.issue(DdrCommand::Pre, 1, 0, 125);
  gate(d, DdrCommand::Ref, 0, 0, 135);
  EXPECT_EQ(d.counts()[static_cast<int>(DdrCommand::RefPb)], 2u);
}

TEST(Hbm2, ConfigConvertsToCycles) {
  const Ddr4Config c = loadDdr("hbm2-1800-pc64-256mb");
  EXPECT_EQ(c.standard, DramStandard::Hbm2);
  EXPECT_EQ(c.burstBytes(), 32u);              // 8 bytes x BL4
  EXPECT_EQ(c.capacityBytes(), 256ull << 20);  // 16 banks x 16384 x 128 x 8 B
  EXPECT_NEAR(c.peakBytesPerSecond(), 14.375e9, 1e3);  // UG1393: 14.375 GB/s per pseudo channel
  EXPECT_EQ(c.t.cl, 17u);
  EXPECT_EQ(c.t.tRCD, 11u);     // 12 / 1.113 = 10.8
  EXPECT_EQ(c.t.tRCDWR, 6u);    // 6 / 1.113 = 5.4
  EXPECT_EQ(c.t.tRAS, 26u);     // 28 / 1.113 = 25.2
  EXPECT_EQ(c.t.tFAW, 15u);     // 16 / 1.113 = 14.4
  EXPECT_EQ(c.t.tCCD_L, 3u);    // 3 / 1.113 = 2.7
  EXPECT_EQ(c.t.tRFC, 315u);    // 350 / 1.113 = 314.5
  EXPECT_EQ(c.t.tRFCpb, 144u);  // 160 / 1.113 = 143.8
  EXPECT_EQ(c.t.tRREFD, 8u);    // 8 / 1.113 = 7.2
}

TEST(Hbm2, RowAndColumnBusesAndTrcdwr) {
  // Banks: group g bank k is flat bank 4g + k.
  Ddr4Device d(loadDdr("hbm2-1800-pc64-256mb"));
  d.issue(DdrCommand::Act, 0, 0, 0);
  gate(d, DdrCommand::Wr, 0, 0, 6);  // tRCDWR 6 (a read would need tRCD 11)
  // The WR at 6 used the column bus: an ACT (row bus) issues in the same
  // cycle (one shared bus would refuse it until 7).
  EXPECT_TRUE(d.canIssue(DdrCommand::Act, 4, 0, 6));
  d.issue(DdrCommand::Act, 4, 0, 6);
  // RD of group 1 after the write to group 0: data end 6 + CWL 7 + 2 = 15,
  // + tWTR_S 4 = 19 (tRCD from ACT 6 allows 17).
  gate(d, DdrCommand::Rd, 4, 0, 19);
  gate(d, DdrCommand::Rd, 4, 0, 22);  // same group: tCCD_L 3 (tCCD_S 2 would give 21)
  gate(d, DdrCommand::Rd, 0, 0, 24);  // group 0 after its write: 15 + tWTR_L 9
  // ACT of group 3 at 27 holds the row bus 2 cycles: bank 0's PRE, legal
  // from 28 (WR→PRE 15 + tWR 13; tRAS 26), waits for 29.
  d.issue(DdrCommand::Act, 12, 0, 27);
  gate(d, DdrCommand::Pre, 0, 0, 29);
}

TEST(Hbm2, PerBankRefreshGates) {
  Ddr4Device d(loadDdr("hbm2-1800-pc64-256mb"));
  d.issue(DdrCommand::RefPb, 0, 0, 0);
  gate(d, DdrCommand::RefPb, 1, 0, 8);   // tRREFD 8
  gate(d, DdrCommand::Act, 2, 0, 16);    // 8 + tRREFD 8
  gate(d, DdrCommand::RefPb, 3, 0, 20);  // ACT → REFSB of another bank: 16 + tRRD_S 4
  gate(d, DdrCommand::Act, 0, 0, 144);   // its own REFSB at 0 + tRFCSB 144
}

TEST(Lpddr4, PerBankRefreshPolicy) {
  // refresh: per_bank: one bank of each rank every tREFI / 8 = 260 cycles.
  // A read of bank 0 at 200: ACT 200, RD 210 (tRCD 10). Bank 0's refresh
  // is due at 260 with the bank open: PRE at 260 (tRAS allows 223, tRTP
  // 218), REFpb at 260 + tRP 10 = 270. Rank 1's bank 0 (flat 8), due at
  // 260 too, goes next: the CA bus is free at 272. The read of bank 0 at
  // 300 waits for the refresh: ACT at 270 + tRFCpb 48 = 318, RD 328.
  const Ddr4Config dev = loadDdr("lpddr4-1066-32bit-2gb");
  Ddr4ControllerTiming c(dev, controllerConfig(dev, "{refresh: per_bank}"));
  const std::vector<Txn> t{{200, false, 0, 64}, {300, false, 64, 64}};
  const std::vector<Cmd> want{{200, DdrCommand::Act, 0, 0},   {210, DdrCommand::Rd, 0, 0},
                              {260, DdrCommand::Pre, 0, 0},   {270, DdrCommand::RefPb, 0, 0},
                              {272, DdrCommand::RefPb, 8, 0}, {318, DdrCommand::Act, 0, 0},
                              {328, DdrCommand::Rd, 0, 0}};
  const TrafficResult r = runTraffic(c, t, true);
  EXPECT_EQ(r.commands, want);
  EXPECT_EQ(r.counters.bankRefreshes, 2u);
  EXPECT_EQ(r.counters.refreshes, 0u);
}

std::string policyRule(const std::string& ddr, const std::string& yaml) {
  try {
    controllerConfig(loadDdr(ddr), yaml);
  } catch (const ConfigError& e) {
    return e.keyPath() + ": " + e.rule();
  }
  return "(no error)";
}

TEST(Lpddr4, PerBankRefreshNeedsTheCommand) {
  EXPECT_EQ(policyRule("lpddr4-1066-32bit-2gb", "{refresh: per_bank}"), "(no error)");
  EXPECT_EQ(policyRule("hbm2-1800-pc64-256mb", "{refresh: per_bank}"), "(no error)");
  const std::string e = policyRule("ddr4-2133p-64bit-x8-4gb", "{refresh: per_bank}");
  EXPECT_NE(e.find("refresh: the device has no per-bank refresh command (standard: ddr4"), std::string::npos) << e;
}

TEST(DramStandardsMore, MismatchesAreConfigErrors) {
  const std::string lp = "lpddr4-1066-32bit-2gb", hbm = "hbm2-1800-pc64-256mb", d4 = "ddr4-2133p-64bit-x8-4gb";
  EXPECT_EQ(test::ddrDeviceRule(lp, "board.ddr.bank_groups=2"),
            "board.ddr.bank_groups: LPDDR4 has no bank groups: give `banks` (standard: lpddr4)");
  EXPECT_EQ(test::ddrDeviceRule(lp, "board.ddr.timing.t_ccd_cycles=6"),
            "board.ddr.timing.t_ccd_cycles: LPDDR4 tCCD is BL/2 = 8 cycles (standard: lpddr4)");
  EXPECT_EQ(test::ddrDeviceRule(lp, "board.ddr.burst_length=8"), "board.ddr.burst_length: must be >= 16");
  EXPECT_EQ(test::ddrDeviceRule(lp, "board.ddr.clock_mhz=2400"),
            "board.ddr.clock_mhz: outside LPDDR4's 266.67 to 2133.33 MHz (LPDDR4-533 to LPDDR4-4266) (standard: lpddr4)");
  EXPECT_EQ(test::ddrDeviceRule(lp, "board.ddr.timing.t_rcdwr_ns=6"),
            "board.ddr.timing.t_rcdwr_ns: only HBM2 has a separate ACT-to-write delay (standard: lpddr4)");
  EXPECT_EQ(test::ddrDeviceRule(hbm, "board.ddr.data_width_bits=128"),
            "board.ddr.data_width_bits: an HBM2 pseudo channel is 64 bits wide (standard: hbm2)");
  EXPECT_EQ(test::ddrDeviceRule(hbm, "board.ddr.timing.t_ppd_cycles=4"),
            "board.ddr.timing.t_ppd_cycles: an LPDDR4 timing (standard: hbm2)");
  EXPECT_EQ(test::ddrDeviceRule(hbm, "board.ddr.timing.t_ccd_ns=2"),
            "board.ddr.timing.t_ccd_ns: HBM2 splits t_ccd by bank group: give t_ccd_s_ns and t_ccd_l_ns (standard: hbm2)");
  EXPECT_EQ(test::ddrDeviceRule(d4, "board.ddr.timing.t_rfcpb_ns=90"),
            "board.ddr.timing.t_rfcpb_ns: DDR4 has no per-bank refresh (standard: ddr4)");
  EXPECT_EQ(test::ddrDeviceRule(hbm, "board.ddr.timing.t_rfcpb_ns=400"),
            "board.ddr.timing: t_rfcpb must be <= t_rfc (a bank refreshes faster than the whole device)");
}

}  // namespace

namespace {

ReplayResult replayHbm2(const std::string& ctl, const std::vector<TraceRequest>& reqs) {
  const Ddr4Config dev = loadDdr("hbm2-1800-pc64-256mb");
  return replayTrace(dev, controllerConfig(dev, ctl), reqs, false);
}

TEST(Hbm2, TwoPseudoChannelsInterleaved) {
  // Reads of 32 bytes at 0 and 256, both offered at cycle 0 (the second
  // enters at 1). One pseudo channel (mapping row:bank:column:bankgroup,
  // column at bits 7-11): both in row 0 of bank 0: ACT 0, RD 11, RD 11 +
  // tCCD_L 3 = 14, last data 14 + CL 17 + 2 = 33.
  const std::vector<TraceRequest> two{{0, 0, 32, false}, {0, 256, 32, false}};
  const ReplayResult one = replayHbm2("{}", two);
  EXPECT_EQ(one.endCycle, 33u);
  EXPECT_EQ(one.counters.activates, 1u);
  // Two channels interleaved every 256 bytes: 256 is channel 1's address
  // 0, so each channel opens its own bank 0, and each channel's request
  // stage takes its read at 0: ACT 0, RD 11, last data 11 + 19 = 30 on both.
  const ReplayResult ch = replayHbm2("{channels: 2, channel_interleave_bytes: 256}", two);
  EXPECT_EQ(ch.endCycle, 30u);
  EXPECT_EQ(ch.readLatencyMax, 30u);
  EXPECT_EQ(ch.delayedRequests, 0u);
  EXPECT_EQ(ch.counters.activates, 2u);
  EXPECT_EQ(ch.banks.size(), 32u);  // 16 banks per channel, channel by channel
  EXPECT_EQ(ch.banks[0].activates + ch.banks[16].activates, 2u);
  // One 512-byte read over both channels at 0: each channel gets 256
  // bytes, 8 bursts over its 4 bank groups (bits 5-6), bank 0 of each: ACT
  // 0, 4, 8, 12 (tRRD_S). RDs, 2 apart on the data bus, tCCD_L 3 within a
  // group, oldest first on a tie: g0 11, g0 14, g1 16, g2 19 (ties with g1's
  // second, younger), g1 21, g3 23 (ties with g2's second), g2 25, g3 27;
  // the read is done when both channels are: 27 + CL 17 + 2 = 46.
  const ReplayResult split = replayHbm2("{channels: 2, channel_interleave_bytes: 256}", {{0, 0, 512, false}});
  EXPECT_EQ(split.counters.reads, 16u);
  EXPECT_EQ(split.readLatencyMax, 46u);
}

TEST(Hbm2, ChannelKeysAreChecked) {
  EXPECT_EQ(policyRule("hbm2-1800-pc64-256mb", "{channels: 32, channel_interleave_bytes: 4096}"), "(no error)");
  EXPECT_EQ(policyRule("hbm2-1800-pc64-256mb", "{channel_interleave_bytes: 48}"),
            "channel_interleave_bytes: must be a power of two of at least one burst (32 bytes)");
  EXPECT_EQ(policyRule("hbm2-1800-pc64-256mb", "{channels: 65}"), "channels: must be <= 64");
}

}  // namespace

namespace {

TEST(Hbm2, DesignRunsTakeSeveralChannels) {
  auto rule = [](const std::vector<std::string>& sets) {
    try {
      config::DesignConfig::load(sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml", sets);
    } catch (const ConfigError& e) {
      return e.keyPath() + ": " + e.rule();
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(rule({"memory.ddr4.channels=2"}), "(no error)");
  // A burst is split at the interleave: a block must hold a whole AXI beat.
  EXPECT_EQ(rule({"memory.ddr4.channels=2", "memory.ddr4.channel_interleave_bytes=64",
                  "memory.interconnect.port_width_bits=1024"}),
            "memory.ddr4.channel_interleave_bytes: must be at least one AXI beat (128 bytes at "
            "memory.interconnect.port_width_bits) when a design run has several channels");
  EXPECT_EQ(rule({"memory.ddr4.channel_interleave_bytes=64", "memory.interconnect.port_width_bits=1024"}),
            "(no error)");
}

}  // namespace

namespace {

TEST(Lpddr4, PowerCurrentsPriceCommandsAndStandby) {
  // configs/ddr/lpddr4-1066-32bit-2gb.yaml: per x16 channel VDD2 1.1 V,
  // VDD1 1.8 V; two channels per rank; tCK 1.875 ns (from clock_mhz 533.3333:
  // relative 6e-8 off, hence the 1e-6 tolerance). IDD in mA × ns × V = pJ.
  const Ddr4Config dev = loadDdr("lpddr4-1066-32bit-2gb");
  ASSERT_EQ(dev.chipsPerRank, 2);
  DdrCommandCounts n{};
  n[static_cast<int>(DdrCommand::Act)] = 1;
  n[static_cast<int>(DdrCommand::Rd)] = 1;
  n[static_cast<int>(DdrCommand::RefPb)] = 1;
  const energy::DramEnergyJ e = energy::dramEnergy(dev, n, {1000, 0}, 2000);
  // ACT over tRAS (42 ns -> 23 cycles = 43.125 ns): (IDD02 45 - IDD3N2 30)
  // · 43.125 · 1.1 + (IDD01 3.5 - IDD3N1 2.25) · 43.125 · 1.8 = 711.5625 +
  // 97.03125 = 808.59375 pJ per channel, two channels.
  EXPECT_NEAR(e.act, 2 * 808.59375e-12, 1e-6 * e.act);
  // RD over BL/2 = 8 cycles = 15 ns: (IDD4R2 275 - 30) · 15 · 1.1 = 4042.5 pJ.
  EXPECT_NEAR(e.rd, 2 * 4042.5e-12, 1e-6 * e.rd);
  // REFpb over tRFCpb (90 ns = 48 cycles = 90 ns): (IDD5PB 45 - 30) · 90 ·
  // 1.1 = 1485 pJ: an eighth of a REFab, (IDD52 90 - 30) · 180 · 1.1 / 8.
  EXPECT_NEAR(e.ref, 2 * 1485e-12, 1e-6 * e.ref);
  // Rank 0 active 1000 of 2000 cycles, rank 1 never (mW × ns = pJ, per
  // channel): active 1000 · 1.875 = 1875 ns × (IDD3N 30 · 1.1 + 2.25 · 1.8 =
  // 37.05 mW) = 69468.75 pJ; precharged 3000 cycles = 5625 ns × (IDD2N 27 ·
  // 1.1 + 2.25 · 1.8 = 33.75 mW) = 189843.75 pJ.
  EXPECT_NEAR(e.activeStandby, 2 * 69468.75e-12, 1e-6 * e.activeStandby);
  EXPECT_NEAR(e.prechargeStandby, 2 * 189843.75e-12, 1e-6 * e.prechargeStandby);
}

TEST(Hbm2, NoPowerCurrentsNoEnergy) {
  // No HBM2 IDD set is in the stored sources: the device file has no power
  // section and nothing is priced.
  const Ddr4Config dev = loadDdr("hbm2-1800-pc64-256mb");
  DdrCommandCounts n{};
  n[static_cast<int>(DdrCommand::Act)] = 10;
  n[static_cast<int>(DdrCommand::Rd)] = 10;
  EXPECT_EQ(energy::dramEnergy(dev, n, {500}, 1000).total(), 0.0);
}

}  // namespace

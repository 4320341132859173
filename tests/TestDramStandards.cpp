// A device file names its JEDEC standard and is read by that standard's
// rules: DDR3 (one bank group: tRRD, tCCD, tWTR; 8 banks) and DDR4 (bank
// groups, _S/_L spacings). Keys of the other standard and clocks outside
// the standard's range are config errors; a DDR3 part replays with its own
// timing.
//
// DDR3-1600K x8 (configs/ddr/ddr3-1600k-64bit-x8-4gb.yaml), tCK 1.25 ns: CL 11,
// CWL 8, tRCD 11, tRP 11, tRAS 28, tRC 39, tRRD 5, tFAW 24, tCCD 4, tRTRS 2.
// No bank groups: the default mapping row:bank:column:bankgroup puts the
// 7 column bits above the 64-byte burst at address bits 6-12 and the bank
// at 13-15.

#include <gtest/gtest.h>

#include "models/ddr/DramTrace.h"
#include "models/ddr/TraceReplay.h"
#include "sim/config/ConfigNode.h"
#include "sim/core/Error.h"
#include "tests/DdrHarness.h"
#include "tests/Harness.h"

using namespace ftsim;
using namespace ftsim::models;
using ftsim::test::controllerConfig;
using ftsim::test::loadDdr;

namespace {

TEST(DramStandards, Ddr3Timing) {
  const Ddr4Config d = loadDdr("ddr3-1600k-64bit-x8-4gb");
  EXPECT_EQ(d.standard, DramStandard::Ddr3);
  EXPECT_EQ(d.bankGroups, 1);
  EXPECT_EQ(d.banks(), 8);
  EXPECT_EQ(d.t.tRRD_S, 5u);  // 6 ns / 1.25 = 4.8
  EXPECT_EQ(d.t.tRRD_L, 5u);
  EXPECT_EQ(d.t.tFAW, 24u);   // 30 / 1.25
  EXPECT_EQ(d.t.tCCD_S, 4u);
  EXPECT_EQ(d.t.tCCD_L, 4u);
  EXPECT_EQ(d.t.tWR, 12u);
  EXPECT_EQ(d.t.tRFC, 208u);  // 260 / 1.25
  EXPECT_EQ(d.t.tREFI, 6240u);
  EXPECT_EQ(d.t.tRTRS, 2u);
  EXPECT_EQ(loadDdr("ddr4-2133p-64bit-x8-4gb").standard, DramStandard::Ddr4);
}

ReplayResult replay3(const std::string& text) {
  const Ddr4Config dev = loadDdr("ddr3-1600k-64bit-x8-4gb");
  const DramTrace t = parseTrace(text, TraceFormat::DramSim3, dev.burstBytes(), "t");
  return replayTrace(dev, controllerConfig(dev), t.requests, false);
}

TEST(DramStandards, Ddr3ReplaysWithItsOwnTiming) {
  // One row of bank 0, columns 0 and 1 (0x40): ACT 0, RD 11 and 11 + tCCD 4
  // = 15 (DDR4 would need tCCD_L here), data out 15 + CL 11 + 4 = 30.
  EXPECT_EQ(replay3("0x0 READ 0\n0x40 READ 0\n").endCycle, 30u);
  // Five banks (bank bits 13-15): ACT 0, 5, 10, 15 (tRRD 5), the fifth at
  // max(15 + 5, 0 + tFAW 24) = 24, its RD at 35, data out 35 + 15 = 50.
  const ReplayResult r = replay3("0x0 READ 0\n0x2000 READ 0\n0x4000 READ 0\n0x6000 READ 0\n0x8000 READ 0\n");
  EXPECT_EQ(r.endCycle, 50u);
  EXPECT_EQ(r.counters.activates, 5u);
}

TEST(DramStandards, MismatchesAreConfigErrors) {
  const std::string d3 = "ddr3-1600k-64bit-x8-4gb", d4 = "ddr4-2133p-64bit-x8-4gb";
  EXPECT_EQ(test::ddrDeviceRule(d3, "board.ddr.bank_groups=4"),
            "board.ddr.bank_groups: DDR3 has no bank groups: give `banks` (standard: ddr3)");
  EXPECT_EQ(test::ddrDeviceRule(d3, "board.ddr.timing.t_ccd_l_cycles=6"),
            "board.ddr.timing.t_ccd_l_cycles: DDR3 has one t_ccd (no bank groups): give t_ccd_cycles (standard: ddr3)");
  EXPECT_EQ(test::ddrDeviceRule(d3, "board.ddr.clock_mhz=1200"),
            "board.ddr.clock_mhz: outside DDR3's 400 to 1066.67 MHz (DDR3-800 to DDR3-2133) (standard: ddr3)");
  EXPECT_EQ(test::ddrDeviceRule(d3, "board.ddr.banks=16"), "board.ddr.banks: must be <= 8");
  EXPECT_EQ(test::ddrDeviceRule(d4, "board.ddr.timing.t_rrd_ns=6"),
            "board.ddr.timing.t_rrd_ns: DDR4 splits t_rrd by bank group: give t_rrd_s_ns and t_rrd_l_ns (standard: ddr4)");
  EXPECT_EQ(test::ddrDeviceRule(d4, "board.ddr.banks=8"),
            "board.ddr.banks: DDR4 banks come in bank groups: give bank_groups and banks_per_group (standard: ddr4)");
  EXPECT_EQ(test::ddrDeviceRule(d4, "board.ddr.clock_mhz=533"),
            "board.ddr.clock_mhz: outside DDR4's 800 to 1600 MHz (DDR4-1600 to DDR4-3200) (standard: ddr4)");
  EXPECT_NE(test::ddrDeviceRule(d4, "board.ddr.standard=ddr5").find("board.ddr.standard: must be one of"), std::string::npos);
  EXPECT_EQ(test::ddrDeviceRule(d4, "board.ddr.timing.t_rtrs_cycles=65"), "board.ddr.timing.t_rtrs_cycles: must be <= 64");
}

}  // namespace

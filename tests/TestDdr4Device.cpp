// Tight JEDEC timing gates of the DDR4 device rules: each command is refused
// one cycle before its constraint allows it and accepted on that cycle.
// DDR4-2133P x8 (configs/ddr/ddr4-2133p-64bit-x8-4gb.yaml) in DDR cycles of
// 0.9375 ns: CL 15, CWL 14, tRCD 15, tRP 15, tRAS 36, tRC 51, tRRD_S 4,
// tRRD_L 6, tFAW 23, tCCD_S 4, tCCD_L 6, tWTR_S 3, tWTR_L 8, tRTP 8, tWR 16,
// tRFC 278, tREFI 8320. Four bank groups of four banks: bank b of group g is
// flat bank 4g + b.

#include <gtest/gtest.h>

#include "models/ddr/Ddr4Device.h"
#include "sim/core/Error.h"
#include "tests/DdrHarness.h"

using ftsim::models::DdrCommand;
using ftsim::models::Ddr4Device;
using namespace ftsim::test;

namespace {

constexpr int kG0B0 = 0, kG0B1 = 1, kG1B0 = 4, kG2B0 = 8, kG3B0 = 12;

Ddr4Device device2133() { return Ddr4Device(loadDdr("ddr4-2133p-64bit-x8-4gb")); }

/// `cmd` is refused at c − 1 and accepted at c, then issued at c.
void gate(Ddr4Device& d, DdrCommand cmd, int bank, std::uint32_t row, std::uint64_t c) {
  EXPECT_FALSE(d.canIssue(cmd, bank, row, c - 1)) << toString(cmd) << " at " << c - 1;
  EXPECT_TRUE(d.canIssue(cmd, bank, row, c)) << toString(cmd) << " at " << c;
  d.issue(cmd, bank, row, c);
}

TEST(Ddr4Device, ConfigConvertsToCycles) {
  const auto t = loadDdr("ddr4-2133p-64bit-x8-4gb").t;
  EXPECT_EQ(t.tRAS, 36u);  // 33 ns / 0.9375 = 35.2
  EXPECT_EQ(t.tRC, 51u);   // 47.06 / 0.9375 = 50.2
  EXPECT_EQ(t.tFAW, 23u);  // 21 / 0.9375 = 22.4
  EXPECT_EQ(t.tWR, 16u);
  EXPECT_EQ(t.tRFC, 278u);   // 260 / 0.9375 = 277.3
  EXPECT_EQ(t.tREFI, 8320u); // 7800 / 0.9375
}

TEST(Ddr4Device, ActToReadAndWriteIsTrcd) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 7, 0);
  EXPECT_FALSE(d.canIssue(DdrCommand::Wr, kG0B0, 7, 14));
  EXPECT_TRUE(d.canIssue(DdrCommand::Wr, kG0B0, 7, 15));
  gate(d, DdrCommand::Rd, kG0B0, 7, 15);  // tRCD 15
}

TEST(Ddr4Device, ActToPreIsTras) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 7, 0);
  gate(d, DdrCommand::Pre, kG0B0, 7, 36);  // tRAS 36
}

TEST(Ddr4Device, PreToActIsTrp) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 7, 0);
  d.issue(DdrCommand::Pre, kG0B0, 7, 40);
  gate(d, DdrCommand::Act, kG0B0, 8, 55);  // 40 + tRP 15 (tRC would allow 51)
}

TEST(Ddr4Device, ActToActSameBankIsTrc) {
  auto cfg = loadDdr("ddr4-2133p-64bit-x8-4gb");
  cfg.t.tRC = 60;  // above tRAS + tRP = 51, so tRC alone binds
  Ddr4Device d(cfg);
  d.issue(DdrCommand::Act, kG0B0, 7, 0);
  d.issue(DdrCommand::Pre, kG0B0, 7, 36);
  gate(d, DdrCommand::Act, kG0B0, 8, 60);  // tRP would allow 51
}

TEST(Ddr4Device, ActToActOtherGroupIsTrrdS) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  gate(d, DdrCommand::Act, kG1B0, 1, 4);  // tRRD_S 4
}

TEST(Ddr4Device, ActToActSameGroupIsTrrdL) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  gate(d, DdrCommand::Act, kG0B1, 1, 6);  // tRRD_L 6
}

TEST(Ddr4Device, FifthActIsTfawAfterTheFirst) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG1B0, 1, 4);
  d.issue(DdrCommand::Act, kG2B0, 1, 8);
  d.issue(DdrCommand::Act, kG3B0, 1, 12);
  // tRRD_S allows 16 and tRRD_L (from bank group 0 at 0) 6; tFAW: 0 + 23.
  gate(d, DdrCommand::Act, kG0B1, 1, 23);
  // The window slides: the sixth ACT is tFAW after the second (4 + 23 = 27).
  gate(d, DdrCommand::Act, kG1B0 + 1, 1, 27);
}

TEST(Ddr4Device, ReadToReadOtherGroupIsTccdS) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG1B0, 1, 4);
  d.issue(DdrCommand::Rd, kG0B0, 1, 19);
  gate(d, DdrCommand::Rd, kG1B0, 1, 23);  // 19 + tCCD_S 4 (tRCD allows 19)
}

TEST(Ddr4Device, ReadToReadSameGroupIsTccdL) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG0B1, 1, 6);
  d.issue(DdrCommand::Rd, kG0B0, 1, 21);
  gate(d, DdrCommand::Rd, kG0B1, 1, 27);  // 21 + tCCD_L 6 (tRCD allows 21)
}

TEST(Ddr4Device, WriteToWriteOtherGroupIsTccdS) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG1B0, 1, 4);
  d.issue(DdrCommand::Wr, kG0B0, 1, 25);
  gate(d, DdrCommand::Wr, kG1B0, 1, 29);  // 25 + tCCD_S 4
}

TEST(Ddr4Device, WriteToWriteSameGroupIsTccdL) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG0B1, 1, 6);
  d.issue(DdrCommand::Wr, kG0B0, 1, 25);
  gate(d, DdrCommand::Wr, kG0B1, 1, 31);  // 25 + tCCD_L 6
}

TEST(Ddr4Device, WriteToReadOtherGroupIsTwtrS) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG1B0, 1, 4);
  d.issue(DdrCommand::Wr, kG0B0, 1, 19);
  // Write data ends at 19 + CWL 14 + 4 = 37; + tWTR_S 3.
  gate(d, DdrCommand::Rd, kG1B0, 1, 40);
}

TEST(Ddr4Device, WriteToReadSameGroupIsTwtrL) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG0B1, 1, 6);
  d.issue(DdrCommand::Wr, kG0B0, 1, 21);
  // 21 + CWL 14 + 4 + tWTR_L 8.
  gate(d, DdrCommand::Rd, kG0B1, 1, 47);
}

TEST(Ddr4Device, ReadToWriteIsTheBusTurnaround) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG1B0, 1, 4);
  d.issue(DdrCommand::Rd, kG0B0, 1, 19);
  // Read data ends at 19 + CL 15 + 4 = 38; write data may start 2 cycles
  // later, at 40 = WR + CWL 14: WR at 26 (tCCD would allow 23).
  gate(d, DdrCommand::Wr, kG1B0, 1, 26);
}

TEST(Ddr4Device, ClSetsTheReadDataAndTheTurnaround) {
  // CL 20 instead of 15: read data is out at RD + 24, and the RD->WR gate
  // moves five cycles later, to 19 + 20 + 4 + 2 - CWL 14 = 31.
  auto cfg = loadDdr("ddr4-2133p-64bit-x8-4gb");
  cfg.t.cl = 20;
  Ddr4Device d(cfg);
  EXPECT_EQ(d.readDoneCycles(), 24u);
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG1B0, 1, 4);
  d.issue(DdrCommand::Rd, kG0B0, 1, 19);
  gate(d, DdrCommand::Wr, kG1B0, 1, 31);
}

TEST(Ddr4Device, CwlSetsTheWriteTurnaroundsAndRecovery) {
  // CWL 10 instead of 14: write data ends at WR + 14, so WR->RD (other
  // group) is 19 + 14 + tWTR_S 3 = 36, and the RD->WR gap grows by four:
  // 36 + CL 15 + 4 + 2 - 10 = 47.
  auto cfg = loadDdr("ddr4-2133p-64bit-x8-4gb");
  cfg.t.cwl = 10;
  Ddr4Device d(cfg);
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG1B0, 1, 4);
  d.issue(DdrCommand::Act, kG2B0, 1, 8);
  d.issue(DdrCommand::Wr, kG0B0, 1, 19);
  gate(d, DdrCommand::Rd, kG1B0, 1, 36);
  gate(d, DdrCommand::Wr, kG2B0, 1, 47);
  // WR->PRE: 19 + CWL 10 + 4 + tWR 16 = 49.
  gate(d, DdrCommand::Pre, kG0B0, 1, 49);
}

TEST(Ddr4Device, ReadToPreIsTrtp) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Rd, kG0B0, 1, 30);
  gate(d, DdrCommand::Pre, kG0B0, 1, 38);  // 30 + tRTP 8 (tRAS allows 36)
}

TEST(Ddr4Device, WriteToPreIsTwr) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Wr, kG0B0, 1, 20);
  gate(d, DdrCommand::Pre, kG0B0, 1, 54);  // 20 + CWL 14 + 4 + tWR 16
}

TEST(Ddr4Device, RefreshNeedsPrechargedBanksAndTrp) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  EXPECT_FALSE(d.canIssue(DdrCommand::Ref, 0, 0, 40));  // bank open
  d.issue(DdrCommand::Pre, kG0B0, 1, 36);
  gate(d, DdrCommand::Ref, 0, 0, 51);  // 36 + tRP 15
}

TEST(Ddr4Device, RefreshBlocksTheRankForTrfc) {
  auto d = device2133();
  d.issue(DdrCommand::Ref, 0, 0, 100);
  EXPECT_FALSE(d.canIssue(DdrCommand::Ref, 0, 0, 377));
  gate(d, DdrCommand::Act, kG2B0, 3, 378);  // 100 + tRFC 278
  EXPECT_EQ(d.counts()[static_cast<int>(DdrCommand::Ref)], 1u);
}

TEST(Ddr4Device, OneCommandPerCycle) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Act, kG1B0, 1, 4);
  d.issue(DdrCommand::Pre, kG0B0, 1, 36);
  gate(d, DdrCommand::Act, kG2B0, 1, 37);  // tRRD_S and tFAW allow it; the command bus does not at 36
}

TEST(Ddr4Device, BankStateRules) {
  auto d = device2133();
  EXPECT_FALSE(d.canIssue(DdrCommand::Rd, kG0B0, 1, 100));  // bank closed
  EXPECT_FALSE(d.canIssue(DdrCommand::Pre, kG0B0, 1, 100)); // nothing to close
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  EXPECT_FALSE(d.canIssue(DdrCommand::Act, kG0B0, 2, 1000));  // already open
  EXPECT_FALSE(d.canIssue(DdrCommand::Rd, kG0B0, 2, 1000));   // other row
  EXPECT_TRUE(d.canIssue(DdrCommand::Rd, kG0B0, 1, 1000));
  EXPECT_THROW(d.issue(DdrCommand::Rd, kG0B0, 1, 14), ftsim::InternalError);
}

TEST(Ddr4Device, AutoPrechargeClosesAtTheFirstAllowedCycle) {
  auto d = device2133();
  d.issue(DdrCommand::Act, kG0B0, 1, 0);
  d.issue(DdrCommand::Rd, kG0B0, 1, 15);
  EXPECT_EQ(d.autoPrecharge(kG0B0), 36u);  // max(tRAS 36, 15 + tRTP 8)
  gate(d, DdrCommand::Act, kG0B0, 2, 51);  // 36 + tRP 15
}

TEST(Ddr4Device, X16PartHasTwoBankGroups) {
  // DDR4-2400R x16: CL 16, CWL 12, tRCD 16, tRRD_S 7, tRRD_L 8, tCCD_L 6, tWTR_L 9.
  Ddr4Device d(loadDdr("ddr4-2400r-64bit-x16-4gb"));
  EXPECT_EQ(d.banks(), 8);  // banks 0-3 in group 0, 4-7 in group 1
  d.issue(DdrCommand::Act, 0, 1, 0);
  gate(d, DdrCommand::Act, 1, 1, 8);   // same group: tRRD_L 8
  gate(d, DdrCommand::Act, 4, 1, 15);  // other group: 8 + tRRD_S 7
  d.issue(DdrCommand::Rd, 0, 1, 40);
  gate(d, DdrCommand::Rd, 1, 1, 46);  // same group: 40 + tCCD_L 6
  gate(d, DdrCommand::Rd, 4, 1, 50);  // other group: 46 + tCCD_S 4
}

}  // namespace

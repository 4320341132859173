// Controller policies beyond the default FR-FCFS: FCFS arbitration, the
// row-hit cap, staggered per-rank refresh and a configurable tRTRS. Each
// test gives the exact command cycles, so a policy that issued one cycle
// early (or let a younger hit pass) would fail.
//
// DDR4-2133P x8 in DDR cycles: CL 15, tRCD 15, tRP 15, tRAS 36, tRC 51,
// tRTP 8, tCCD_L 6, tREFI 8320. Default mapping row:bank:column:bankgroup:
// bank group = address bits 6-7, column 8-14, bank 15-16, row 17-31.

#include <gtest/gtest.h>

#include "models/ddr/Ddr4ControllerTiming.h"
#include "sim/config/ConfigNode.h"
#include "sim/core/Error.h"
#include "tests/DdrHarness.h"
#include "tests/Harness.h"

using ftsim::models::DdrCommand;
using ftsim::models::Ddr4ControllerTiming;
using ftsim::models::Ddr4Device;
using Cmd = ftsim::models::Ddr4ControllerTiming::CommandRecord;
using namespace ftsim::test;

namespace {

std::uint64_t addr(std::uint64_t row, std::uint64_t bank, std::uint64_t col, std::uint64_t bg) {
  return (row << 17) | (bank << 15) | (col << 8) | (bg << 6);
}

/// The key path and rule of the config error a controller section raises
/// ("(no error)" when it loads).
std::string controllerRule(const ftsim::models::Ddr4Config& dev, const std::string& yaml) {
  try {
    controllerConfig(dev, yaml);
  } catch (const ftsim::ConfigError& e) {
    return e.keyPath() + ": " + e.rule();
  }
  return std::string("(no error)");
}

std::vector<Cmd> commands(const std::vector<Txn>& txns, const std::string& yaml, int ranks = 1,
                          std::uint32_t rtrs = 1) {
  auto dev = loadDdr("ddr4-2133p-64bit-x8-4gb");
  dev.ranks = ranks;
  dev.t.tRTRS = rtrs;
  Ddr4ControllerTiming c(dev, controllerConfig(dev, yaml));
  return runTraffic(c, txns, true).commands;
}

/// Bank 0: row 0 column 0, then row 1, then row 0 column 1, 1 cycle apart.
const std::vector<Txn> kConflictThenHit{{0, false, addr(0, 0, 0, 0), 64},
                                        {1, false, addr(1, 0, 0, 0), 64},
                                        {2, false, addr(0, 0, 1, 0), 64}};

TEST(DdrPolicies, FrFcfsLetsTheYoungerHitPass) {
  // ACT 0, RD 15; the row-0 hit (younger than the row-1 request) at 15 +
  // tCCD_L 6 = 21; PRE at max(tRAS 36, RD 21 + tRTP 8) = 36, ACT 51, RD 66.
  const std::vector<Cmd> want{{0, DdrCommand::Act, 0, 0}, {15, DdrCommand::Rd, 0, 0}, {21, DdrCommand::Rd, 0, 0},
                              {36, DdrCommand::Pre, 0, 0}, {51, DdrCommand::Act, 0, 1}, {66, DdrCommand::Rd, 0, 1}};
  EXPECT_EQ(commands(kConflictThenHit, "{}"), want);
}

TEST(DdrPolicies, FcfsServesStrictlyInOrder) {
  // The row-1 request first: PRE at max(tRAS 36, RD 15 + tRTP 8 = 23) = 36,
  // ACT 51 (tRP, tRC), RD 66; then row 0 again: PRE at max(51 + 36, 66 + 8)
  // = 87, ACT 102, RD 117.
  const std::vector<Cmd> want{{0, DdrCommand::Act, 0, 0},  {15, DdrCommand::Rd, 0, 0},  {36, DdrCommand::Pre, 0, 0},
                              {51, DdrCommand::Act, 0, 1}, {66, DdrCommand::Rd, 0, 1},  {87, DdrCommand::Pre, 0, 1},
                              {102, DdrCommand::Act, 0, 0}, {117, DdrCommand::Rd, 0, 0}};
  EXPECT_EQ(commands(kConflictThenHit, "{arbitration: fcfs}"), want);
}

TEST(DdrPolicies, RowHitCap) {
  // Row 0 column 0, row 1, row 0 columns 1 and 2.
  std::vector<Txn> t = kConflictThenHit;
  t.push_back(Txn{3, false, addr(0, 0, 2, 0), 64});
  // Uncapped: three hits (RD 15, 21, 27), then PRE at max(36, 27 + 8) = 36.
  const auto open = commands(t, "{}");
  ASSERT_GE(open.size(), 5u);
  EXPECT_EQ(open[3], (Cmd{27, DdrCommand::Rd, 0, 0}));
  EXPECT_EQ(open[4], (Cmd{36, DdrCommand::Pre, 0, 0}));
  // Cap 2: after RD 15 and 21 the row-1 request goes first: PRE 36, ACT 51,
  // RD 66; then row 0's last column: PRE max(51 + 36, 66 + 8) = 87, ACT 102,
  // RD 117.
  const std::vector<Cmd> cap2{{0, DdrCommand::Act, 0, 0},  {15, DdrCommand::Rd, 0, 0},  {21, DdrCommand::Rd, 0, 0},
                              {36, DdrCommand::Pre, 0, 0}, {51, DdrCommand::Act, 0, 1}, {66, DdrCommand::Rd, 0, 1},
                              {87, DdrCommand::Pre, 0, 1}, {102, DdrCommand::Act, 0, 0}, {117, DdrCommand::Rd, 0, 0}};
  EXPECT_EQ(commands(t, "{row_hit_cap: 2}"), cap2);
  // Cap 1: one hit per ACT while another row waits: row 0 col 0 (RD 15), row
  // 1 (RD 66), row 0 col 1 (ACT 102, RD 117), and col 2 hits at 117 + 6 =
  // 123 since no other row waits any more.
  const auto cap1 = commands(t, "{row_hit_cap: 1}");
  const std::vector<Cmd> want1{{0, DdrCommand::Act, 0, 0},  {15, DdrCommand::Rd, 0, 0},   {36, DdrCommand::Pre, 0, 0},
                               {51, DdrCommand::Act, 0, 1}, {66, DdrCommand::Rd, 0, 1},   {87, DdrCommand::Pre, 0, 1},
                               {102, DdrCommand::Act, 0, 0}, {117, DdrCommand::Rd, 0, 0}, {123, DdrCommand::Rd, 0, 0}};
  EXPECT_EQ(cap1, want1);
}

TEST(DdrPolicies, BankRoundRobinBreaksTiesByBankOrder) {
  // Request 1 (cycle 0): row 0 of bank 8 (group 2): ACT 0, RD 15. Request 2
  // (cycle 1): 256 bytes of row 1 over banks 0, 4, 8, 12 (groups 0-3).
  // Banks 0, 4 and 12 can ACT from 0 + tRRD_S 4 on, four cycles apart.
  const std::vector<Txn> t{{0, false, addr(0, 0, 0, 2), 64}, {1, false, addr(1, 0, 0, 0), 256}};
  auto acts = [](const std::vector<Cmd>& v) {
    std::vector<int> banks;
    std::vector<std::uint64_t> cycles;
    for (const Cmd& c : v)
      if (c.cmd == DdrCommand::Act && c.cycle < 20) {
        banks.push_back(c.bank);
        cycles.push_back(c.cycle);
      }
    EXPECT_EQ(cycles, (std::vector<std::uint64_t>{0, 4, 8, 12}));
    return banks;
  };
  // FR-FCFS: the oldest burst first: banks 0, 4, 12.
  EXPECT_EQ(acts(commands(t, "{}")), (std::vector<int>{8, 0, 4, 12}));
  // Round robin: bank 8 was served last, so 12 has priority, then 0 and 4.
  EXPECT_EQ(acts(commands(t, "{arbitration: fr_fcfs_bank_rr}")), (std::vector<int>{8, 12, 0, 4}));
}

TEST(DdrPolicies, OpenAdaptivePage) {
  // Row 0 of bank 0 at 0, then row 1 of bank 0 at 1: the RD at 15 finds row
  // 1 queued, so it auto-precharges at max(tRAS 36, 15 + tRTP 8) = 36 with
  // no command of its own; ACT 51, RD 66 (the same cycles as an explicit
  // PRE here) and the second request counts as a miss, not a conflict.
  const std::vector<Txn> two{{0, false, addr(0, 0, 0, 0), 64}, {1, false, addr(1, 0, 0, 0), 64}};
  auto dev = loadDdr("ddr4-2133p-64bit-x8-4gb");
  Ddr4ControllerTiming c(dev, controllerConfig(dev, "{page_policy: open_adaptive}"));
  const TrafficResult r = runTraffic(c, two, true);
  const std::vector<Cmd> want{{0, DdrCommand::Act, 0, 0}, {15, DdrCommand::Rd, 0, 0}, {36, DdrCommand::Pre, 0, 0},
                              {51, DdrCommand::Act, 0, 1}, {66, DdrCommand::Rd, 0, 1}};
  EXPECT_EQ(r.commands, want);
  EXPECT_EQ(r.counters.rowConflicts, 0u);
  EXPECT_EQ(r.counters.rowMisses, 2u);
  // Nothing else queued: the row stays open (closed page would precharge it
  // at 36) and a read of it at 200 is a hit: RD at 200.
  const std::vector<Txn> later{{0, false, addr(0, 0, 0, 0), 64}, {200, false, addr(0, 0, 1, 0), 64}};
  const std::vector<Cmd> hit{{0, DdrCommand::Act, 0, 0}, {15, DdrCommand::Rd, 0, 0}, {200, DdrCommand::Rd, 0, 0}};
  EXPECT_EQ(commands(later, "{page_policy: open_adaptive}"), hit);
  const std::vector<Cmd> closed{{0, DdrCommand::Act, 0, 0},   {15, DdrCommand::Rd, 0, 0},
                                {36, DdrCommand::Pre, 0, 0},  {200, DdrCommand::Act, 0, 0},
                                {215, DdrCommand::Rd, 0, 0},  {236, DdrCommand::Pre, 0, 0}};  // 200 + tRAS
  EXPECT_EQ(commands(later, "{page_policy: closed}"), closed);
}

std::vector<Cmd> refreshes(const std::vector<Cmd>& v) {
  std::vector<Cmd> out;
  for (const Cmd& c : v)
    if (c.cmd == DdrCommand::Ref) out.push_back(c);
  return out;
}

TEST(DdrPolicies, StaggeredPerRankRefresh) {
  // Two ranks, nothing open when refresh falls due; a read at 20000 keeps
  // the run going. All-rank: both ranks at tREFI 8320 (rank 1 a command-bus
  // cycle later, 8321) and again at 16640 / 16641.
  const std::vector<Txn> t{{20000, false, 0, 64}};
  const std::vector<Cmd> all{{8320, DdrCommand::Ref, 0, 0}, {8321, DdrCommand::Ref, 16, 0},
                             {16640, DdrCommand::Ref, 0, 0}, {16641, DdrCommand::Ref, 16, 0}};
  EXPECT_EQ(refreshes(commands(t, "{}", 2)), all);
  // Staggered: rank 1 half a tREFI later, 8320 + 4160 = 12480.
  const std::vector<Cmd> staggered{{8320, DdrCommand::Ref, 0, 0}, {12480, DdrCommand::Ref, 16, 0},
                                   {16640, DdrCommand::Ref, 0, 0}};
  EXPECT_EQ(refreshes(commands(t, "{refresh: per_rank_staggered}", 2)), staggered);
}

TEST(DdrPolicies, RankSwitchSpacingTrtrs) {
  for (const std::uint32_t rtrs : {1u, 3u}) {
    auto cfg = loadDdr("ddr4-2133p-64bit-x8-4gb");
    cfg.ranks = 2;
    cfg.t.tRTRS = rtrs;
    Ddr4Device d(cfg);
    d.issue(DdrCommand::Act, 0, 0, 0);
    d.issue(DdrCommand::Act, 16, 0, 1);  // rank 1, bank 0
    d.issue(DdrCommand::Rd, 0, 0, 15);
    // The other rank's RD waits for the burst (4) and tRTRS: 15 + 4 + tRTRS.
    const std::uint64_t c = 15 + 4 + rtrs;
    EXPECT_FALSE(d.canIssue(DdrCommand::Rd, 16, 0, c - 1)) << rtrs;
    EXPECT_TRUE(d.canIssue(DdrCommand::Rd, 16, 0, c)) << rtrs;
  }
}

TEST(DdrPolicies, ConfigKeys) {
  const auto dev = loadDdr("ddr4-2133p-64bit-x8-4gb");
  const auto c = controllerConfig(dev, "{arbitration: fcfs, refresh: per_rank_staggered}");
  EXPECT_EQ(c.arbitration, ftsim::models::Arbitration::Fcfs);
  EXPECT_EQ(c.refresh, ftsim::models::RefreshPolicy::PerRankStaggered);
  EXPECT_EQ(controllerConfig(dev, "{row_hit_cap: 4}").rowHitCap, 4);
  const auto rule = [&](const std::string& yaml) { return controllerRule(dev, yaml); };
  EXPECT_NE(rule("{arbitration: lifo}").find("arbitration: must be one of"), std::string::npos);
  EXPECT_EQ(controllerConfig(dev, "{arbitration: fr_fcfs_bank_rr}").arbitration,
            ftsim::models::Arbitration::FrFcfsBankRoundRobin);
  EXPECT_EQ(controllerConfig(dev, "{page_policy: open_adaptive}").pagePolicy, ftsim::models::PagePolicy::OpenAdaptive);
  EXPECT_NE(rule("{arbitration: fcfs, row_hit_cap: 2}").find("row_hit_cap: applies to FR-FCFS arbitration only"),
            std::string::npos);
  EXPECT_NE(rule("{refresh: per_row}").find("refresh: must be one of"), std::string::npos);
  // DDR4 has no per-bank refresh command (LPDDR4 and HBM2 do: TestLpddr4Hbm2.cpp).
  EXPECT_NE(rule("{refresh: per_bank}").find("refresh: the device has no per-bank refresh command"), std::string::npos);
  EXPECT_NE(rule("{row_hit_cap: -1}").find("row_hit_cap: must be >= 0"), std::string::npos);
  EXPECT_NE(rule("{write_queue_bursts: 8, write_high_watermark_bursts: 6, write_low_watermark_bursts: 2, "
                 "write_idle_drain_bursts: 9}")
                .find("write_idle_drain_bursts: must be <= write_queue_bursts (8)"),
            std::string::npos);
  EXPECT_TRUE(controllerConfig(dev, "{read_forwarding: true}").readForwarding);
}

TEST(DdrPolicies, WriteIdleDrainThreshold) {
  // Three writes to bank 0 row 0 (columns 0-2) at cycles 0-2 and no read.
  // Default (threshold 1): a write goes as soon as it is queued: ACT 0, WR
  // at tRCD 15, 15 + tCCD_L 6 = 21, 27.
  std::vector<Txn> w{{0, true, addr(0, 0, 0, 0), 64}, {1, true, addr(0, 0, 1, 0), 64}, {2, true, addr(0, 0, 2, 0), 64}};
  const std::vector<Cmd> eager{{0, DdrCommand::Act, 0, 0}, {15, DdrCommand::Wr, 0, 0}, {21, DdrCommand::Wr, 0, 0},
                               {27, DdrCommand::Wr, 0, 0}};
  EXPECT_EQ(commands(w, "{}"), eager);
  // Threshold 4: the three wait until a fourth arrives at 100: ACT at 100
  // (not 99), WRs at 115, 121, 127, 133.
  w.push_back(Txn{100, true, addr(0, 0, 3, 0), 64});
  const std::vector<Cmd> idle{{100, DdrCommand::Act, 0, 0}, {115, DdrCommand::Wr, 0, 0}, {121, DdrCommand::Wr, 0, 0},
                              {127, DdrCommand::Wr, 0, 0},  {133, DdrCommand::Wr, 0, 0}};
  EXPECT_EQ(commands(w, "{write_idle_drain_bursts: 4}"), idle);
  // Fewer than the threshold are still written at the end of the run.
  w.pop_back();
  const std::vector<Cmd> flushed = commands(w, "{write_idle_drain_bursts: 4}");
  ASSERT_EQ(flushed.size(), 4u);
  EXPECT_EQ(flushed[0], (Cmd{2, DdrCommand::Act, 0, 0}));  // the end of the run comes after the last arrival (2)
}

TEST(DdrPolicies, ReadForwardingFromTheWriteQueue) {
  // A write of bank 0 row 0 column 0 held in the queue (idle threshold 4),
  // then a read of that burst at 10 and of column 1 at 20.
  const std::vector<Txn> t{{0, true, addr(0, 0, 0, 0), 64}, {10, false, addr(0, 0, 0, 0), 64},
                           {20, false, addr(0, 0, 1, 0), 64}};
  auto dev = loadDdr("ddr4-2133p-64bit-x8-4gb");
  // Forwarding: the first read is answered on its entry cycle, 10, with no
  // command; the second: ACT 20, RD 35, data out 35 + CL 15 + 4 = 54.
  Ddr4ControllerTiming f(dev, controllerConfig(dev, "{write_idle_drain_bursts: 4, read_forwarding: true}"));
  const TrafficResult a = runTraffic(f, t, true);
  EXPECT_EQ(a.completed[1], 10u);
  EXPECT_EQ(a.completed[2], 54u);
  EXPECT_EQ(f.forwardedReads(), 1u);
  EXPECT_EQ(a.counters.reads, 1u);
  EXPECT_TRUE(a.boundsHeld);
  // Without: ACT 10, RD 25 (done 25 + 19 = 44), RD 31 (tCCD_L; done 50).
  Ddr4ControllerTiming n(dev, controllerConfig(dev, "{write_idle_drain_bursts: 4}"));
  const TrafficResult b = runTraffic(n, t, true);
  EXPECT_EQ(b.completed[1], 44u);
  EXPECT_EQ(b.completed[2], 50u);
  EXPECT_EQ(b.counters.reads, 2u);
}

ftsim::models::Ddr4Config loadDdrWith(const std::string& name, const std::vector<std::string>& sets) {
  auto root = ftsim::config::ConfigNode::loadFile(sourceDir() + "/configs/ddr/" + name + ".yaml");
  for (const std::string& s : sets) root.applyOverride(s);
  return ftsim::models::Ddr4Config::fromYaml(root.at("board").at("ddr"));
}

TEST(DdrPolicies, RankSwitchSpacingPerPair) {
  // Two ranks of DDR4-2133P (CL 15, CWL 14, BL/2 4). Defaults: tRTRS 1 for
  // every pair but RD→WR, which adds 0 to one rank's turnaround.
  auto cfg = loadDdr("ddr4-2133p-64bit-x8-4gb");
  cfg.ranks = 2;
  auto run = [&](std::int32_t wrRd, std::uint32_t rdWr, std::int32_t wrWr) {
    auto c = cfg;
    c.t.tRTRS_WrRd = wrRd;
    c.t.tRTRS_RdWr = rdWr;
    c.t.tRTRS_WrWr = wrWr;
    Ddr4Device d(c);
    d.issue(DdrCommand::Act, 0, 0, 0);
    d.issue(DdrCommand::Act, 16, 0, 4);  // rank 1, bank 0 (tRRD_S is per rank)
    d.issue(DdrCommand::Wr, 0, 0, 15);
    // WR rank 0 → RD rank 1: data end 15 + 14 + 4 = 33, + gap, − CL 15.
    const std::uint64_t rd = 33 + static_cast<std::uint64_t>(wrRd < 0 ? 1 : wrRd) - 15;
    const std::uint64_t rdAt = std::max<std::uint64_t>(rd, 19);  // tRCD of rank 1's ACT at 4
    EXPECT_FALSE(d.canIssue(DdrCommand::Rd, 16, 0, rdAt - 1)) << wrRd;
    EXPECT_TRUE(d.canIssue(DdrCommand::Rd, 16, 0, rdAt)) << wrRd;
    // WR rank 0 → WR rank 1: 15 + 4 + gap.
    const std::uint64_t wr = 15 + 4 + static_cast<std::uint64_t>(wrWr < 0 ? 1 : wrWr);
    EXPECT_FALSE(d.canIssue(DdrCommand::Wr, 16, 0, wr - 1)) << wrWr;
    EXPECT_TRUE(d.canIssue(DdrCommand::Wr, 16, 0, wr)) << wrWr;
    d.issue(DdrCommand::Rd, 16, 0, std::max(rdAt, wr) + 10);
    // RD rank 1 at r → WR rank 0: r + CL 15 + 4 + 2 − CWL 14 + the RD→WR gap.
    const std::uint64_t r = std::max(rdAt, wr) + 10;
    const std::uint64_t w = r + 15 + 4 + 2 - 14 + rdWr;
    EXPECT_FALSE(d.canIssue(DdrCommand::Wr, 0, 0, w - 1)) << rdWr;
    EXPECT_TRUE(d.canIssue(DdrCommand::Wr, 0, 0, w)) << rdWr;
  };
  run(-1, 0, -1);  // RD at max(33 + 1 − 15 = 19, 19); WR at 20; WR→ rank 0 at r + 7
  run(6, 3, 5);    // RD at 33 + 6 − 15 = 24; WR at 15 + 4 + 5 = 24; WR at r + 10
  // The keys, each in cycles.
  const auto d = loadDdrWith("ddr4-2133p-64bit-x8-4gb",
                             {"board.ddr.timing.t_rtrs_wr_rd_cycles=6", "board.ddr.timing.t_rtrs_rd_wr_cycles=3",
                              "board.ddr.timing.t_rtrs_rd_rd_cycles=2"});
  EXPECT_EQ(d.t.tRTRS_WrRd, 6);
  EXPECT_EQ(d.t.tRTRS_RdWr, 3u);
  EXPECT_EQ(d.t.rankSwitch(d.t.tRTRS_RdRd), 2u);
  EXPECT_EQ(d.t.rankSwitch(d.t.tRTRS_WrWr), 1u);  // not set: tRTRS
}

}  // namespace

TEST(DdrPolicies, PerBankQueuesHoldTheOtherBanksBehindAFullBankQueue) {
  // Four 64-byte reads of bank 0 (group 0) row 0, columns 0-3, at cycles
  // 0-3, then one of bank 4 (group 1, bank 0) at cycle 4.
  const std::vector<Txn> t{{0, false, addr(0, 0, 0, 0), 64}, {1, false, addr(0, 0, 1, 0), 64},
                           {2, false, addr(0, 0, 2, 0), 64}, {3, false, addr(0, 0, 3, 0), 64},
                           {4, false, addr(0, 0, 0, 1), 64}};
  // Shared queues: every burst is a candidate on entry. ACT 0 at 0, ACT 4
  // at 0 + tRRD_S 4 = 4; RD 0 at tRCD 15, RD 4 at max(4 + 15, 15 + tCCD_S
  // 4) = 19, then bank 0 at max(15 + tCCD_L 6, 19 + 4) = 23, 29, 35.
  const std::vector<Cmd> shared{{0, DdrCommand::Act, 0, 0},  {4, DdrCommand::Act, 4, 0}, {15, DdrCommand::Rd, 0, 0},
                                {19, DdrCommand::Rd, 4, 0},  {23, DdrCommand::Rd, 0, 0}, {29, DdrCommand::Rd, 0, 0},
                                {35, DdrCommand::Rd, 0, 0}};
  EXPECT_EQ(commands(t, "{}"), shared);
  EXPECT_EQ(commands(t, "{queues: {impl: shared, read_bursts: 32, write_bursts: 32}}"), shared);
  // Per bank, 2 entries per bank queue: bursts 0 and 1 fill bank 0's queue,
  // 2 and 3 wait at the head of the transaction queue and bank 4's burst
  // behind them. RD 15 moves burst 2 in; RD 21 (15 + tCCD_L) moves burst 3
  // and, now at the head, bank 4's burst: a candidate from 22, so its ACT
  // is at 22 (refused at 21, before the RD that let it in). Bank 0: RD 27,
  // 33; bank 4: RD 22 + tRCD 15 = 37.
  const std::vector<Cmd> two{{0, DdrCommand::Act, 0, 0},  {15, DdrCommand::Rd, 0, 0}, {21, DdrCommand::Rd, 0, 0},
                             {22, DdrCommand::Act, 4, 0}, {27, DdrCommand::Rd, 0, 0}, {33, DdrCommand::Rd, 0, 0},
                             {37, DdrCommand::Rd, 4, 0}};
  EXPECT_EQ(commands(t, "{queues: {impl: per_bank, transaction_bursts: 4, bank_bursts: 2}}"), two);
  // 3 entries per bank queue: only burst 3 waits; RD 15 moves it and then
  // bank 4's burst in, so ACT 4 at 16 (one cycle after the RD, not at 4).
  // Bank 0: RD 21, 27; bank 4: RD 16 + 15 = 31; bank 0's last at max(27 + 6,
  // 31 + tCCD_S 4) = 35.
  const std::vector<Cmd> three{{0, DdrCommand::Act, 0, 0},  {15, DdrCommand::Rd, 0, 0}, {16, DdrCommand::Act, 4, 0},
                               {21, DdrCommand::Rd, 0, 0},  {27, DdrCommand::Rd, 0, 0}, {31, DdrCommand::Rd, 4, 0},
                               {35, DdrCommand::Rd, 0, 0}};
  EXPECT_EQ(commands(t, "{queues: {impl: per_bank, transaction_bursts: 4, bank_bursts: 3}}"), three);
}

TEST(DdrPolicies, PerBankQueuesBackPressureTheRequestStage) {
  // The same five reads with a one-entry transaction queue and two entries
  // per bank: burst 2 waits in the transaction queue, so burst 3 (cycle 3)
  // stays in the request stage until RD 15 moves burst 2 on: its END_REQ
  // at 16. Bank 4's burst is then offered at 16, finds the transaction
  // queue full (burst 3) and enters after RD 21 moves burst 3 on: END_REQ
  // and candidate at 22, ACT 22 — the commands of the four-entry case.
  const std::vector<Txn> t{{0, false, addr(0, 0, 0, 0), 64}, {1, false, addr(0, 0, 1, 0), 64},
                           {2, false, addr(0, 0, 2, 0), 64}, {3, false, addr(0, 0, 3, 0), 64},
                           {4, false, addr(0, 0, 0, 1), 64}};
  auto dev = loadDdr("ddr4-2133p-64bit-x8-4gb");
  Ddr4ControllerTiming c(dev, controllerConfig(dev, "{queues: {impl: per_bank, transaction_bursts: 1, bank_bursts: 2}}"));
  const TrafficResult r = runTraffic(c, t, true);
  EXPECT_TRUE(r.boundsHeld);
  EXPECT_EQ(r.accepted[2], 2u);
  EXPECT_EQ(r.accepted[3], 16u);
  EXPECT_EQ(r.accepted[4], 22u);
  ASSERT_EQ(r.commands.size(), 7u);
  EXPECT_EQ(r.commands[3], (Cmd{22, DdrCommand::Act, 4, 0}));
  // Data of bank 4's burst out at RD 37 + CL 15 + 4 = 56.
  EXPECT_EQ(r.completed[4], 56u);
}

TEST(DdrPolicies, QueueStructureKeys) {
  const auto dev = loadDdr("ddr4-2133p-64bit-x8-4gb");
  const auto p = controllerConfig(dev, "{queues: {impl: per_bank, transaction_bursts: 16, bank_bursts: 3}}");
  EXPECT_EQ(p.queues, ftsim::models::QueueStructure::PerBank);
  EXPECT_EQ(p.transactionQueueBursts, 16);
  EXPECT_EQ(p.bankQueueBursts, 3);
  const auto s = controllerConfig(dev, "{queues: {impl: shared, read_bursts: 12, write_bursts: 30}}");
  EXPECT_EQ(s.queues, ftsim::models::QueueStructure::Shared);
  EXPECT_EQ(s.readQueueBursts, 12);
  EXPECT_EQ(s.writeQueueBursts, 30);
  const auto rule = [&](const std::string& yaml) { return controllerRule(dev, yaml); };
  EXPECT_NE(rule("{queues: {impl: fifo}}").find("queues.impl: must be one of"), std::string::npos);
  EXPECT_NE(rule("{queues: 3}").find("queues: must be a map"), std::string::npos);
  EXPECT_NE(rule("{queues: {impl: per_bank, bank_bursts: 0}}").find("queues.bank_bursts: must be >= 1"),
            std::string::npos);
  EXPECT_NE(rule("{queues: {impl: per_bank, transaction_bursts: 300}}").find("queues.transaction_bursts: must be <= 256"),
            std::string::npos);
  EXPECT_EQ(rule("{read_queue_bursts: 8, queues: {impl: per_bank}}"),
            "read_queue_bursts: applies to the shared queues only (queues.impl is per_bank)");
  EXPECT_EQ(rule("{write_queue_bursts: 8, queues: {impl: shared, write_bursts: 16}}"),
            "write_queue_bursts: given twice: also as queues.write_bursts");
  // The legacy keys and the queues map name the same shared queues.
  EXPECT_EQ(controllerConfig(dev, "{read_queue_bursts: 12, queues: {impl: shared}}").readQueueBursts, 12);
}

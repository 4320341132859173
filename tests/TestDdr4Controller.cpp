// The DDR4 controller core (plain C++): exact command cycles of small cases,
// FR-FCFS, write draining, refresh, back-pressure, page policies, address
// mapping, and the equivalence of the event-driven core, its fast path and
// a per-cycle reference on random traffic.
//
// DDR4-2133P x8, in DDR cycles: CL 15, CWL 14, tRCD 15, tRP 15, tRAS 36,
// tRRD_S 4, tCCD_S 4, tCCD_L 6, tRTP 8, tRFC 278, tREFI 8320; a burst holds
// the data bus 4 cycles, so a read completes CL + 4 = 19 cycles after its RD.
// Default mapping row:bank:column:bankgroup: bank group = address bits 6-7,
// column (above the burst) 8-14, bank 15-16, row 17-31.

#include <gtest/gtest.h>

#include "models/ddr/Ddr4ControllerTiming.h"
#include "sim/core/Error.h"
#include "tests/DdrHarness.h"

using ftsim::models::AddressMapping;
using ftsim::models::DdrCommand;
using ftsim::models::Ddr4ControllerTiming;
using Cmd = ftsim::models::Ddr4ControllerTiming::CommandRecord;
using namespace ftsim::test;

namespace {

const auto kDev = [] { return loadDdr("ddr4-2133p-64bit-x8-4gb"); };

std::uint64_t addr(std::uint64_t row, std::uint64_t bank, std::uint64_t col, std::uint64_t bg) {
  return (row << 17) | (bank << 15) | (col << 8) | (bg << 6);
}

TrafficResult run(const std::vector<Txn>& txns, const std::string& yaml = "{}",
                  const std::string& ddr = "ddr4-2133p-64bit-x8-4gb") {
  const auto dev = loadDdr(ddr);
  Ddr4ControllerTiming c(dev, controllerConfig(dev, yaml));
  return runTraffic(c, txns, true);
}

std::vector<Cmd> only(const std::vector<Cmd>& v, DdrCommand cmd) {
  std::vector<Cmd> out;
  for (const auto& c : v)
    if (c.cmd == cmd) out.push_back(c);
  return out;
}

TEST(Ddr4Controller, ReadOfAClosedBank) {
  const auto r = run({Txn{0, false, 0, 64}});
  // ACT at 0, RD at tRCD = 15, data out at 15 + CL 15 + 4 = 34.
  const std::vector<Cmd> want{{0, DdrCommand::Act, 0, 0}, {15, DdrCommand::Rd, 0, 0}};
  EXPECT_EQ(r.commands, want);
  EXPECT_EQ(r.completed[0], 34u);
  EXPECT_EQ(r.counters.rowMisses, 1u);
}

TEST(Ddr4Controller, SequentialReadIsPacedByTccdS) {
  const auto dev = kDev();
  Ddr4ControllerTiming c(dev, controllerConfig(dev));
  const auto r = runTraffic(c, {Txn{0, false, 0, 4096}}, true);
  // 64 bursts cycling through the four bank groups (bank 0 of each): ACTs
  // at 0, 4, 8, 12 (tRRD_S), the first RD at tRCD = 15, then one RD every
  // tCCD_S = 4 cycles (a group recurs every 16 >= tCCD_L): burst i at
  // 15 + 4i, the last at 267, its data out at 267 + 19 = 286.
  const auto acts = only(r.commands, DdrCommand::Act);
  ASSERT_EQ(acts.size(), 4u);
  for (int g = 0; g < 4; ++g) EXPECT_EQ(acts[g].cycle, 4u * g);
  const auto rds = only(r.commands, DdrCommand::Rd);
  ASSERT_EQ(rds.size(), 64u);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(rds[i].cycle, 15u + 4u * i) << i;
  EXPECT_EQ(r.completed[0], 286u);
  // 32 bursts fit the read queue at once; burst 32 + k enters the cycle
  // after the RD of burst k frees its entry, so the last (k = 31, RD at
  // 15 + 124 = 139) enters at 140: END_REQ then.
  EXPECT_EQ(r.accepted[0], 140u);
  EXPECT_EQ(r.counters.rowHits, 60u);
  EXPECT_EQ(r.counters.rowMisses, 4u);
  // Every RD but the first (which waits for tRCD) is ready at the column
  // floor, so the fast path issues at least 63 of them (the first too when
  // the core is advanced past tRCD before deciding it, as the driver does).
  EXPECT_GE(c.fastDecisions(), 63u);
  EXPECT_TRUE(r.boundsHeld);
}

TEST(Ddr4Controller, BackPressureHoldsTheRequestUntilItFits) {
  // A 1 KB read (16 bursts) with a 4-entry read queue: bursts 0-3 enter at
  // 0, burst 4 + k the cycle after the RD of burst k. RDs keep the 15 + 4i
  // pace, so burst 15 enters after the RD of burst 11 at 15 + 44 = 59: END_REQ
  // at 60; the last RD at 15 + 60 = 75, data out at 94.
  const auto r = run({Txn{0, false, 0, 1024}},
                     "{read_queue_bursts: 4, write_queue_bursts: 4, write_high_watermark_bursts: 3, "
                     "write_low_watermark_bursts: 1}");
  EXPECT_EQ(r.accepted[0], 60u);
  EXPECT_EQ(r.completed[0], 94u);
  // With the default 32-entry queue it is accepted on arrival.
  EXPECT_EQ(run({Txn{0, false, 0, 1024}}).accepted[0], 0u);
}

TEST(Ddr4Controller, RowHitGoesBeforeAnOlderConflict) {
  // Read row 0 of bank 0 (done at 34); at 100 a read of row 1 (conflict)
  // arrives, then in the same cycle a read of row 0 (hit). FR-FCFS serves
  // the hit first: RD at 100, data at 119. Then PRE at max(tRAS 36, 100 +
  // tRTP 8) = 108, ACT at 108 + tRP 15 = 123, RD at 138, data at 157.
  const auto r = run({Txn{0, false, addr(0, 0, 0, 0), 64}, Txn{100, false, addr(1, 0, 0, 0), 64},
                      Txn{100, false, addr(0, 0, 1, 0), 64}});
  EXPECT_EQ(r.completed[2], 119u);
  EXPECT_EQ(r.completed[1], 157u);
  const std::vector<Cmd> want{{0, DdrCommand::Act, 0, 0},   {15, DdrCommand::Rd, 0, 0},
                              {100, DdrCommand::Rd, 0, 0},  {108, DdrCommand::Pre, 0, 0},
                              {123, DdrCommand::Act, 0, 1}, {138, DdrCommand::Rd, 0, 1}};
  EXPECT_EQ(r.commands, want);
  EXPECT_EQ(r.counters.rowHits, 1u);
  EXPECT_EQ(r.counters.rowMisses, 1u);
  EXPECT_EQ(r.counters.rowConflicts, 1u);
}

TEST(Ddr4Controller, WritesWaitForReadsBelowTheHighWatermark) {
  // A 2 KB read (32 bursts, fills the read queue) and 23 one-burst writes,
  // all at cycle 0: 23 < high watermark 24, so every read goes first.
  std::vector<Txn> t{Txn{0, false, addr(0, 0, 0, 0), 2048}};
  for (int i = 0; i < 23; ++i) t.push_back(Txn{0, true, addr(2, 1, static_cast<std::uint64_t>(i), 0), 64});
  const auto r = run(t);
  const auto rds = only(r.commands, DdrCommand::Rd);
  const auto wrs = only(r.commands, DdrCommand::Wr);
  ASSERT_EQ(wrs.size(), 23u);
  EXPECT_GT(wrs.front().cycle, rds.back().cycle);
  for (int i = 1; i <= 23; ++i) EXPECT_EQ(r.completed[i], 0u);  // posted
}

TEST(Ddr4Controller, WritesDrainFromHighToLowWatermark) {
  // As above with a 24th write at cycle 40: the write queue reaches the
  // high watermark, so writes go ahead of the reads until 8 are left:
  // exactly 16 WRs, back to back, between the RDs.
  std::vector<Txn> t{Txn{0, false, addr(0, 0, 0, 0), 2048}};
  for (int i = 0; i < 23; ++i) t.push_back(Txn{0, true, addr(2, 1, static_cast<std::uint64_t>(i), 0), 64});
  t.push_back(Txn{40, true, addr(2, 1, 23, 0), 64});
  const auto r = run(t);
  std::vector<DdrCommand> cols;
  std::uint64_t firstWr = 0;
  for (const auto& c : r.commands) {
    if (c.cmd != DdrCommand::Rd && c.cmd != DdrCommand::Wr) continue;
    if (c.cmd == DdrCommand::Wr && !firstWr) firstWr = c.cycle;
    cols.push_back(c.cmd);
  }
  std::size_t i = 0;
  while (cols[i] == DdrCommand::Rd) ++i;
  const std::size_t readsBefore = i;
  while (i < cols.size() && cols[i] == DdrCommand::Wr) ++i;
  EXPECT_EQ(i - readsBefore, 16u);
  EXPECT_GT(readsBefore, 0u);
  EXPECT_LT(readsBefore, 32u);
  EXPECT_GE(firstWr, 40u);
  // Then the reads finish before the last 8 writes.
  while (i < cols.size() && cols[i] == DdrCommand::Rd) ++i;
  EXPECT_EQ(cols.size() - i, 8u);
}

TEST(Ddr4Controller, WriteIsPostedAndIssuedWhenNoReadWaits) {
  const auto r = run({Txn{0, true, 0, 64}});
  EXPECT_EQ(r.completed[0], 0u);
  const std::vector<Cmd> want{{0, DdrCommand::Act, 0, 0}, {15, DdrCommand::Wr, 0, 0}};
  EXPECT_EQ(r.commands, want);
}

TEST(Ddr4Controller, RefreshEveryTrefiWhenIdle) {
  const auto dev = kDev();
  Ddr4ControllerTiming c(dev, controllerConfig(dev));
  std::vector<Cmd> trace;
  c.recordCommands(&trace);
  c.advance(3 * 8320 + 1);
  const std::vector<Cmd> want{{8320, DdrCommand::Ref, 0, 0}, {16640, DdrCommand::Ref, 0, 0},
                              {24960, DdrCommand::Ref, 0, 0}};
  EXPECT_EQ(trace, want);
}

TEST(Ddr4Controller, RefreshClosesOpenRowsAndBlocksForTrfc) {
  // Read at 0 leaves bank 0 open. Refresh due at tREFI = 8320: PRE at 8320,
  // REF at 8320 + tRP 15 = 8335. A read arriving at 8330 waits for tRFC:
  // ACT at 8335 + 278 = 8613, RD at 8628, data at 8647. The next refresh is
  // due at 2 tREFI = 16640, not tREFI after this one.
  const auto r = run({Txn{0, false, 0, 64}, Txn{8330, false, 64, 64}, Txn{16000, false, 128, 64}});
  EXPECT_EQ(r.completed[1], 8647u);
  const auto refs = only(r.commands, DdrCommand::Ref);
  ASSERT_EQ(refs.size(), 1u);  // the run ends (drained) before 16640
  EXPECT_EQ(refs[0].cycle, 8335u);
  const auto pres = only(r.commands, DdrCommand::Pre);
  ASSERT_GE(pres.size(), 1u);
  EXPECT_EQ(pres[0].cycle, 8320u);
  EXPECT_EQ(r.counters.refreshes, 1u);
}

TEST(Ddr4Controller, ClosedPageAutoPrechargesTheLastAccess) {
  // Two reads of one row, 100 cycles apart. Open page: the second is a row
  // hit, RD at 100, data at 119. Closed page: the first RD auto-precharges
  // at max(tRAS 36, 15 + tRTP 8) = 36, so the second needs ACT at 100, RD
  // at 115, data at 134.
  const std::vector<Txn> t{Txn{0, false, 0, 64}, Txn{100, false, 256, 64}};
  EXPECT_EQ(run(t).completed[1], 119u);
  const auto closed = run(t, "{page_policy: closed}");
  EXPECT_EQ(closed.completed[1], 134u);
  EXPECT_EQ(closed.counters.precharges, 2u);
  EXPECT_EQ(closed.commands[2].cycle, 36u);
  EXPECT_EQ(closed.commands[2].cmd, DdrCommand::Pre);
  EXPECT_EQ(closed.counters.rowHits, 0u);
}

TEST(Ddr4Controller, ClosedPageKeepsARowOpenForQueuedHits) {
  // Two reads of one row of bank 0 queued together: the first RD (at 15)
  // leaves the row open for the second (at 15 + tCCD_L 6 = 21), which
  // auto-precharges it at tRAS = 36.
  const auto r = run({Txn{0, false, 0, 64}, Txn{0, false, 256, 64}}, "{page_policy: closed}");
  EXPECT_EQ(r.counters.rowHits, 1u);
  EXPECT_EQ(r.counters.activates, 1u);
  EXPECT_EQ(r.counters.precharges, 1u);
}

TEST(AddressMapping, DefaultInterleavesBankGroupsPerBurst) {
  const auto dev = kDev();
  const AddressMapping& m = controllerConfig(dev).mapping;
  EXPECT_EQ(m.text(), "row[15]:bank[2]:column[7]:bankgroup[2]");
  const auto a = m.decode(addr(1234, 3, 77, 2) + 63);
  EXPECT_EQ(a.row, 1234u);
  EXPECT_EQ(a.bank, 3);
  EXPECT_EQ(a.bankGroup, 2);
  EXPECT_EQ(a.column, 77u * 8);  // burst columns are the three lowest
  EXPECT_EQ(m.decode(64).bankGroup, 1);
}

TEST(AddressMapping, LinearAndBankInterleavedOrders) {
  const auto dev = kDev();
  // row:bank:bankgroup:column: a whole 8 KB row of one bank is contiguous.
  const auto lin = controllerConfig(dev, "{address_mapping: 'row:bank:bankgroup:column'}").mapping;
  EXPECT_EQ(lin.decode(8191).bankGroup, 0);
  EXPECT_EQ(lin.decode(8191).column, 1016u);
  EXPECT_EQ(lin.decode(8192).bankGroup, 1);
  EXPECT_EQ(lin.decode(4 * 8192).bank, 1);
  // row:column:bank:bankgroup: 16 consecutive bursts hit all 16 banks.
  const auto inter = controllerConfig(dev, "{address_mapping: 'row:column:bank:bankgroup'}").mapping;
  EXPECT_EQ(inter.decode(4 * 64).bank, 1);
  EXPECT_EQ(inter.decode(16 * 64).column, 8u);
  EXPECT_EQ(inter.decode(1ULL << 17).row, 1u);
}

TEST(AddressMapping, RotationBlocks) {
  const auto dev = kDev();
  // Bank group lowest: blocks of 2^(2 group + 7 column bits) bursts share rank, bank and row.
  EXPECT_EQ(controllerConfig(dev).mapping.rotationBits(), 9);
  // Bank above the groups: blocks of 4 bursts, one per group.
  EXPECT_EQ(controllerConfig(dev, "{address_mapping: 'row:column:bank:bankgroup'}").mapping.rotationBits(), 2);
  // Column lowest, or a split field: no blocks (bursts one by one).
  EXPECT_EQ(controllerConfig(dev, "{address_mapping: 'row:bank:bankgroup:column'}").mapping.rotationBits(), 0);
  EXPECT_EQ(controllerConfig(dev, "{address_mapping: 'row:column[4]:bank:column:bankgroup'}").mapping.rotationBits(),
            0);
}

TEST(AddressMapping, SplitField) {
  const auto dev = kDev();
  // column[4] above the banks, the other 3 column bits below them: bank
  // group at address bits 6-7, column 0-2 at 8-10, bank 11-12, column 3-6 at 13-16.
  const auto m = controllerConfig(dev, "{address_mapping: 'row:column[4]:bank:column:bankgroup'}").mapping;
  EXPECT_EQ(m.text(), "row[15]:column[4]:bank[2]:column[3]:bankgroup[2]");
  EXPECT_EQ(m.decode(7ULL << 8).column, 7u * 8);
  EXPECT_EQ(m.decode(1ULL << 13).column, 8u * 8);  // bit 13 = low bit of column[4]
  EXPECT_EQ(m.decode(1ULL << 11).bank, 1);
}

// ------------------------------------------------------------ equivalence

struct Case {
  const char* name;
  const char* ddr;
  const char* yaml;
  std::uint64_t maxBytes, maxGap;
  bool unaligned;
};

void expectSame(const TrafficResult& a, const TrafficResult& b) {
  for (std::size_t i = 0; i < std::min(a.commands.size(), b.commands.size()); ++i)
    ASSERT_EQ(a.commands[i], b.commands[i]) << "command " << i << ": " << toString(a.commands[i].cmd) << " at "
                                            << a.commands[i].cycle << " vs " << toString(b.commands[i].cmd)
                                            << " at " << b.commands[i].cycle;
  ASSERT_EQ(a.commands.size(), b.commands.size());
  EXPECT_EQ(a.completed, b.completed);
  EXPECT_EQ(a.accepted, b.accepted);
  EXPECT_EQ(a.counters.rowHits, b.counters.rowHits);
  EXPECT_EQ(a.counters.rowMisses, b.counters.rowMisses);
  EXPECT_EQ(a.counters.rowConflicts, b.counters.rowConflicts);
}

void checkEquivalence(const Case& c, std::uint32_t seed, int n) {
  const auto dev = loadDdr(c.ddr);
  const auto cfg = controllerConfig(dev, c.yaml);
  auto slowCfg = cfg;
  slowCfg.fastPath = false;
  const auto traffic = randomTraffic(seed, n, c.maxBytes, c.maxGap, c.unaligned);
  Ddr4ControllerTiming fast(dev, cfg), ahead(dev, cfg), slow(dev, slowCfg);
  PerCycleController ref(dev, cfg);
  const auto a = runTraffic(fast, traffic, true);
  const auto aa = runTraffic(ahead, traffic, true, true);
  const auto b = runTraffic(slow, traffic, true);
  const auto r = runTraffic(ref, traffic);
  SCOPED_TRACE(std::string(c.name) + " seed " + std::to_string(seed));
  EXPECT_TRUE(a.boundsHeld);
  EXPECT_TRUE(aa.boundsHeld);
  EXPECT_TRUE(b.boundsHeld);
  expectSame(a, b);
  expectSame(aa, b);
  expectSame(b, r);
  // Refresh was exercised.
  EXPECT_GT(a.counters.refreshes, 0u);
  if (cfg.fastPath && cfg.pagePolicy == ftsim::models::PagePolicy::Open) {
    EXPECT_GT(fast.fastDecisions(), 0u);
  }
}

const Case kCases[] = {
    {"default", "ddr4-2133p-64bit-x8-4gb", "{}", 4096, 300, false},
    {"small queues, unaligned", "ddr4-2133p-64bit-x8-4gb",
     "{read_queue_bursts: 6, write_queue_bursts: 5, write_high_watermark_bursts: 4, write_low_watermark_bursts: 1}",
     1024, 120, true},
    {"closed page", "ddr4-2133p-64bit-x8-4gb", "{page_policy: closed}", 2048, 200, false},
    {"bank interleaved, x16", "ddr4-2400r-64bit-x16-4gb", "{address_mapping: 'row:column:bank:bankgroup'}", 4096,
     300, true},
    {"linear", "ddr4-2133p-64bit-x8-4gb", "{address_mapping: 'row:bank:bankgroup:column'}", 8192, 400, false},
    {"per-bank queues, small", "ddr4-2133p-64bit-x8-4gb",
     "{queues: {impl: per_bank, transaction_bursts: 6, bank_bursts: 2}, write_high_watermark_bursts: 6, "
     "write_low_watermark_bursts: 2}",
     1024, 120, true},
    {"per-bank queues", "ddr4-2133p-64bit-x8-4gb", "{queues: {impl: per_bank, transaction_bursts: 32, bank_bursts: 4}}",
     4096, 300, false},
};

TEST(Ddr4ControllerEquivalence, DefaultPolicy) {
  for (std::uint32_t seed : {1u, 2u, 3u}) checkEquivalence(kCases[0], seed, 400);
}
TEST(Ddr4ControllerEquivalence, SmallQueuesAndUnalignedTransfers) {
  for (std::uint32_t seed : {4u, 5u, 6u}) checkEquivalence(kCases[1], seed, 600);
}
TEST(Ddr4ControllerEquivalence, ClosedPage) {
  for (std::uint32_t seed : {7u, 8u}) checkEquivalence(kCases[2], seed, 400);
}
TEST(Ddr4ControllerEquivalence, BankInterleavedX16) {
  for (std::uint32_t seed : {9u, 10u}) checkEquivalence(kCases[3], seed, 400);
}
TEST(Ddr4ControllerEquivalence, LinearMapping) {
  for (std::uint32_t seed : {11u, 12u}) checkEquivalence(kCases[4], seed, 300);
}

TEST(Ddr4ControllerEquivalence, PerBankQueuesSmall) {
  for (std::uint32_t seed : {13u, 14u, 15u}) checkEquivalence(kCases[5], seed, 500);
}
TEST(Ddr4ControllerEquivalence, PerBankQueues) {
  for (std::uint32_t seed : {16u, 17u}) checkEquivalence(kCases[6], seed, 400);
}

TEST(Ddr4ControllerEquivalence, TwoRanks) {
  // Two ranks of the x8 device, the rank bit just above the bank groups
  // (streams alternate ranks) or above the banks: rank-to-rank bus gaps
  // (tRTRS) and per-rank refresh, tFAW and tRRD.
  auto dev = kDev();
  dev.ranks = 2;
  for (const char* mapping : {"row:bank:column:rank:bankgroup", "row:rank:bank:column:bankgroup"}) {
    const auto cfg = controllerConfig(dev, std::string("{address_mapping: '") + mapping + "'}");
    auto slowCfg = cfg;
    slowCfg.fastPath = false;
    for (std::uint32_t seed : {21u, 22u}) {
      auto traffic = randomTraffic(seed, 400, 4096, 300, false);
      for (auto& t : traffic) t.addr *= 2;  // the same rows, across both ranks
      Ddr4ControllerTiming fast(dev, cfg), ahead(dev, cfg), slow(dev, slowCfg);
      PerCycleController ref(dev, cfg);
      SCOPED_TRACE(std::string(mapping) + " seed " + std::to_string(seed));
      const auto a = runTraffic(fast, traffic, true);
      expectSame(a, runTraffic(slow, traffic, true));
      expectSame(a, runTraffic(ahead, traffic, true, true));
      expectSame(a, runTraffic(ref, traffic));
      EXPECT_TRUE(a.boundsHeld);
    }
  }
}

TEST(Ddr4ControllerEquivalence, FastPathOnLongSequentialStreams) {
  // Back-to-back 4 KB reads and writes of one long sequential region, the
  // traffic the fast path is for: identical commands with and without it,
  // and most column commands taken by it.
  const auto dev = kDev();
  std::vector<Txn> t;
  for (int i = 0; i < 600; ++i) t.push_back(Txn{static_cast<std::uint64_t>(i) * 200, i % 3 == 2, i * 4096ULL, 4096});
  auto cfg = controllerConfig(dev);
  auto slowCfg = cfg;
  slowCfg.fastPath = false;
  Ddr4ControllerTiming fast(dev, cfg), slow(dev, slowCfg);
  const auto a = runTraffic(fast, t, true);
  const auto b = runTraffic(slow, t, true);
  expectSame(a, b);
  const std::uint64_t columns = a.counters.reads + a.counters.writes;
  EXPECT_GT(fast.fastDecisions(), columns * 9 / 10);
  EXPECT_EQ(slow.fastDecisions(), 0u);
}

TEST(Ddr4ControllerEquivalence, ClosedFormRunsOfBursts) {
  // Backlogged sequential 4 KB reads, writes, and both (one write in four)
  // of one region (row:bank:column:bankgroup: 512-burst blocks cycling the
  // four bank groups), driven as the SystemC controller drives the core:
  // the commands, END_REQs and completions of the per-command path. Of the
  // reads' and the writes' column commands, nine in ten go in closed-form
  // runs (not the first few after each ACT); mixed, each write arriving
  // ends the streaming path.
  const auto dev = kDev();
  const auto cfg = controllerConfig(dev);
  auto slowCfg = cfg;
  slowCfg.fastPath = false;
  for (int mix = 0; mix < 3; ++mix) {
    std::vector<Txn> t;
    for (int i = 0; i < 300; ++i)
      t.push_back(Txn{static_cast<std::uint64_t>(i) * 100, mix == 1 || (mix == 2 && i % 4 == 3), i * 4096ULL, 4096});
    Ddr4ControllerTiming fast(dev, cfg), slow(dev, slowCfg);
    SCOPED_TRACE("mix " + std::to_string(mix));
    const auto a = runTraffic(fast, t, true, true);
    expectSame(a, runTraffic(slow, t, true));
    EXPECT_EQ(a.counters.reads + a.counters.writes, 300u * 64);
    if (mix < 2) {
      EXPECT_GT(fast.runDecisions(), 300u * 64 * 9 / 10);
    }
  }
  // Writes that stop at the low watermark within a run: below 20 queued
  // they wait for more (write_idle_drain_bursts), so a run ends where the
  // watermark check before a command turns the direction.
  const auto idleCfg = controllerConfig(dev, "{write_idle_drain_bursts: 20}");
  auto idleSlowCfg = idleCfg;
  idleSlowCfg.fastPath = false;
  for (const std::uint64_t gap : {40u, 90u, 150u}) {
    std::vector<Txn> t;
    for (int i = 0; i < 300; ++i) t.push_back(Txn{i * gap, true, i * 1536ULL, 1536});
    Ddr4ControllerTiming fast(dev, idleCfg), slow(dev, idleSlowCfg);
    SCOPED_TRACE("idle drain, gap " + std::to_string(gap));
    expectSame(runTraffic(fast, t, true, true), runTraffic(slow, t, true));
    EXPECT_GT(fast.runDecisions(), 0u);
  }
}

TEST(Ddr4ControllerEquivalence, RunsGoOnWhileRequestsForAnotherRowEnter) {
  // Backlogged 4 KB reads of two regions in turn, 64 MiB apart: the same
  // banks, other rows. While one transaction's bursts are issued from a
  // full queue, the next one's enter behind them for rows other than the
  // open ones and wait there for their PRE; FR-FCFS serves the queued hits
  // first, so the closed-form runs go on across those entries. The
  // commands, END_REQs, completions and row outcomes are those of the
  // per-command path and of the cycle-by-cycle reference.
  const auto dev = kDev();
  const auto cfg = controllerConfig(dev);
  auto slowCfg = cfg;
  slowCfg.fastPath = false;
  std::vector<Txn> t;
  for (int i = 0; i < 200; ++i)
    t.push_back(Txn{static_cast<std::uint64_t>(i) * 100, false,
                    (static_cast<std::uint64_t>(i % 2) << 26) + static_cast<std::uint64_t>(i / 2) * 4096, 4096});
  Ddr4ControllerTiming ahead(dev, cfg), slow(dev, slowCfg);
  const auto b = runTraffic(slow, t, true);
  expectSame(runTraffic(ahead, t, true, true), b);
  PerCycleController ref(dev, cfg);
  expectSame(runTraffic(ref, t), b);
  EXPECT_GT(b.counters.rowConflicts, 100u);
  // Of the 200 × 64 = 12,800 RDs, more than three in four go in runs
  // (measured: 11,184; 6,540 when a run ended at each such entry).
  ASSERT_EQ(b.counters.reads, 12800u);
  EXPECT_GT(ahead.runDecisions(), 12800u * 3 / 4);
}

TEST(Ddr4ControllerEquivalence, StreamingPathOpensClosedBanks) {
  // DMA-like 4 KB transfers over several refreshes (tREFI 8320 cycles):
  // three streams in turn (two read regions and a written one, 64 MiB
  // apart: the same banks, other rows), or one at a time (reads, then
  // writes, then reads). A refresh or a new block leaves banks closed; the
  // requests for them wait in the streaming ring for the ACT it issues.
  // The commands, END_REQs, completions and row outcomes are those of the
  // per-command path, driven both ways, and of the cycle-by-cycle reference
  // (FR-FCFS only: it has no FCFS).
  const auto dev = kDev();
  for (const char* yaml : {"{}", "{arbitration: fcfs}", "{read_queue_bursts: 12, write_queue_bursts: 10, "
                                                      "write_high_watermark_bursts: 8, write_low_watermark_bursts: 2}"}) {
    const auto cfg = controllerConfig(dev, yaml);
    auto slowCfg = cfg;
    slowCfg.fastPath = false;
    for (const bool interleaved : {true, false}) {
      for (const std::uint64_t gap : {0u, 400u, 1240u}) {
        std::vector<Txn> t;
        for (int i = 0; i < 240; ++i) {
          const int port = interleaved ? i % 3 : (i / 80 == 1 ? 2 : 0);
          const std::uint64_t region = static_cast<std::uint64_t>(port) << 26;
          t.push_back(Txn{static_cast<std::uint64_t>(i) * gap, port == 2,
                          region + static_cast<std::uint64_t>(interleaved ? i / 3 : i) * 4096, 4096});
        }
        Ddr4ControllerTiming fast(dev, cfg), ahead(dev, cfg), slow(dev, slowCfg);
        SCOPED_TRACE(std::string(yaml) + (interleaved ? ", interleaved" : ", one at a time") + ", gap " +
                     std::to_string(gap));
        const auto b = runTraffic(slow, t, true);
        expectSame(runTraffic(fast, t, true), b);
        expectSame(runTraffic(ahead, t, true, true), b);
        if (cfg.arbitration == ftsim::models::Arbitration::FrFcfs) {
          PerCycleController ref(dev, cfg);
          expectSame(runTraffic(ref, t), b);
        }
        EXPECT_GT(b.counters.refreshes, 2u);
        EXPECT_GT(b.counters.rowMisses, 0u);
        if (interleaved) {
          EXPECT_GT(b.counters.rowConflicts, 0u);
        }
        // Most ACTs go in the streaming path: one stream at a time four in
        // five or more (measured: 90-100 %), interleaved a fifth or more
        // (26-100 %; the rest in the lists, after a younger hit went before
        // an older request and sent the ring back); none in the slow one.
        if (interleaved) {
          EXPECT_GT(ahead.streamActivates() * 5, b.counters.activates);
        } else {
          EXPECT_GT(ahead.streamActivates() * 5, b.counters.activates * 4);
        }
        EXPECT_EQ(slow.streamActivates(), 0u);
      }
    }
  }
}

TEST(Ddr4ControllerEquivalence, OtherStandards) {
  // DDR3 (no bank groups), LPDDR4 (multi-cycle commands on one CA bus, BL16)
  // and an HBM2 pseudo channel (row and column buses, tRCDWR), all-bank and
  // per-bank refresh: random traffic and DMA-like streams give the
  // per-command path's commands, END_REQs, completions and row outcomes,
  // with the streaming path's row commands among them.
  struct Std {
    const char* ddr;
    const char* yaml;
  };
  for (const Std& c : {Std{"ddr3-1600k-64bit-x8-4gb", "{}"}, Std{"lpddr4-1066-32bit-2gb", "{}"},
                       Std{"lpddr4-1066-32bit-2gb", "{refresh: per_bank}"}, Std{"hbm2-1800-pc64-256mb", "{}"},
                       Std{"hbm2-1800-pc64-256mb", "{refresh: per_bank}"}}) {
    const auto dev = loadDdr(c.ddr);
    const auto cfg = controllerConfig(dev, c.yaml);
    auto slowCfg = cfg;
    slowCfg.fastPath = false;
    std::vector<std::vector<Txn>> traffics{randomTraffic(31, 400, 4096, 300, false),
                                           randomTraffic(32, 400, 1024, 60, true)};
    std::vector<Txn> streams;
    for (int i = 0; i < 240; ++i) {
      const int port = i % 3;
      streams.push_back(Txn{static_cast<std::uint64_t>(i) * 150, port == 2,
                            (static_cast<std::uint64_t>(port) << 24) + static_cast<std::uint64_t>(i / 3) * 2048, 2048});
    }
    traffics.push_back(streams);
    std::uint64_t streamActs = 0;
    for (std::size_t k = 0; k < traffics.size(); ++k) {
      Ddr4ControllerTiming fast(dev, cfg), ahead(dev, cfg), slow(dev, slowCfg);
      SCOPED_TRACE(std::string(c.ddr) + " " + c.yaml + ", traffic " + std::to_string(k));
      const auto b = runTraffic(slow, traffics[k], true);
      expectSame(runTraffic(fast, traffics[k], true), b);
      expectSame(runTraffic(ahead, traffics[k], true, true), b);
      EXPECT_GT(b.counters.refreshes + b.counters.bankRefreshes, 0u);
      streamActs += ahead.streamActivates();
    }
    EXPECT_GT(streamActs, 0u) << c.ddr << " " << c.yaml;
  }
}

}  // namespace

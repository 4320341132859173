#pragma once
// The JEDEC rules of one DDR4 channel in plain C++ (no SystemC): which row
// each bank has open and, for every command, the first DDR cycle the timing
// parameters allow it. The first-allowed cycles are kept per bank, per bank
// group, per rank and for the shared command bus, and raised whenever a
// command issues, so `earliest` is a handful of loads. The controller
// decides what to issue; this class says when a command is legal, records it
// and counts it.
//
// Constraints (all in DDR clock cycles, BL8 so a burst holds the data bus
// for BL/2 = 4 cycles):
//   ACT→ACT same bank tRC, same bank group tRRD_L, other group tRRD_S, and
//   at most four ACTs per rank in any tFAW window; ACT→RD/WR tRCD;
//   ACT→PRE tRAS; PRE→ACT and PRE→REF tRP; RD→PRE tRTP; WR→PRE
//   CWL + BL/2 + tWR; RD→RD and WR→WR tCCD_L in the same bank group, tCCD_S
//   (at least BL/2) otherwise, BL/2 + tRTRS across ranks; WR→RD
//   CWL + BL/2 + tWTR_L (same group) or tWTR_S (other group); RD→WR
//   CL + BL/2 + 2 − CWL (the read/write bus turnaround of JESD79-4 with a
//   1 nCK write preamble); REF needs every bank of its rank precharged and
//   blocks it for tRFC; one command per cycle on the command bus.
//
// The other standards change these rules where JEDEC does (Ddr4Config.h):
// LPDDR4 commands hold the one CA bus for several cycles (ACT, RD, WR 4;
// PRE, REF 2), PRE→PRE is tPPD, RD→WR adds tDQSCK + 1 instead of 2 and
// WR→RD one more cycle; HBM2 has a row bus (ACT for 2 cycles, PRE, REF)
// and a column bus (RD, WR) that work in parallel, and tRCDWR for ACT→WR.
// Both have a per-bank refresh (RefPb): the bank precharged (tRP), it
// blocks that bank for tRFCpb, other banks' ACT and RefPb for tRREFD, and
// an ACT delays another bank's RefPb by tRRD. Timing is counted from the
// first cycle of a command.

#include <array>
#include <cstdint>
#include <vector>

#include "models/ddr/Ddr4Config.h"

namespace ftsim::models {

/// RefPb: the per-bank refresh of LPDDR4 (REFpb) and HBM2 (REFSB).
enum class DdrCommand : std::uint8_t { Act, Pre, Rd, Wr, Ref, RefPb };
constexpr int kNumDdrCommands = 6;
const char* toString(DdrCommand c);

/// Commands issued, indexed by DdrCommand. Auto-precharges count as PRE.
using DdrCommandCounts = std::array<std::uint64_t, kNumDdrCommands>;

class Ddr4Device {
 public:
  explicit Ddr4Device(const Ddr4Config& cfg);

  const Ddr4Config& config() const { return m_cfg; }
  int banks() const { return static_cast<int>(m_banks.size()); }
  int flatBank(int rank, int bankGroup, int bank) const {
    return (rank * m_cfg.bankGroups + bankGroup) * m_cfg.banksPerGroup + bank;
  }
  int rankOf(int b) const { return m_banks[b].rank; }
  int bankGroupOf(int b) const { return m_banks[b].groupInRank; }
  /// Cycles one burst holds the data bus (BL/2).
  std::uint32_t burstCycles() const { return m_burst; }
  /// Cycles from a RD command to the end of its data.
  std::uint32_t readDoneCycles() const { return m_cfg.t.cl + m_burst; }

  bool isOpen(int b) const { return m_banks[b].open; }
  /// Bit b set while bank b is open.
  std::uint64_t openBanks() const { return m_openMask; }
  std::uint32_t openRow(int b) const { return m_banks[b].row; }
  bool rankIdle(int rank) const;

  /// First cycle the timing constraints allow `cmd` to bank `b` (REF: to
  /// the rank of bank `b`). Says nothing about the bank state.
  std::uint64_t earliest(DdrCommand cmd, int b) const {
    const Bank& k = m_banks[b];
    std::uint64_t e = k.next[static_cast<int>(cmd)];
    const std::uint64_t bus = m_busFree[isColumn(cmd)];
    if (bus > e) e = bus;
    const std::uint64_t r = m_rankNext[k.rank][static_cast<int>(cmd)];
    if (r > e) e = r;
    if (cmd != DdrCommand::Pre && cmd != DdrCommand::Ref && cmd != DdrCommand::RefPb) {
      const std::uint64_t g = m_groupNext[k.group][static_cast<int>(cmd)];
      if (g > e) e = g;
    }
    return e;
  }
  /// No RD (or WR) to any bank can issue before this cycle.
  std::uint64_t columnFloor(DdrCommand cmd) const;

  /// Whether `cmd` to bank `b` (row `row` for ACT, RD, WR) is legal at
  /// `cycle`: the bank state allows it and every constraint is met.
  bool canIssue(DdrCommand cmd, int b, std::uint32_t row, std::uint64_t cycle) const;
  /// Record a command; it must be legal (FTSIM_ASSERT).
  void issue(DdrCommand cmd, int b, std::uint32_t row, std::uint64_t cycle);
  /// Record a RD or WR that `canIssue` allows, without checking it (the
  /// controller's streaming path, whose decisions the tests check against
  /// the per-command path); the same effect as `issue`.
  void issueColumn(DdrCommand cmd, int b, std::uint64_t cycle);
  /// One rank: record, for each bank `b` of the mask `banks`, `count[b]`
  /// RDs (or WRs) that `canIssue` allowed, the last at `last[b]`. Every
  /// constraint a column command sets is its cycle plus a constant, so the
  /// last one of each bank leaves the bank's and its group's state, and the
  /// latest of all the rank's and the buses', whatever the order.
  void issueColumns(DdrCommand cmd, std::uint64_t banks, const std::uint64_t* last, const std::uint64_t* count);

  // The parts of `earliest` for a column command, for a caller that keeps
  // the constraints of its own column commands apart (the streaming path).
  std::uint64_t bankNext(DdrCommand cmd, int b) const { return m_banks[b].next[static_cast<int>(cmd)]; }
  std::uint64_t groupNext(DdrCommand cmd, int group) const { return m_groupNext[group][static_cast<int>(cmd)]; }
  std::uint64_t rankNext(DdrCommand cmd, int rank) const { return m_rankNext[rank][static_cast<int>(cmd)]; }
  std::uint64_t columnBusFree() const { return m_busFree[1]; }
  /// The bank group of `b` across ranks (rank * bank groups + group).
  int groupIndex(int b) const { return m_banks[b].group; }
  int groups() const { return static_cast<int>(m_groupNext.size()); }
  /// RD→RD and WR→WR in another and in the same bank group of one rank.
  std::uint32_t ccdShort() const { return m_ccdS; }
  std::uint32_t ccdLong() const { return m_ccdL; }
  std::uint32_t commandCycles(DdrCommand cmd) const { return m_cmdCycles[static_cast<int>(cmd)]; }
  /// Close bank `b` as a RD or WR with auto-precharge does: at the first
  /// cycle tRAS, tRTP and tWR allow, without a command-bus slot. Returns
  /// that cycle.
  std::uint64_t autoPrecharge(int b);

  const DdrCommandCounts& counts() const { return m_counts; }
  /// Cycles in [0, end) during which rank `rank` had at least one bank open
  /// (active standby; the rest is precharged standby), for energy.
  std::uint64_t rankActiveCycles(int rank, std::uint64_t end) const;
  /// Commands per bank (REF counted on the first bank of its rank).
  const std::vector<DdrCommandCounts>& bankCounts() const { return m_bankCounts; }

 private:
  struct Bank {
    std::array<std::uint64_t, kNumDdrCommands> next{};  ///< first cycle per command (bank scope)
    std::uint32_t row = 0;
    bool open = false;
    std::uint8_t rank = 0;
    std::uint16_t group = 0;  ///< rank * bankGroups + bank group
    std::uint8_t groupInRank = 0;
  };
  using Next = std::array<std::uint64_t, kNumDdrCommands>;
  static int isColumn(DdrCommand c) { return c == DdrCommand::Rd || c == DdrCommand::Wr; }
  static void raise(std::uint64_t& v, std::uint64_t to) {
    if (to > v) v = to;
  }
  /// The timing and counts of a RD or WR (not the command bus).
  void columnTiming(DdrCommand cmd, int b, std::uint64_t cycle);
  /// Its constraints on bank `b` and its bank group, and on the ranks.
  /// Each is the command's cycle plus a constant: the latest command of a
  /// sequence leaves the state the whole sequence leaves (issueColumns).
  void bankColumnTiming(DdrCommand cmd, int b, std::uint64_t cycle);
  void rankColumnTiming(DdrCommand cmd, int rank, std::uint64_t cycle);
  /// `now`: the cycle of the command being issued (changes up to it settle).
  void closeBank(int b, std::uint64_t cycle, std::uint64_t now);
  /// A bank of `rank` opens (+1) or closes (−1) at `cycle`. Commands come in
  /// cycle order but an auto-precharge closes its bank later, so changes are
  /// settled in cycle order once no earlier one can come.
  void bankStateChange(int rank, std::uint64_t cycle, int delta, std::uint64_t now);
  struct Residency {
    int open = 0;                  ///< banks open
    std::uint64_t since = 0;       ///< the first bank opened at this cycle
    std::uint64_t activeCycles = 0;
    std::vector<std::pair<std::uint64_t, int>> pending;  ///< changes not yet settled
    void settle(std::uint64_t upTo);
  };

  Ddr4Config m_cfg;
  std::uint32_t m_burst = 4;
  std::uint32_t m_ccdS = 4, m_ccdL = 6;
  std::vector<Bank> m_banks;
  std::vector<Next> m_groupNext;  ///< per rank × bank group
  std::vector<Next> m_rankNext;   ///< per rank
  std::vector<std::array<std::uint64_t, 4>> m_lastActs;  ///< per rank, the last four ACTs (tFAW)
  std::vector<std::uint32_t> m_actCount;                 ///< per rank, ACTs so far (ring position)
  /// First free cycle of the row (0) and column (1) command bus; one bus
  /// (both equal) except on HBM2.
  std::uint64_t m_openMask = 0;
  std::array<std::uint64_t, 2> m_busFree{};
  bool m_splitBus = false;
  std::array<std::uint32_t, kNumDdrCommands> m_cmdCycles{};  ///< bus cycles per command
  std::uint32_t m_readToWrite = 0;  ///< RD→WR: CL + BL/2 + this − CWL
  std::uint32_t m_writeToRead = 0;  ///< WR→RD: CWL + BL/2 + tWTR + this
  DdrCommandCounts m_counts{};
  std::vector<DdrCommandCounts> m_bankCounts;
  std::vector<Residency> m_residency;  ///< per rank
};

}  // namespace ftsim::models

#include "models/ddr/Ddr4Device.h"

#include <algorithm>

#include "sim/core/Error.h"

namespace ftsim::models {

namespace {
constexpr int kAct = static_cast<int>(DdrCommand::Act);
constexpr int kPre = static_cast<int>(DdrCommand::Pre);
constexpr int kRd = static_cast<int>(DdrCommand::Rd);
constexpr int kWr = static_cast<int>(DdrCommand::Wr);
constexpr int kRef = static_cast<int>(DdrCommand::Ref);
constexpr int kRefPb = static_cast<int>(DdrCommand::RefPb);
// JESD79-4: RD to WR needs RL + BL/2 − WL + 2 nCK (1 nCK write preamble).
constexpr std::uint32_t kReadToWriteGap = 2;
}  // namespace

const char* toString(DdrCommand c) {
  switch (c) {
    case DdrCommand::Act: return "ACT";
    case DdrCommand::Pre: return "PRE";
    case DdrCommand::Rd: return "RD";
    case DdrCommand::Wr: return "WR";
    case DdrCommand::Ref: return "REF";
    case DdrCommand::RefPb: return "REFpb";
  }
  return "?";
}

Ddr4Device::Ddr4Device(const Ddr4Config& cfg) : m_cfg(cfg) {
  m_burst = static_cast<std::uint32_t>(cfg.burstLength / 2);
  m_ccdS = std::max(cfg.t.tCCD_S, m_burst);
  m_ccdL = std::max(cfg.t.tCCD_L, m_ccdS);
  m_cmdCycles.fill(1);
  m_readToWrite = kReadToWriteGap;
  if (cfg.standard == DramStandard::Lpddr4) {
    // JESD209-4 command truth table: ACT-1 + ACT-2 and RD-1/WR-1 + CAS-2
    // are two 2-clock commands each; PRE, REF and REFpb one (Ramulator
    // LPDDR4.h: "ACT, RD, WR take 4 cycles, PRE, REF take 2").
    m_cmdCycles[kAct] = m_cmdCycles[kRd] = m_cmdCycles[kWr] = 4;
    m_cmdCycles[kPre] = m_cmdCycles[kRef] = m_cmdCycles[kRefPb] = 2;
    // RD→WR: RL + BL/2 + tDQSCK(max) + 1 − WL; WR→RD: WL + BL/2 + tWTR + 1
    // (Ramulator LPDDR4.cpp init_timing).
    m_readToWrite = cfg.t.tDQSCK + 1;
    m_writeToRead = 1;
  } else if (cfg.standard == DramStandard::Hbm2) {
    // JESD235A: separate row and column command buses; ACT takes two
    // clocks of the row bus (Ramulator2 HBM2.cpp "2-cycle ACT command").
    m_splitBus = true;
    m_cmdCycles[kAct] = 2;
  }
  const int perRank = cfg.banks();
  m_banks.resize(static_cast<std::size_t>(cfg.ranks * perRank));
  FTSIM_ASSERT(m_banks.size() <= 64, "at most 64 banks per channel (the open-bank mask)");
  for (int b = 0; b < banks(); ++b) {
    m_banks[b].rank = static_cast<std::uint8_t>(b / perRank);
    m_banks[b].group = static_cast<std::uint16_t>(b / cfg.banksPerGroup);
    m_banks[b].groupInRank = static_cast<std::uint8_t>(m_banks[b].group % cfg.bankGroups);
  }
  m_groupNext.assign(static_cast<std::size_t>(cfg.ranks * cfg.bankGroups), Next{});
  m_rankNext.assign(static_cast<std::size_t>(cfg.ranks), Next{});
  m_lastActs.assign(static_cast<std::size_t>(cfg.ranks), {});
  m_actCount.assign(static_cast<std::size_t>(cfg.ranks), 0);
  m_bankCounts.assign(m_banks.size(), DdrCommandCounts{});
  m_residency.assign(static_cast<std::size_t>(cfg.ranks), Residency{});
}

void Ddr4Device::Residency::settle(std::uint64_t upTo) {
  while (!pending.empty()) {
    auto first = std::min_element(pending.begin(), pending.end());
    if (first->first > upTo) return;
    const std::uint64_t at = first->first;
    if (first->second > 0) {
      if (open++ == 0) since = at;
    } else if (--open == 0) {
      activeCycles += at - since;
    }
    *first = pending.back();
    pending.pop_back();
  }
}

void Ddr4Device::bankStateChange(int rank, std::uint64_t cycle, int delta, std::uint64_t now) {
  Residency& r = m_residency[rank];
  if (r.pending.empty() && cycle <= now) {  // the usual case: nothing to order
    if (delta > 0) {
      if (r.open++ == 0) r.since = cycle;
    } else if (--r.open == 0) {
      r.activeCycles += cycle - r.since;
    }
    return;
  }
  r.pending.emplace_back(cycle, delta);
  r.settle(now);
}

std::uint64_t Ddr4Device::rankActiveCycles(int rank, std::uint64_t end) const {
  Residency r = m_residency[rank];
  r.settle(end);
  return r.activeCycles + (r.open > 0 && end > r.since ? end - r.since : 0);
}

bool Ddr4Device::rankIdle(int rank) const {
  const int perRank = m_cfg.banks();
  for (int b = rank * perRank; b < (rank + 1) * perRank; ++b)
    if (m_banks[b].open) return false;
  return true;
}

std::uint64_t Ddr4Device::columnFloor(DdrCommand cmd) const {
  std::uint64_t f = UINT64_MAX;
  for (const Next& r : m_rankNext) f = std::min(f, r[static_cast<int>(cmd)]);
  return std::max(f, m_busFree[1]);
}

bool Ddr4Device::canIssue(DdrCommand cmd, int b, std::uint32_t row, std::uint64_t cycle) const {
  const Bank& k = m_banks[b];
  switch (cmd) {
    case DdrCommand::Act:
      if (k.open) return false;
      break;
    case DdrCommand::Pre:
      if (!k.open) return false;
      break;
    case DdrCommand::Rd:
    case DdrCommand::Wr:
      if (!k.open || k.row != row) return false;
      break;
    case DdrCommand::Ref:
      if (!rankIdle(k.rank)) return false;
      break;
    case DdrCommand::RefPb:
      if (k.open || m_cfg.t.tRFCpb == 0) return false;
      break;
  }
  return cycle >= earliest(cmd, b);
}

void Ddr4Device::closeBank(int b, std::uint64_t cycle, std::uint64_t now) {
  Bank& k = m_banks[b];
  k.open = false;
  m_openMask &= ~(1ULL << b);
  raise(k.next[kAct], cycle + m_cfg.t.tRP);
  raise(k.next[kRefPb], cycle + m_cfg.t.tRP);
  raise(m_rankNext[k.rank][kRef], cycle + m_cfg.t.tRP);
  ++m_counts[kPre];
  ++m_bankCounts[b][kPre];
  bankStateChange(k.rank, cycle, -1, now);
}

void Ddr4Device::issue(DdrCommand cmd, int b, std::uint32_t row, std::uint64_t cycle) {
  FTSIM_ASSERT(canIssue(cmd, b, row, cycle), std::string(toString(cmd)) + " to bank " + std::to_string(b) +
                                                 " at cycle " + std::to_string(cycle) + " breaks a constraint");
  const Ddr4Timing& t = m_cfg.t;
  Bank& k = m_banks[b];
  const int rank = k.rank;
  const std::uint64_t busFree = cycle + m_cmdCycles[static_cast<int>(cmd)];
  if (m_splitBus) m_busFree[isColumn(cmd)] = busFree;
  else m_busFree[0] = m_busFree[1] = busFree;
  switch (cmd) {
    case DdrCommand::Act: {
      k.open = true;
      m_openMask |= 1ULL << b;
      k.row = row;
      bankStateChange(rank, cycle, +1, cycle);
      raise(k.next[kRd], cycle + t.tRCD);
      raise(k.next[kWr], cycle + t.tRCDWR);
      raise(m_rankNext[rank][kRefPb], cycle + t.tRRD_S);
      raise(k.next[kPre], cycle + t.tRAS);
      raise(k.next[kAct], cycle + t.tRC);
      raise(m_groupNext[k.group][kAct], cycle + t.tRRD_L);
      raise(m_rankNext[rank][kAct], cycle + t.tRRD_S);
      // The ACT four back (this one included) opens the tFAW window.
      auto& ring = m_lastActs[rank];
      ring[m_actCount[rank] % 4] = cycle;
      ++m_actCount[rank];
      if (m_actCount[rank] >= 4) raise(m_rankNext[rank][kAct], ring[m_actCount[rank] % 4] + t.tFAW);
      ++m_counts[kAct];
      ++m_bankCounts[b][kAct];
      break;
    }
    case DdrCommand::Pre:
      closeBank(b, cycle, cycle);
      raise(m_rankNext[rank][kPre], cycle + t.tPPD);
      break;
    case DdrCommand::Rd:
    case DdrCommand::Wr:
      columnTiming(cmd, b, cycle);
      break;
    case DdrCommand::Ref:
      raise(m_rankNext[rank][kAct], cycle + t.tRFC);
      raise(m_rankNext[rank][kRef], cycle + t.tRFC);
      raise(m_rankNext[rank][kRefPb], cycle + t.tRFC);
      ++m_counts[kRef];
      ++m_bankCounts[b][kRef];
      break;
    case DdrCommand::RefPb:
      // The bank is busy for tRFCpb; other banks of the rank wait tRREFD to
      // activate or refresh (JESD209-4 tpbR2pbR, JESD235A tRREFD); the
      // all-bank REF waits for it to finish (Ramulator LPDDR4 REFPB→REF).
      raise(k.next[kAct], cycle + t.tRFCpb);
      raise(m_rankNext[rank][kAct], cycle + t.tRREFD);
      raise(m_rankNext[rank][kRefPb], cycle + t.tRREFD);
      raise(m_rankNext[rank][kRef], cycle + t.tRFCpb);
      ++m_counts[kRefPb];
      ++m_bankCounts[b][kRefPb];
      break;
  }
}

void Ddr4Device::issueColumn(DdrCommand cmd, int b, std::uint64_t cycle) {
  const std::uint64_t busFree = cycle + m_cmdCycles[static_cast<int>(cmd)];
  if (m_splitBus) m_busFree[1] = busFree;
  else m_busFree[0] = m_busFree[1] = busFree;
  columnTiming(cmd, b, cycle);
}

void Ddr4Device::issueColumns(DdrCommand cmd, std::uint64_t banks, const std::uint64_t* last,
                              const std::uint64_t* count) {
  FTSIM_ASSERT(m_cfg.ranks == 1, "column runs are recorded for one rank");
  const int c = static_cast<int>(cmd);
  std::uint64_t latest = 0;
  for (; banks; banks &= banks - 1) {
    const int b = __builtin_ctzll(banks);
    latest = std::max(latest, last[b]);
    bankColumnTiming(cmd, b, last[b]);
    m_counts[c] += count[b];
    m_bankCounts[b][c] += count[b];
  }
  const std::uint64_t busFree = latest + m_cmdCycles[c];
  raise(m_busFree[1], busFree);
  if (!m_splitBus) raise(m_busFree[0], busFree);
  rankColumnTiming(cmd, 0, latest);
}

void Ddr4Device::columnTiming(DdrCommand cmd, int b, std::uint64_t cycle) {
  bankColumnTiming(cmd, b, cycle);
  rankColumnTiming(cmd, m_banks[b].rank, cycle);
  ++m_counts[static_cast<int>(cmd)];
  ++m_bankCounts[b][static_cast<int>(cmd)];
}

void Ddr4Device::bankColumnTiming(DdrCommand cmd, int b, std::uint64_t cycle) {
  const Ddr4Timing& t = m_cfg.t;
  Bank& k = m_banks[b];
  if (cmd == DdrCommand::Rd) {
    raise(m_groupNext[k.group][kRd], cycle + m_ccdL);
    raise(k.next[kPre], cycle + t.tRTP);
    return;
  }
  const std::uint64_t dataEnd = cycle + t.cwl + m_burst;
  raise(m_groupNext[k.group][kWr], cycle + m_ccdL);
  raise(m_groupNext[k.group][kRd], dataEnd + t.tWTR_L + m_writeToRead);
  raise(k.next[kPre], dataEnd + t.tWR);
}

void Ddr4Device::rankColumnTiming(DdrCommand cmd, int rank, std::uint64_t cycle) {
  const Ddr4Timing& t = m_cfg.t;
  if (cmd == DdrCommand::Rd) {
    raise(m_rankNext[rank][kRd], cycle + m_ccdS);
    const std::uint64_t toWrite = cycle + t.cl + m_burst + m_readToWrite;
    for (int r = 0; r < m_cfg.ranks; ++r) {
      const std::uint64_t w = r == rank ? toWrite : toWrite + t.tRTRS_RdWr;
      raise(m_rankNext[r][kWr], w > t.cwl ? w - t.cwl : 0);
      if (r != rank) raise(m_rankNext[r][kRd], cycle + m_burst + t.rankSwitch(t.tRTRS_RdRd));
    }
    return;
  }
  const std::uint64_t dataEnd = cycle + t.cwl + m_burst;
  raise(m_rankNext[rank][kWr], cycle + m_ccdS);
  raise(m_rankNext[rank][kRd], dataEnd + t.tWTR_S + m_writeToRead);
  for (int r = 0; r < m_cfg.ranks; ++r) {
    if (r == rank) continue;
    raise(m_rankNext[r][kWr], cycle + m_burst + t.rankSwitch(t.tRTRS_WrWr));
    const std::uint64_t toRead = dataEnd + t.rankSwitch(t.tRTRS_WrRd);
    raise(m_rankNext[r][kRd], toRead > t.cl ? toRead - t.cl : 0);
  }
}

std::uint64_t Ddr4Device::autoPrecharge(int b) {
  Bank& k = m_banks[b];
  FTSIM_ASSERT(k.open, "auto-precharge of a closed bank");
  const std::uint64_t at = k.next[kPre];
  closeBank(b, at, 0);  // settled by the next command
  return at;
}

}  // namespace ftsim::models

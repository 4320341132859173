#include "models/ddr/Ddr4ControllerTiming.h"

#include <algorithm>

#include "models/ddr/PerBankQueues.h"
#include "sim/core/Error.h"

namespace ftsim::models {

namespace {
// Decisions the lists keep after the streaming path stopped before they may
// go back into the ring (a bound on moving them back and forth).
constexpr std::uint32_t kStreamCooldown = 8;
// Most bank groups a rotation block may visit (closed-form runs).
constexpr int kMaxRotationGroups = 16;
}  // namespace

Ddr4ControllerTiming::Ddr4ControllerTiming(const Ddr4Config& device, const Ddr4ControllerConfig& cfg)
    : m_cfg(cfg), m_dev(device), m_map(cfg.mapping) {
  FTSIM_ASSERT(m_dev.banks() <= 64, "at most 64 banks per channel");
  FTSIM_ASSERT(cfg.writeLowWatermarkBursts < cfg.writeHighWatermarkBursts &&
                   cfg.writeHighWatermarkBursts <= cfg.writeQueueBursts,
               "write watermarks out of order");
  m_closedPage = cfg.pagePolicy == PagePolicy::Closed;
  m_openAdaptive = cfg.pagePolicy == PagePolicy::OpenAdaptive;
  m_roundRobin = cfg.arbitration == Arbitration::FrFcfsBankRoundRobin;
  // The fast path takes the oldest ready hit, which a round-robin tie-break
  // need not.
  m_fast = cfg.fastPath && !m_closedPage && !m_roundRobin;
  m_burstShift = 0;
  while ((1u << m_burstShift) < device.burstBytes()) ++m_burstShift;
  if (cfg.queues == QueueStructure::PerBank) {
    m_queues = std::make_unique<PerBankQueues>(cfg.transactionQueueBursts, cfg.bankQueueBursts, m_dev.banks());
  } else {
    auto shared = std::make_unique<SharedQueues>(cfg.readQueueBursts, cfg.writeQueueBursts);
    m_shared = shared.get();
    m_queues = std::move(shared);
  }
  m_pool.resize(m_queues->capacityBursts());
  for (std::size_t i = 0; i < m_pool.size(); ++i) m_pool[i].nextAge = i + 1 < m_pool.size() ? static_cast<std::int32_t>(i + 1) : -1;
  m_free = 0;
  m_bankHead.assign(m_dev.banks(), {{-1, -1}});
  m_bankTail.assign(m_dev.banks(), {{-1, -1}});
  m_cand.assign(m_dev.banks(), {});
  m_perBankRefresh = cfg.refresh == RefreshPolicy::PerBank;
  // Per bank: every bank once per tREFI (JESD209-4 tREFIpb = tREFI/8).
  m_refreshInterval = m_perBankRefresh ? device.t.tREFI / static_cast<std::uint32_t>(device.banks()) : device.t.tREFI;
  m_refreshDue.assign(device.ranks, m_refreshInterval);
  m_refreshBank.assign(device.ranks, 0);
  if (cfg.refresh == RefreshPolicy::PerRankStaggered)
    for (int r = 0; r < device.ranks; ++r)
      m_refreshDue[r] += static_cast<std::uint64_t>(device.t.tREFI) * static_cast<std::uint64_t>(r) /
                         static_cast<std::uint64_t>(device.ranks);
  m_columnsSinceAct.assign(m_dev.banks(), 0);
  m_bankStats.assign(m_dev.banks(), {});
  m_latencyHist.assign(64, 0);
  m_streamOK = m_fast && m_shared != nullptr;
  std::uint32_t ring = 1;
  while (ring < static_cast<std::uint32_t>(std::max(cfg.readQueueBursts, cfg.writeQueueBursts))) ring <<= 1;
  m_ring.resize(ring);
  m_ringMask = ring - 1;
  m_singleRank = device.ranks == 1;
  m_rotationBits = m_map.rotationBits();
  while ((1 << m_groupBits) < device.bankGroups) ++m_groupBits;
  if ((1 << m_groupBits) != device.bankGroups || device.bankGroups > kMaxRotationGroups) m_rotationBits = 0;
  m_runGroupNext.assign(static_cast<std::size_t>(m_dev.groups()), 0);
  m_runLast.assign(static_cast<std::size_t>(m_dev.banks()), 0);
  m_runCount.assign(static_cast<std::size_t>(m_dev.banks()), 0);
  m_missRow.assign(static_cast<std::size_t>(m_dev.banks()), 0);
  m_bankOutcome.assign(static_cast<std::size_t>(m_dev.banks()), kNone);
}

// ---------------------------------------------------------------- queues

void Ddr4ControllerTiming::enter(std::int32_t ti, std::uint64_t at, bool announce) {
  Txn& t = m_txns[ti];
  const std::uint64_t burst = t.nextBurst++;
  const DramAddress a = m_map.decode(burst << m_burstShift);
  const int b = m_dev.flatBank(a.rank, a.bankGroup, a.bank);
  const int dir = t.dir;
  const bool hit = rowOpen(b, a.row);
  const bool ringable = hit || ringTakes(b, a.row);
  // The other direction's requests wait in the lists while the streaming
  // path runs (it looks at the watermarks before each command), but a read
  // that may be answered from the write queue needs the writes there.
  if (m_streamOn && (dir == m_streamDir ? !ringable : dir == 0 && m_cfg.readForwarding)) materialize();
  if (dir == 0 && m_cfg.readForwarding && inWriteQueue(b, burst)) {
    // Answered from the write queue: no entry, no command.
    ++m_forwardedReads;
    if (at > t.doneCycle) t.doneCycle = at;
    if (t.nextBurst == t.endBurst) {
      if (m_pending == ti) m_pending = -1;
      if (announce) m_events.push_back(Event{EventKind::Accepted, t.tag, at});
    }
    if (--t.unissued == 0) completeRead(ti, t.doneCycle);
    return;
  }
  FTSIM_ASSERT(queuesHaveRoom(dir), "queue entry taken while full");
  if (ringable && (m_streamOn ? dir == m_streamDir : m_count[0] == 0 && m_count[1] == 0 && streamAllowed())) {
    if (!hit && ((m_missBanks >> b) & 1) == 0) {
      m_missBanks |= 1ULL << b;
      m_missRow[b] = a.row;
      m_missSeq[b] = m_seq;
    }
    m_streamOn = true;
    m_streamDir = dir;
    m_shared->enqueue(-1, dir, b);
    pushRing(Light{m_seq++, burst, a.row, ti, 1, static_cast<std::uint16_t>(b), kNone});
    m_memoValid = false;
    if (t.nextBurst == t.endBurst) {
      if (m_pending == ti) m_pending = -1;
      if (announce) m_events.push_back(Event{dir ? EventKind::Completed : EventKind::Accepted, t.tag, at});
    }
    return;
  }
  FTSIM_ASSERT(m_free >= 0, "queue entry taken while full");
  const std::int32_t i = m_free;
  Entry& e = m_pool[i];
  m_free = e.nextAge;
  e.seq = m_seq++;
  e.burst = burst;
  e.row = a.row;
  e.txn = ti;
  e.bank = static_cast<std::uint16_t>(b);
  e.dir = static_cast<std::uint8_t>(dir);
  e.outcome = kNone;
  if (m_shared ? m_shared->enqueue(i, dir, b) : m_queues->enqueue(i, dir, b)) link(i);
  else m_memoValid = false;  // a held-back burst can turn the direction to writes

  if (t.nextBurst == t.endBurst) {
    if (m_pending == ti) m_pending = -1;
    if (announce)
      m_events.push_back(Event{dir ? EventKind::Completed : EventKind::Accepted, t.tag, at});
  }
}

bool Ddr4ControllerTiming::enterRange(std::int32_t ti, std::uint64_t at, bool announce) {
  Txn& t = m_txns[ti];
  const int dir = t.dir;
  if (m_rotationBits == 0 || (dir == 0 && m_cfg.readForwarding)) return false;
  if (m_streamOn ? dir != m_streamDir : m_count[0] != 0 || m_count[1] != 0 || !streamAllowed()) return false;
  const std::uint64_t blockEnd = ((t.nextBurst >> m_rotationBits) + 1) << m_rotationBits;
  std::uint64_t k = std::min<std::uint64_t>({m_shared->room(dir), t.endBurst - t.nextBurst, blockEnd - t.nextBurst});
  if (k < 2) return false;
  // The block's bursts visit its banks (one per bank group) in turn: the
  // first visit of each decides for all.
  const DramAddress a = m_map.decode(t.nextBurst << m_burstShift);
  const int first = m_dev.flatBank(a.rank, a.bankGroup, a.bank);
  const std::uint32_t groups = 1u << m_groupBits;
  std::uint64_t misses = 0;
  for (std::uint32_t j = 0; j < std::min<std::uint64_t>(k, groups); ++j) {
    const int b = blockBank(first, a.bankGroup, j);
    if (rowOpen(b, a.row)) continue;
    if (!ringTakes(b, a.row)) {
      k = j;
      break;
    }
    if (((m_missBanks >> b) & 1) == 0) {
      misses |= 1ULL << b;
      m_missSeq[b] = m_seq + j;  // (kept only if the range goes in)
    }
  }
  if (k < 2) return false;
  for (std::uint64_t m = misses; m; m &= m - 1) m_missRow[__builtin_ctzll(m)] = a.row;
  m_missBanks |= misses;
  m_streamOn = true;
  m_streamDir = dir;
  m_shared->enqueued(dir, static_cast<std::uint32_t>(k));
  pushRing(Light{m_seq, t.nextBurst, a.row, ti, static_cast<std::uint32_t>(k), static_cast<std::uint16_t>(first), kNone});
  m_seq += k;
  t.nextBurst += k;
  m_memoValid = false;
  if (t.nextBurst == t.endBurst) {
    if (m_pending == ti) m_pending = -1;
    if (announce) m_events.push_back(Event{dir ? EventKind::Completed : EventKind::Accepted, t.tag, at});
  }
  return true;
}

void Ddr4ControllerTiming::link(std::int32_t i) {
  Entry& e = m_pool[i];
  const int b = e.bank;
  const int dir = e.dir;
  e.nextBank = -1;
  e.prevBank = m_bankTail[b][dir];
  if (e.prevBank >= 0) m_pool[e.prevBank].nextBank = i;
  else m_bankHead[b][dir] = i;
  m_bankTail[b][dir] = i;
  e.nextAge = -1;
  e.prevAge = m_ageTail[dir];
  if (e.prevAge >= 0) m_pool[e.prevAge].nextAge = i;
  else m_ageHead[dir] = i;
  m_ageTail[dir] = i;
  ++m_count[dir];
  m_bankMask[dir] |= 1ULL << b;
  m_cand[b][dir].dirty = true;
  m_memoValid = false;
  if (!(m_dev.isOpen(b) && m_dev.openRow(b) == e.row)) ++m_nonHits[dir];
}

bool Ddr4ControllerTiming::inWriteQueue(int b, std::uint64_t burst) const {
  for (std::int32_t i = m_bankHead[b][1]; i >= 0; i = m_pool[i].nextBank)
    if (m_pool[i].burst == burst) return true;
  for (std::size_t k = 0; k < m_queues->heldBack(); ++k) {
    const Entry& e = m_pool[m_queues->heldBackEntry(k)];
    if (e.dir == 1 && e.burst == burst) return true;
  }
  return false;
}

void Ddr4ControllerTiming::completeRead(std::int32_t ti, std::uint64_t done) {
  Txn& t = m_txns[ti];
  m_events.push_back(Event{EventKind::Completed, t.tag, done});
  const std::uint64_t lat = done - t.arrival;
  ++m_latencyHist[lat ? 63 - __builtin_clzll(lat) : 0];
  m_latencySum += lat;
  ++m_readTxns;
  m_freeTxns.push_back(ti);
  auto it = std::find(m_activeReads.begin(), m_activeReads.end(), ti);
  *it = m_activeReads.back();
  m_activeReads.pop_back();
}

void Ddr4ControllerTiming::unlink(std::int32_t i) {
  Entry& e = m_pool[i];
  const int dir = e.dir;
  const int b = e.bank;
  if (e.prevBank >= 0) m_pool[e.prevBank].nextBank = e.nextBank;
  else m_bankHead[b][dir] = e.nextBank;
  if (e.nextBank >= 0) m_pool[e.nextBank].prevBank = e.prevBank;
  else m_bankTail[b][dir] = e.prevBank;
  if (m_bankHead[b][dir] < 0) m_bankMask[dir] &= ~(1ULL << b);
  m_cand[b][dir].dirty = true;
  if (e.prevAge >= 0) m_pool[e.prevAge].nextAge = e.nextAge;
  else m_ageHead[dir] = e.nextAge;
  if (e.nextAge >= 0) m_pool[e.nextAge].prevAge = e.prevAge;
  else m_ageTail[dir] = e.prevAge;
  --m_count[dir];
  e.nextAge = m_free;
  m_free = i;
}

void Ddr4ControllerTiming::rowChanged(int b, std::uint32_t row, int delta) {
  for (int dir = 0; dir < 2; ++dir)
    for (std::int32_t i = m_bankHead[b][dir]; i >= 0; i = m_pool[i].nextBank)
      if (m_pool[i].row == row) m_nonHits[dir] = static_cast<std::uint32_t>(static_cast<int>(m_nonHits[dir]) + delta);
}

bool Ddr4ControllerTiming::rowStillWanted(int b, std::uint32_t row) const {
  for (int dir = 0; dir < 2; ++dir)
    for (std::int32_t i = m_bankHead[b][dir]; i >= 0; i = m_pool[i].nextBank)
      if (m_pool[i].row == row) return true;
  return false;
}

bool Ddr4ControllerTiming::submit(std::uint32_t tag, bool write, std::uint64_t addr, std::uint64_t bytes,
                                  std::uint64_t at) {
  FTSIM_ASSERT(m_pending < 0, "a transaction arrived while the request stage was busy");
  FTSIM_ASSERT(bytes > 0, "empty transaction");
  FTSIM_ASSERT(at >= m_cursor, "a transaction arrived before the controller's current cycle");
  advance(at);
  std::int32_t ti;
  if (!m_freeTxns.empty()) {
    ti = m_freeTxns.back();
    m_freeTxns.pop_back();
  } else {
    ti = static_cast<std::int32_t>(m_txns.size());
    m_txns.emplace_back();
  }
  Txn& t = m_txns[ti];
  t.tag = tag;
  t.dir = write ? 1 : 0;
  t.arrival = at;
  t.doneCycle = 0;
  t.nextBurst = addr >> m_burstShift;
  t.endBurst = ((addr + bytes - 1) >> m_burstShift) + 1;
  t.unissued = static_cast<std::uint32_t>(t.endBurst - t.nextBurst);
  m_pending = ti;
  if (!write) m_activeReads.push_back(ti);
  while (m_pending == ti && queuesHaveRoom(t.dir))
    if (!enterRange(ti, at, false)) enter(ti, at, false);
  return m_pending < 0;
}

// ---------------------------------------------------------------- scheduling

int Ddr4ControllerTiming::direction() { return directionFor(queued(1), queued(0), m_draining); }

int Ddr4ControllerTiming::directionFor(std::uint32_t wq, std::uint32_t rq, bool& draining) const {
  if (draining && wq <= static_cast<std::uint32_t>(m_cfg.writeLowWatermarkBursts)) draining = false;
  if (!draining && wq >= static_cast<std::uint32_t>(m_cfg.writeHighWatermarkBursts)) draining = true;
  // With no read queued, writes wait for the idle-drain threshold (1: any).
  if (draining) return 1;
  if (rq > 0) return 0;
  // Bursts held back behind full bank queues (per_bank) wait for those
  // writes: they go whatever the idle threshold.
  const bool held = !m_shared && m_queues->heldBack() > 0;
  return (m_flush || held || wq >= static_cast<std::uint32_t>(m_cfg.writeIdleDrainBursts)) ? 1 : 0;
}

bool Ddr4ControllerTiming::scan(int dir, Decision& d) {
  bool have = false;
  bool bestColumn = false;
  std::uint64_t bestSeq = 0;
  const DdrCommand col = columnCommand(dir);
  for (std::uint64_t mask = m_bankMask[dir]; mask; mask &= mask - 1) {
    const int b = __builtin_ctzll(mask);
    BankCandidate& bc = m_cand[b][dir];
    if (bc.dirty) {
      bc.entry = m_bankHead[b][dir];
      bc.cmd = DdrCommand::Act;
      if (m_dev.isOpen(b)) {
        const std::uint32_t row = m_dev.openRow(b);
        std::int32_t i = bc.entry;
        while (i >= 0 && m_pool[i].row != row) i = m_pool[i].nextBank;
        if (i >= 0 && m_cfg.rowHitCap > 0 &&
            m_columnsSinceAct[b] >= static_cast<std::uint32_t>(m_cfg.rowHitCap)) {
          // Capped: the oldest request for another row, if any, goes first.
          std::int32_t other = bc.entry;
          while (other >= 0 && m_pool[other].row == row) other = m_pool[other].nextBank;
          if (other >= 0) {
            bc.entry = other;
            i = -1;
          }
        }
        if (i >= 0) {
          bc.entry = i;
          bc.cmd = col;
        } else {
          bc.cmd = DdrCommand::Pre;
        }
      }
      bc.dirty = false;
    }
    const std::int32_t cand = bc.entry;
    const DdrCommand cmd = bc.cmd;
    const std::uint64_t r = std::max(m_dev.earliest(cmd, b), m_cursor);
    const bool isColumn = cmd == col;
    // Round robin ranks a tie by the distance from the bank with priority.
    const std::uint64_t seq = m_roundRobin ? static_cast<std::uint64_t>((b - m_rrNext + 64) % 64) : m_pool[cand].seq;
    const bool tieWins = m_roundRobin ? seq < bestSeq
                                      : ((isColumn && !bestColumn) || (isColumn == bestColumn && seq < bestSeq));
    if (!have || r < d.cycle || (r == d.cycle && tieWins)) {
      have = true;
      d.cycle = r;
      d.cmd = cmd;
      d.bank = b;
      d.entry = cand;
      d.rank = m_dev.rankOf(b);
      bestColumn = isColumn;
      bestSeq = seq;
    }
  }
  return have;
}

void Ddr4ControllerTiming::oldest(int dir, Decision& d) const {
  const std::int32_t i = m_ageHead[dir];
  const Entry& e = m_pool[i];
  const int b = e.bank;
  DdrCommand cmd = DdrCommand::Act;
  if (m_dev.isOpen(b)) cmd = m_dev.openRow(b) == e.row ? columnCommand(dir) : DdrCommand::Pre;
  d.cycle = std::max(m_dev.earliest(cmd, b), m_cursor);
  d.cmd = cmd;
  d.bank = b;
  d.entry = i;
  d.rank = m_dev.rankOf(b);
  d.fast = false;
}

void Ddr4ControllerTiming::refreshStep(int rank, std::uint64_t due, Decision& d) const {
  const int perRank = m_dev.banks() / m_dev.config().ranks;
  const std::uint64_t from = std::max(due, m_cursor);
  d.entry = -1;
  d.fast = false;
  d.rank = rank;
  if (m_perBankRefresh) {
    // Only the bank due: its PRE if open, then its REFpb.
    d.bank = rank * perRank + m_refreshBank[rank];
    d.cmd = m_dev.isOpen(d.bank) ? DdrCommand::Pre : DdrCommand::RefPb;
    d.cycle = std::max(m_dev.earliest(d.cmd, d.bank), from);
    return;
  }
  bool open = false;
  const std::uint64_t rankBanks = (perRank >= 64 ? ~0ULL : (1ULL << perRank) - 1) << (rank * perRank);
  for (std::uint64_t m = m_dev.openBanks() & rankBanks; m; m &= m - 1) {
    const int b = __builtin_ctzll(m);
    const std::uint64_t r = std::max(m_dev.earliest(DdrCommand::Pre, b), from);
    if (!open || r < d.cycle) {
      open = true;
      d.cycle = r;
      d.bank = b;
    }
  }
  d.cmd = open ? DdrCommand::Pre : DdrCommand::Ref;
  if (!open) {
    d.bank = rank * perRank;
    d.cycle = std::max(m_dev.earliest(DdrCommand::Ref, d.bank), from);
  }
}

const Ddr4ControllerTiming::Decision& Ddr4ControllerTiming::decide() {
  if (m_memoValid) return m_memo;
  // Filled in place: copying a freshly written struct as a whole stalls on
  // store forwarding, and this runs once per command.
  Decision& d = m_memo;
  const int dir = direction();
  bool have = false;
  if (m_count[dir] > 0) {
    if (m_fast && m_nonHits[dir] == 0) {
      const std::int32_t i = m_ageHead[dir];
      const int b = m_pool[i].bank;
      const DdrCommand col = columnCommand(dir);
      const std::uint64_t r = std::max(m_dev.earliest(col, b), m_cursor);
      if (r == std::max(m_dev.columnFloor(col), m_cursor)) {
        d.cycle = r;
        d.cmd = col;
        d.bank = b;
        d.entry = i;
        d.rank = m_dev.rankOf(b);
        d.fast = true;
        have = true;
      }
    }
    if (!have && m_cfg.arbitration == Arbitration::Fcfs) {
      oldest(dir, d);
      have = true;
    }
    if (!have) {
      have = scan(dir, d);
      d.fast = false;
    }
  }
  int rank = 0;
  for (int r = 1; r < static_cast<int>(m_refreshDue.size()); ++r)
    if (m_refreshDue[r] < m_refreshDue[rank]) rank = r;
  if (!have || d.cycle >= m_refreshDue[rank]) refreshStep(rank, m_refreshDue[rank], d);
  m_memoValid = true;
  return d;
}

void Ddr4ControllerTiming::column(const Decision& d) {
  Entry& e = m_pool[d.entry];
  const int b = d.bank;
  const std::uint32_t row = e.row;
  if (e.outcome == kNone) e.outcome = kHit;
  ++m_bankStats[b][e.outcome - 1];
  ++m_columnsSinceAct[b];
  m_dev.issue(d.cmd, b, row, d.cycle);
  const int dir = e.dir;
  const std::uint64_t dataEnd = d.cycle + (dir ? m_dev.config().t.cwl : m_dev.config().t.cl) + m_dev.burstCycles();
  if (dataEnd > m_lastData) m_lastData = dataEnd;
  const std::int32_t ti = e.txn;
  unlink(d.entry);
  if (m_shared) {
    m_shared->retire(dir, b, m_released);
  } else {
    m_released.clear();
    m_queues->retire(dir, b, m_released);
    for (const std::int32_t r : m_released) link(r);
  }
  Txn& t = m_txns[ti];
  if (--t.unissued == 0) {
    if (t.dir == 0) {
      completeRead(ti, std::max(t.doneCycle, d.cycle + m_dev.readDoneCycles()));
    } else {
      m_freeTxns.push_back(ti);
    }
  }
  if ((m_closedPage && !rowStillWanted(b, row)) ||
      (m_openAdaptive && bankHasRequests(b) && !rowStillWanted(b, row))) {
    const std::uint64_t at = m_dev.autoPrecharge(b);
    bankChanged(b);
    if (m_trace) m_trace->push_back(CommandRecord{at, DdrCommand::Pre, b, row});
    if (m_timeline) recordCommand(DdrCommand::Pre, b, 0, row, at);
  }
  // Bursts waiting in the request stage enter on the next cycle while the
  // structure has room (shared: the one entry this command freed).
  while (m_pending >= 0 && queuesHaveRoom(m_txns[m_pending].dir)) enter(m_pending, d.cycle + 1, true);
}

void Ddr4ControllerTiming::execute(const Decision& d) {
  m_memoValid = false;
  if (m_roundRobin && d.entry >= 0) m_rrNext = (d.bank + 1) % m_dev.banks();
  if (d.cmd == DdrCommand::Act || d.cmd == DdrCommand::Pre) bankChanged(d.bank);
  switch (d.cmd) {
    case DdrCommand::Act: {
      Entry& e = m_pool[d.entry];
      if (e.outcome == kNone) e.outcome = kMiss;
      ++m_bankStats[d.bank][3];
      m_columnsSinceAct[d.bank] = 0;
      m_dev.issue(DdrCommand::Act, d.bank, e.row, d.cycle);
      rowChanged(d.bank, e.row, -1);
      if (m_trace) m_trace->push_back(CommandRecord{d.cycle, d.cmd, d.bank, e.row});
      if (m_timeline) recordCommand(d.cmd, d.bank, d.rank, e.row, d.cycle);
      break;
    }
    case DdrCommand::Pre: {
      const std::uint32_t row = m_dev.openRow(d.bank);
      if (d.entry >= 0 && m_pool[d.entry].outcome == kNone) m_pool[d.entry].outcome = kConflict;
      rowChanged(d.bank, row, +1);
      m_dev.issue(DdrCommand::Pre, d.bank, row, d.cycle);
      if (m_trace) m_trace->push_back(CommandRecord{d.cycle, d.cmd, d.bank, row});
      if (m_timeline) recordCommand(d.cmd, d.bank, d.rank, row, d.cycle);
      break;
    }
    case DdrCommand::Ref:
      m_dev.issue(DdrCommand::Ref, d.bank, 0, d.cycle);
      m_refreshDue[d.rank] += m_refreshInterval;
      if (m_trace) m_trace->push_back(CommandRecord{d.cycle, d.cmd, d.bank, 0});
      if (m_timeline) recordCommand(d.cmd, d.bank, d.rank, 0, d.cycle);
      break;
    case DdrCommand::RefPb: {
      m_dev.issue(DdrCommand::RefPb, d.bank, 0, d.cycle);
      bankChanged(d.bank);
      m_refreshDue[d.rank] += m_refreshInterval;
      const int perRank = m_dev.banks() / m_dev.config().ranks;
      m_refreshBank[d.rank] = (m_refreshBank[d.rank] + 1) % perRank;
      if (m_trace) m_trace->push_back(CommandRecord{d.cycle, d.cmd, d.bank, 0});
      if (m_timeline) recordCommand(d.cmd, d.bank, d.rank, 0, d.cycle);
      break;
    }
    case DdrCommand::Rd:
    case DdrCommand::Wr:
      m_fastDecisions += d.fast;
      if (m_trace) m_trace->push_back(CommandRecord{d.cycle, d.cmd, d.bank, m_pool[d.entry].row});
      if (m_timeline) recordCommand(d.cmd, d.bank, d.rank, m_pool[d.entry].row, d.cycle);
      column(d);
      break;
  }
  m_cursor = d.cycle + 1;
}

// ---------------------------------------------------------------- streaming

bool Ddr4ControllerTiming::tryStream() {
  if (!streamAllowed()) return false;
  // The direction decide() would take; the other one's requests stay in the lists.
  const int dir = direction();
  if (m_count[dir] == 0 || m_nonHits[dir] != 0) return false;
  // Only when the oldest request would go first now: else the streaming
  // path would stop at once and the lists come straight back.
  const DdrCommand col = columnCommand(dir);
  const int head = m_pool[m_ageHead[dir]].bank;
  if (std::max(m_dev.earliest(col, head), m_cursor) != std::max(m_dev.columnFloor(col), m_cursor)) return false;
  for (std::int32_t i = m_ageHead[dir]; i >= 0;) {
    const Entry& e = m_pool[i];
    const std::int32_t next = e.nextAge;
    pushRing(Light{e.seq, e.burst, e.row, e.txn, 1, e.bank, e.outcome});
    unlink(i);
    i = next;
  }
  m_streamOn = true;
  m_streamDir = dir;
  m_memoValid = false;
  return true;
}

void Ddr4ControllerTiming::pushRing(const Light& l) {
  // Per bank, its requests and of those not for its open row: a range
  // visits its banks in turn.
  if (l.count == 1) {
    ++m_ringCount[l.bank];
    if (!rowOpen(l.bank, l.row)) ++m_ringOther[l.bank];
  }
  const std::uint32_t groups = 1u << m_groupBits;
  const int g0 = m_dev.bankGroupOf(l.bank);
  for (std::uint32_t j = 0; j < std::min(l.count, groups) && l.count > 1; ++j) {
    const int b = blockBank(l.bank, g0, j);
    const std::uint32_t add = ((l.count - 1 - j) >> m_groupBits) + 1;
    m_ringCount[b] += add;
    if (!rowOpen(b, l.row)) m_ringOther[b] += add;
  }
  if (m_ringRanges > 0 && m_rotationBits > 0 && l.outcome == kNone) {
    Light& tail = m_ring[(m_ringHead + m_ringRanges - 1) & m_ringMask];
    if (tail.txn == l.txn && tail.burst + tail.count == l.burst && tail.seq + tail.count == l.seq &&
        (tail.burst >> m_rotationBits) == (l.burst >> m_rotationBits)) {
      tail.count += l.count;
      m_ringSize += l.count;
      return;
    }
  }
  m_ring[(m_ringHead + m_ringRanges++) & m_ringMask] = l;
  m_ringSize += l.count;
}

void Ddr4ControllerTiming::materialize() {
  if (!m_streamOn) return;
  m_streamOn = false;
  for (std::uint32_t k = 0; k < m_ringRanges; ++k) {
    const Light& l = m_ring[(m_ringHead + k) & m_ringMask];
    for (std::uint32_t j = 0; j < l.count; ++j) {
      const std::int32_t i = m_free;
      FTSIM_ASSERT(i >= 0, "queue entry taken while full");
      Entry& e = m_pool[i];
      m_free = e.nextAge;
      e.seq = l.seq + j;
      e.burst = l.burst + j;
      e.row = l.row;
      e.txn = l.txn;
      e.bank = j == 0 ? l.bank : static_cast<std::uint16_t>(bankOfBurst(e.burst));
      e.dir = static_cast<std::uint8_t>(m_streamDir);
      e.outcome = j == 0 ? l.outcome : static_cast<std::uint8_t>(kNone);
      if (m_bankOutcome[e.bank] != kNone) {
        // Its bank's oldest request: the streaming path's PRE or ACT was for it.
        if (e.outcome == kNone) e.outcome = m_bankOutcome[e.bank];
        m_bankOutcome[e.bank] = kNone;
      }
      link(i);
    }
  }
  m_ringHead = 0;
  m_ringSize = 0;
  m_ringRanges = 0;
  m_missBanks = 0;
  std::fill(m_ringCount.begin(), m_ringCount.end(), 0u);
  std::fill(m_ringOther.begin(), m_ringOther.end(), 0u);
  m_memoValid = false;
}

Ddr4ControllerTiming::StreamStop Ddr4ControllerTiming::stream(std::uint64_t until, bool untilTaken) {
  const int dir = m_streamDir;
  const DdrCommand col = columnCommand(dir);
  std::uint64_t due = UINT64_MAX;
  for (const std::uint64_t r : m_refreshDue) due = std::min(due, r);
  const std::uint64_t doneAfter = dataDoneAfter(dir);
  // One rank: RD→RD (WR→WR) sets only the rank's next cycle (+ tCCD_S),
  // its bank group's (+ tCCD_L) and the bus (+ the command's cycles); a
  // bank's own next RD (WR) is untouched. So the command's earliest cycle
  // is max(bank, group, floor) with the group and floor kept here from the
  // device's values at the start, and the device learns the commands when
  // the call ends (issueColumns).
  const bool light = m_singleRank;
  LightRun run;
  const std::uint64_t ccdL = m_dev.ccdLong();
  const std::uint64_t step = std::max<std::uint64_t>(m_dev.ccdShort(), m_dev.commandCycles(col));
  auto loadFloor = [&] { run.floor = std::max(m_dev.rankNext(col, 0), m_dev.columnBusFree()); };
  auto load = [&] {
    loadFloor();
    for (int g = 0; g < m_dev.groups(); ++g) m_runGroupNext[g] = m_dev.groupNext(col, g);
  };
  if (light) load();
  // Runs of bursts in closed form: the bursts of a rotation block visit the
  // bank groups in turn, so when every group has had tCCD_L since its last
  // command by the time its turn comes, each burst goes on the floor.
  const bool runs = light && m_rotationBits > 0 && !m_timeline &&
                    static_cast<std::uint64_t>(m_dev.groups()) * step >= ccdL;
  std::uint64_t runLimit = std::min(until, due);
  bool first = true;
  auto flush = [&] {
    if (run.banks == 0) return;
    m_dev.issueColumns(col, run.banks, m_runLast.data(), m_runCount.data());
    for (std::uint64_t banks = run.banks; banks; banks &= banks - 1) m_runCount[__builtin_ctzll(banks)] = 0;
    run.banks = 0;
  };
  auto stop = [&](StreamStop s) {
    flush();
    return s;
  };
  // A refresh due before the next command: its next PRE or REF; once REF
  // has issued, the next refresh is due.
  auto refresh = [&] {
    const RingStep done = ringRefresh(until);
    if (done == RingStep::Issued) {
      due = UINT64_MAX;
      for (const std::uint64_t c : m_refreshDue) due = std::min(due, c);
      runLimit = std::min(until, due);
      if (light) load();
    }
    return done;
  };
  while (true) {
    if (m_ringSize == 0) {
      m_streamOn = false;
      return stop(StreamStop::Empty);
    }
    if (untilTaken && m_pending < 0) return stop(StreamStop::Until);
    // Reads hold the direction while no write is queued; with writes
    // queued, or streaming writes, a watermark may turn it.
    if ((dir == 1 || first || m_count[1] > 0) && direction() != dir) return stop(StreamStop::General);
    first = false;
    // Banks wait for a PRE or ACT; while each still has hits queued, only
    // column commands compete.
    const bool columnsOnly = m_missBanks == 0 || ringColumnsOnly();
    if (runs && columnsOnly && m_ring[m_ringHead].count > 1 && runAhead(dir, step, runLimit, untilTaken, run))
      continue;
    Light& h = m_ring[m_ringHead];
    const int b = h.bank;
    // The decision decide() would take: the oldest request's column
    // command when it is ready on the column floor and no request waits
    // for an ACT, unless a refresh is due.
    std::uint64_t r = 0;
    bool onFloor = false;
    if (columnsOnly && (m_missBanks == 0 || rowOpen(b, h.row))) {
      if (light) {
        r = std::max({m_dev.bankNext(col, b), m_runGroupNext[m_dev.groupIndex(b)], run.floor, m_cursor});
        onFloor = r == std::max(run.floor, m_cursor);
      } else {
        r = std::max(m_dev.earliest(col, b), m_cursor);
        onFloor = r == std::max(m_dev.columnFloor(col), m_cursor);
      }
    }
    if (onFloor) {
      if (r >= due) {
        flush();
        const RingStep done = refresh();
        if (done != RingStep::Issued) return done == RingStep::Later ? StreamStop::Until : StreamStop::General;
        continue;
      }
      if (r >= until) return stop(StreamStop::Until);
      if (light) {
        const int g = m_dev.groupIndex(b);
        m_runGroupNext[g] = std::max(m_runGroupNext[g], r + ccdL);
        run.floor = r + step;
        m_runLast[b] = r;
        ++m_runCount[b];
        run.banks |= 1ULL << b;
      } else {
        m_dev.issueColumn(col, b, r);
      }
    } else {
      // Else the banks' commands compete as in the lists; the device then
      // holds every command issued.
      flush();
      Decision d;
      const bool inOrder = ringDecide(dir, d);
      if (d.cycle >= due) {
        const RingStep done = refresh();
        if (done != RingStep::Issued) return done == RingStep::Later ? StreamStop::Until : StreamStop::General;
        continue;
      }
      if (!inOrder) return StreamStop::General;
      if (d.cycle >= until) return StreamStop::Until;
      if (d.cmd != col) {
        if (d.cmd == DdrCommand::Act) ringAct(d.bank, d.cycle);
        else ringPre(d.bank, d.cycle);
        // An ACT or PRE moves no bank group's next RD (WR), which the flush
        // above gave the device: only the command bus.
        if (light) loadFloor();
        continue;
      }
      r = d.cycle;
      m_dev.issueColumn(col, b, r);
      if (light) load();
    }
    // The outcome of the bank's oldest request: from the lists, or the ACT
    // the streaming path issued for it, else a hit.
    const int outcome = h.outcome != kNone ? int{h.outcome} : m_bankOutcome[b] != kNone ? int{m_bankOutcome[b]} : int{kHit};
    m_bankOutcome[b] = kNone;
    ++m_bankStats[b][outcome - 1];
    ++m_columnsSinceAct[b];
    ++m_fastDecisions;
    if (m_trace) m_trace->push_back(CommandRecord{r, col, b, h.row});
    if (m_timeline) recordCommand(col, b, m_dev.rankOf(b), h.row, r);
    if (r + doneAfter > m_lastData) m_lastData = r + doneAfter;
    const std::int32_t ti = h.txn;
    if (h.count > 1) {
      ++h.seq;
      ++h.burst;
      --h.count;
      h.bank = static_cast<std::uint16_t>(bankOfBurst(h.burst));
      h.outcome = kNone;
    } else {
      m_ringHead = (m_ringHead + 1) & m_ringMask;
      --m_ringRanges;
    }
    --m_ringSize;
    --m_ringCount[b];
    m_shared->retire(dir, b, m_released);
    Txn& t = m_txns[ti];
    if (--t.unissued == 0) {
      if (t.dir == 0) completeRead(ti, std::max(t.doneCycle, r + m_dev.readDoneCycles()));
      else m_freeTxns.push_back(ti);
    }
    m_cursor = r + 1;
    m_memoValid = false;
    if (m_pending >= 0 && m_txns[m_pending].dir == dir) {
      // The request stage's transaction waits for this queue, which was
      // full: its next burst takes the entry just freed, on the next cycle
      // (enter(), inline for a hit).
      Txn& p = m_txns[m_pending];
      const DramAddress a = m_map.decode(p.nextBurst << m_burstShift);
      const int pb = m_dev.flatBank(a.rank, a.bankGroup, a.bank);
      if (!rowOpen(pb, a.row) || (dir == 0 && m_cfg.readForwarding)) {
        enter(m_pending, r + 1, true);
        if (!m_streamOn) return stop(StreamStop::General);
        continue;
      }
      FTSIM_ASSERT(m_shared->hasRoom(dir), "queue entry taken while full");
      m_shared->enqueue(-1, dir, pb);
      pushRing(Light{m_seq++, p.nextBurst++, a.row, m_pending, 1, static_cast<std::uint16_t>(pb), kNone});
      if (p.nextBurst == p.endBurst) {
        m_events.push_back(Event{dir ? EventKind::Completed : EventKind::Accepted, p.tag, r + 1});
        m_pending = -1;
      }
    } else {
      while (m_pending >= 0 && queuesHaveRoom(m_txns[m_pending].dir)) enter(m_pending, r + 1, true);
      if (!m_streamOn) return stop(StreamStop::General);
    }
  }
}

bool Ddr4ControllerTiming::ringDecide(int dir, Decision& d) const {
  const DdrCommand col = columnCommand(dir);
  const Light& head = m_ring[m_ringHead];
  d.entry = -1;
  if (m_cfg.arbitration == Arbitration::Fcfs) {
    d.bank = head.bank;
    d.cmd = !m_dev.isOpen(d.bank) ? DdrCommand::Act : m_dev.openRow(d.bank) == head.row ? col : DdrCommand::Pre;
    d.cycle = std::max(m_dev.earliest(d.cmd, d.bank), m_cursor);
    d.rank = m_dev.rankOf(d.bank);
    return true;
  }
  // Without looking at every request: when the oldest is a hit on the
  // column floor, no column command goes before it; with no hit queued,
  // only the banks waiting for their row compete. Those banks' PRE (once
  // they have no hit left) and ACT are the other candidates.
  const bool headHit = rowOpen(head.bank, head.row);
  const std::uint64_t headAt = headHit ? std::max(m_dev.earliest(col, head.bank), m_cursor) : 0;
  if (headHit ? headAt == std::max(m_dev.columnFloor(col), m_cursor) : waitingOthers() == m_ringSize) {
    bool have = headHit;
    if (headHit) {
      d.cycle = headAt;
      d.cmd = col;
      d.bank = head.bank;
    }
    std::uint64_t bestSeq = head.seq;
    for (std::uint64_t m = m_missBanks; m; m &= m - 1) {
      const int b = __builtin_ctzll(m);
      DdrCommand cmd = DdrCommand::Act;
      if (m_dev.isOpen(b)) {
        if (m_ringCount[b] != m_ringOther[b]) continue;  // its oldest hit goes first
        cmd = DdrCommand::Pre;
      }
      const std::uint64_t r = std::max(m_dev.earliest(cmd, b), m_cursor);
      // A column command wins a tie.
      if (!have || r < d.cycle || (r == d.cycle && d.cmd != col && m_missSeq[b] < bestSeq)) {
        have = true;
        d.cycle = r;
        d.cmd = cmd;
        d.bank = b;
        bestSeq = m_missSeq[b];
      }
    }
    d.rank = m_dev.rankOf(d.bank);
    return true;
  }
  // Else per bank its oldest hit, else its oldest request. A range's
  // bursts visit the bank groups in turn, one bank per group, all of one
  // row.
  const std::uint32_t groups = 1u << m_groupBits;
  std::uint64_t hits = 0, others = 0;
  std::array<std::uint64_t, 64> hitSeq, otherSeq;
  for (std::uint32_t k = 0; k < m_ringRanges; ++k) {
    const Light& l = m_ring[(m_ringHead + k) & m_ringMask];
    const int g0 = m_dev.bankGroupOf(l.bank);
    const std::uint32_t visits = std::min(l.count, groups);
    for (std::uint32_t j = 0; j < visits; ++j) {
      const int b = blockBank(l.bank, g0, j);
      const std::uint64_t bit = 1ULL << b;
      if (rowOpen(b, l.row)) {
        if (!(hits & bit)) hitSeq[b] = l.seq + j;
        hits |= bit;
      } else {
        if (!(others & bit)) otherSeq[b] = l.seq + j;
        others |= bit;
      }
    }
  }
  bool have = false;
  bool bestColumn = false;
  std::uint64_t bestSeq = 0;
  for (std::uint64_t banks = hits | others; banks; banks &= banks - 1) {
    const int b = __builtin_ctzll(banks);
    const bool isColumn = (hits >> b) & 1;
    const DdrCommand cmd = isColumn ? col : m_dev.isOpen(b) ? DdrCommand::Pre : DdrCommand::Act;
    const std::uint64_t r = std::max(m_dev.earliest(cmd, b), m_cursor);
    const std::uint64_t seq = isColumn ? hitSeq[b] : otherSeq[b];
    if (!have || r < d.cycle ||
        (r == d.cycle && ((isColumn && !bestColumn) || (isColumn == bestColumn && seq < bestSeq)))) {
      have = true;
      d.cycle = r;
      d.cmd = cmd;
      d.bank = b;
      bestColumn = isColumn;
      bestSeq = seq;
    }
  }
  d.rank = m_dev.rankOf(d.bank);
  // A column command goes in order only: the oldest request's.
  return !bestColumn || bestSeq == head.seq;
}

Ddr4ControllerTiming::RingStep Ddr4ControllerTiming::ringRefresh(std::uint64_t until) {
  int rank = 0;
  for (int r = 1; r < static_cast<int>(m_refreshDue.size()); ++r)
    if (m_refreshDue[r] < m_refreshDue[rank]) rank = r;
  Decision d;
  refreshStep(rank, m_refreshDue[rank], d);
  if (d.cycle >= until) return RingStep::Later;
  if (d.cmd == DdrCommand::Pre) {
    // The ring's requests for the bank's row now wait for its ACT, unless
    // some wait for another row already.
    const std::uint32_t row = m_dev.openRow(d.bank);
    const std::uint32_t groups = 1u << m_groupBits;
    for (std::uint32_t k = 0; k < m_ringRanges; ++k) {
      const Light& l = m_ring[(m_ringHead + k) & m_ringMask];
      if (l.row != row) continue;
      const int g0 = m_dev.bankGroupOf(l.bank);
      std::uint32_t j = 0;
      while (j < std::min(l.count, groups) && blockBank(l.bank, g0, j) != d.bank) ++j;
      if (j < std::min(l.count, groups)) {
        if ((m_missBanks >> d.bank) & 1) return RingStep::Lists;
        m_missBanks |= 1ULL << d.bank;
        m_missRow[d.bank] = row;
        m_missSeq[d.bank] = l.seq + j;
        break;
      }
    }
  }
  if (d.cmd == DdrCommand::Pre || d.cmd == DdrCommand::RefPb) m_ringOther[d.bank] = m_ringCount[d.bank];
  execute(d);
  return RingStep::Issued;
}

void Ddr4ControllerTiming::ringPre(int b, std::uint64_t cycle) {
  Decision d;
  d.cycle = cycle;
  d.cmd = DdrCommand::Pre;
  d.bank = b;
  d.entry = -1;
  d.rank = m_dev.rankOf(b);
  execute(d);
  // For the bank's oldest request, which its next column command serves.
  if (m_bankOutcome[b] == kNone) m_bankOutcome[b] = kConflict;
}

void Ddr4ControllerTiming::ringAct(int b, std::uint64_t cycle) {
  const std::uint32_t row = m_missRow[b];
  m_missBanks &= ~(1ULL << b);
  m_ringOther[b] = 0;
  if (m_bankOutcome[b] == kNone) m_bankOutcome[b] = kMiss;
  ++m_streamActs;
  ++m_bankStats[b][3];
  m_columnsSinceAct[b] = 0;
  m_dev.issue(DdrCommand::Act, b, row, cycle);
  bankChanged(b);
  rowChanged(b, row, -1);  // the other direction's requests for the row now hit
  if (m_trace) m_trace->push_back(CommandRecord{cycle, DdrCommand::Act, b, row});
  if (m_timeline) recordCommand(DdrCommand::Act, b, m_dev.rankOf(b), row, cycle);
  m_cursor = cycle + 1;
  m_memoValid = false;
}

bool Ddr4ControllerTiming::runAhead(int dir, std::uint64_t step, std::uint64_t limit, bool untilTaken, LightRun& run) {
  const std::uint64_t r0 = std::max(run.floor, m_cursor);
  if (r0 >= limit) return false;
  // n bursts at r0, r0 + step, ...: every one before the next arrival and
  // the refresh due.
  const Light h = m_ring[m_ringHead];
  const std::uint64_t span = limit - r0 + step - 1;
  std::uint64_t n = std::min<std::uint64_t>(h.count, (step & (step - 1)) == 0 ? span >> __builtin_ctzll(step) : span / step);
  if (n < 2) return false;
  const DdrCommand col = columnCommand(dir);
  // Burst j of the block is in group (first + j) mod groups: the first
  // `groups` bursts meet each group and bank once; from then on each group
  // comes back groups * step >= tCCD_L after its previous command, and a
  // bank's own RD (WR) constraint is not changed by RDs (WRs).
  const std::uint64_t groups = 1ULL << m_groupBits;
  const int g0 = m_dev.bankGroupOf(h.bank);
  std::array<int, kMaxRotationGroups> bankAt;  // [0, min(n, groups)) set below
  const std::uint64_t firsts = std::min(n, groups);
  for (std::uint64_t j = 0; j < firsts; ++j) {
    const int b = blockBank(h.bank, g0, j);
    const std::uint64_t r = r0 + j * step;
    if (m_dev.bankNext(col, b) > r || m_runGroupNext[m_dev.groupIndex(b)] > r || !rowOpen(b, h.row)) {
      n = j;
      break;
    }
    bankAt[j] = b;
  }
  // A bank waiting for a PRE keeps a hit queued (its last one ends the run).
  for (std::uint64_t j = 0; j < std::min(n, groups) && m_missBanks != 0; ++j) {
    const int b = bankAt[j];
    if (((m_missBanks >> b) & 1) == 0) continue;
    const std::uint64_t keep = m_ringCount[b] - m_ringOther[b] - 1;  // hits the run may take
    if (keep == 0) n = std::min(n, j);
    else n = std::min(n, j + (keep - 1) * groups + 1);
  }
  // The request stage's transaction: one burst enters behind each one
  // issued, on the next cycle, while it is a hit of this direction or a
  // request the ring takes for another row of an open bank that still has
  // hits queued (FR-FCFS serves those first, so only column commands
  // compete while the run lasts).
  std::uint64_t entering = 0;
  std::uint64_t newMisses = 0;  // banks the entering bursts leave waiting for a PRE
  std::uint32_t enterRow = 0;
  int enterFirst = 0, enterGroup = 0;
  const Txn* pending = m_pending >= 0 ? &m_txns[m_pending] : nullptr;
  // Of the other direction, it waits while its queue is full: no command
  // here frees an entry of it.
  if (pending && pending->dir != dir && queuesHaveRoom(pending->dir)) return false;
  if (pending && pending->dir == dir) {
    const Txn& p = *pending;
    if (dir == 0 && m_cfg.readForwarding) return false;
    const std::uint64_t left = p.endBurst - p.nextBurst;
    const std::uint64_t blockEnd = ((p.nextBurst >> m_rotationBits) + 1) << m_rotationBits;
    const std::uint64_t cap = std::min({n, left, blockEnd - p.nextBurst});
    const DramAddress a = m_map.decode(p.nextBurst << m_burstShift);
    const int pFirst = m_dev.flatBank(a.rank, a.bankGroup, a.bank);
    std::uint64_t hits = 0;
    const std::uint64_t checks = std::min(cap, groups);
    while (hits < checks) {
      const int b = blockBank(pFirst, a.bankGroup, hits);
      if (!rowOpen(b, a.row)) {
        if (!m_dev.isOpen(b) || !ringTakes(b, a.row) || m_ringCount[b] == m_ringOther[b]) break;
        if (((m_missBanks >> b) & 1) == 0) newMisses |= 1ULL << b;
      }
      ++hits;
    }
    if (hits == checks) hits = cap;  // the rest of the block meets the same banks
    entering = std::min(n, left);
    if (hits < entering) n = entering = hits;
    // A bank the entering bursts leave waiting keeps a hit queued, as above
    // (from the start of the run: a shorter run is still exact).
    for (std::uint64_t j = 0; j < std::min(n, groups) && newMisses != 0; ++j) {
      const int b = bankAt[j];
      if (((newMisses >> b) & 1) == 0) continue;
      const std::uint64_t keep = m_ringCount[b] - m_ringOther[b] - 1;
      if (keep == 0) n = std::min(n, j);
      else n = std::min(n, j + (keep - 1) * groups + 1);
    }
    entering = std::min(entering, n);
    // Until taken: nothing goes after the step its last burst entered.
    if (untilTaken && entering == left) n = entering;
    enterRow = a.row;
    enterFirst = pFirst;
    enterGroup = a.bankGroup;
  }
  // Writes look at the watermarks before each command (the caller did for
  // the first): the write queue keeps its size while bursts enter behind
  // them, then shrinks by one a command.
  bool draining = m_draining;
  if (dir == 1) {
    for (std::uint64_t k = 1; k < n; ++k) {
      const std::uint64_t wq = m_ringSize - k + std::min(k, entering);
      bool next = draining;
      if (directionFor(static_cast<std::uint32_t>(wq), m_count[0], next) != 1) {
        n = k;
        break;
      }
      draining = next;
    }
  }
  if (n < 2) return false;
  m_draining = draining;  // (a cut is past the bursts entering: they keep the size)

  const std::uint64_t last = r0 + (n - 1) * step;
  const std::uint64_t ccdL = m_dev.ccdLong();
  for (std::uint64_t j = 0; j < std::min(n, groups); ++j) {
    const int b = bankAt[j];
    const std::uint64_t count = ((n - 1 - j) >> m_groupBits) + 1;
    const std::uint64_t at = r0 + (j + (count - 1) * groups) * step;
    const int g = m_dev.groupIndex(b);
    m_runGroupNext[g] = std::max(m_runGroupNext[g], at + ccdL);
    m_runLast[b] = at;
    m_runCount[b] += count;
    run.banks |= 1ULL << b;
    m_bankStats[b][0] += count;
    m_ringCount[b] -= static_cast<std::uint32_t>(count);
    // Its first burst here is the bank's oldest request (the head's outcome
    // from the lists, or the streaming path's ACT).
    const std::uint8_t o = j == 0 && h.outcome != kNone ? h.outcome : m_bankOutcome[b];
    m_bankOutcome[b] = kNone;
    if (o != kNone && o != kHit) {
      --m_bankStats[b][0];
      ++m_bankStats[b][o - 1];
    }
    m_columnsSinceAct[b] += static_cast<std::uint32_t>(count);
  }
  if (m_trace)
    for (std::uint64_t j = 0; j < n; ++j)
      m_trace->push_back(CommandRecord{r0 + j * step, col, bankAt[j & (groups - 1)], h.row});
  m_fastDecisions += n;
  m_runDecisions += n;
  const std::uint64_t doneAfter = dataDoneAfter(dir);
  m_lastData = std::max(m_lastData, last + doneAfter);
  run.floor = last + step;
  m_cursor = last + 1;
  m_memoValid = false;

  Light& head = m_ring[m_ringHead];
  if (n == head.count) {
    m_ringHead = (m_ringHead + 1) & m_ringMask;
    --m_ringRanges;
  } else {
    head.seq += n;
    head.burst += n;
    head.count -= static_cast<std::uint32_t>(n);
    head.bank = static_cast<std::uint16_t>(bankOfBurst(head.burst));
    head.outcome = kNone;
  }
  m_ringSize -= static_cast<std::uint32_t>(n);
  m_shared->retired(dir, static_cast<std::uint32_t>(n));
  Txn& t = m_txns[h.txn];
  t.unissued -= static_cast<std::uint32_t>(n);
  if (t.unissued == 0) {
    if (t.dir == 0) completeRead(h.txn, std::max(t.doneCycle, last + m_dev.readDoneCycles()));
    else m_freeTxns.push_back(h.txn);
  }
  if (entering > 0) {
    Txn& p = m_txns[m_pending];
    const DramAddress a = m_map.decode(p.nextBurst << m_burstShift);
    // The banks whose first entering burst is a request for another row
    // now wait for its PRE, from that burst on.
    for (std::uint64_t j = 0; j < std::min(entering, groups) && newMisses != 0; ++j) {
      const int b = blockBank(enterFirst, enterGroup, j);
      if (((newMisses >> b) & 1) == 0) continue;
      m_missBanks |= 1ULL << b;
      m_missRow[b] = enterRow;
      m_missSeq[b] = m_seq + j;
    }
    m_shared->enqueued(dir, static_cast<std::uint32_t>(entering));
    pushRing(Light{m_seq, p.nextBurst, a.row, m_pending, static_cast<std::uint32_t>(entering),
                   static_cast<std::uint16_t>(bankOfBurst(p.nextBurst)), kNone});
    m_seq += entering;
    p.nextBurst += entering;
    if (p.nextBurst == p.endBurst) {
      m_events.push_back(Event{dir ? EventKind::Completed : EventKind::Accepted, p.tag, r0 + (entering - 1) * step + 1});
      m_pending = -1;
    }
  }
  return true;
}

void Ddr4ControllerTiming::advance(std::uint64_t until) {
  while (m_cursor < until) {
    if (m_streamOn) {
      const StreamStop s = stream(until, false);
      if (s == StreamStop::Until) break;
      if (s == StreamStop::General) {
        materialize();
        m_streamCooldown = kStreamCooldown;
      }
      continue;
    }
    if (m_count[0] == 0 && m_count[1] == 0) {
      idle(until);
      break;
    }
    if (m_streamCooldown == 0 && tryStream()) continue;
    const Decision& d = decide();
    if (d.cycle >= until) break;
    execute(d);
    if (m_streamCooldown > 0) --m_streamCooldown;
  }
  if (m_cursor < until) m_cursor = until;
}

void Ddr4ControllerTiming::idle(std::uint64_t until) {
  direction();  // (the write-drain state decide() would leave)
  while (true) {
    int rank = 0;
    for (int r = 1; r < static_cast<int>(m_refreshDue.size()); ++r)
      if (m_refreshDue[r] < m_refreshDue[rank]) rank = r;
    // Its next command goes no earlier than the refresh is due.
    if (m_refreshDue[rank] >= until) return;
    Decision d;
    refreshStep(rank, m_refreshDue[rank], d);
    if (d.cycle >= until) return;
    execute(d);
    if (m_streamCooldown > 0) --m_streamCooldown;
  }
}

std::uint64_t Ddr4ControllerTiming::advanceUntilTaken() {
  while (m_pending >= 0) {
    if (m_streamOn) {
      if (stream(UINT64_MAX, true) == StreamStop::General) {
        materialize();
        m_streamCooldown = kStreamCooldown;
      }
      continue;
    }
    if (m_streamCooldown == 0 && tryStream()) continue;
    execute(decide());
    if (m_streamCooldown > 0) --m_streamCooldown;
  }
  return m_cursor;  // the bursts enter the cycle after the command that freed the last entry
}

std::uint64_t Ddr4ControllerTiming::drain() {
  materialize();
  m_flush = true;
  m_memoValid = false;
  while (!empty()) execute(decide());
  return m_cursor;
}

// ---------------------------------------------------------------- events

bool Ddr4ControllerTiming::popEvent(std::uint64_t upTo, Event& e, std::uint32_t skipTag) {
  std::size_t best = m_events.size();
  for (std::size_t i = 0; i < m_events.size(); ++i)
    if (m_events[i].cycle <= upTo && m_events[i].tag != skipTag &&
        (best == m_events.size() || m_events[i].cycle < m_events[best].cycle))
      best = i;
  if (best == m_events.size()) return false;
  e = m_events[best];
  m_events.erase(m_events.begin() + static_cast<std::ptrdiff_t>(best));
  return true;
}

bool Ddr4ControllerTiming::takeEvent(std::uint32_t tag, EventKind kind, Event& e) {
  for (std::size_t i = 0; i < m_events.size(); ++i) {
    if (m_events[i].tag != tag || m_events[i].kind != kind) continue;
    e = m_events[i];
    m_events.erase(m_events.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

std::uint64_t Ddr4ControllerTiming::nextEventBound() const {
  std::uint64_t bound = UINT64_MAX;
  for (const Event& e : m_events) bound = std::min(bound, e.cycle);
  // Column commands of one direction are at least a burst apart on the data
  // bus, so n more bursts need n commands from the column floor on.
  const std::uint64_t burst = m_dev.burstCycles();
  const std::uint64_t rdFloor = std::max(m_cursor, m_dev.columnFloor(DdrCommand::Rd));
  std::uint32_t fewest = UINT32_MAX;
  for (const std::int32_t ti : m_activeReads) fewest = std::min(fewest, m_txns[ti].unissued);
  if (fewest != UINT32_MAX) bound = std::min(bound, rdFloor + burst * (fewest - 1) + m_dev.readDoneCycles());
  if (m_pending >= 0) {
    const Txn& t = m_txns[m_pending];
    if (m_queues->oneEntryPerColumn()) {
      // Only a column command of its own direction frees an entry for it.
      const std::uint64_t floor = std::max(m_cursor, m_dev.columnFloor(columnCommand(t.dir)));
      bound = std::min(bound, floor + burst * (t.endBurst - t.nextBurst - 1) + 1);
    } else {
      // Any column command can let held-back bursts on and free several
      // entries at once.
      const std::uint64_t floor = std::max(
          m_cursor, std::min(m_dev.columnFloor(DdrCommand::Rd), m_dev.columnFloor(DdrCommand::Wr)));
      bound = std::min(bound, floor + 1);
    }
  }
  return bound;
}

// ---------------------------------------------------------------- stats

void Ddr4ControllerTiming::setTimeline(stats::SimObserver* timeline) {
  m_timeline = timeline;
  m_bankTracks.clear();
  m_refreshTracks.clear();
  if (!m_timeline) return;
  const Ddr4Config& c = m_dev.config();
  m_timeline->setDdrClock(c.clock);
  const int perRank = m_dev.banks() / c.ranks;
  for (int b = 0; b < m_dev.banks(); ++b) {
    const int inRank = b % perRank;
    std::string name = "bank " + std::to_string(b) + " (";
    if (c.ranks > 1) name += "rank " + std::to_string(b / perRank) + ", ";
    name += "bg " + std::to_string(inRank / c.banksPerGroup) + ")";
    m_bankTracks.push_back(m_timeline->track("ddr4", name, false));
  }
  for (int r = 0; r < c.ranks; ++r)
    m_refreshTracks.push_back(
        m_timeline->track("ddr4", c.ranks > 1 ? "refresh rank " + std::to_string(r) : "refresh", false));
}

void Ddr4ControllerTiming::recordCommand(DdrCommand cmd, int bank, int rank, std::uint32_t row, std::uint64_t cycle) {
  // Each command is a span of the time it holds its bank: ACT tRCD, PRE tRP,
  // REF tRFC, RD/WR the burst on the data bus. Commands outside the window
  // or over the cap cost only the window test.
  if (!m_timeline->inDdrWindow(cycle)) return;
  const Ddr4Config& c = m_dev.config();
  if (cmd == DdrCommand::Rd || cmd == DdrCommand::Wr) m_timeline->ddrBytes(cycle, c.burstBytes());
  if (m_timeline->full()) {
    m_timeline->drop();
    return;
  }
  const Ddr4Timing& t = c.t;
  std::uint64_t cycles = 1;
  const char* name = "";
  stats::SimObserver::TrackId track = m_bankTracks[bank];
  switch (cmd) {
    case DdrCommand::Act: name = "ACT"; cycles = t.tRCD; break;
    case DdrCommand::Pre: name = "PRE"; cycles = t.tRP; break;
    case DdrCommand::Ref: name = "REF"; cycles = t.tRFC; track = m_refreshTracks[rank]; break;
    case DdrCommand::RefPb: name = "REFpb"; cycles = t.tRFCpb; break;
    case DdrCommand::Rd: name = "RD"; cycles = c.burstLength / 2; break;
    case DdrCommand::Wr: name = "WR"; cycles = c.burstLength / 2; break;
  }
  const Picoseconds at = c.clock.edgePs(Cycles(cycle));
  const Picoseconds end = c.clock.edgePs(Cycles(cycle + cycles));
  if (cmd == DdrCommand::Ref) {
    m_timeline->span(track, at, end, name);
  } else {
    m_timeline->span(track, at, end, name, {stats::SimObserver::Arg("row", row)});
  }
}

stats::DdrCounters Ddr4ControllerTiming::counters() const {
  stats::DdrCounters c;
  const DdrCommandCounts& n = m_dev.counts();
  c.activates = n[static_cast<int>(DdrCommand::Act)];
  c.precharges = n[static_cast<int>(DdrCommand::Pre)];
  c.reads = n[static_cast<int>(DdrCommand::Rd)];
  c.writes = n[static_cast<int>(DdrCommand::Wr)];
  c.refreshes = n[static_cast<int>(DdrCommand::Ref)];
  c.bankRefreshes = n[static_cast<int>(DdrCommand::RefPb)];
  for (const auto& s : m_bankStats) {
    c.rowHits += s[0];
    c.rowMisses += s[1];
    c.rowConflicts += s[2];
  }
  c.dataBytes = (c.reads + c.writes) * m_dev.config().burstBytes();
  for (int r = 0; r < m_dev.config().ranks; ++r) c.rankActiveCycles += m_dev.rankActiveCycles(r, m_cursor);
  return c;
}

std::vector<stats::DdrBankCounters> Ddr4ControllerTiming::bankCounters() const {
  std::vector<stats::DdrBankCounters> v(m_bankStats.size());
  for (std::size_t b = 0; b < v.size(); ++b) {
    v[b].rowHits = m_bankStats[b][0];
    v[b].rowMisses = m_bankStats[b][1];
    v[b].rowConflicts = m_bankStats[b][2];
    v[b].activates = m_bankStats[b][3];
  }
  return v;
}

}  // namespace ftsim::models

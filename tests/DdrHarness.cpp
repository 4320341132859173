#include "tests/DdrHarness.h"

#include <algorithm>
#include <random>
#include <type_traits>

#include "sim/config/ConfigNode.h"
#include "sim/core/Error.h"
#include "tests/Harness.h"

namespace ftsim::test {

using models::DdrCommand;
using Event = models::Ddr4ControllerTiming::Event;
using EventKind = models::Ddr4ControllerTiming::EventKind;

models::Ddr4Config loadDdr(const std::string& name) {
  const auto root = config::ConfigNode::loadFile(sourceDir() + "/configs/ddr/" + name + ".yaml");
  return models::Ddr4Config::fromYaml(root.at("board").at("ddr"));
}

models::Ddr4ControllerConfig controllerConfig(const models::Ddr4Config& dev, const std::string& yaml) {
  const auto node = config::ConfigNode::loadString(yaml, "test");
  return models::Ddr4ControllerConfig::fromYaml(node, dev);
}

// ------------------------------------------------------------ per-cycle reference

PerCycleController::PerCycleController(const models::Ddr4Config& dev, const models::Ddr4ControllerConfig& cfg)
    : m_devCfg(dev), m_cfg(cfg), m_dev(dev) {
  m_refreshDue.assign(dev.ranks, dev.t.tREFI);
  m_perBank = cfg.queues == models::QueueStructure::PerBank;
}

std::size_t PerCycleController::inBank(int b) const {
  std::size_t n = 0;
  for (const auto& q : m_queue)
    for (const Entry& e : q) n += e.bank == b;
  return n;
}

bool PerCycleController::room(int dir) const {
  if (m_perBank) return m_held.size() < static_cast<std::size_t>(m_cfg.transactionQueueBursts);
  return m_queue[dir].size() < static_cast<std::size_t>(dir ? m_cfg.writeQueueBursts : m_cfg.readQueueBursts);
}

void PerCycleController::record(std::uint64_t c, DdrCommand cmd, int bank, std::uint32_t row) {
  if (m_trace) m_trace->push_back({c, cmd, bank, row});
}

void PerCycleController::enter(std::uint64_t at, bool announce) {
  TxnState& t = m_txns[m_pending.txn];
  const auto a = m_cfg.mapping.decode(m_pending.next * m_devCfg.burstBytes());
  ++m_pending.next;
  const Entry e{m_seq++, m_dev.flatBank(a.rank, a.bankGroup, a.bank), a.row, m_pending.txn, 0};
  // per_bank: straight into the bank's command queue only past an empty
  // transaction queue.
  if (m_perBank && (!m_held.empty() || inBank(e.bank) >= static_cast<std::size_t>(m_cfg.bankQueueBursts)))
    m_held.emplace_back(t.dir, e);
  else
    m_queue[t.dir].push_back(e);
  if (m_pending.next == m_pending.end) {
    if (announce) m_events.push_back(Event{t.dir ? EventKind::Completed : EventKind::Accepted, t.tag, at});
    m_pending.txn = -1;
  }
}

bool PerCycleController::submit(std::uint32_t tag, bool write, std::uint64_t addr, std::uint64_t bytes,
                                std::uint64_t at) {
  advance(at);
  const int dir = write ? 1 : 0;
  m_pending.txn = static_cast<int>(m_txns.size());
  m_pending.next = addr / m_devCfg.burstBytes();
  m_pending.end = (addr + bytes - 1) / m_devCfg.burstBytes() + 1;
  m_txns.push_back(TxnState{tag, dir, static_cast<std::uint32_t>(m_pending.end - m_pending.next)});
  while (m_pending.txn >= 0 && room(dir)) enter(at, false);
  return m_pending.txn < 0;
}

void PerCycleController::step(std::uint64_t c) {
  const std::size_t wq = m_queue[1].size();
  if (m_draining && wq <= static_cast<std::size_t>(m_cfg.writeLowWatermarkBursts)) m_draining = false;
  if (!m_draining && wq >= static_cast<std::size_t>(m_cfg.writeHighWatermarkBursts)) m_draining = true;
  const int dir = (m_draining || m_queue[0].empty()) ? 1 : 0;

  int rank = 0;
  for (int r = 1; r < static_cast<int>(m_refreshDue.size()); ++r)
    if (m_refreshDue[r] < m_refreshDue[rank]) rank = r;
  if (m_refreshDue[rank] <= c) {
    const int perRank = m_devCfg.banks();
    bool anyOpen = false;
    for (int b = rank * perRank; b < (rank + 1) * perRank; ++b) {
      if (!m_dev.isOpen(b)) continue;
      anyOpen = true;
      if (m_dev.canIssue(DdrCommand::Pre, b, 0, c)) {
        record(c, DdrCommand::Pre, b, m_dev.openRow(b));
        m_dev.issue(DdrCommand::Pre, b, 0, c);
        return;
      }
    }
    if (!anyOpen && m_dev.canIssue(DdrCommand::Ref, rank * perRank, 0, c)) {
      record(c, DdrCommand::Ref, rank * perRank, 0);
      m_dev.issue(DdrCommand::Ref, rank * perRank, 0, c);
      m_refreshDue[rank] += m_devCfg.t.tREFI;
    }
    return;
  }

  // FR-FCFS per bank, then ready first, column before row, oldest first.
  auto& q = m_queue[dir];
  const DdrCommand col = dir ? DdrCommand::Wr : DdrCommand::Rd;
  int best = -1;
  DdrCommand bestCmd = DdrCommand::Act;
  for (int b = 0; b < m_dev.banks(); ++b) {
    int cand = -1;
    DdrCommand cmd = DdrCommand::Act;
    for (std::size_t i = 0; i < q.size(); ++i) {
      if (q[i].bank != b) continue;
      if (m_dev.isOpen(b) && q[i].row == m_dev.openRow(b)) {
        cand = static_cast<int>(i);
        cmd = col;
        break;
      }
      if (cand < 0) {
        cand = static_cast<int>(i);
        cmd = m_dev.isOpen(b) ? DdrCommand::Pre : DdrCommand::Act;
      }
    }
    if (cand < 0 || !m_dev.canIssue(cmd, b, q[cand].row, c)) continue;
    const bool isCol = cmd == col, bestCol = best >= 0 && bestCmd == col;
    if (best < 0 || (isCol && !bestCol) || (isCol == bestCol && q[cand].seq < q[best].seq)) {
      best = cand;
      bestCmd = cmd;
    }
  }
  if (best < 0) return;
  Entry& e = q[best];
  const int b = e.bank;
  const std::uint32_t row = e.row;
  if (bestCmd == DdrCommand::Act) {
    if (!e.outcome) e.outcome = 2;
    record(c, DdrCommand::Act, b, row);
    m_dev.issue(DdrCommand::Act, b, row, c);
    return;
  }
  if (bestCmd == DdrCommand::Pre) {
    if (!e.outcome) e.outcome = 3;
    record(c, DdrCommand::Pre, b, m_dev.openRow(b));
    m_dev.issue(DdrCommand::Pre, b, 0, c);
    return;
  }
  if (!e.outcome) e.outcome = 1;
  (e.outcome == 1 ? m_hits : e.outcome == 2 ? m_misses : m_conflicts)++;
  record(c, col, b, row);
  m_dev.issue(col, b, row, c);
  const int ti = e.txn;
  q.erase(q.begin() + best);
  if (--m_txns[ti].unissued == 0 && dir == 0)
    m_events.push_back(Event{EventKind::Completed, m_txns[ti].tag, c + m_dev.readDoneCycles()});
  if (m_cfg.pagePolicy == models::PagePolicy::Closed) {
    bool wanted = false;
    for (const auto& qq : m_queue)
      for (const Entry& o : qq) wanted = wanted || (o.bank == b && o.row == row);
    if (!wanted) record(m_dev.autoPrecharge(b), DdrCommand::Pre, b, row);
  }
  while (m_perBank && !m_held.empty() &&
         inBank(m_held.front().second.bank) < static_cast<std::size_t>(m_cfg.bankQueueBursts)) {
    m_queue[m_held.front().first].push_back(m_held.front().second);
    m_held.erase(m_held.begin());
  }
  while (m_pending.txn >= 0 && room(m_txns[m_pending.txn].dir)) enter(c + 1, true);
}

void PerCycleController::advance(std::uint64_t until) {
  for (; m_cursor < until; ++m_cursor) step(m_cursor);
}

bool PerCycleController::popEvent(std::uint64_t upTo, Event& e) {
  auto it = std::min_element(m_events.begin(), m_events.end(),
                             [](const Event& a, const Event& b) { return a.cycle < b.cycle; });
  if (it == m_events.end() || it->cycle > upTo) return false;
  e = *it;
  m_events.erase(it);
  return true;
}

std::uint64_t PerCycleController::drain() {
  while (!m_queue[0].empty() || !m_queue[1].empty() || m_pending.txn >= 0) step(m_cursor++);
  return m_cursor;
}

stats::DdrCounters PerCycleController::counters() const {
  stats::DdrCounters c;
  const auto& n = m_dev.counts();
  c.activates = n[0];
  c.precharges = n[1];
  c.reads = n[2];
  c.writes = n[3];
  c.refreshes = n[4];
  c.rowHits = m_hits;
  c.rowMisses = m_misses;
  c.rowConflicts = m_conflicts;
  c.dataBytes = (c.reads + c.writes) * m_devCfg.burstBytes();
  return c;
}

// ------------------------------------------------------------ traffic

template <class Controller>
TrafficResult runTraffic(Controller& c, const std::vector<Txn>& txns, bool checkBounds, bool ahead) {
  TrafficResult r;
  const std::size_t n = txns.size();
  r.submitted.assign(n, UINT64_MAX);
  r.accepted.assign(n, UINT64_MAX);
  r.completed.assign(n, UINT64_MAX);
  c.recordCommands(&r.commands);
  std::uint64_t bound = 0;
  auto collect = [&](std::uint64_t upTo) {
    Event e;
    while (c.popEvent(upTo, e)) {
      if (checkBounds && e.cycle < bound) r.boundsHeld = false;
      if (e.kind == EventKind::Accepted) {
        r.accepted[e.tag] = e.cycle;
      } else {
        r.completed[e.tag] = e.cycle;
        if (txns[e.tag].write) r.accepted[e.tag] = e.cycle;
      }
    }
    bound = c.nextEventBound();
  };
  std::uint64_t freeAt = 0, cursor = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t t = std::max({txns[i].arrival, freeAt, cursor});
    c.advance(t);
    collect(t);
    r.submitted[i] = t;
    const bool all = c.submit(static_cast<std::uint32_t>(i), txns[i].write, txns[i].addr, txns[i].bytes, t);
    bound = c.nextEventBound();
    cursor = t;
    if (all) {
      r.accepted[i] = t;
      if (txns[i].write) r.completed[i] = t;
      freeAt = t;
      continue;
    }
    if constexpr (std::is_same_v<Controller, models::Ddr4ControllerTiming>) {
      if (ahead) {
        cursor = c.advanceUntilTaken();
        collect(cursor);
      }
    }
    while (r.accepted[i] == UINT64_MAX) {
      ++cursor;
      c.advance(cursor);
      collect(cursor);
    }
    freeAt = r.accepted[i];
  }
  c.drain();
  collect(UINT64_MAX);
  c.recordCommands(nullptr);
  r.counters = c.counters();
  return r;
}

template TrafficResult runTraffic<models::Ddr4ControllerTiming>(models::Ddr4ControllerTiming&,
                                                                 const std::vector<Txn>&, bool, bool);
template TrafficResult runTraffic<PerCycleController>(PerCycleController&, const std::vector<Txn>&, bool, bool);

std::vector<Txn> randomTraffic(std::uint32_t seed, int n, std::uint64_t maxBytes, std::uint64_t maxGapCycles,
                               bool unaligned) {
  std::mt19937_64 rng(seed);
  std::vector<Txn> v;
  std::uint64_t t = 0;
  for (int i = 0; i < n; ++i) {
    Txn x;
    t += rng() % (maxGapCycles + 1);
    x.arrival = t;
    x.write = rng() % 2;
    // Four 128 KB row windows of the default mappings: hits, misses and
    // conflicts in every bank.
    x.addr = rng() % (4ULL << 17);
    x.bytes = 1 + rng() % maxBytes;
    if (!unaligned) {
      x.addr -= x.addr % 64;
      x.bytes = (x.bytes + 63) / 64 * 64;
    }
    v.push_back(x);
  }
  return v;
}

std::string ddrDeviceRule(const std::string& file, const std::string& set) {
  try {
    config::ConfigNode root = config::ConfigNode::loadFile(sourceDir() + "/configs/ddr/" + file + ".yaml");
    root.applyOverride(set);
    const config::ConfigNode n = root.at("board").at("ddr");
    models::Ddr4Config::fromYaml(n);
    n.checkNoUnknownKeys();
  } catch (const ConfigError& e) {
    return e.keyPath() + ": " + e.rule();
  }
  return "(no error)";
}

}  // namespace ftsim::test

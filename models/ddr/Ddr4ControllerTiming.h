#pragma once
// The DDR4 controller in plain C++ (no SystemC), exact to the DDR cycle.
//
// Transactions (any byte range; the interconnect sends AXI bursts) enter a
// read or a write queue one 64-byte burst per entry. A transaction that does
// not fit waits in the request stage and its remaining bursts enter one per
// freed entry, on the cycle after the column command that freed it; the
// request stage holds one transaction at a time (the TLM request channel).
// Reads complete when the data of their last burst has left the bus; writes
// are posted: they complete when their last burst is in the queue.
//
// Scheduling, every cycle (computed event by event, not cycle by cycle):
//   - direction: writes while draining (from `high` queued writes down to
//     `low`) or when no read is queued, reads otherwise;
//   - per bank with queued requests of that direction, FR-FCFS: the oldest
//     request that hits the open row (its RD/WR), else the oldest request
//     (PRE if another row is open, ACT if the bank is closed);
//   - among those, the one whose command the timing allows first; on a tie
//     a column command before a row command, then the oldest request;
//   - refresh: from the cycle a rank's refresh is due (every tREFI) nothing
//     else issues until its open banks are precharged and REF has issued,
//     each at the first cycle its constraints allow;
//   - closed page: the last queued access to a row auto-precharges it.
// `advance(until)` issues every command whose cycle is before `until`; the
// caller advances to each arrival before submitting it, so decisions never
// see the future and never have to be undone. The fast path issues the
// oldest request's column command without scanning the banks when no
// queued request needs a row command and that command is ready at the
// earliest cycle any column command could be: the scan would pick it too.
//
// The streaming path (shared queues, open page, FR-FCFS or FCFS) holds the
// queued requests of the direction served in arrival order, in a ring of
// light entries instead of the per-bank and age lists (the other
// direction's stay in the lists): hits, and requests for a row not open in
// their bank, one such row per bank (m_missBanks), which wait there for
// the PRE and ACT the path issues. While only column commands compete (no
// bank waits for a row command, or each such bank still has hits queued)
// the oldest request issues when it is ready on the column floor; on one
// rank with a rotating mapping a ring entry is a range of consecutive
// bursts, and runs of them issue in closed form (runAhead). Else
// ringDecide takes the decision the lists would (per bank its oldest hit's
// RD/WR, else its oldest request's PRE or ACT; the first the timing allows,
// column before row, then oldest), and a refresh due issues its PREs and
// REF there too (ringRefresh). Anything the ring cannot hold or take (a
// column command out of order, a second row for a bank, a read that may be
// forwarded) first moves it back into the lists, in order, and the
// decision is taken as above. Both paths take the same decisions; the
// tests compare them command by command and whole runs byte by byte.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/ddr/ControllerQueuesIF.h"
#include "models/ddr/Ddr4ControllerConfig.h"
#include "models/ddr/Ddr4Device.h"
#include "models/ddr/SharedQueues.h"
#include "sim/stats/RunResult.h"
#include "sim/stats/SimObserver.h"

namespace ftsim::models {

class Ddr4ControllerTiming {
 public:
  enum class EventKind : std::uint8_t {
    Accepted,   ///< a read's last burst entered the queue (END_REQ)
    Completed,  ///< a read's data is all out, or a write's last burst is queued
  };
  struct Event {
    EventKind kind = EventKind::Completed;
    std::uint32_t tag = 0;
    std::uint64_t cycle = 0;
  };
  struct CommandRecord {
    std::uint64_t cycle = 0;
    DdrCommand cmd = DdrCommand::Act;
    int bank = 0;
    std::uint32_t row = 0;
    bool operator==(const CommandRecord& o) const {
      return cycle == o.cycle && cmd == o.cmd && bank == o.bank && row == o.row;
    }
  };

  Ddr4ControllerTiming(const Ddr4Config& device, const Ddr4ControllerConfig& cfg);

  /// Every decision for the cycles before this one has been made.
  std::uint64_t cursor() const { return m_cursor; }
  /// Issue every command whose cycle is before `until`.
  void advance(std::uint64_t until);
  /// No transaction is waiting for queue entries.
  bool requestChannelFree() const { return m_pending < 0; }
  /// A transaction of `bytes` at `addr` arriving at cycle `at` (>= cursor;
  /// the core advances to it first). Returns true when all its bursts
  /// entered at once: END_REQ now, and for a write also its completion. Else
  /// an Accepted (read) or Completed (write) event follows.
  bool submit(std::uint32_t tag, bool write, std::uint64_t addr, std::uint64_t bytes, std::uint64_t at);
  /// Remove and return the earliest event at or before cycle `upTo`, of
  /// any transaction but `skipTag`. An event, once there, is final: every
  /// command it depends on has issued.
  bool popEvent(std::uint64_t upTo, Event& e, std::uint32_t skipTag = UINT32_MAX);
  /// Remove and return the event of `kind` for `tag`, whatever its cycle.
  bool takeEvent(std::uint32_t tag, EventKind kind, Event& e);
  /// A cycle no later than the next event: exact for events already
  /// determined, a lower bound for the rest. UINT64_MAX when none is due.
  std::uint64_t nextEventBound() const;
  /// Issue commands until the transaction in the request stage has all its
  /// bursts queued; returns the cycle it was taken (its END_REQ). Nothing
  /// is decided past that cycle, so the next request may arrive right after.
  std::uint64_t advanceUntilTaken();
  /// Issue everything still queued (end of a run); returns the cursor.
  std::uint64_t drain();
  bool empty() const { return queued(0) == 0 && queued(1) == 0 && m_pending < 0; }

  const Ddr4Device& device() const { return m_dev; }
  const Ddr4ControllerConfig& config() const { return m_cfg; }
  /// Commands, row-buffer outcomes and data bytes so far.
  stats::DdrCounters counters() const;
  std::vector<stats::DdrBankCounters> bankCounters() const;
  /// Read transactions' latency, arrival to last data, bucket k holding
  /// [2^k, 2^(k+1)) DDR cycles.
  const std::vector<std::uint64_t>& readLatencyHistogram() const { return m_latencyHist; }
  std::uint64_t readLatencySumCycles() const { return m_latencySum; }
  std::uint64_t readTransactions() const { return m_readTxns; }
  /// The cycle the data of the last RD or WR issued so far has left (or
  /// reached) the bus: the end of the traffic (0 before any).
  std::uint64_t lastDataCycle() const { return m_lastData; }
  /// Decisions taken by the fast path (for benchmarks).
  std::uint64_t fastDecisions() const { return m_fastDecisions; }
  /// Of those, the column commands issued in closed-form runs (runAhead).
  std::uint64_t runDecisions() const { return m_runDecisions; }
  /// ACTs the streaming path issued (for requests waiting in its ring).
  std::uint64_t streamActivates() const { return m_streamActs; }
  /// Read bursts answered from the write queue (read_forwarding).
  std::uint64_t forwardedReads() const { return m_forwardedReads; }

  /// Append every issued command to `trace` (tests); nullptr stops.
  void recordCommands(std::vector<CommandRecord>* trace) { m_trace = trace; }
  /// Record every command on a track per bank (REF on one per rank) and the
  /// data-bus bytes in `timeline` (nullptr: none).
  void setTimeline(stats::SimObserver* timeline);

 private:
  enum Outcome : std::uint8_t { kNone, kHit, kMiss, kConflict };
  struct Entry {
    std::uint64_t seq = 0;
    std::uint64_t burst = 0;  ///< address / burst bytes (read forwarding)
    std::uint32_t row = 0;
    std::int32_t txn = -1;
    std::int32_t nextBank = -1, prevBank = -1;
    std::int32_t nextAge = -1, prevAge = -1;
    std::uint16_t bank = 0;
    std::uint8_t dir = 0;  ///< 0 read, 1 write
    std::uint8_t outcome = kNone;
  };
  struct Txn {
    std::uint64_t nextBurst = 0, endBurst = 0;  ///< bursts still to enter: [next, end)
    std::uint64_t arrival = 0;
    std::uint64_t doneCycle = 0;  ///< reads: the last data so far (forwarded bursts)
    std::uint32_t tag = 0;
    std::uint32_t unissued = 0;  ///< bursts without their column command yet
    std::uint8_t dir = 0;
  };
  struct Decision {
    std::uint64_t cycle = 0;
    DdrCommand cmd = DdrCommand::Act;
    int bank = 0;
    std::int32_t entry = -1;  ///< -1 for refresh commands
    int rank = 0;
    bool fast = false;        ///< taken by the fast path
  };

  /// A bank's FR-FCFS candidate in one direction; recomputed only when the
  /// bank's queue or row changes (its ready cycle is always recomputed).
  struct BankCandidate {
    std::int32_t entry = -1;
    DdrCommand cmd = DdrCommand::Act;
    bool dirty = true;
  };

  /// Queued requests in the streaming path's ring: `count` consecutive
  /// bursts of one transaction with consecutive sequence numbers, all in one
  /// block of the mapping's rotation (rotationBits; else one burst). `bank`
  /// and `outcome` are the first burst's; the others' outcome is none yet.
  struct Light {
    std::uint64_t seq = 0;
    std::uint64_t burst = 0;
    std::uint32_t row = 0;
    std::int32_t txn = -1;
    std::uint32_t count = 1;
    std::uint16_t bank = 0;
    std::uint8_t outcome = kNone;
  };
  /// The streaming path's single-rank state while stream() runs.
  struct LightRun {
    std::uint64_t floor = 0;  ///< no column command before this cycle
    std::uint64_t banks = 0;  ///< banks with column commands not yet in the device
  };
  enum class StreamStop : std::uint8_t {
    Empty,    ///< the ring emptied: the streaming path ends
    Until,    ///< the next command is at or after the cycle asked for
    General,  ///< the next decision needs the lists: materialize()
  };
  /// Requests of `dir` queued as arbitration candidates, in the lists or the ring.
  std::uint32_t queued(int dir) const { return m_count[dir] + (m_streamOn && m_streamDir == dir ? m_ringSize : 0); }
  bool streamAllowed() const { return m_streamOK && !m_flush; }
  /// advance() with nothing in the lists and no ring: only refreshes go,
  /// each command as decide() would take it, up to `until`.
  void idle(std::uint64_t until);
  /// Issue the ring's requests in order while the streaming path holds,
  /// up to `until` (or until the request stage is free, with `untilTaken`).
  StreamStop stream(std::uint64_t until, bool untilTaken);
  /// Move the ring's requests into the lists, in order.
  void materialize();
  /// Move the lists into the ring when every queued request is a hit of
  /// one direction.
  bool tryStream();
  /// Append to the ring, extending its last range when `l` continues it.
  void pushRing(const Light& l);
  /// The decision the lists would give for the ring's requests, when some
  /// wait for their bank's PRE or ACT or the oldest is not on the column
  /// floor: per bank its oldest hit's RD/WR, else its oldest request's PRE
  /// or ACT; the one the timing allows first, on a tie a column command,
  /// then the oldest (FCFS: the oldest request's). False when that is a
  /// column command of another request than the oldest: the lists must
  /// decide (unless a refresh is due by its cycle).
  bool ringDecide(int dir, Decision& d) const;
  enum class RingStep : std::uint8_t { Issued, Later, Lists };
  /// The refresh due before the ring's next command: its next PRE or REF,
  /// as decide() would take it. Later (nothing issued) when that is at or
  /// after `until`; Lists when a bank it closes has requests for two rows.
  RingStep ringRefresh(std::uint64_t until);
  /// Issue the PRE of bank `b` for the ring's requests for another row.
  void ringPre(int b, std::uint64_t cycle);
  /// The ring can hold a request for bank `b`'s row `row` that is not open
  /// there: one such row per bank, and (with a row-hit cap, which the ring
  /// does not apply) only when the bank is closed.
  bool ringTakes(int b, std::uint32_t row) const {
    return (((m_missBanks >> b) & 1) == 0 || m_missRow[b] == row) && (m_cfg.rowHitCap == 0 || !m_dev.isOpen(b));
  }
  /// Issue the ACT that opens bank `b` for the ring's requests.
  void ringAct(int b, std::uint64_t cycle);
  /// Single rank, a rotating mapping: issue as many of the ring's first
  /// range's bursts as the streaming path would one by one, in closed form
  /// (every one on the column floor, `step` cycles apart), with the
  /// request stage's bursts entering behind them. False when fewer than two
  /// would go (the caller then takes one as usual).
  bool runAhead(int dir, std::uint64_t step, std::uint64_t limit, bool untilTaken, LightRun& run);
  /// The bank of burst `j` of a rotation block's bursts that start in bank
  /// `first` (bank group `g0`): they visit the bank groups in turn, at the
  /// same rank and bank index.
  int blockBank(int first, int g0, std::uint64_t j) const {
    const int g = static_cast<int>((static_cast<std::uint64_t>(g0) + j) & ((1ULL << m_groupBits) - 1));
    return first + (g - g0) * m_dev.config().banksPerGroup;
  }
  int bankOfBurst(std::uint64_t burst) const {
    const DramAddress a = m_map.decode(burst << m_burstShift);
    return m_dev.flatBank(a.rank, a.bankGroup, a.bank);
  }
  bool rowOpen(int b, std::uint32_t row) const { return m_dev.isOpen(b) && m_dev.openRow(b) == row; }
  int direction();
  /// direction() for `wq` writes and `rq` reads queued, with `draining` the
  /// drain state it updates.
  int directionFor(std::uint32_t wq, std::uint32_t rq, bool& draining) const;
  /// The next command (m_memo; computed unless still valid).
  const Decision& decide();
  bool scan(int dir, Decision& d);
  /// FCFS: the command of the oldest request of `dir`.
  void oldest(int dir, Decision& d) const;
  void bankChanged(int b) { m_cand[b][0].dirty = m_cand[b][1].dirty = true; }
  void refreshStep(int rank, std::uint64_t due, Decision& d) const;
  void execute(const Decision& d);
  void column(const Decision& d);
  void enter(std::int32_t txn, std::uint64_t at, bool announce);
  /// enter() for the transaction's next bursts in one rotation block, as
  /// many as the queue has room for, when each goes into the ring (a hit,
  /// or for a closed bank): one range at once. False, with nothing entered,
  /// when fewer than two would; enter() then takes the next one.
  bool enterRange(std::int32_t txn, std::uint64_t at, bool announce);
  /// Entry `i` becomes an arbitration candidate.
  void link(std::int32_t i);
  /// A queued write of this burst (read forwarding).
  bool inWriteQueue(int bank, std::uint64_t burst) const;
  /// The read transaction's data is all out at `done`.
  void completeRead(std::int32_t txn, std::uint64_t done);
  void unlink(std::int32_t i);
  /// Requests of bank `b` that hit (or stop hitting) `row`.
  void rowChanged(int b, std::uint32_t row, int delta);
  bool rowStillWanted(int b, std::uint32_t row) const;
  bool bankHasRequests(int b) const { return ((m_bankMask[0] | m_bankMask[1]) >> b) & 1; }
  void recordCommand(DdrCommand cmd, int bank, int rank, std::uint32_t row, std::uint64_t cycle);
  static DdrCommand columnCommand(int dir) { return dir ? DdrCommand::Wr : DdrCommand::Rd; }
  /// Cycles from a RD (WR) command to the end of its data on the bus.
  std::uint64_t dataDoneAfter(int dir) const {
    return dir ? m_dev.config().t.cwl + m_dev.burstCycles() : m_dev.readDoneCycles();
  }

  Ddr4ControllerConfig m_cfg;
  Ddr4Device m_dev;
  AddressMapping m_map;
  bool m_fast = true;
  bool m_closedPage = false;
  bool m_openAdaptive = false;
  bool m_roundRobin = false;
  int m_rrNext = 0;  ///< round robin: the bank with priority on a tie
  int m_burstShift = 6;
  std::uint64_t m_cursor = 0;
  std::uint64_t m_seq = 0;
  bool m_draining = false;
  bool m_flush = false;  ///< end of run: writes go whatever the idle threshold

  std::vector<Entry> m_pool;
  std::int32_t m_free = -1;
  std::unique_ptr<ControllerQueuesIF> m_queues;
  /// m_queues when it is the shared structure: its calls (one or two per
  /// burst) then inline through the final class instead of going virtual.
  SharedQueues* m_shared = nullptr;
  bool queuesHaveRoom(int dir) const { return m_shared ? m_shared->hasRoom(dir) : m_queues->hasRoom(dir); }
  std::vector<std::int32_t> m_released;  ///< entries a column command made candidates
  std::array<std::uint32_t, 2> m_count{};  ///< arbitration candidates per direction
  std::array<std::uint32_t, 2> m_nonHits{};  ///< queued requests whose row is not open
  std::array<std::int32_t, 2> m_ageHead{{-1, -1}}, m_ageTail{{-1, -1}};
  std::array<std::uint64_t, 2> m_bankMask{};  ///< banks with queued requests, per direction
  std::vector<std::array<std::int32_t, 2>> m_bankHead, m_bankTail;
  std::vector<std::array<BankCandidate, 2>> m_cand;
  // The streaming path.
  bool m_streamOK = false;  ///< the configuration allows it
  bool m_streamOn = false;
  int m_streamDir = 0;
  std::vector<Light> m_ring;
  std::uint32_t m_ringMask = 0, m_ringHead = 0;
  std::uint32_t m_ringSize = 0;    ///< bursts in the ring
  std::uint32_t m_ringRanges = 0;  ///< its entries
  int m_rotationBits = 0;          ///< the mapping's (0: one burst per entry)
  int m_groupBits = 0;             ///< log2 of the bank groups
  std::uint32_t m_streamCooldown = 0;  ///< decisions before lists go back into the ring
  /// Banks the ring has requests for whose row (one per bank, m_missRow)
  /// is not open: they wait for the PRE and ACT that ringDecide() picks.
  std::uint64_t m_missBanks = 0;
  std::vector<std::uint32_t> m_missRow;
  std::array<std::uint64_t, 64> m_missSeq{};  ///< the oldest of them
  /// Per bank, the outcome of its next column command when the streaming
  /// path's PRE or ACT was for its oldest request, which that command
  /// serves (kConflict, kMiss), else kNone.
  std::vector<std::uint8_t> m_bankOutcome;
  /// Per bank, the ring's requests, and of those the ones not for its open row.
  std::array<std::uint32_t, 64> m_ringCount{}, m_ringOther{};
  /// Every bank waiting for a PRE or ACT is open and has hits in the ring:
  /// no row command competes yet.
  bool ringColumnsOnly() const {
    for (std::uint64_t m = m_missBanks; m; m &= m - 1) {
      const int b = __builtin_ctzll(m);
      if (!m_dev.isOpen(b) || m_ringCount[b] == m_ringOther[b]) return false;
    }
    return true;
  }
  /// The ring's requests for another row than their bank's open one, of
  /// the banks waiting for a PRE or ACT.
  std::uint64_t waitingOthers() const {
    std::uint64_t n = 0;
    for (std::uint64_t m = m_missBanks; m; m &= m - 1) n += m_ringOther[__builtin_ctzll(m)];
    return n;
  }
  /// One rank: the streaming path keeps its commands' constraints on each
  /// other itself and records them in the device when it stops.
  bool m_singleRank = false;
  std::vector<std::uint64_t> m_runGroupNext;  ///< per bank group, its next column cycle
  std::vector<std::uint64_t> m_runLast, m_runCount;  ///< per bank: the last column command, how many
  /// The last decision, still right while nothing was issued or queued
  /// (advancing the cursor up to its cycle does not change it).
  Decision m_memo;
  bool m_memoValid = false;

  std::vector<Txn> m_txns;
  std::vector<std::int32_t> m_freeTxns;
  std::int32_t m_pending = -1;
  std::vector<std::int32_t> m_activeReads;  ///< read transactions with bursts not yet issued
  std::vector<Event> m_events;

  std::vector<std::uint64_t> m_refreshDue;  ///< per rank
  std::uint64_t m_refreshInterval = 0;      ///< tREFI, or tREFI/banks per bank
  bool m_perBankRefresh = false;
  std::vector<int> m_refreshBank;           ///< per rank, the bank refreshed next (per bank)
  std::vector<std::uint32_t> m_columnsSinceAct;  ///< per bank (row-hit cap)

  std::vector<std::array<std::uint64_t, 4>> m_bankStats;  ///< hits, misses, conflicts, ACTs
  std::vector<std::uint64_t> m_latencyHist;
  std::uint64_t m_latencySum = 0, m_readTxns = 0;
  std::uint64_t m_fastDecisions = 0, m_runDecisions = 0, m_streamActs = 0;
  std::uint64_t m_forwardedReads = 0;
  std::uint64_t m_lastData = 0;
  std::vector<CommandRecord>* m_trace = nullptr;
  stats::SimObserver* m_timeline = nullptr;
  std::vector<stats::SimObserver::TrackId> m_bankTracks, m_refreshTracks;
};

}  // namespace ftsim::models

#pragma once
// Helpers for the DDR4 tests: the repository's DDR configs, a traffic
// driver that feeds transactions to a controller core as the TLM target
// would (one request in the request stage at a time), and a per-cycle
// reference controller: the same scheduling policy written the plain way,
// looking at every cycle, to check the event-driven core and its fast path
// against.

#include <cstdint>
#include <string>
#include <vector>

#include "models/ddr/Ddr4ControllerTiming.h"

namespace ftsim::test {

/// board.ddr of configs/ddr/<name>.yaml.
models::Ddr4Config loadDdr(const std::string& name);
/// The controller policy parsed from YAML text (the body of memory.ddr4).
models::Ddr4ControllerConfig controllerConfig(const models::Ddr4Config& dev, const std::string& yaml = "{}");

struct Txn {
  std::uint64_t arrival = 0;  ///< DDR cycle it reaches the controller (later if the request stage is busy)
  bool write = false;
  std::uint64_t addr = 0;
  std::uint64_t bytes = 64;
};

/// What a run of traffic produced.
struct TrafficResult {
  std::vector<models::Ddr4ControllerTiming::CommandRecord> commands;
  std::vector<std::uint64_t> submitted;  ///< cycle each transaction was submitted
  std::vector<std::uint64_t> accepted;   ///< cycle all its bursts were queued (END_REQ)
  std::vector<std::uint64_t> completed;  ///< cycle it completed
  stats::DdrCounters counters;
  bool boundsHeld = true;                ///< nextEventBound never passed an event
};

/// The per-cycle reference: same interface as Ddr4ControllerTiming.
class PerCycleController {
 public:
  PerCycleController(const models::Ddr4Config& dev, const models::Ddr4ControllerConfig& cfg);
  void advance(std::uint64_t until);
  bool submit(std::uint32_t tag, bool write, std::uint64_t addr, std::uint64_t bytes, std::uint64_t at);
  bool popEvent(std::uint64_t upTo, models::Ddr4ControllerTiming::Event& e);
  std::uint64_t nextEventBound() const { return 0; }
  std::uint64_t drain();
  stats::DdrCounters counters() const;
  void recordCommands(std::vector<models::Ddr4ControllerTiming::CommandRecord>* t) { m_trace = t; }

 private:
  struct Entry {
    std::uint64_t seq;
    int bank;
    std::uint32_t row;
    int txn;
    int outcome;  // 0 none, 1 hit, 2 miss, 3 conflict
  };
  struct Pending {
    int txn = -1;
    std::uint64_t next = 0, end = 0;
  };
  void step(std::uint64_t c);
  void enter(std::uint64_t at, bool announce);
  /// The request stage may hand over a burst of `dir` now.
  bool room(int dir) const;
  /// per_bank: bursts of bank `b` in its command queue (both directions).
  std::size_t inBank(int b) const;
  void record(std::uint64_t c, models::DdrCommand cmd, int bank, std::uint32_t row);

  models::Ddr4Config m_devCfg;
  models::Ddr4ControllerConfig m_cfg;
  models::Ddr4Device m_dev;
  std::uint64_t m_cursor = 0, m_seq = 0;
  bool m_draining = false;
  std::vector<Entry> m_queue[2];
  bool m_perBank = false;
  std::vector<std::pair<int, Entry>> m_held;  ///< per_bank: the transaction queue (direction, burst)
  Pending m_pending;
  struct TxnState {
    std::uint32_t tag;
    int dir;
    std::uint32_t unissued;
  };
  std::vector<TxnState> m_txns;
  std::vector<models::Ddr4ControllerTiming::Event> m_events;
  std::vector<std::uint64_t> m_refreshDue;
  std::uint64_t m_hits = 0, m_misses = 0, m_conflicts = 0;
  std::vector<models::Ddr4ControllerTiming::CommandRecord>* m_trace = nullptr;
};

/// Feed `txns` (sorted by arrival) to a controller, then drain it. A
/// transaction that does not fit waits cycle by cycle, or with `ahead` (the
/// DDR4 core only) the core decides up to its END_REQ at once
/// (advanceUntilTaken), as the SystemC controller and trace replay drive it.
template <class Controller>
TrafficResult runTraffic(Controller& c, const std::vector<Txn>& txns, bool checkBounds = false, bool ahead = false);

/// Seeded random traffic: `n` transactions over `rows` rows of a few banks,
/// sizes 1..maxBytes (unaligned when `unaligned`), reads and writes mixed.
std::vector<Txn> randomTraffic(std::uint32_t seed, int n, std::uint64_t maxBytes, std::uint64_t maxGapCycles,
                               bool unaligned);

/// The config error a device file gives after `--set`-style override `set`
/// ("key.path: rule"), or "(no error)": configs/ddr/<file>.yaml read as
/// Ddr4Config::fromYaml reads it, unknown keys included.
std::string ddrDeviceRule(const std::string& file, const std::string& set);

}  // namespace ftsim::test

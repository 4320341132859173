#pragma once
// The DDR4 controller's policy, from a design's `memory.ddr4:` section. The
// device it drives (organisation and JEDEC timing) is the board's
// `board.ddr` (Ddr4Config); this is what the controller chooses: how
// addresses map to banks and rows, when rows close, how deep the queues are
// and when writes are drained.

#include <string>

#include "models/ddr/AddressMapping.h"
#include "models/ddr/Ddr4Config.h"

namespace ftsim::config { class ConfigNode; }

namespace ftsim::models {

enum class PagePolicy : std::uint8_t {
  Open,    ///< a row stays open until another row of its bank or a refresh needs the bank
  Closed,  ///< the last queued access to a row auto-precharges it (DRAMSys ClosedAdaptive)
  /// The last queued access to a row auto-precharges it only when another
  /// row of its bank is queued (DRAMSys OpenAdaptive): a conflict costs no
  /// PRE slot and an idle row stays open for a later hit.
  OpenAdaptive,
};
const char* toString(PagePolicy p);

/// Which queued request a direction serves next.
enum class Arbitration : std::uint8_t {
  FrFcfs,  ///< per bank the oldest row hit, else the oldest request; among banks the first the timing allows
  Fcfs,    ///< only the oldest request of the direction (its ACT, PRE or column command)
  /// Per bank FR-FCFS; among the banks whose command the timing allows
  /// first, the next in round-robin order after the bank served last.
  FrFcfsBankRoundRobin,
};
const char* toString(Arbitration a);

/// When each rank's all-bank refresh falls due (every tREFI).
enum class RefreshPolicy : std::uint8_t {
  AllRank,           ///< every rank at k·tREFI (together)
  PerRankStaggered,  ///< rank r at k·tREFI + r·tREFI/ranks, so only one rank stops at a time
  /// LPDDR4 REFpb / HBM2 REFSB: one bank of each rank every tREFI/banks, in
  /// bank order, so every bank is refreshed once per tREFI; only that bank
  /// is closed for tRFCpb.
  PerBank,
};
const char* toString(RefreshPolicy r);

/// How queued bursts reach the arbitration (`queues: {impl: ...}`); one
/// implementation of ControllerQueuesIF each.
enum class QueueStructure : std::uint8_t {
  /// One read queue and one write queue shared by all banks: every queued
  /// burst is a candidate (the uMCTL2's read and write CAMs).
  Shared,
  /// A transaction queue in arrival order feeding one command queue per
  /// bank (AMD PG150's group FSMs with their stage-1 transaction FIFOs): only
  /// bursts in a bank queue are candidates, and the head of the transaction
  /// queue waits while its bank queue is full, holding everything behind it.
  PerBank,
};
const char* toString(QueueStructure q);

struct Ddr4ControllerConfig {
  /// Bit order, most significant field first (see AddressMapping.h). The
  /// default interleaves bank groups at every 64-byte burst (a sequential
  /// stream alternates bank groups, so tCCD_S, not tCCD_L, paces it) and
  /// keeps one bank per group for a whole row.
  std::string addressMapping = "row:bank:column:bankgroup";
  PagePolicy pagePolicy = PagePolicy::Open;
  QueueStructure queues = QueueStructure::Shared;
  int readQueueBursts = 32;   ///< shared: read queue entries, one per 64-byte burst
  int writeQueueBursts = 32;  ///< shared: write queue entries
  int transactionQueueBursts = 32;  ///< per_bank: transaction queue entries (reads and writes)
  int bankQueueBursts = 4;          ///< per_bank: command queue entries per bank (reads and writes)
  /// Writes are drained (served ahead of reads) from the moment the write
  /// queue holds `high` bursts until it is down to `low`; otherwise writes
  /// go only when no read is queued.
  int writeHighWatermarkBursts = 24;
  int writeLowWatermarkBursts = 8;
  /// With no read queued, writes are served only once this many are queued
  /// (1: any write, the default; the write queue is always emptied at the
  /// end of a run).
  int writeIdleDrainBursts = 1;
  /// A read of a 64-byte burst that a queued write holds is answered from
  /// the write queue, with no DRAM command, on the cycle it enters.
  bool readForwarding = false;
  /// Issue a stream of row hits without the FR-FCFS scan when the oldest
  /// request is provably the one the scan would pick (same cycles; tested).
  bool fastPath = true;
  Arbitration arbitration = Arbitration::FrFcfs;
  /// FR-FCFS: after this many column commands to a bank's open row since its
  /// ACT, an older queued request of that bank for another row gets its PRE
  /// ahead of further hits (0: no cap).
  int rowHitCap = 0;
  RefreshPolicy refresh = RefreshPolicy::AllRank;
  /// Identical channels (or HBM2 pseudo channels), each with its own
  /// controller, interleaved every `channelInterleaveBytes`: channel =
  /// (address / G) mod N, and the channel sees address / (G·N) · G + address
  /// mod G. Trace replay only (`ftsim dram`).
  int channels = 1;
  std::uint64_t channelInterleaveBytes = 256;

  AddressMapping mapping;  ///< addressMapping parsed for the device

  /// `device` is the board's DDR: the mapping is checked against it.
  /// `deviceValid` false: the device's own config broke a rule (the errors
  /// are being collected), so the checks against the device are skipped
  /// and only the controller's own values are checked.
  static Ddr4ControllerConfig fromYaml(const config::ConfigNode& node, const Ddr4Config& device,
                                       bool deviceValid = true);
  /// The defaults, with the mapping parsed for `device` (read from
  /// `deviceNode`, where an organisation the default mapping cannot
  /// address is reported).
  static Ddr4ControllerConfig defaults(const Ddr4Config& device, const config::ConfigNode& deviceNode);
};

}  // namespace ftsim::models

#pragma once
// Replay an address trace through the controller core and the device, as a
// trace-driven DRAM simulator does (DRAMsim3's trace mode, DRAMSys's STL
// player, Ramulator's DRAM mode). Requests are offered one at a time to the
// controller's request stage, as the TLM target takes them: a request is
// offered at its trace cycle (or, with `asap`, ignoring the trace's cycles)
// but never before the cycle after the previous request was taken (END_REQ:
// all its bursts have queue entries), so a full queue holds back the rest of
// the trace (with several channels, each has its own request stage: see
// replayChannels). A read completes when its last data has left the bus; a
// write is posted.

#include <cstdint>
#include <vector>

#include "models/ddr/Ddr4ControllerTiming.h"
#include "models/ddr/DramTrace.h"

namespace ftsim::models {

struct ReplayResult {
  std::uint64_t requests = 0, reads = 0, writes = 0;
  std::uint64_t requestBytes = 0;   ///< bytes the trace asks for
  std::uint64_t firstCycle = 0;     ///< the first request's entry
  std::uint64_t endCycle = 0;       ///< the last data burst has left (read) or reached (write) the bus
  std::uint64_t lastEntryCycle = 0; ///< the last request was taken (END_REQ)
  std::uint64_t delayedRequests = 0;    ///< requests taken after their trace cycle (queue full)
  std::uint64_t entryDelayCycles = 0;   ///< sum over requests of taken − trace cycle
  /// Read latency, entry to last data, in DDR cycles (nearest-rank
  /// percentiles over every read request; 0 when there is none).
  std::uint64_t readLatencyMin = 0, readLatencyP50 = 0, readLatencyP99 = 0, readLatencyMax = 0;
  double readLatencyMean = 0;
  /// Bucket k holds read latencies in [2^k, 2^(k+1)) DDR cycles (trailing zeros dropped).
  std::vector<std::uint64_t> readLatencyHistogram;
  stats::DdrCounters counters;
  std::vector<stats::DdrBankCounters> banks;
  std::vector<DdrCommandCounts> bankCommands;
  DdrCommandCounts commands{};
  /// Per rank, DDR cycles of [0, endCycle) with at least one bank open.
  std::vector<std::uint64_t> rankActiveCycles;
};

/// With `controller.channels` > 1, every channel has its own controller,
/// device and request stage, as in a design run (replayChannels). A request
/// is split by the channel interleave into one part per channel it touches;
/// each part is offered to its channel's request stage at the request's
/// trace cycle (with `asap`: at once) or, while that stage still holds the
/// channel's previous part, on the cycle after that part is taken. So the
/// requests of one channel enter in trace order, one per cycle, and a full
/// channel holds back only the later requests of that channel: requests of
/// different channels are independent, and with `asap` a request may enter
/// before an earlier request of a busier channel. A request is taken when
/// its last part is; a read's latency runs from the cycle its first part is
/// offered to the last data of its last part. Counters and energy are
/// summed, banks listed channel by channel.
ReplayResult replayTrace(const Ddr4Config& device, const Ddr4ControllerConfig& controller,
                         const std::vector<TraceRequest>& requests, bool asap);
ReplayResult replayChannels(const Ddr4Config& device, const Ddr4ControllerConfig& controller,
                            const std::vector<TraceRequest>& requests, bool asap);

}  // namespace ftsim::models

#include "models/ddr/TraceReplay.h"

#include <algorithm>

#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"

namespace ftsim::models {

namespace {

/// Requests replayed between two checks for SIGINT/SIGTERM (a few ms of work).
constexpr std::size_t kInterruptCheckRequests = 4096;

/// Latency statistics of the read requests (nearest-rank percentiles).
void readLatencyStats(std::vector<std::uint32_t>& latency, ReplayResult& r);

/// The smallest value with at least `q` of the sorted-order mass at or
/// below it (nearest rank), on a vector it may reorder.
std::uint64_t nearestRank(std::vector<std::uint32_t>& v, std::uint64_t num, std::uint64_t den) {
  const std::size_t rank = static_cast<std::size_t>((v.size() * num + den - 1) / den);
  const std::size_t k = rank == 0 ? 0 : rank - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

ReplayResult replayTrace(const Ddr4Config& device, const Ddr4ControllerConfig& controller,
                         const std::vector<TraceRequest>& requests, bool asap) {
  FTSIM_ASSERT(requests.size() < UINT32_MAX, "trace too long for 32-bit tags");
  if (controller.channels > 1) return replayChannels(device, controller, requests, asap);
  Ddr4ControllerTiming c(device, controller);
  ReplayResult r;
  r.requests = requests.size();
  std::vector<std::uint64_t> entered(requests.size(), 0);
  std::vector<std::uint32_t> latency;
  latency.reserve(requests.size());
  Ddr4ControllerTiming::Event e;
  auto handle = [&](const Ddr4ControllerTiming::Event& ev) {
    if (ev.kind == Ddr4ControllerTiming::EventKind::Completed && !requests[ev.tag].write) {
      const std::uint64_t lat = ev.cycle - entered[ev.tag];
      latency.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(lat, UINT32_MAX)));
    }
  };

  std::uint64_t next = 0;  // first cycle the request stage can take the next request
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i % kInterruptCheckRequests == 0) throwIfInterrupted();  // SIGINT/SIGTERM: stop within a few ms
    const TraceRequest& q = requests[i];
    r.requestBytes += q.bytes;
    (q.write ? r.writes : r.reads) += 1;
    std::uint64_t at = asap ? next : std::max(next, q.cycle);
    at = std::max(at, c.cursor());
    entered[i] = at;
    if (i == 0) r.firstCycle = at;
    const auto tag = static_cast<std::uint32_t>(i);
    std::uint64_t taken = at;
    if (!c.submit(tag, q.write, q.addr, q.bytes, at)) taken = c.advanceUntilTaken();
    if (!asap && taken > q.cycle) {
      ++r.delayedRequests;
      r.entryDelayCycles += taken - q.cycle;
    }
    r.lastEntryCycle = taken;
    next = taken + 1;
    // Keep the event list short: what is due by now can be taken now (the
    // request's own END_REQ among them).
    while (c.popEvent(c.cursor(), e)) handle(e);
  }
  c.drain();
  while (c.popEvent(UINT64_MAX, e)) handle(e);

  r.endCycle = std::max(c.lastDataCycle(), r.lastEntryCycle);
  r.counters = c.counters();
  r.banks = c.bankCounters();
  r.bankCommands = c.device().bankCounts();
  r.commands = c.device().counts();
  for (int k = 0; k < device.ranks; ++k) r.rankActiveCycles.push_back(c.device().rankActiveCycles(k, r.endCycle));
  r.readLatencyHistogram = c.readLatencyHistogram();
  while (!r.readLatencyHistogram.empty() && r.readLatencyHistogram.back() == 0) r.readLatencyHistogram.pop_back();
  FTSIM_ASSERT(latency.size() == r.reads, "a read request did not complete");
  readLatencyStats(latency, r);
  return r;
}

namespace {

void readLatencyStats(std::vector<std::uint32_t>& latency, ReplayResult& r) {
  if (!latency.empty()) {
    std::uint64_t sum = 0, lo = UINT64_MAX, hi = 0;
    for (const std::uint32_t l : latency) {
      sum += l;
      lo = std::min<std::uint64_t>(lo, l);
      hi = std::max<std::uint64_t>(hi, l);
    }
    r.readLatencyMean = static_cast<double>(sum) / static_cast<double>(latency.size());
    r.readLatencyMin = lo;
    r.readLatencyMax = hi;
    r.readLatencyP50 = nearestRank(latency, 50, 100);
    r.readLatencyP99 = nearestRank(latency, 99, 100);
  }
}

}  // namespace

ReplayResult replayChannels(const Ddr4Config& device, const Ddr4ControllerConfig& controller,
                            const std::vector<TraceRequest>& requests, bool asap) {
  const auto n = static_cast<std::uint64_t>(controller.channels);
  const std::uint64_t g = controller.channelInterleaveBytes;
  std::vector<Ddr4ControllerTiming> cores;
  cores.reserve(n);
  for (std::uint64_t k = 0; k < n; ++k) cores.emplace_back(device, controller);
  ReplayResult r;
  r.requests = requests.size();
  std::vector<std::uint64_t> entered(requests.size(), 0), done(requests.size(), 0);
  std::vector<std::uint32_t> parts(requests.size(), 0);
  std::vector<std::uint32_t> latency;
  Ddr4ControllerTiming::Event e;
  // A read is done when the last of its channel parts is.
  auto handle = [&](const Ddr4ControllerTiming::Event& ev) {
    if (ev.kind != Ddr4ControllerTiming::EventKind::Completed || requests[ev.tag].write) return;
    done[ev.tag] = std::max(done[ev.tag], ev.cycle);
    if (--parts[ev.tag] == 0)
      latency.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(done[ev.tag] - entered[ev.tag], UINT32_MAX)));
  };
  std::uint64_t next = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i % kInterruptCheckRequests == 0) throwIfInterrupted();  // SIGINT/SIGTERM: stop within a few ms
    const TraceRequest& q = requests[i];
    r.requestBytes += q.bytes;
    (q.write ? r.writes : r.reads) += 1;
    std::uint64_t at = asap ? next : std::max(next, q.cycle);
    for (const Ddr4ControllerTiming& c : cores) at = std::max(at, c.cursor());
    entered[i] = at;
    if (i == 0) r.firstCycle = at;
    // Split into interleave blocks; the blocks of one channel are
    // contiguous in its own address space, so each channel gets one part.
    std::vector<std::uint64_t> lo(n, UINT64_MAX), hi(n, 0);
    for (std::uint64_t a = q.addr; a < q.addr + q.bytes;) {
      const std::uint64_t blockEnd = (a / g + 1) * g;
      const std::uint64_t end = std::min(blockEnd, q.addr + q.bytes);
      const std::uint64_t ch = (a / g) % n;
      const std::uint64_t local = a / (g * n) * g + a % g;
      lo[ch] = std::min(lo[ch], local);
      hi[ch] = std::max(hi[ch], local + (end - a));
      a = end;
    }
    std::uint64_t taken = at;
    for (std::uint64_t ch = 0; ch < n; ++ch) {
      if (lo[ch] == UINT64_MAX) continue;
      ++parts[i];
      Ddr4ControllerTiming& c = cores[ch];
      if (!c.submit(static_cast<std::uint32_t>(i), q.write, lo[ch], hi[ch] - lo[ch], at))
        taken = std::max(taken, c.advanceUntilTaken());
    }
    if (!asap && taken > q.cycle) {
      ++r.delayedRequests;
      r.entryDelayCycles += taken - q.cycle;
    }
    r.lastEntryCycle = taken;
    next = taken + 1;
    for (Ddr4ControllerTiming& c : cores)
      while (c.popEvent(c.cursor(), e)) handle(e);
  }
  for (Ddr4ControllerTiming& c : cores) {
    c.drain();
    while (c.popEvent(UINT64_MAX, e)) handle(e);
  }
  r.endCycle = r.lastEntryCycle;
  for (const Ddr4ControllerTiming& c : cores) r.endCycle = std::max(r.endCycle, c.lastDataCycle());
  r.readLatencyHistogram.assign(64, 0);
  for (const Ddr4ControllerTiming& c : cores) {
    r.counters += c.counters();
    const auto banks = c.bankCounters();
    r.banks.insert(r.banks.end(), banks.begin(), banks.end());
    const auto& bc = c.device().bankCounts();
    r.bankCommands.insert(r.bankCommands.end(), bc.begin(), bc.end());
    for (int k = 0; k < kNumDdrCommands; ++k) r.commands[k] += c.device().counts()[k];
    for (int k = 0; k < device.ranks; ++k) r.rankActiveCycles.push_back(c.device().rankActiveCycles(k, r.endCycle));
  }
  // The histogram counts whole requests (entry to last data), as one channel does.
  for (const std::uint32_t l : latency) ++r.readLatencyHistogram[l ? 63 - __builtin_clz(l) : 0];
  while (!r.readLatencyHistogram.empty() && r.readLatencyHistogram.back() == 0) r.readLatencyHistogram.pop_back();
  FTSIM_ASSERT(latency.size() == r.reads, "a read request did not complete");
  readLatencyStats(latency, r);
  return r;
}

}  // namespace ftsim::models

#include "models/ddr/TraceReplay.h"

#include <algorithm>
#include <memory>

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
  // Every request's entry is written before its completion is read: no
  // need to clear 8 bytes per request first.
  std::unique_ptr<std::uint64_t[]> entered(new std::uint64_t[requests.size()]);
  adviseHugePages(entered.get(), requests.size() * sizeof(std::uint64_t));
  std::vector<std::uint32_t> latency;
  latency.reserve(requests.size());
  adviseHugePages(latency.data(), latency.capacity() * sizeof(std::uint32_t));
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
  const std::size_t m = requests.size();
  std::unique_ptr<std::uint64_t[]> entered(new std::uint64_t[m]), done(new std::uint64_t[m]);
  std::unique_ptr<std::uint32_t[]> parts(new std::uint32_t[m]);
  adviseHugePages(entered.get(), m * sizeof(std::uint64_t));
  adviseHugePages(done.get(), m * sizeof(std::uint64_t));
  adviseHugePages(parts.get(), m * sizeof(std::uint32_t));
  std::fill(done.get(), done.get() + m, 0);
  std::fill(parts.get(), parts.get() + m, 0);
  std::vector<std::uint32_t> latency;
  latency.reserve(m);
  adviseHugePages(latency.data(), latency.capacity() * sizeof(std::uint32_t));
  Ddr4ControllerTiming::Event e;
  // A read is done when the last of its channel parts is.
  auto handle = [&](const Ddr4ControllerTiming::Event& ev) {
    if (ev.kind != Ddr4ControllerTiming::EventKind::Completed || requests[ev.tag].write) return;
    done[ev.tag] = std::max(done[ev.tag], ev.cycle);
    if (--parts[ev.tag] == 0)
      latency.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(done[ev.tag] - entered[ev.tag], UINT32_MAX)));
  };
  // Per channel, the first cycle its request stage can take the next part.
  std::vector<std::uint64_t> next(n, 0);
  // The parts of one request: a channel's interleave blocks are contiguous
  // in its own address space, so each channel gets one part [lo, hi).
  struct Part {
    std::uint64_t channel, lo, hi;
  };
  std::vector<Part> split;
  std::vector<std::int32_t> slot(n, -1);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i % kInterruptCheckRequests == 0) throwIfInterrupted();  // SIGINT/SIGTERM: stop within a few ms
    const TraceRequest& q = requests[i];
    r.requestBytes += q.bytes;
    (q.write ? r.writes : r.reads) += 1;
    split.clear();
    if (q.addr / g == (q.addr + q.bytes - 1) / g) {
      const std::uint64_t local = q.addr / (g * n) * g + q.addr % g;
      split.push_back({(q.addr / g) % n, local, local + q.bytes});
    } else {
      for (std::uint64_t a = q.addr; a < q.addr + q.bytes;) {
        const std::uint64_t end = std::min((a / g + 1) * g, q.addr + q.bytes);
        const std::uint64_t ch = (a / g) % n;
        const std::uint64_t local = a / (g * n) * g + a % g;
        if (slot[ch] < 0) {
          slot[ch] = static_cast<std::int32_t>(split.size());
          split.push_back({ch, local, local + (end - a)});
        } else {
          Part& p = split[static_cast<std::size_t>(slot[ch])];
          p.lo = std::min(p.lo, local);
          p.hi = std::max(p.hi, local + (end - a));
        }
        a = end;
      }
      for (const Part& p : split) slot[p.channel] = -1;
    }
    // Each part enters its own channel's request stage at the request's
    // trace cycle (asap: at once), or once that channel has taken its
    // previous part; no other channel holds it back.
    std::uint64_t first = UINT64_MAX, taken = 0;
    for (const Part& p : split) {
      Ddr4ControllerTiming& c = cores[p.channel];
      const std::uint64_t at = std::max(asap ? next[p.channel] : std::max(next[p.channel], q.cycle), c.cursor());
      first = std::min(first, at);
      ++parts[i];
      std::uint64_t t = at;
      if (!c.submit(static_cast<std::uint32_t>(i), q.write, p.lo, p.hi - p.lo, at)) t = c.advanceUntilTaken();
      next[p.channel] = t + 1;
      taken = std::max(taken, t);
    }
    entered[i] = first;
    if (i == 0) r.firstCycle = first;
    if (!asap && taken > q.cycle) {
      ++r.delayedRequests;
      r.entryDelayCycles += taken - q.cycle;
    }
    r.lastEntryCycle = std::max(r.lastEntryCycle, taken);
    for (const Part& p : split) {
      Ddr4ControllerTiming& c = cores[p.channel];
      while (c.popEvent(c.cursor(), e)) handle(e);
    }
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
  for (const std::uint32_t l : latency) ++r.readLatencyHistogram[l ? 31 - __builtin_clz(l) : 0];
  while (!r.readLatencyHistogram.empty() && r.readLatencyHistogram.back() == 0) r.readLatencyHistogram.pop_back();
  FTSIM_ASSERT(latency.size() == r.reads, "a read request did not complete");
  readLatencyStats(latency, r);
  return r;
}

}  // namespace ftsim::models

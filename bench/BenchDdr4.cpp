// DDR4 controller benchmarks, each printed next to its theory: a long
// sequential read stream, random 64-byte reads, and an interleaved
// read/write mix. The controller core is driven directly as the TLM target
// drives it (one transaction in the request stage at a time, the next one
// sent as soon as END_REQ comes), so the figures are the DDR4's own, not
// limited by an AXI port. Also prints the simulator's speed.
//
//   ftsim_bench_ddr4 [--ddr NAME] [--mb N] [--set key=value ...]
//     NAME: a file of configs/ddr without .yaml (default ddr4-2133p-64bit-x8-4gb)
//     --set: memory.ddr4 keys, e.g. --set address_mapping=row:bank:bankgroup:column

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "models/ddr/Ddr4ControllerTiming.h"
#include "sim/config/ConfigNode.h"
#include "sim/core/Error.h"

using namespace ftsim;
using namespace ftsim::models;

namespace {

struct Txn {
  bool write;
  std::uint64_t addr, bytes;
};

struct Result {
  std::uint64_t bytes = 0;
  std::uint64_t cycles = 0;  ///< first submit to last read data / last write issued
  std::uint64_t bursts = 0;
  std::uint64_t fast = 0;
  double wallSeconds = 0;
  stats::DdrCounters counters;
};

/// Submit every transaction as soon as the request stage is free.
Result drive(const Ddr4Config& dev, const Ddr4ControllerConfig& cfg, const std::vector<Txn>& txns) {
  Ddr4ControllerTiming c(dev, cfg);
  const auto t0 = std::chrono::steady_clock::now();
  Result r;
  std::uint64_t t = 0, lastDone = 0;
  Ddr4ControllerTiming::Event e;
  for (std::size_t i = 0; i < txns.size(); ++i) {
    r.bytes += txns[i].bytes;
    if (c.submit(static_cast<std::uint32_t>(i), txns[i].write, txns[i].addr, txns[i].bytes, t)) continue;
    // Wait for this transaction's END_REQ (a write's posted completion).
    bool accepted = false;
    while (!accepted) {
      const std::uint64_t upTo = std::max(c.nextEventBound(), c.cursor() + 1);
      c.advance(upTo);
      while (c.popEvent(upTo, e)) {
        if (e.kind == Ddr4ControllerTiming::EventKind::Completed && !txns[e.tag].write)
          lastDone = std::max(lastDone, e.cycle);
        if (e.tag == i) {
          accepted = true;
          t = e.cycle;
        }
      }
    }
  }
  const std::uint64_t end = c.drain();
  while (c.popEvent(UINT64_MAX, e))
    if (!txns[e.tag].write) lastDone = std::max(lastDone, e.cycle);
  r.cycles = std::max(lastDone, end);
  r.counters = c.counters();
  r.bursts = r.counters.reads + r.counters.writes;
  r.fast = c.fastDecisions();
  r.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

void print(const char* name, const Ddr4Config& dev, const Result& r, double theoryGbs, const char* theory) {
  const double seconds = static_cast<double>(r.cycles) / static_cast<double>(dev.clock.freqHz());
  const double gbs = static_cast<double>(r.bytes) / seconds / 1e9;
  const double peak = dev.peakBytesPerSecond() / 1e9;
  std::printf("%s\n", name);
  std::printf("  measured   %8.3f GB/s  (%5.1f%% of peak %.3f GB/s; %5.1f%% of the theory)\n", gbs, 100 * gbs / peak,
              peak, 100 * gbs / theoryGbs);
  std::printf("  theory     %8.3f GB/s  %s\n", theoryGbs, theory);
  std::printf("  commands   %llu ACT, %llu PRE, %llu RD, %llu WR, %llu REF; row hit rate %.2f%%\n",
              static_cast<unsigned long long>(r.counters.activates),
              static_cast<unsigned long long>(r.counters.precharges),
              static_cast<unsigned long long>(r.counters.reads), static_cast<unsigned long long>(r.counters.writes),
              static_cast<unsigned long long>(r.counters.refreshes), 100 * r.counters.rowHitRate());
  std::printf("  simulator  %.3f s wall for %llu bursts (%.1f M bursts/s, %.1f%% on the fast path)\n\n",
              r.wallSeconds, static_cast<unsigned long long>(r.bursts), static_cast<double>(r.bursts) / r.wallSeconds / 1e6,
              r.bursts ? 100.0 * static_cast<double>(r.fast) / static_cast<double>(r.bursts) : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string ddr = "ddr4-2133p-64bit-x8-4gb";
  std::uint64_t mb = 256;
  std::string yaml = "{";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--ddr" && i + 1 < argc) ddr = argv[++i];
    else if (a == "--mb" && i + 1 < argc) mb = std::max(1, std::atoi(argv[++i]));
    else if (a == "--set" && i + 1 < argc) {
      std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "--set wants key=value\n");
        return 2;
      }
      yaml += (yaml.size() > 1 ? ", " : "") + kv.substr(0, eq) + ": '" + kv.substr(eq + 1) + "'";
    } else {
      std::fprintf(stderr, "usage: ftsim_bench_ddr4 [--ddr NAME] [--mb N] [--set key=value ...]\n");
      return 2;
    }
  }
  yaml += "}";
  try {
    const auto root = config::ConfigNode::loadFile(std::string(FTSIM_SOURCE_DIR) + "/configs/ddr/" + ddr + ".yaml");
    const Ddr4Config dev = Ddr4Config::fromYaml(root.at("board").at("ddr"));
    const auto node = config::ConfigNode::loadString(yaml, "--set");
    const Ddr4ControllerConfig cfg = Ddr4ControllerConfig::fromYaml(node, dev);
    node.checkNoUnknownKeys();
    const Ddr4Timing& t = dev.t;
    const double peak = dev.peakBytesPerSecond() / 1e9;
    const double burstCycles = dev.burstLength / 2.0;
    std::printf("%s, %s, %s page, queues %d/%d, write drain %d -> %d, %llu MB per test\n\n", dev.speedGrade.c_str(),
                cfg.mapping.text().c_str(), toString(cfg.pagePolicy), cfg.readQueueBursts, cfg.writeQueueBursts,
                cfg.writeHighWatermarkBursts, cfg.writeLowWatermarkBursts, static_cast<unsigned long long>(mb));

    // 1. Sequential reads in 4 KB transactions.
    std::vector<Txn> seq;
    for (std::uint64_t a = 0; a < mb << 20; a += 4096) seq.push_back({false, a, 4096});
    const double refreshFree = 1.0 - static_cast<double>(t.tRFC) / static_cast<double>(t.tREFI);
    char theory[256];
    std::snprintf(theory, sizeof theory, "peak x (1 - tRFC/tREFI) = %.3f x (1 - %u/%u); 95%% of it: %.3f GB/s", peak,
                  t.tRFC, t.tREFI, 0.95 * peak * refreshFree);
    print("sequential read, 4 KB transactions", dev, drive(dev, cfg, seq), peak * refreshFree, theory);

    // 2. Random 64-byte reads over the whole device.
    std::mt19937_64 rng(1);
    std::vector<Txn> rnd;
    const std::uint64_t n = (mb << 20) / 64 / 8;
    for (std::uint64_t i = 0; i < n; ++i) rnd.push_back({false, (rng() % dev.capacityBytes()) & ~63ULL, 64});
    // Every read opens a row: at most four ACTs per tFAW window, and one
    // ACT per bank per tRC.
    const double actBound = std::min(4.0 / t.tFAW, static_cast<double>(dev.banks() * dev.ranks) / t.tRC);
    const double rndTheory = std::min(1.0 / burstCycles, actBound) * dev.burstBytes() * dev.clock.freqHz() / 1e9;
    std::snprintf(theory, sizeof theory,
                  "one ACT per read: min(4/tFAW = 4/%u, banks/tRC = %d/%u) ACT/cycle x 64 B x refresh-free share;"
                  " a bound, bank collisions cost more",
                  t.tFAW, dev.banks() * dev.ranks, t.tRC);
    print("random 64-byte reads", dev, drive(dev, cfg, rnd), rndTheory * refreshFree, theory);

    // 3. Read and write streams interleaved in 4 KB transactions; the write
    // stream 64 KB ahead, in other banks.
    std::vector<Txn> mix;
    for (std::uint64_t a = 0; a < mb << 20; a += 8192) {
      mix.push_back({false, a, 4096});
      mix.push_back({true, (256ULL << 20) + 65536 + a, 4096});
    }
    // A 4 KB write fills the write queue past the high watermark and holds
    // the request stage until its last burst is queued, so writes drain in
    // one batch per write transaction: per 4 KB read + 4 KB write one RD->WR
    // turnaround (CL + BL/2 + 2 - CWL instead of BL/2 between the commands)
    // and one WR->RD (CWL + BL/2 + tWTR_S instead of BL/2).
    const double pair = 2.0 * 4096 / dev.burstBytes() * burstCycles;
    const double rtw = t.cl + burstCycles + 2 - t.cwl;
    const double wtr = t.cwl + burstCycles + t.tWTR_S;
    const double mixEff = pair / (pair + (rtw - burstCycles) + (wtr - burstCycles));
    std::snprintf(theory, sizeof theory,
                  "per 4 KB read + 4 KB write: %.0f data cycles + turnarounds RD->WR %.0f, WR->RD %.0f cycles"
                  " (%.1f%%) x refresh-free share",
                  pair, rtw, wtr, 100 * mixEff);
    print("read/write mix, 4 KB transactions", dev, drive(dev, cfg, mix), peak * mixEff * refreshFree, theory);
  } catch (const UserError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}

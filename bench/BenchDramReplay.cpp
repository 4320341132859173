// Trace replay speed and multi-channel bandwidth, as `ftsim dram` does it:
// write a sequential read trace (DRAMsim3 format, every request at cycle 0,
// as tools/gen_dram_trace.py seq writes it) to a file, then read and parse
// it (readTrace) and replay it (replayTrace) several times, and print the
// median requests per second of each stage and the replayed bandwidth
// against the channels' peak.
//
//   ftsim_bench_dram_replay [--ddr NAME] [--requests N] [--channels C] [--runs R]
//                           [--set key=value ...] [--trace PATH]
//     NAME: a file of configs/ddr without .yaml (default ddr4-2133p-64bit-x8-4gb)
//     N: requests (default 4,000,000), one burst each, consecutive addresses
//     C: memory.ddr4.channels (default 1); R: runs (default 5)
//     --set: memory.ddr4 keys; --trace: replay this file instead
//
// Speeds are given per CPU second of this process (what one core does,
// whatever else runs on the machine) and per wall second.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "models/ddr/DramTrace.h"
#include "models/ddr/TraceReplay.h"
#include "sim/config/ConfigNode.h"
#include "sim/core/Error.h"

using namespace ftsim;
using namespace ftsim::models;

namespace {

double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double wallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size() / 2;
  return v.size() % 2 ? v[k] : (v[k - 1] + v[k]) / 2;
}

int usage() {
  std::fprintf(stderr,
               "usage: ftsim_bench_dram_replay [--ddr NAME] [--requests N] [--channels C] [--runs R] "
               "[--set key=value ...] [--trace PATH]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string ddr = "ddr4-2133p-64bit-x8-4gb";
  long long requests = 4'000'000;
  int channels = 1, runs = 5;
  std::string yaml = "{", tracePath;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--ddr" && i + 1 < argc) ddr = argv[++i];
    else if (a == "--requests" && i + 1 < argc) requests = std::atoll(argv[++i]);
    else if (a == "--channels" && i + 1 < argc) channels = std::atoi(argv[++i]);
    else if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (a == "--trace" && i + 1 < argc) tracePath = argv[++i];
    else if (a == "--set" && i + 1 < argc) {
      const std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos) return usage();
      yaml += (yaml.size() > 1 ? ", " : "") + kv.substr(0, eq) + ": '" + kv.substr(eq + 1) + "'";
    } else {
      return usage();
    }
  }
  if (requests < 1 || channels < 1 || runs < 1) return usage();
  yaml += std::string(yaml.size() > 1 ? ", " : "") + "channels: " + std::to_string(channels) + "}";
  try {
    const auto root = config::ConfigNode::loadFile(std::string(FTSIM_SOURCE_DIR) + "/configs/ddr/" + ddr + ".yaml");
    const Ddr4Config dev = Ddr4Config::fromYaml(root.at("board").at("ddr"));
    const auto node = config::ConfigNode::loadString(yaml, "--set");
    const Ddr4ControllerConfig cfg = Ddr4ControllerConfig::fromYaml(node, dev);
    node.checkNoUnknownKeys();

    const bool own = tracePath.empty();
    if (own) {
      tracePath = "/tmp/ftsim_bench_dram_replay." + std::to_string(::getpid()) + ".trace";
      std::ofstream out(tracePath, std::ios::binary);
      std::string buf;
      char line[64];
      for (long long k = 0; k < requests; ++k) {
        const int n = std::snprintf(line, sizeof line, "0x%llx READ 0\n",
                                    static_cast<unsigned long long>(k) * dev.burstBytes());
        buf.append(line, static_cast<std::size_t>(n));
        if (buf.size() > (1u << 20)) {
          out << buf;
          buf.clear();
        }
      }
      out << buf;
      if (!out) throw UserError(tracePath + ": cannot write the trace");
    }

    std::vector<double> readCpu, readWall, replayCpu, replayWall;
    ReplayResult r;
    std::size_t n = 0;
    for (int run = 0; run < runs; ++run) {
      const double c0 = cpuSeconds(), w0 = wallSeconds();
      const DramTrace trace = readTrace(tracePath, "", dev.burstBytes());
      const double c1 = cpuSeconds(), w1 = wallSeconds();
      r = replayTrace(dev, cfg, trace.requests, !trace.timed);
      const double c2 = cpuSeconds(), w2 = wallSeconds();
      n = trace.requests.size();
      readCpu.push_back(c1 - c0);
      readWall.push_back(w1 - w0);
      replayCpu.push_back(c2 - c1);
      replayWall.push_back(w2 - w1);
    }
    if (own) std::remove(tracePath.c_str());

    const double seconds = static_cast<double>(r.endCycle) / static_cast<double>(dev.clock.freqHz());
    const double gbs = static_cast<double>(r.requestBytes) / seconds / 1e9;
    const double peak = dev.peakBytesPerSecond() * channels / 1e9;
    const double refreshFree = 1.0 - static_cast<double>(dev.t.tRFC) / static_cast<double>(dev.t.tREFI);
    std::printf("%s, %d channel(s), %s, %zu requests of %llu bytes, %d run(s)\n", dev.speedGrade.c_str(), channels,
                tracePath.c_str(), n, static_cast<unsigned long long>(r.requestBytes / n), runs);
    std::printf("  bandwidth  %8.3f GB/s  (%5.1f%% of peak %.3f GB/s; %5.1f%% of peak x (1 - tRFC/tREFI) = %.3f)\n",
                gbs, 100 * gbs / peak, peak, 100 * gbs / (peak * refreshFree), peak * refreshFree);
    std::printf("  end cycle  %llu; read latency p50 %llu, p99 %llu DDR cycles; row hit rate %.2f%%\n",
                static_cast<unsigned long long>(r.endCycle), static_cast<unsigned long long>(r.readLatencyP50),
                static_cast<unsigned long long>(r.readLatencyP99), 100 * r.counters.rowHitRate());
    const double m = static_cast<double>(n) / 1e6;
    const double rc = median(readCpu), pc = median(replayCpu), rw = median(readWall), pw = median(replayWall);
    std::printf("  read+parse %.3f s CPU (%.2f M requests/s), %.3f s wall (%.2f M requests/s)  [median of %d]\n", rc,
                m / rc, rw, m / rw, runs);
    std::printf("  replay     %.3f s CPU (%.2f M requests/s), %.3f s wall (%.2f M requests/s)  [median of %d]\n", pc,
                m / pc, pw, m / pw, runs);
    std::printf("  both       %.2f M requests/s per CPU second, %.2f per wall second (sums of the medians)\n",
                m / (rc + pc), m / (rw + pw));
  } catch (const UserError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}

// Points per minute of `ftsim sweep` on this machine, for three sweeps:
//
//   vgg16-ideal   200 points of VGG-16 (224x224) training with the ideal memory on a ZCU102:
//                 clock (10) x Tm = Tn (8, 12, 16, 20, 24) x batch (2, 4, 8, 16); the 80 points
//                 with Tm = 20 or 24 are over the board's BRAM or DSP budget and never simulate
//   infeasible    200 points that are all over budget (Tm = Tn = 24): the cost of the check alone
//   ddr4          50 points of VGG-11 (CIFAR-10, batch 4) with the command-level DDR4:
//                 clock (5) x Tm = Tn (8, 10, 12, 14, 16) x page policy (open, closed)
//
// Each sweep runs --runs times into a fresh directory (`ftsim sweep --jobs J --quiet`);
// every run and the median are printed.
//
//   ftsim_bench_sweep [--runs N] [--jobs J] [--only vgg16-ideal|infeasible|ddr4]

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::string kSource = FTSIM_SOURCE_DIR;

std::string square(const std::vector<int>& t) {
  std::string list = "[";
  for (std::size_t i = 0; i < t.size(); ++i) list += (i ? ", " : "") + std::to_string(t[i]);
  list += "]";
  std::string vec = "[";
  for (std::size_t i = 0; i < t.size(); ++i) vec += (i ? ", " : "") + std::to_string(std::min(t[i], 16));
  vec += "]";
  std::string y = "  zip:\n";
  for (const char* k : {"accelerator.pe_array.tm", "accelerator.pe_array.tn", "accelerator.buffers.weight.tm",
                        "accelerator.buffers.weight.tn", "accelerator.buffers.input.lanes",
                        "accelerator.buffers.output.lanes"})
    y += std::string("    ") + k + ": " + list + "\n";
  return y + "    accelerator.vector.lanes: " + vec + "\n";
}

std::string yamlOf(const std::string& name) {
  const std::string vgg16 = kSource + "/configs/designs/eftrain-vgg16-zcu102.yaml";
  const std::string vgg11 = kSource + "/configs/designs/eftrain-vgg11-cifar10-zcu102.yaml";
  const std::string clocks10 = "[100, 125, 150, 175, 200, 225, 250, 275, 300, 325]";
  if (name == "vgg16-ideal")
    return "sweep:\n  name: bench-vgg16-ideal\n  design: " + vgg16 + "\n  set: {memory.model: ideal}\n"
           "  grid:\n    accelerator.clock_mhz: " + clocks10 + "\n    workload.batch: [2, 4, 8, 16]\n" +
           square({8, 12, 16, 20, 24});
  if (name == "infeasible")
    return "sweep:\n  name: bench-infeasible\n  design: " + vgg16 + "\n  set: {memory.model: ideal}\n"
           "  grid:\n    accelerator.clock_mhz: " + clocks10 + "\n    workload.batch: [2, 4, 8, 16]\n"
           "    accelerator.buffers.input.depth_words: [1243, 2486, 3729, 4972, 6215]\n" + square({24});
  return "sweep:\n  name: bench-ddr4\n  design: " + vgg11 + "\n  set: {workload.batch: 4}\n"
         "  grid:\n    accelerator.clock_mhz: [100, 125, 150, 175, 200]\n"
         "    memory.ddr4.page_policy: [open, closed]\n" + square({8, 10, 12, 14, 16});
}

double childCpuSeconds() {
  rusage ru{};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/// Run one sweep; its wall seconds (and in `cpu` the CPU seconds of the sweep
/// and its points), or a negative number on failure.
double runOnce(const std::string& file, const std::string& out, unsigned jobs, double& cpu) {
  fs::remove_all(out);
  const std::string cmd = std::string(FTSIM_BINARY) + " sweep " + file + " --out " + out + " --jobs " +
                          std::to_string(jobs) + " --quiet --no-plot";
  const double cpu0 = childCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = std::system(cmd.c_str());
  cpu = childCpuSeconds() - cpu0;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rc != 0) {
    std::fprintf(stderr, "failed: %s\n", cmd.c_str());
    return -1;
  }
  return s;
}

/// "ok N, infeasible N, error N" from a results.csv.
std::string statusCounts(const std::string& csv) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  std::size_t ok = 0, inf = 0, err = 0;
  while (std::getline(in, line)) {
    if (line.find(",ok,") != std::string::npos) ++ok;
    else if (line.find(",infeasible,") != std::string::npos) ++inf;
    else if (++err == 1) std::fprintf(stderr, "a point failed: %s\n", line.c_str());
  }
  return "ok " + std::to_string(ok) + ", infeasible " + std::to_string(inf) + ", error " + std::to_string(err);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  unsigned jobs = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--jobs" && i + 1 < argc) jobs = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else {
      std::fprintf(stderr, "usage: ftsim_bench_sweep [--runs N] [--jobs J] [--only vgg16-ideal|infeasible|ddr4]\n");
      return 2;
    }
  }
  char tmpl[] = "/tmp/ftsim-bench-sweep.XXXXXX";
  if (!::mkdtemp(tmpl)) return 1;
  const std::string dir = tmpl;
  std::printf("ftsim sweep benchmark: %d runs each, --jobs %u\n", runs, jobs);
  for (const char* name : {"vgg16-ideal", "infeasible", "ddr4"}) {
    if (!only.empty() && only != name) continue;
    const std::string file = dir + "/" + name + ".yaml";
    std::ofstream(file) << yamlOf(name);
    std::vector<double> rates;
    std::size_t points = 0;
    std::string counts;
    for (int r = 0; r < runs; ++r) {
      const std::string out = dir + "/" + name;
      double cpu = 0;
      const double s = runOnce(file, out, jobs, cpu);
      if (s < 0) return 1;
      counts = statusCounts(out + "/results.csv");
      std::ifstream in(out + "/results.csv");
      points = static_cast<std::size_t>(std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n')) - 1;
      rates.push_back(60.0 * static_cast<double>(points) / s);
      std::printf("  %-12s run %d: %zu points (%s) in %.2f s = %.1f points/min (%.1f ms wall, %.1f ms CPU a point)\n",
                  name, r + 1, points, counts.c_str(), s, rates.back(), 1e3 * s / static_cast<double>(points),
                  1e3 * cpu / static_cast<double>(points));
      std::fflush(stdout);
    }
    std::sort(rates.begin(), rates.end());
    std::printf("%-12s median %.1f points/min over %zu points\n", name, rates[rates.size() / 2], points);
  }
  fs::remove_all(dir);
  return 0;
}

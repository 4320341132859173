// Times one full VGG-16 batch-16 training iteration of the default design
// (timing only; the design's memory model, DDR4 unless --set
// memory.model=ideal). Runs the simulation in child processes (SystemC
// elaborates once per process), each timed from design load to the last
// event, and prints every run, the median and the peak resident memory.
//
//   ftsim_bench_vgg16 [--runs N] [--design FILE] [--set key=value ...]

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemc>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "families/eftrain/EfTrainFamily.h"
#include "models/accel/EfTrainSystem.h"
#include "models/common/ScMain.h"
#include "sim/config/DesignConfig.h"
#include "sim/schedule/Scheduler.h"

namespace {

std::string g_design = FTSIM_SOURCE_DIR "/configs/designs/eftrain-vgg16-zcu102.yaml";

int child(const std::vector<std::string>& sets) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto d = ftsim::config::DesignConfig::load(g_design, sets);
  const ftsim::schedule::Scheduler sched(ftsim::families::eftrain::schedulerInputs(d));
  const auto prog = sched.build();
  const auto t1 = std::chrono::steady_clock::now();
  const auto run = ftsim::models::simulate(d.accelerator, d.memory, prog, {});
  const auto t2 = std::chrono::steady_clock::now();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const auto& ddr = run.memory.total;
  std::printf("%.6f %.6f %llu %ld %s %llu %.6f\n", std::chrono::duration<double>(t2 - t0).count(),
              std::chrono::duration<double>(t1 - t0).count(), static_cast<unsigned long long>(run.totalCycles),
              ru.ru_maxrss, run.memoryModel.c_str(), static_cast<unsigned long long>(ddr.reads + ddr.writes),
              ddr.rowHitRate());
  return 0;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  int runs = 5;
  bool isChild = false;
  std::vector<std::string> sets;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--child") isChild = true;
    else if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--design" && i + 1 < argc) g_design = argv[++i];
    else if (a == "--set" && i + 1 < argc) sets.emplace_back(argv[++i]);
    else {
      std::fprintf(stderr, "usage: ftsim_bench_vgg16 [--runs N] [--design FILE] [--set key=value ...]\n");
      return 2;
    }
  }
  if (isChild) return child(sets);

  std::printf("design %s, %d runs (one process each)\n", g_design.c_str(), runs);
  std::vector<double> wall, sim;
  long maxRssKb = 0;
  unsigned long long cycles = 0, bursts = 0;
  char model[32] = {0};
  double hitRate = 0;
  for (int r = 0; r < runs; ++r) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    const pid_t pid = fork();
    if (pid == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      std::vector<std::string> args{"/proc/self/exe", "--child", "--design", g_design};
      for (const auto& s : sets) { args.push_back("--set"); args.push_back(s); }
      std::vector<char*> cargs;
      for (auto& s : args) cargs.push_back(s.data());
      cargs.push_back(nullptr);
      execv("/proc/self/exe", cargs.data());
      _exit(127);
    }
    close(fds[1]);
    char buf[512] = {0};
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    double total = 0, setup = 0;
    long rss = 0;
    if (n <= 0 ||
        std::sscanf(buf, "%lf %lf %llu %ld %31s %llu %lf", &total, &setup, &cycles, &rss, model, &bursts, &hitRate) !=
            7 ||
        status != 0) {
      std::fprintf(stderr, "run %d failed\n", r);
      return 1;
    }
    wall.push_back(total);
    sim.push_back(total - setup);
    maxRssKb = std::max(maxRssKb, rss);
    std::printf("run %d: %.3f s wall (schedule %.3f s, simulation %.3f s), %llu cycles, peak RSS %.1f MiB\n", r + 1,
                total, setup, total - setup, cycles, rss / 1024.0);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  };
  const double m = median(wall);
  if (std::string(model) == "ddr4")
    std::printf("memory ddr4: %llu DDR bursts (RD + WR), row hit rate %.2f%%, %.1f M bursts per second of wall time\n",
                bursts, 100 * hitRate, static_cast<double>(bursts) / m / 1e6);
  else
    std::printf("memory %s\n", model);
  std::printf("median %.3f s wall (simulation alone %.3f s) for %llu accelerator cycles: %.3g simulated cycles/s; "
              "peak RSS %.1f MiB\n",
              m, median(sim), cycles, static_cast<double>(cycles) / m, maxRssKb / 1024.0);
  return 0;
}

int main(int argc, char* argv[]) {
  return ftsim::models::runSystemC(argc, argv);
}

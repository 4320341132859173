// Wall time and peak memory of one functional training step (through the
// HLS kernels, no timing model) of LeNet-5 batch 16 and CIFAR VGG-11 batch 2;
// then the cost of functional mode in the SystemC models: `ftsim run` of
// LeNet-5 batch 16 (DDR4) with and without --functional, each in its own
// process (SystemC elaborates once per process).
//   ftsim_bench_functional [--runs N] [--ftsim PATH]
#include <sys/resource.h>
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
#include "models/common/ScMain.h"
#include "sim/config/DesignConfig.h"
#include "sim/functional/FunctionalStep.h"
#include "sim/schedule/Scheduler.h"

using namespace ftsim;

namespace {

double runOnce(const std::string& design, const std::vector<std::string>& sets, float& loss) {
  const config::DesignConfig d = config::DesignConfig::load(design, sets);
  const schedule::Program prog = schedule::Scheduler(families::eftrain::schedulerInputs(d)).build();
  functional::FunctionalStep step(prog, d.workload, d.accelerator, functional::FunctionalOptions{});
  step.initParameters(1);
  const auto& s = d.workload.input;
  std::vector<float> images(static_cast<std::size_t>(d.workload.batch) * s.c * s.h * s.w);
  for (std::size_t i = 0; i < images.size(); ++i) images[i] = static_cast<float>((i * 2654435761u) % 1000) / 500.0f - 1.0f;
  std::vector<std::int64_t> labels(d.workload.batch);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % d.workload.numClasses);
  step.setBatch(images, labels);
  const auto t0 = std::chrono::steady_clock::now();
  loss = step.run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// `ftsim run` of `design` as a child process: its wall time, and the
/// simulation's own (summary.json simulator.wall_seconds).
struct RunTimes {
  double processSeconds = 0, simulateSeconds = 0;
};

RunTimes timeFtsimRun(const std::string& ftsim, const std::string& design, const std::string& extra,
                      const std::string& out) {
  const std::string cmd = ftsim + " run " + design + " --quiet --out " + out + " " + extra;
  const auto t0 = std::chrono::steady_clock::now();
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "failed: %s\n", cmd.c_str());
    std::exit(1);
  }
  RunTimes r;
  r.processSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::FILE* f = std::fopen((out + "/summary.json").c_str(), "r");
  if (f) {
    std::string text;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
    const auto at = text.find("\"wall_seconds\":");
    if (at != std::string::npos) r.simulateSeconds = std::atof(text.c_str() + at + 15);
  }
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  int runs = 3;
  std::string ftsim = FTSIM_BINARY_DIR "/ftsim";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--ftsim") && i + 1 < argc) ftsim = argv[++i];
    else {
      std::printf("usage: ftsim_bench_functional [--runs N] [--ftsim PATH]\n");
      return std::strcmp(argv[i], "--help") ? 2 : 0;
    }
  }
  const std::string root = FTSIM_SOURCE_DIR;
  struct Case { const char* name; std::string design; std::vector<std::string> sets; };
  const std::vector<Case> cases = {
      {"LeNet-5, batch 16", root + "/configs/designs/eftrain-lenet5-zcu102.yaml", {"workload.batch=16"}},
      {"CIFAR VGG-11, batch 2", root + "/configs/designs/eftrain-vgg11-cifar10-zcu102.yaml", {"workload.batch=2"}},
  };
  for (const Case& c : cases) {
    std::vector<double> t;
    float loss = 0.0f;
    for (int r = 0; r < runs; ++r) t.push_back(runOnce(c.design, c.sets, loss));
    std::sort(t.begin(), t.end());
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    std::printf("%-24s one functional step: median %.3f s (min %.3f, max %.3f, %d runs), loss %.6f, peak RSS so far %.1f MiB\n",
                c.name, t[t.size() / 2], t.front(), t.back(), runs, static_cast<double>(loss),
                static_cast<double>(ru.ru_maxrss) / 1024.0);
  }
  // Functional mode's cost in the SystemC models, LeNet-5 batch 16 on DDR4.
  const std::string lenet = root + "/configs/designs/eftrain-lenet5-zcu102.yaml --set workload.batch=16";
  const std::string out = "/tmp/ftsim-bench-functional-" + std::to_string(::getpid());
  std::vector<double> tp, ts, fp, fs;
  for (int r = 0; r < runs; ++r) {
    const RunTimes t = timeFtsimRun(ftsim, lenet, "", out + "/timing");
    const RunTimes f = timeFtsimRun(ftsim, lenet, "--functional", out + "/functional");
    tp.push_back(t.processSeconds);
    ts.push_back(t.simulateSeconds);
    fp.push_back(f.processSeconds);
    fs.push_back(f.simulateSeconds);
  }
  std::printf("ftsim run LeNet-5 batch 16 (DDR4), medians of %d runs:\n", runs);
  std::printf("  timing only      process %.3f s, simulation %.3f s\n", median(tp), median(ts));
  std::printf("  --functional     process %.3f s, simulation %.3f s  (x%.2f the simulation's time)\n", median(fp),
              median(fs), median(ts) > 0 ? median(fs) / median(ts) : 0.0);
  std::system(("rm -rf " + out).c_str());
  return 0;
}

int main(int argc, char* argv[]) {
  return ftsim::models::runSystemC(argc, argv);
}

// Wall time and peak memory of one functional training step (through the
// HLS kernels, no timing model) of LeNet-5 batch 16 and CIFAR VGG-11 batch 2.
//   ftsim_bench_functional [--runs N]
#include <sys/resource.h>

#include <systemc>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "families/eftrain/EfTrainFamily.h"
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

}  // namespace

int sc_main(int argc, char* argv[]) {
  int runs = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else {
      std::printf("usage: ftsim_bench_functional [--runs N]\n");
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
  return 0;
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}

// The event-driven SystemC model against the per-cycle reference
// (tests/CycleOracle): every phase of small training steps must take the
// same number of cycles in both.

#include <gtest/gtest.h>

#include "models/accel/EfTrainSystem.h"
#include "tests/CycleOracle.h"
#include "tests/Harness.h"

using namespace ftsim;
using namespace ftsim::test;

namespace {

void expectEquivalent(const std::string& design, const std::vector<std::string>& sets) {
  static config::DesignConfig d;
  static schedule::Program prog;
  d = config::DesignConfig::load(design, sets);
  const schedule::Scheduler sched(schedulerInputs(d));
  prog = sched.build();
  const auto oracle = oraclePhaseCycles(prog, d.accelerator, d.memory.ideal);
  const auto run = models::simulate(d.accelerator, d.memory, prog, {});
  ASSERT_EQ(run.phases.size(), oracle.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < oracle.size(); ++i) {
    EXPECT_EQ(run.phases[i].cycles, oracle[i]) << run.phases[i].name << " " << schedule::toString(run.phases[i].phase);
    total += oracle[i];
  }
  EXPECT_EQ(run.totalCycles, total);
}

const char* kSmallResNet = R"(  name: small-resnet
  batch: 3
  input: {channels: 3, height: 12, width: 10}
  layers:
    - {name: conv1, type: conv, out_channels: 20, kernel: 3, pad: 1}
    - {name: bn1, type: batchnorm}
    - {name: relu1, type: relu}
    - {name: c2, type: conv, out_channels: 24, kernel: 3, stride: 2, pad: 1}
    - {name: r2, type: relu}
    - {name: c3, type: conv, out_channels: 24, kernel: 3, pad: 1}
    - {name: proj, type: conv, out_channels: 24, kernel: 1, stride: 2, input: relu1}
    - {name: add, type: add, inputs: [c3, proj]}
    - {name: pool, type: maxpool, kernel: 3, stride: 2, pad: 1}
    - {name: gap, type: global_avgpool}
    - {name: fc, type: fc, out_features: 7}
)";

TEST(Equivalence, LeNet5) {
  expectEquivalent(sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml", {"memory.model=ideal"});
}

TEST(Equivalence, LeNet5PerTilePipelineAndMemoryLatency) {
  expectEquivalent(sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml",
                   {"memory.model=ideal", "accelerator.pe_array.pipeline=per_tile", "memory.ideal.latency_cycles=23",
                    "memory.ideal.bytes_per_cycle=12"});
}

TEST(Equivalence, SmallResNetWithStridesForksAndPooling) {
  expectEquivalent(writeDesign(tempDir("d"), kSmallResNet, "memory: {model: ideal}\n"), {});
}

TEST(Equivalence, SmallResNetSlowMemoryOddClock) {
  expectEquivalent(writeDesign(tempDir("d"), kSmallResNet, "memory: {model: ideal}\n"),
                   {"memory.ideal.latency_cycles=7", "memory.ideal.bytes_per_cycle=5", "accelerator.clock_mhz=233",
                    "accelerator.dma.start_cycles=37"});
}

}  // namespace

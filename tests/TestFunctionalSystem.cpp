// Functional mode through the SystemC top (`ftsim run --functional`): the
// DMAs carry the tiles' bytes in their TLM payloads between the DRAM's
// backing store and the datapath, which calls the same kernels, in the same
// order, as FunctionalStep::run() (the executor without timing). So the two
// must agree bit for bit: the loss, every updated parameter and every
// layer's output. A DMA that moved a wrong segment, a payload offset, a
// burst window or a store taken from the wrong step would break it.
// (One simulation per test: SystemC elaborates once per process.)

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "families/eftrain/EfTrainFamily.h"
#include "models/accel/EfTrainSystem.h"
#include "sim/config/DesignConfig.h"
#include "sim/functional/StepFiles.h"
#include "sim/functional/SystemDatapath.h"
#include "sim/schedule/Scheduler.h"

using namespace ftsim;

namespace {

struct Outcome {
  float loss = 0;
  std::vector<std::vector<float>> params, activations;
};

Outcome outcome(const functional::FunctionalStep& s, const workload::Network& net) {
  Outcome o;
  o.loss = s.loss();
  for (const auto& p : s.parameters()) o.params.push_back(s.parameter(p.name));
  for (int i = 0; i < static_cast<int>(net.layers.size()); ++i) o.activations.push_back(s.activation(i));
  return o;
}

bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void expectSystemEqualsExecutor(const std::string& design, std::vector<std::string> overrides) {
  const config::DesignConfig d = config::DesignConfig::load(std::string(FTSIM_SOURCE_DIR) + "/" + design, overrides);
  const schedule::Program prog = schedule::Scheduler(families::eftrain::schedulerInputs(d)).build();
  functional::FunctionalOptions fo;
  fo.learningRate = 0.05f;

  functional::FunctionalStep alone(prog, d.workload, d.accelerator, fo);
  const functional::StepData data = functional::loadStepData(alone, d.workload, "", 7, 1);
  functional::setBatch(alone, d.workload, data, 0);
  alone.run();
  const Outcome want = outcome(alone, d.workload);

  functional::FunctionalStep step(prog, d.workload, d.accelerator, fo);
  functional::loadStepData(step, d.workload, "", 7, 1);
  functional::setBatch(step, d.workload, data, 0);
  functional::SystemDatapath datapath(step);
  models::SimOptions opts;
  opts.datapath = &datapath;
  const stats::RunResult run = models::simulate(d.accelerator, d.memory, prog, opts);
  const Outcome got = outcome(step, d.workload);

  // Every byte the datapath saw came through a DMA payload.
  std::uint64_t loaded = 0, stored = 0;
  for (const auto& ph : run.phases)
    for (int s = 0; s < schedule::kNumStreams; ++s)
      (schedule::isWrite(static_cast<schedule::Stream>(s)) ? stored : loaded) += ph.streams[s].bytes;
  EXPECT_GT(datapath.bytesLoaded(), 0u);
  // The WU write-back's old-weight read (a post operation) is not handed to
  // the datapath; every other byte a DMA read is.
  EXPECT_LE(datapath.bytesLoaded(), loaded);
  EXPECT_EQ(datapath.bytesStored(), stored);

  std::uint32_t a, b;
  std::memcpy(&a, &want.loss, 4);
  std::memcpy(&b, &got.loss, 4);
  EXPECT_EQ(a, b) << "loss " << want.loss << " (FunctionalStep) vs " << got.loss << " (SystemC top)";
  ASSERT_EQ(want.params.size(), got.params.size());
  for (std::size_t i = 0; i < want.params.size(); ++i)
    EXPECT_TRUE(sameBits(want.params[i], got.params[i])) << "parameter " << step.parameters()[i].name;
  for (std::size_t i = 0; i < want.activations.size(); ++i)
    EXPECT_TRUE(sameBits(want.activations[i], got.activations[i])) << "activation of " << d.workload.layers[i].name;
}

}  // namespace

TEST(FunctionalSystem, LeNet5Ddr4HlsOverlapEqualsExecutorBitForBit) {
  expectSystemEqualsExecutor("configs/designs/eftrain-lenet5-zcu102.yaml", {"workload.batch=4"});
}

TEST(FunctionalSystem, LeNet5IdealLockstepEqualsExecutorBitForBit) {
  expectSystemEqualsExecutor("configs/designs/eftrain-lenet5-zcu102.yaml",
                             {"workload.batch=4", "memory.model=ideal", "accelerator.pipeline.overlap=lockstep"});
}

TEST(FunctionalSystem, LeNet5PlainLayoutEqualsExecutorBitForBit) {
  expectSystemEqualsExecutor("configs/designs/eftrain-lenet5-zcu102.yaml",
                             {"workload.batch=2", "accelerator.dma.layout=plain"});
}

TEST(FunctionalSystem, ResNet18QuarterEqualsExecutorBitForBit) {
  // Batch norm (statistics, apply, BP, γ/β update), residual adds, strided
  // 1×1 and 3×3 convolutions.
  expectSystemEqualsExecutor("tests/functional/design-resnet18-cifar10-quarter.yaml",
                             {"workload.batch=2", "memory.model=ideal"});
}

TEST(FunctionalSystem, AlexnetPieceEqualsExecutorBitForBit) {
  // 11×11 stride 4, overlapping 3×3/2 pools (their BP reads a halo).
  expectSystemEqualsExecutor("tests/functional/design-alexnet-piece.yaml", {"workload.batch=2"});
}

// Tm ≠ Tn: feature maps in channel groups of gcd(Tm, Tn) = 4, weights in
// Tm×Tn blocks that BP's transposed tiles (Tm layer inputs × Tn layer
// outputs) cut, a grouped conv whose groups straddle the 4-lane tiles.
TEST(FunctionalSystem, SmallCnn16x4Ddr4HlsEqualsExecutorBitForBit) {
  expectSystemEqualsExecutor("tests/functional/design-small-cnn-16x4.yaml", {});
}

TEST(FunctionalSystem, SmallCnn4x16IdealLockstepEqualsExecutorBitForBit) {
  expectSystemEqualsExecutor("tests/functional/design-small-cnn-4x16.yaml",
                             {"memory.model=ideal", "accelerator.pipeline.overlap=lockstep"});
}

TEST(FunctionalSystem, SmallCnn4x16Ddr4PlainLayoutEqualsExecutorBitForBit) {
  expectSystemEqualsExecutor("tests/functional/design-small-cnn-4x16.yaml", {"accelerator.dma.layout=plain"});
}

// Inference: one FP (batch norm with its folded running statistics, dropout
// the identity); every layer's output, the logits included, bit for bit.
TEST(FunctionalSystem, InferenceSmallCnnBnDdr4EqualsExecutorBitForBit) {
  expectSystemEqualsExecutor("tests/functional/design-small-cnn-bn-inference.yaml", {"workload.batch=2"});
}

TEST(FunctionalSystem, Inference16x4IdealEqualsExecutorBitForBit) {
  expectSystemEqualsExecutor("tests/functional/design-small-cnn-bn-inference.yaml",
                             {"memory.model=ideal", "accelerator.pe_array.tn=4", "accelerator.buffers.input.lanes=4",
                              "accelerator.buffers.weight.tn=4", "accelerator.vector.lanes=4"});
}

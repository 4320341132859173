// The event-driven SystemC model against the per-cycle reference written from
// the HLS top's loop nest (tests/HlsLoopReference): every conv and FC phase
// of small training steps must take the same number of cycles in both, under
// the ideal memory.
//
// What the two share: the config structs (EfTrainConfig, IdealMemoryConfig).
// The reference gets each layer's shape as the literal numbers this file
// states (the same numbers as the workload text below) and the Tr and M_on
// the scheduler chose for the phase, read from the run's result: a tiling is
// an input of both, not a rule either of them checks. It shares no schedule,
// step, segmentation or timing code with the simulator.

#include <gtest/gtest.h>

#include <map>

#include "models/accel/EfTrainSystem.h"
#include "tests/Harness.h"
#include "tests/HlsLoopReference.h"

using namespace ftsim;
using namespace ftsim::test;

namespace {

hlsref::Phase toRef(schedule::Phase p) {
  switch (p) {
    case schedule::Phase::FP: return hlsref::Phase::FP;
    case schedule::Phase::BP: return hlsref::Phase::BP;
    case schedule::Phase::WU: return hlsref::Phase::WU;
  }
  return hlsref::Phase::FP;
}

/// Simulate `design` and compare every phase of the layers in `layers` with
/// the reference; `phases` is how many rows that must be.
void expectSameCycles(const std::string& design, const std::vector<std::string>& sets,
                      const std::map<std::string, hlsref::Layer>& layers, std::size_t phases) {
  const config::DesignConfig d = config::DesignConfig::load(design, sets);
  ASSERT_EQ(d.memory.model, "ideal");
  const stats::RunResult run = simulateDesign(design, sets);
  std::size_t compared = 0;
  for (const stats::PhaseResult& r : run.phases) {
    const auto it = layers.find(r.name);
    if (it == layers.end()) continue;
    ASSERT_TRUE(r.hasTiling) << r.name;
    const hlsref::Layer& l = it->second;
    const int fullWidth = l.fc ? l.batch
                          : r.phase == schedule::Phase::BP ? l.inW
                                                           : (l.inW + 2 * l.pad - l.kernel) / l.stride + 1;
    ASSERT_EQ(r.tiling.tc, fullWidth) << r.name << ": the reference runs full-width strips only";
    const std::uint64_t ref =
        hlsref::phaseCycles(l, toRef(r.phase), {r.tiling.tr, r.tiling.mOn}, d.accelerator, d.memory.ideal);
    EXPECT_EQ(r.cycles, ref) << r.name << " " << schedule::toString(r.phase) << " (Tr " << r.tiling.tr << ", M_on "
                             << r.tiling.mOn << ")";
    ++compared;
  }
  EXPECT_EQ(compared, phases);
}

// Four convs (N = 3 as VGG's first; stride 1 with BP; stride 2 with a
// strided BP; 1×1, whose loads outlast its FIREs, so that what each transfer
// moves shows in the cycles) and two FC layers over a 1×1 map.
const char* kConvNet = R"(  name: hlsref-convs
  batch: 3
  input: {channels: 3, height: 14, width: 12}
  layers:
    - {name: c0, type: conv, out_channels: 20, kernel: 3, pad: 1}
    - {name: c1, type: conv, out_channels: 36, kernel: 3, pad: 1}
    - {name: c2, type: conv, out_channels: 24, kernel: 3, stride: 2, pad: 1}
    - {name: c3, type: conv, out_channels: 16, kernel: 1}
    - {name: gap, type: global_avgpool}
    - {name: fc, type: fc, out_features: 40}
    - {name: fc2, type: fc, out_features: 7}
)";

std::map<std::string, hlsref::Layer> convNetLayers() {
  std::map<std::string, hlsref::Layer> m;
  m["c0"] = {20, 3, 14, 12, 3, 1, 1, 3, false};
  m["c1"] = {36, 20, 14, 12, 3, 1, 1, 3, false};
  m["c2"] = {24, 36, 14, 12, 3, 2, 1, 3, false};
  m["c3"] = {16, 24, 7, 6, 1, 1, 0, 3, false};
  m["fc"] = {40, 16, 1, 1, 1, 1, 0, 3, true};
  m["fc2"] = {7, 40, 1, 1, 1, 1, 0, 3, true};
  return m;
}
// Rows: c0 FP, WU; c1, c2, c3, fc and fc2 FP, BP, WU.
constexpr std::size_t kConvNetPhases = 17;

std::string convNet() { return writeDesign(tempDir("d"), kConvNet, "memory: {model: ideal}\n"); }

// Whole maps in one strip (WU's `custom_Tr >= R` branch), one weight chunk.
TEST(HlsReference, WholeMapStrips) { expectSameCycles(convNet(), {}, convNetLayers(), kConvNetPhases); }

// Small output and input banks force several strips per map (WU's
// `custom_Tr < R` branch), few weight slots force several M_on chunks (with
// ftsim's own tiling policy, whose M_on keeps the weight slab on chip: the
// reference loads weights as the HLS top does, once per chunk).
TEST(HlsReference, ManyStripsAndChunks) {
  expectSameCycles(convNet(),
                   {"accelerator.tiling.policy=simulated", "accelerator.buffers.output.depth_words=64", "accelerator.buffers.input.depth_words=100",
                    "accelerator.buffers.weight.slots=2"},
                   convNetLayers(), kConvNetPhases);
}

TEST(HlsReference, PerTilePipelineSlowMemoryOddStartCost) {
  expectSameCycles(convNet(),
                   {"accelerator.buffers.output.depth_words=64", "accelerator.buffers.input.depth_words=100",
                    "accelerator.pe_array.pipeline=per_tile", "memory.ideal.latency_cycles=23",
                    "memory.ideal.bytes_per_cycle=12", "accelerator.dma.start_cycles=37"},
                   convNetLayers(), kConvNetPhases);
}

TEST(HlsReference, LockstepOverlap) {
  expectSameCycles(convNet(),
                   {"accelerator.tiling.policy=simulated", "accelerator.pipeline.overlap=lockstep",
                    "accelerator.buffers.output.depth_words=64",
                    "accelerator.buffers.input.depth_words=100", "accelerator.buffers.weight.slots=2",
                    "memory.ideal.latency_cycles=7"},
                   convNetLayers(), kConvNetPhases);
}

TEST(HlsReference, AgreesWithTheHandArithmetic) {
  // The reference alone, on the two-image 16→16 3×3 conv over 8×8 of
  // tests/TestCycles.cpp (one strip, one Tn group, one Tm group), against
  // the figures worked out by hand there: FP 4160 (image 0: X0 ‖ W 976,
  // FIRE 576, Y0 after the drain 32 + 656; image 1: X1 656, FIRE 576,
  // 32 + 656), WU 3452, and FP 2944 with the lock-step overlap.
  const char* twoConvs = R"(  name: two-convs
  batch: 2
  input: {channels: 16, height: 8, width: 8}
  layers:
    - {name: conv1, type: conv, out_channels: 16, kernel: 3, pad: 1}
)";
  config::DesignConfig d = config::DesignConfig::load(writeDesign(tempDir("d"), twoConvs, "memory: {model: ideal}\n"), {});
  const hlsref::Layer conv{16, 16, 8, 8, 3, 1, 1, 2, false};
  EXPECT_EQ(hlsref::phaseCycles(conv, hlsref::Phase::FP, {8, 16}, d.accelerator, d.memory.ideal), 4160u);
  EXPECT_EQ(hlsref::phaseCycles(conv, hlsref::Phase::BP, {8, 16}, d.accelerator, d.memory.ideal), 4160u);
  EXPECT_EQ(hlsref::phaseCycles(conv, hlsref::Phase::WU, {8, 16}, d.accelerator, d.memory.ideal), 3452u);
  d.accelerator.overlap = models::EfTrainConfig::Overlap::Lockstep;
  EXPECT_EQ(hlsref::phaseCycles(conv, hlsref::Phase::FP, {8, 16}, d.accelerator, d.memory.ideal), 2944u);
  EXPECT_EQ(hlsref::phaseCycles(conv, hlsref::Phase::WU, {8, 16}, d.accelerator, d.memory.ideal), 2876u);
}

TEST(HlsReference, LeNet5) {
  // LeNet-5 (configs/workloads/lenet5-mnist.yaml), batch 16: conv1 1→6 5×5
  // on 28×28 pad 2; conv2 6→16 5×5 on 14×14; fc1 400→120 (its input is the
  // pooled 16×5×5 map flattened, a spatial map: not compared), fc2 120→84,
  // fc3 84→10.
  std::map<std::string, hlsref::Layer> m;
  m["conv1"] = {6, 1, 28, 28, 5, 1, 2, 16, false};
  m["conv2"] = {16, 6, 14, 14, 5, 1, 0, 16, false};
  m["fc2"] = {84, 120, 1, 1, 1, 1, 0, 16, true};
  m["fc3"] = {10, 84, 1, 1, 1, 1, 0, 16, true};
  // conv1 FP, WU; conv2 FP, BP, WU; fc2 and fc3 FP, BP, WU.
  expectSameCycles(sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml", {"memory.model=ideal"}, m, 11);
}

}  // namespace

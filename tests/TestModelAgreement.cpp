// The simulation of VGG-16 (batch 16, ideal memory) beside the authors'
// analytical model, which is computed from each layer's shape, the tiling the
// run used and the accelerator's parameters only (sim/analytical): it shares
// no step list, timing or schedule code with the simulator. At the authors'
// tilings (the default policy) the model's conv total is the authors' own
// figure, 3,062,637,216 cycles (48.01 GFLOPS); the simulation may differ from
// it only by the terms docs/modelling.md lists per phase, bounded here.

#include <gtest/gtest.h>

#include <cmath>

#include "tests/Harness.h"

using namespace ftsim::test;

namespace {
// The largest per-phase gap between the simulation, which follows acc()'s loop
// structure, and the authors' model (docs/modelling.md lists the terms): the
// start cost of each strip's store and the MAC pipeline's fill and drain,
// which the model leaves out, stay within 1 % of a phase ...
constexpr double kBand = 0.01;
// ... but for conv1_1 FP, where the model charges a whole 4-word beat for each
// pixel of the 3-channel input (finetune2.py: ⌈N/DMAp⌉ = 1) and the DMA moves
// the 3 real words: the simulation is 3.5 % below the model there.
constexpr double kBandThreeChannelInput = 0.04;
}  // namespace

TEST(ModelAgreement, Vgg16ConvPhasesBesideTheAuthorsModel) {
  const auto r = simulateDesign(sourceDir() + "/configs/designs/eftrain-vgg16-zcu102.yaml",
                                {"memory.model=ideal", "memory.ideal.latency_cycles=0", "memory.ideal.bytes_per_cycle=16"});
  int rows = 0;
  std::uint64_t model = 0, sim = 0;
  for (const auto& p : r.phases) {
    if (p.unit != ftsim::schedule::Unit::PeArray || p.name.rfind("conv", 0) != 0) continue;
    ++rows;
    model += p.eftrainCycles;
    sim += p.cycles;
    ASSERT_GT(p.eftrainCycles, 0u) << p.name;
    EXPECT_EQ(p.analyticalCycles, p.eftrainCycles) << p.name;  // analytical.model: eftrain (the default)
    EXPECT_GT(p.rooflineCycles, 0u) << p.name;
    EXPECT_LT(p.rooflineCycles, p.cycles) << p.name;  // a bound: no start costs, no fill
    const double err = (static_cast<double>(p.cycles) - static_cast<double>(p.eftrainCycles)) /
                       static_cast<double>(p.eftrainCycles);
    const bool threeChannelInput = p.name == "conv1_1" && p.phase == ftsim::schedule::Phase::FP;
    EXPECT_LT(std::fabs(err), threeChannelInput ? kBandThreeChannelInput : kBand) << p.name << " " << ftsim::schedule::toString(p.phase) << ": sim " << p.cycles
                                     << ", model " << p.eftrainCycles;
  }
  // 13 FP + 12 BP (none for conv1_1) + 13 WU.
  EXPECT_EQ(rows, 38);
  EXPECT_EQ(model, 3062637216u);
  std::printf("VGG-16 conv phases: simulated %llu cycles, the authors' model %llu (%+.2f %%)\n",
              static_cast<unsigned long long>(sim), static_cast<unsigned long long>(model),
              100.0 * (static_cast<double>(sim) - static_cast<double>(model)) / static_cast<double>(model));
}

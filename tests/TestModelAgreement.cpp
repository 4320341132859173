// Under the ideal memory the simulation and EF-Train's analytical model
// must agree within 1 % for every conv layer × phase of VGG-16, batch 16.
// The terms the model leaves out (start cost of output and FP weight
// transfers, the datapath's drain before a store and at a phase's end) hide
// under compute in these compute-bound layers.

#include <gtest/gtest.h>

#include <cmath>

#include "tests/Harness.h"

using namespace ftsim::test;

TEST(ModelAgreement, Vgg16ConvLayersWithinOnePercent) {
  const auto r = simulateDesign(sourceDir() + "/configs/designs/eftrain-vgg16-zcu102.yaml",
                                {"memory.model=ideal", "memory.ideal.latency_cycles=0", "memory.ideal.bytes_per_cycle=16"});
  int rows = 0;
  for (const auto& p : r.phases) {
    if (p.unit != ftsim::schedule::Unit::PeArray || p.name.rfind("conv", 0) != 0) continue;
    ++rows;
    const double err = (static_cast<double>(p.cycles) - static_cast<double>(p.analyticalCycles)) /
                       static_cast<double>(p.analyticalCycles);
    EXPECT_LT(std::fabs(err), 0.01) << p.name << " " << ftsim::schedule::toString(p.phase) << ": sim " << p.cycles
                                    << ", model " << p.analyticalCycles;
  }
  // 13 FP + 12 BP (none for conv1_1) + 13 WU.
  EXPECT_EQ(rows, 38);
}

// The family registry: every kind maps to exactly one family, an unknown kind
// is refused, and a design reaches its family through its accelerator.kind.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "families/Registry.h"
#include "sim/core/Error.h"
#include "sim/resources/ResourceModel.h"
#include "tests/Harness.h"

using namespace ftsim;

TEST(Families, EachKindHasOneFamily) {
  const std::vector<std::string> kinds = families::kinds();
  ASSERT_EQ(kinds, (std::vector<std::string>{"eftrain", "tt"}));
  EXPECT_EQ(std::set<std::string>(kinds.begin(), kinds.end()).size(), kinds.size());
  for (const std::string& k : kinds) EXPECT_EQ(families::find(k).kind(), k);
  EXPECT_THROW(families::find("gpu"), InternalError);
}

TEST(Families, CapabilitiesNameTheirFamilies) {
  EXPECT_EQ(families::titlesWith(&families::AcceleratorFamily::hasAnalyticalModel), "EF-Train");
  EXPECT_EQ(families::titlesWith(&families::AcceleratorFamily::reportsToObserver), "EF-Train");
}

TEST(Families, ADesignReachesTheFamilyOfItsKind) {
  const auto ef = config::DesignConfig::load(test::sourceDir() + "/configs/designs/eftrain-vgg16-zcu102.yaml", {});
  EXPECT_STREQ(families::of(ef).kind(), "eftrain");
  const auto tt = config::DesignConfig::load(test::sourceDir() + "/configs/designs/tt-mlp-mnist-zcu102.yaml", {});
  EXPECT_STREQ(families::of(tt).kind(), "tt");
  // The registry routes the estimate to the family's own: EF-Train 16x16 fp32 on the ZCU102 uses
  // 1,360 DSP48E2 (README, docs/resources.md), the TT design the TT engine's estimate.
  EXPECT_EQ(families::estimateResources(ef).total.dsp, 1360);
  EXPECT_EQ(families::estimateResources(tt).total.dsp, resources::estimateTtResources(tt).total.dsp);
  EXPECT_NE(families::estimateResources(tt).total.dsp, 1360);
}

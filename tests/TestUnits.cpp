#include <gtest/gtest.h>

#include "sim/core/Units.h"

using ftsim::Clock;
using ftsim::Cycles;

TEST(Clock, EdgesOfWholePicosecondPeriods) {
  const Clock c = Clock::fromMhz(100);  // 10 000 ps
  EXPECT_EQ(c.edgePs(Cycles(0)), 0u);
  EXPECT_EQ(c.edgePs(Cycles(3)), 30000u);
  EXPECT_EQ(c.edgeAtOrAfter(30000).value(), 3u);
  EXPECT_EQ(c.edgeAtOrAfter(30001).value(), 4u);
  EXPECT_EQ(c.edgeAtOrAfter(29999).value(), 3u);
}

TEST(Clock, EdgesOfFractionalPeriodsDoNotDrift) {
  const Clock c = Clock::fromMhz(1200);  // 833.33 ps
  // Edge k at ceil(k * 1e12 / 1.2e9): 3 -> 2500 exactly, 1 -> 834, 1e9 -> 833 333 333 334.
  EXPECT_EQ(c.edgePs(Cycles(1)), 834u);
  EXPECT_EQ(c.edgePs(Cycles(3)), 2500u);
  EXPECT_EQ(c.edgePs(Cycles(1000000000)), 833333333334u);
  for (std::uint64_t k : {1ULL, 2ULL, 7ULL, 12345ULL, 999999999ULL})
    EXPECT_EQ(c.edgeAtOrAfter(c.edgePs(Cycles(k))).value(), k) << k;
}

TEST(Clock, NanosecondsRoundUpToWholeCycles) {
  const Clock c = Clock::fromMhz(1200);
  EXPECT_EQ(c.cyclesForNs(13.75).value(), 17u);  // 16.5 -> 17
  EXPECT_EQ(c.cyclesForNs(15).value(), 18u);     // 18.0 exactly stays 18
  EXPECT_EQ(c.cyclesForNs(7800).value(), 9360u);
}

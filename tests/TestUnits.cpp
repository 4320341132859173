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

TEST(Clock, SixtyFourBitEdgesEqualTheWideDivision) {
  // The 64-bit split (1e12 / f in lowest terms) against the plain 128-bit
  // formulas, on the clocks of the shipped designs and some awkward ones,
  // at edges and around them, up to 1e15 cycles.
  auto edge = [](std::uint64_t f, std::uint64_t k) {
    const unsigned __int128 n = static_cast<unsigned __int128>(k) * 1000000000000ULL;
    return static_cast<std::uint64_t>((n + f - 1) / f);
  };
  auto atOrAfter = [](std::uint64_t f, std::uint64_t t) {
    if (t == 0) return std::uint64_t{0};
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(t - 1) * f / 1000000000000ULL) + 1;
  };
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (const std::uint64_t f : {100000000ULL, 150000000ULL, 200000000ULL, 533000000ULL, 666666667ULL, 800000000ULL,
                                933333333ULL, 1066500000ULL, 1200000000ULL, 1600000000ULL, 999999937ULL, 1ULL,
                                3ULL}) {
    const Clock c(f);
    for (int i = 0; i < 2000; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const std::uint64_t k = i < 1000 ? x % 1000000ULL : x % 1000000000000000ULL;
      ASSERT_EQ(c.edgePs(Cycles(k)), edge(f, k)) << f << " Hz, cycle " << k;
      const std::uint64_t t = f >= 1000 ? edge(f, k) : k;
      for (const std::uint64_t u : {t, t + 1, t > 0 ? t - 1 : t})
        ASSERT_EQ(c.edgeAtOrAfter(u).value(), atOrAfter(f, u)) << f << " Hz, " << u << " ps";
    }
  }
}

// Number formats, rounding and the LFSR lanes (models/kernels), with the
// expected values worked out beside each check.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/kernels/Lfsr.h"
#include "models/tt_engine/NumberFormat.h"
#include "models/tt_engine/Quantizer.h"

using namespace ftsim::kernels;

namespace {

float q1(float v, const NumberFormat& f, Rounding r = Rounding::NearestEven, std::uint64_t seed = 1) {
  LaneRandom rng(seed, 1);
  float out = 0;
  quantizeValues(&v, 1, f, r, rng, &out);
  return out;
}

}  // namespace

TEST(NumberFormat, ParsesAndNamesFormats) {
  std::string why;
  const auto f = parseFormat("fixed<8,6>", why);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->kind, FormatKind::Fixed);
  EXPECT_EQ(f->bits, 8);
  EXPECT_EQ(f->fracBits, 6);
  EXPECT_EQ(f->name(), "fixed<8,6>");
  const auto b = parseFormat("bfp<8,16>", why);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->blockSize, 16);
  EXPECT_EQ(b->name(), "bfp<8,16>");
  EXPECT_TRUE(parseFormat("fp32", why)->isFloat());
  EXPECT_FALSE(parseFormat("fixed<8,8>", why).has_value());  // F must leave the sign bit
  EXPECT_NE(why.find("F < W"), std::string::npos);
  EXPECT_FALSE(parseFormat("fixed<1,0>", why).has_value());
  EXPECT_FALSE(parseFormat("fixed<32,6>", why).has_value());
  EXPECT_FALSE(parseFormat("bfp<8,0>", why).has_value());
  EXPECT_FALSE(parseFormat("fixed8_6", why).has_value());
  EXPECT_FALSE(parseFormat("int8", why).has_value());
}

TEST(NumberFormat, StorageBytes) {
  EXPECT_EQ(NumberFormat::fixed(8, 6).bytesFor(10), 10u);
  EXPECT_EQ(NumberFormat::fixed(4, 2).bytesFor(3), 2u);  // 12 bits -> 2 bytes
  EXPECT_EQ(NumberFormat::fp32().bytesFor(5), 20u);
  // bfp<8,16>: 32 elements = 256 mantissa bits + 2 exponents x 8 bits = 272 bits = 34 bytes;
  // 33 elements: 264 + 3 x 8 = 288 bits = 36 bytes.
  EXPECT_EQ(NumberFormat::bfp(8, 16).bytesFor(32), 34u);
  EXPECT_EQ(NumberFormat::bfp(8, 16).bytesFor(33), 36u);
  EXPECT_DOUBLE_EQ(NumberFormat::bfp(8, 16).bitsPerElement(), 8.5);
}

TEST(NumberFormat, FixedNearestEvenTiesAndSaturation) {
  const NumberFormat f = NumberFormat::fixed(8, 6);  // step 1/64, range [-2, 127/64]
  EXPECT_EQ(q1(1.0f / 128, f), 0.0f);                // tie between 0 and 1/64: even 0
  EXPECT_EQ(q1(3.0f / 128, f), 2.0f / 64);           // tie between 1/64 and 2/64: even 2/64
  EXPECT_EQ(q1(-1.0f / 128, f), 0.0f);
  EXPECT_EQ(q1(-3.0f / 128, f), -2.0f / 64);
  EXPECT_EQ(q1(0.3f, f), 19.0f / 64);                // 19.2 -> 19
  EXPECT_EQ(q1(2.0f, f), 127.0f / 64);               // saturates at 2^7 - 1
  EXPECT_EQ(q1(-2.5f, f), -2.0f);                    // saturates at -2^7
  const NumberFormat f4 = NumberFormat::fixed(4, 2);  // step 0.25, range [-2, 1.75]
  EXPECT_EQ(q1(0.625f, f4), 0.5f);                    // 2.5 steps: tie to even 2
  EXPECT_EQ(q1(0.875f, f4), 1.0f);                    // 3.5 steps: tie to even 4
  EXPECT_EQ(q1(9.0f, f4), 1.75f);
}

TEST(NumberFormat, StochasticRoundingIsUnbiased) {
  // 19.3 steps of 1/64: rounds up to 20 with probability 0.3 (to 16 bits).
  const NumberFormat f = NumberFormat::fixed(8, 6);
  const int n = 100000;
  std::vector<float> in(n, 19.3f / 64), out(n);
  LaneRandom rng(7, 16);
  quantizeValues(in.data(), n, f, Rounding::Stochastic, rng, out.data());
  int up = 0;
  for (float v : out) {
    ASSERT_TRUE(v == 19.0f / 64 || v == 20.0f / 64) << v;
    up += v == 20.0f / 64;
  }
  EXPECT_NEAR(static_cast<double>(up) / n, 0.3, 0.01);
}

TEST(NumberFormat, StochasticRoundingFollowsTheSeed) {
  const NumberFormat f = NumberFormat::fixed(8, 6);
  std::vector<float> in(256);
  for (int i = 0; i < 256; ++i) in[i] = static_cast<float>(i) / 1000.0f;
  auto run = [&](std::uint64_t seed) {
    LaneRandom rng(seed, 8);
    std::vector<float> out(in.size());
    quantizeValues(in.data(), in.size(), f, Rounding::Stochastic, rng, out.data());
    return out;
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
}

TEST(NumberFormat, LfsrKnownAnswer) {
  // Galois LFSR, taps 0x80200003, seed 1:
  //   step 1: out 1, state (1 >> 1) ^ taps = 0x80200003
  //   step 2: out 1, state 0x40100001 ^ 0x80200003 = 0xC0300002
  //   step 3: out 0, state 0x60180001
  Lfsr32 l(1);
  EXPECT_EQ(l.step(), 1u);
  EXPECT_EQ(l.state(), 0x80200003u);
  EXPECT_EQ(l.step(), 1u);
  EXPECT_EQ(l.state(), 0xC0300002u);
  EXPECT_EQ(l.step(), 0u);
  EXPECT_EQ(l.state(), 0x60180001u);
  // A zero seed would lock the register: it is replaced by 1.
  EXPECT_EQ(Lfsr32(0).state(), 1u);
}

TEST(NumberFormat, LanesDrawIndependently) {
  // Element e uses lane e mod 4: elements 0 and 4 take lane 0's first and
  // second draws, so a 4-lane source gives element 4 what a fresh lane 0
  // gives as its second draw.
  LaneRandom a(3, 4), b(3, 4);
  const std::uint32_t e0 = a.draw16(0);
  a.draw16(1);
  const std::uint32_t e4 = a.draw16(4);
  EXPECT_EQ(b.draw16(0), e0);
  EXPECT_EQ(b.draw16(0), e4);
}

TEST(NumberFormat, BlockFloatingPointSharesAnExponent) {
  const NumberFormat f = NumberFormat::bfp(8, 4);
  // Block 0 = {0.75, -0.1, 0.01, 0}: largest 0.75 < 2^7 * 2^e first holds at e = -7,
  // so mantissas are x*128: 96, -12.8 -> -13, 1.28 -> 1, 0.
  // Block 1 = {0.001}: 0.001 < 2^(e+7) first holds at e = -16: 65.536 -> 66.
  const float in[5] = {0.75f, -0.1f, 0.01f, 0.0f, 0.001f};
  float out[5];
  LaneRandom rng(1, 1);
  quantizeValues(in, 5, f, Rounding::NearestEven, rng, out);
  EXPECT_EQ(out[0], 96.0f / 128);
  EXPECT_EQ(out[1], -13.0f / 128);
  EXPECT_EQ(out[2], 1.0f / 128);
  EXPECT_EQ(out[3], 0.0f);
  EXPECT_EQ(out[4], 66.0f / 65536);
}

TEST(NumberFormat, BlockFloatingPointSaturatesARoundedUpMantissa) {
  // bfp<4,1>: 0.999 < 2^3 * 2^e at e = -3; 0.999 * 8 = 7.992 rounds to 8,
  // above the largest 4-bit mantissa 7: saturates to 7/8.
  EXPECT_EQ(q1(0.999f, NumberFormat::bfp(4, 1)), 0.875f);
}

TEST(NumberFormat, BlockFloatingPointBlocksFollowElementIndices) {
  // 5000 elements in blocks of 48: one call (which stages 4096 elements at a
  // time internally) must give what one call per block gives, so no block
  // is split at the staging boundary (4096 is not a multiple of 48).
  const NumberFormat f = NumberFormat::bfp(8, 48);
  const std::size_t n = 5000;
  std::vector<float> in(n), whole(n), perBlock(n);
  for (std::size_t i = 0; i < n; ++i) in[i] = std::sin(static_cast<float>(i)) * (1.0f + static_cast<float>(i % 97));
  LaneRandom r1(1, 1), r2(1, 1);
  quantizeValues(in.data(), n, f, Rounding::NearestEven, r1, whole.data());
  for (std::size_t b0 = 0; b0 < n; b0 += 48)
    quantizeValues(in.data() + b0, std::min<std::size_t>(48, n - b0), f, Rounding::NearestEven, r2,
                   perBlock.data() + b0, b0);
  EXPECT_EQ(whole, perBlock);
}

TEST(NumberFormat, AccumulatorGridIsExactForFixedProducts) {
  // fixed<8,6> products have 12 fractional bits, well above the 32 of the
  // accumulator: (-127/64) * (93/64) = -11811/4096 exactly.
  const std::int64_t p = ttProductToAcc(-127.0f / 64, 93.0f / 64);
  EXPECT_EQ(p, -11811LL * (1LL << 20));
  EXPECT_EQ(ttAccToFloat(p), -11811.0f / 4096);
}

#pragma once
// The TT engine's rounding unit: every non-fp32 result goes through it.
//
// Non-fp32 arithmetic is exact up to a common accumulator: every product is
// placed on a grid of 2^−kAccFracBits (floor, product by product) and summed
// in 64-bit integers, as a DSP48 cascade accumulates, so a sum does not
// depend on the order of its terms. A result leaves the accumulator through
// the rounding unit: nearest-even, or stochastic (round up when 16 random
// bits of the element's lane are below the dropped fraction read to 16
// bits; an exact value draws nothing), then saturation; bfp first picks
// each block's exponent from its largest magnitude.
//
// All of it is integer arithmetic on the fp32 bit pattern (sign, exponent,
// 24-bit significand): a product of two floats is a 48-bit integer times a
// power of two, so its place on the grid is a shift, and a format value
// back in fp32 is a small integer times an exact power of two. No double.
// HLS subset (docs/hls-subset.md): fixed loop bounds from template
// parameters, the caller owns every buffer.

#include <cstdint>

#include "models/kernels/Lfsr.h"
#include "models/kernels/TtFormat.h"

namespace ftsim::kernels {

constexpr int kAccFracBits = 32;
/// The accumulator saturates at ±2^62 grid steps (±2^30).
constexpr std::int64_t kAccLimit = std::int64_t(1) << 62;

/// The bits of an fp32 value and back (the union is how HLS reads a float's fields).
inline std::uint32_t ttFloatBits(float f) {
  union {
    float f;
    std::uint32_t u;
  } v;
  v.f = f;
  return v.u;
}
inline float ttBitsToFloat(std::uint32_t u) {
  union {
    std::uint32_t u;
    float f;
  } v;
  v.u = u;
  return v.f;
}

/// 2^k as fp32, for −126 ≤ k ≤ 127 (normal range).
inline float ttPow2(int k) { return ttBitsToFloat(static_cast<std::uint32_t>(k + 127) << 23); }

/// An fp32 value as ±significand·2^exponent (significand < 2^24).
struct TtUnpacked {
  bool negative = false;
  bool infinite = false;
  bool nan = false;
  std::uint32_t significand = 0;
  int exponent = 0;
};

inline TtUnpacked ttUnpack(float f) {
  const std::uint32_t u = ttFloatBits(f);
  TtUnpacked r;
  r.negative = (u >> 31) != 0;
  const int biased = static_cast<int>((u >> 23) & 0xFFu);
  const std::uint32_t frac = u & 0x7FFFFFu;
  if (biased == 0xFF) {
    r.infinite = frac == 0;
    r.nan = frac != 0;
    return r;
  }
  // Subnormals have no hidden bit and the exponent of the smallest normal.
  r.significand = biased == 0 ? frac : (frac | 0x800000u);
  r.exponent = (biased == 0 ? 1 : biased) - 150;
  return r;
}

/// floor(±magnitude·2^exponent·2^kAccFracBits), saturated to ±kAccLimit.
inline std::int64_t ttPlaceOnGrid(bool negative, std::uint64_t magnitude, int exponent) {
  if (magnitude == 0) return 0;
  const int shift = exponent + kAccFracBits;
  std::uint64_t q = 0;
  bool inexact = false;
  if (shift >= 0) {
    if (shift >= 62 || (magnitude >> (62 - shift)) != 0) return negative ? -kAccLimit : kAccLimit;
    q = magnitude << shift;
  } else if (-shift >= 64) {
    inexact = true;
  } else {
    q = magnitude >> -shift;
    inexact = (magnitude & ((std::uint64_t(1) << -shift) - 1)) != 0;
  }
  // Floor: a negative value with dropped bits goes one step further down.
  return negative ? -static_cast<std::int64_t>(q) - (inexact ? 1 : 0) : static_cast<std::int64_t>(q);
}

/// A not-a-number has no place on the grid; it reads as the most negative
/// accumulator, as the x86 conversion of the earlier double path did.
constexpr std::int64_t kAccNan = -9223372036854775807LL - 1;

/// A real value (fp32) on the accumulator grid (floor).
inline std::int64_t ttToAcc(float v) {
  const TtUnpacked u = ttUnpack(v);
  if (u.nan) return kAccNan;
  if (u.infinite) return u.negative ? -kAccLimit : kAccLimit;
  return ttPlaceOnGrid(u.negative, u.significand, u.exponent);
}

/// The exact product of two fp32 values on the accumulator grid (floor).
inline std::int64_t ttProductToAcc(float a, float b) {
  const TtUnpacked x = ttUnpack(a), y = ttUnpack(b);
  const bool negative = x.negative != y.negative;
  if (x.nan || y.nan) return kAccNan;
  if (x.infinite || y.infinite) {
    if ((!x.infinite && x.significand == 0) || (!y.infinite && y.significand == 0)) return kAccNan;  // ∞·0
    return negative ? -kAccLimit : kAccLimit;
  }
  return ttPlaceOnGrid(negative, static_cast<std::uint64_t>(x.significand) * y.significand, x.exponent + y.exponent);
}

/// An accumulator value in fp32 (one rounding, to nearest even).
inline float ttAccToFloat(std::int64_t acc) { return static_cast<float>(acc) * ttPow2(-kAccFracBits); }

/// q·2^e in fp32, rounded once to nearest even (|q| < 2^16, −128 ≤ e ≤ 127):
/// two exact power-of-two steps keep the intermediate normal.
inline float ttScaleInt(std::int64_t q, int e) {
  const int e1 = e / 2;
  return static_cast<float>(q) * ttPow2(e1) * ttPow2(e - e1);
}

/// floor(acc / 2^shift) rounded by `rounding`; shift may be ≤ 0 (exact).
inline std::int64_t ttRoundShift(std::int64_t acc, int shift, Rounding rounding, LaneRandom& rng,
                                 std::uint64_t element) {
  if (shift <= 0) {
    // Exact when it fits; the callers saturate to the format at once, so a
    // product beyond int64 saturates here (no signed overflow: a zero block
    // gives shifts down to about -96).
    if (acc == 0) return 0;
    const int up = -shift;
    const std::int64_t limit = up >= 63 ? 0 : (INT64_MAX >> up);
    if (acc > limit) return INT64_MAX;
    if (acc < -limit) return INT64_MIN;
    return acc * (std::int64_t(1) << up);
  }
  if (shift > 62) shift = 62;
  const std::int64_t q = acc >> shift;  // arithmetic shift: floor
  const std::uint64_t rem = static_cast<std::uint64_t>(acc) & ((std::uint64_t(1) << shift) - 1);
  if (rem == 0) return q;
  if (rounding == Rounding::NearestEven) {
    const std::uint64_t half = std::uint64_t(1) << (shift - 1);
    if (rem > half || (rem == half && (q & 1))) return q + 1;
    return q;
  }
  const std::uint32_t frac16 = shift >= 16 ? static_cast<std::uint32_t>(rem >> (shift - 16))
                                           : static_cast<std::uint32_t>(rem << (16 - shift));
  return rng.draw16(element) < frac16 ? q + 1 : q;
}

/// Clamp to the W-bit two's complement range.
inline std::int64_t ttSaturate(std::int64_t q, int bits) {
  const std::int64_t hi = (std::int64_t(1) << (bits - 1)) - 1;
  const std::int64_t lo = -(std::int64_t(1) << (bits - 1));
  return q > hi ? hi : (q < lo ? lo : q);
}

/// Index of the highest set bit (v ≠ 0).
inline int ttMsbIndex(std::uint64_t v) {
  int msb = 0;
  for (int i = 63; i > 0; --i) {
    if ((v >> i) & 1) {
      msb = i;
      break;
    }
  }
  return msb;
}

/// The shared exponent of a bfp block whose largest magnitude is `maxAbs`
/// grid steps: the smallest e with maxAbs·2^−32 < 2^(W−1)·2^e, i.e.
/// e = msb + 2 − W − 32, clamped to the exponent's range.
inline int ttBfpExponent(std::uint64_t maxAbs, const TtFormat& fmt) {
  int exponent = maxAbs == 0 ? fmt.minExponent() : ttMsbIndex(maxAbs) + 2 - fmt.bits - kAccFracBits;
  if (exponent < fmt.minExponent()) exponent = fmt.minExponent();
  if (exponent > fmt.maxExponent()) exponent = fmt.maxExponent();
  return exponent;
}

/// Round `n` ≤ MaxN accumulator values into `fmt`. Element i of this call is
/// element `firstElement + i` of its tensor, which fixes its lane and its bfp
/// block (blocks start at multiples of the block size; a block cut by the
/// end of the call is rounded with the part inside it).
template <int MaxN>
void ttQuantizeAcc(const std::int64_t acc[MaxN], int n, const TtFormat& fmt, Rounding rounding, LaneRandom& rng,
                   float out[MaxN], std::uint64_t firstElement) {
  if (fmt.kind == FormatKind::Fixed) {
    const int shift = kAccFracBits - fmt.fracBits;
    const float unit = ttPow2(-fmt.fracBits);
    for (int i = 0; i < MaxN; ++i) {
      if (i >= n) break;
      const std::int64_t q = ttSaturate(ttRoundShift(acc[i], shift, rounding, rng, firstElement + i), fmt.bits);
      out[i] = static_cast<float>(q) * unit;
    }
    return;
  }
  if (fmt.kind == FormatKind::Bfp) {
    const auto block = static_cast<std::uint64_t>(fmt.blockSize);
    int exponent = 0;
    for (int i = 0; i < MaxN; ++i) {
      if (i >= n) break;
      const std::uint64_t e = firstElement + static_cast<std::uint64_t>(i);
      if (i == 0 || e % block == 0) {
        // The block holding element e ends at the next multiple of the block size.
        const std::uint64_t toEnd = block - e % block;
        const int len = toEnd < static_cast<std::uint64_t>(n - i) ? static_cast<int>(toEnd) : n - i;
        std::uint64_t maxAbs = 0;
        for (int j = 0; j < kTtMaxBlock; ++j) {
          if (j >= len) break;
          const std::int64_t a = acc[i + j];
          const std::uint64_t m = a < 0 ? static_cast<std::uint64_t>(-a) : static_cast<std::uint64_t>(a);
          if (m > maxAbs) maxAbs = m;
        }
        exponent = ttBfpExponent(maxAbs, fmt);
      }
      const std::int64_t q =
          ttSaturate(ttRoundShift(acc[i], exponent + kAccFracBits, rounding, rng, e), fmt.bits);
      out[i] = ttScaleInt(q, exponent);
    }
    return;
  }
  for (int i = 0; i < MaxN; ++i) {
    if (i >= n) break;
    out[i] = ttAccToFloat(acc[i]);
  }
}

/// Round `n` ≤ MaxN fp32 values into `fmt` (fp32 keeps them) through the
/// accumulator grid; `scratch` holds their grid values.
template <int MaxN>
void ttQuantizeValues(const float in[MaxN], int n, const TtFormat& fmt, Rounding rounding, LaneRandom& rng,
                      float out[MaxN], std::int64_t scratch[MaxN], std::uint64_t firstElement) {
  if (fmt.isFloat()) {
    for (int i = 0; i < MaxN; ++i) {
      if (i >= n) break;
      out[i] = in[i];
    }
    return;
  }
  for (int i = 0; i < MaxN; ++i) {
    if (i >= n) break;
    scratch[i] = ttToAcc(in[i]);
  }
  ttQuantizeAcc<MaxN>(scratch, n, fmt, rounding, rng, out, firstElement);
}

}  // namespace ftsim::kernels

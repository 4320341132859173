#include "models/tt_engine/Quantizer.h"

#include <algorithm>
#include <cmath>

namespace ftsim::kernels {

namespace {

constexpr double kAccScale = 4294967296.0;  // 2^kAccFracBits
constexpr std::int64_t kAccLimit = std::int64_t(1) << 62;

/// floor(acc / 2^shift) rounded by `rounding`; shift may be <= 0 (exact).
std::int64_t roundShift(std::int64_t acc, int shift, Rounding rounding, LaneRandom& rng, std::uint64_t element) {
  if (shift <= 0) return acc * (std::int64_t(1) << -shift);
  if (shift > 62) shift = 62;
  const std::int64_t q = acc >> shift;  // arithmetic shift: floor
  const std::uint64_t rem = static_cast<std::uint64_t>(acc) & ((std::uint64_t(1) << shift) - 1);
  if (rem == 0) return q;
  if (rounding == Rounding::NearestEven) {
    const std::uint64_t half = std::uint64_t(1) << (shift - 1);
    if (rem > half || (rem == half && (q & 1))) return q + 1;
    return q;
  }
  const std::uint32_t frac16 =
      shift >= 16 ? static_cast<std::uint32_t>(rem >> (shift - 16)) : static_cast<std::uint32_t>(rem << (16 - shift));
  return rng.draw16(element) < frac16 ? q + 1 : q;
}

std::int64_t saturate(std::int64_t q, int bits) {
  const std::int64_t hi = (std::int64_t(1) << (bits - 1)) - 1;
  const std::int64_t lo = -(std::int64_t(1) << (bits - 1));
  return q > hi ? hi : (q < lo ? lo : q);
}

int msbIndex(std::uint64_t v) {
  int i = 63;
  while (i > 0 && !((v >> i) & 1)) --i;
  return i;
}

}  // namespace

std::int64_t toAcc(double v) {
  const double s = std::floor(v * kAccScale);
  if (s >= static_cast<double>(kAccLimit)) return kAccLimit;
  if (s <= -static_cast<double>(kAccLimit)) return -kAccLimit;
  return static_cast<std::int64_t>(s);
}

double accToDouble(std::int64_t acc) { return static_cast<double>(acc) / kAccScale; }

void quantizeAcc(const std::int64_t* acc, std::size_t n, const NumberFormat& fmt, Rounding rounding, LaneRandom& rng,
                 float* out, std::uint64_t firstElement) {
  if (fmt.kind == FormatKind::Fixed) {
    const int shift = kAccFracBits - fmt.fracBits;
    const double unit = std::ldexp(1.0, -fmt.fracBits);
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t q = saturate(roundShift(acc[i], shift, rounding, rng, firstElement + i), fmt.bits);
      out[i] = static_cast<float>(static_cast<double>(q) * unit);
    }
    return;
  }
  if (fmt.kind == FormatKind::Bfp) {
    const auto block = static_cast<std::uint64_t>(fmt.blockSize);
    std::size_t i = 0;
    while (i < n) {
      // The block holding element firstElement + i ends at the next multiple of the block size.
      const std::uint64_t e0 = firstElement + i;
      const std::size_t len = static_cast<std::size_t>(
          std::min<std::uint64_t>(block - e0 % block, static_cast<std::uint64_t>(n - i)));
      std::uint64_t maxAbs = 0;
      for (std::size_t j = 0; j < len; ++j) {
        const std::int64_t a = acc[i + j];
        const std::uint64_t m = a < 0 ? static_cast<std::uint64_t>(-a) : static_cast<std::uint64_t>(a);
        if (m > maxAbs) maxAbs = m;
      }
      // Smallest exponent e with maxAbs·2^−32 < 2^(W−1)·2^e: e = msb + 2 − W − 32.
      int exponent = maxAbs == 0 ? fmt.minExponent() : msbIndex(maxAbs) + 2 - fmt.bits - kAccFracBits;
      if (exponent < fmt.minExponent()) exponent = fmt.minExponent();
      if (exponent > fmt.maxExponent()) exponent = fmt.maxExponent();
      const int shift = exponent + kAccFracBits;
      for (std::size_t j = 0; j < len; ++j) {
        const std::int64_t q = saturate(roundShift(acc[i + j], shift, rounding, rng, e0 + j), fmt.bits);
        out[i + j] = static_cast<float>(std::ldexp(static_cast<double>(q), exponent));
      }
      i += len;
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(accToDouble(acc[i]));
}

void quantizeValues(const float* in, std::size_t n, const NumberFormat& fmt, Rounding rounding, LaneRandom& rng,
                    float* out, std::uint64_t firstElement) {
  if (fmt.isFloat()) {
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i];
    return;
  }
  // Chunks keep the staging buffer on the stack (no allocation); a bfp
  // chunk ends on a block boundary so no block is split.
  constexpr std::size_t kChunk = 4096;
  std::int64_t acc[kChunk];
  std::size_t i = 0;
  while (i < n) {
    std::size_t len = n - i < kChunk ? n - i : kChunk;
    if (fmt.kind == FormatKind::Bfp && i + len < n) {
      const std::uint64_t start = firstElement + i, end = start + len;
      const std::uint64_t aligned = end - end % static_cast<std::uint64_t>(fmt.blockSize);
      if (aligned > start) len = static_cast<std::size_t>(aligned - start);
    }
    for (std::size_t j = 0; j < len; ++j) acc[j] = toAcc(static_cast<double>(in[i + j]));
    quantizeAcc(acc, len, fmt, rounding, rng, out + i, firstElement + i);
    i += len;
  }
}

}  // namespace ftsim::kernels

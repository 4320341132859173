#include "tests/LowPrecisionReference.h"

#include <cmath>
#include <stdexcept>

namespace ftsim::reference {

namespace {

/// The taps of a Galois LFSR shifting right: one bit per polynomial term
/// x^k (k ≥ 1) at position k − 1.
std::uint32_t feedbackOf(std::initializer_list<int> exponents) {
  std::uint32_t m = 0;
  for (int k : exponents) m |= std::uint32_t(1) << (k - 1);
  return m;
}

/// splitmix64's finalizer over (seed, lane), folded to 32 bits, never 0.
std::uint32_t laneSeed(std::uint64_t seed, int lane) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(lane + 1) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  const std::uint32_t s = static_cast<std::uint32_t>(z) ^ static_cast<std::uint32_t>(z >> 32);
  return s == 0 ? 1u : s;
}

Exact pow2(int k) { return Exact(1) << k; }

/// floor(n / 2^k) for k ≥ 0, by division (no shift of a negative number).
Exact floorDivPow2(Exact n, int k) {
  const Exact d = pow2(k);
  Exact q = n / d;  // truncates toward zero
  if (n % d != 0 && n < 0) q -= 1;
  return q;
}

/// An fp32 value as significand·2^exponent with an integer significand.
void split(float v, Exact& significand, int& exponent) {
  if (!std::isfinite(v)) throw std::runtime_error("the reference takes finite values only");
  int e = 0;
  const double f = std::frexp(static_cast<double>(v), &e);  // v = f·2^e, 0.5 ≤ |f| < 1
  significand = static_cast<Exact>(std::ldexp(f, 24));      // 24 significant bits: exact integer
  exponent = e - 24;
}

/// floor(s·2^(e+32)), saturated at ±2^62 as the accumulator is.
Exact placeOnGrid(Exact s, int e) {
  const int k = e + 32;
  Exact g = k >= 0 ? s * pow2(k > 70 ? 70 : k) : floorDivPow2(s, -k > 120 ? 120 : -k);
  const Exact limit = pow2(62);
  if (g > limit) g = limit;
  if (g < -limit) g = -limit;
  return g;
}

}  // namespace

RefLanes::RefLanes(std::uint64_t seed, int lanes) : m_feedback(feedbackOf({32, 22, 2, 1})) {
  for (int l = 0; l < lanes; ++l) m_state.push_back(laneSeed(seed, l));
}

std::uint32_t RefLanes::draw16(std::uint64_t element) {
  std::uint32_t& s = m_state[element % m_state.size()];
  std::uint32_t bits = 0;
  for (int i = 0; i < 16; ++i) {
    const std::uint32_t out = s & 1u;
    s = (s >> 1) ^ (out ? m_feedback : 0u);
    bits |= out << i;
  }
  ++m_draws;
  return bits;
}

Exact gridOf(float v) {
  Exact s;
  int e;
  split(v, s, e);
  return placeOnGrid(s, e);
}

Exact gridOfProduct(float a, float b) {
  Exact sa, sb;
  int ea, eb;
  split(a, sa, ea);
  split(b, sb, eb);
  return placeOnGrid(sa * sb, ea + eb);
}

namespace {

/// Round the grid value g to a multiple of 2^k grid steps: the integer q
/// with the value q·2^k (k may be ≤ 0: exact).
Exact roundToStep(Exact g, int k, kernels::Rounding rounding, RefLanes& lanes, std::uint64_t element) {
  if (k <= 0) return g * pow2(-k);
  const Exact step = pow2(k);
  const Exact q = floorDivPow2(g, k);
  const Exact rem = g - q * step;  // in [0, step)
  if (rem == 0) return q;
  if (rounding == kernels::Rounding::NearestEven) {
    if (2 * rem > step) return q + 1;
    if (2 * rem < step) return q;
    return (q % 2 == 0) ? q : q + 1;
  }
  const Exact frac16 = rem * pow2(16) / step;  // the dropped fraction read to 16 bits (floor)
  return Exact(lanes.draw16(element)) < frac16 ? q + 1 : q;
}

Exact saturate(Exact q, int bits) {
  const Exact hi = pow2(bits - 1) - 1, lo = -pow2(bits - 1);
  return q > hi ? hi : (q < lo ? lo : q);
}

float valueOf(Exact q, int exponent) {
  return static_cast<float>(std::ldexp(static_cast<double>(static_cast<long long>(q)), exponent));
}

}  // namespace

std::vector<float> roundGrid(const std::vector<Exact>& values, const kernels::NumberFormat& fmt,
                             kernels::Rounding rounding, RefLanes& lanes) {
  std::vector<float> out(values.size());
  if (fmt.kind == kernels::FormatKind::Fixed) {
    // A multiple of 2^−F is a multiple of 2^(32−F) grid steps.
    for (std::size_t i = 0; i < values.size(); ++i)
      out[i] = valueOf(saturate(roundToStep(values[i], 32 - fmt.fracBits, rounding, lanes, i), fmt.bits),
                       -fmt.fracBits);
    return out;
  }
  if (fmt.kind != kernels::FormatKind::Bfp) throw std::runtime_error("the reference rounds fixed and bfp only");
  const std::size_t block = static_cast<std::size_t>(fmt.blockSize);
  const int eMin = -(1 << (fmt.exponentBits - 1)), eMax = (1 << (fmt.exponentBits - 1)) - 1;
  for (std::size_t b0 = 0; b0 < values.size(); b0 += block) {
    const std::size_t b1 = std::min(values.size(), b0 + block);
    Exact largest = 0;
    for (std::size_t i = b0; i < b1; ++i) largest = std::max(largest, values[i] < 0 ? -values[i] : values[i]);
    // The smallest exponent e whose mantissas (|m| < 2^(W−1), value m·2^e,
    // i.e. 2^(W−1+e+32) grid steps) exceed the largest magnitude.
    int e = eMin;
    while (e < eMax && largest >= pow2(fmt.bits - 1 + e + 32 < 0 ? 0 : fmt.bits - 1 + e + 32)) ++e;
    if (largest == 0) e = eMin;
    for (std::size_t i = b0; i < b1; ++i)
      out[i] = valueOf(saturate(roundToStep(values[i], e + 32, rounding, lanes, i), fmt.bits), e);
  }
  return out;
}

std::vector<float> roundValues(const std::vector<float>& values, const kernels::NumberFormat& fmt,
                               kernels::Rounding rounding, RefLanes& lanes) {
  if (fmt.isFloat()) return values;
  std::vector<Exact> g(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) g[i] = gridOf(values[i]);
  return roundGrid(g, fmt, rounding, lanes);
}

}  // namespace ftsim::reference

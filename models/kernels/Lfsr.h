#pragma once
// The random source of stochastic rounding: one 32-bit Galois LFSR per
// rounding lane (polynomial x^32 + x^22 + x^2 + x + 1, maximal length, the
// taps of Xilinx XAPP052), leaping 16 steps per draw as a parallel LFSR does
// in one clock, so each draw is 16 fresh bits. Lane seeds come from the
// design seed, so a run is reproducible and another seed gives another
// stream. HLS subset: fixed-size arrays and loops, no allocation.

#include <cstdint>

namespace ftsim::kernels {

class Lfsr32 {
 public:
  static constexpr std::uint32_t kTaps = 0x80200003u;

  constexpr Lfsr32() = default;
  constexpr explicit Lfsr32(std::uint32_t seed) : m_state(seed == 0 ? 1u : seed) {}

  /// One shift: the bit shifted out feeds back through the taps.
  constexpr std::uint32_t step() {
    const std::uint32_t out = m_state & 1u;
    m_state >>= 1;
    if (out) m_state ^= kTaps;
    return out;
  }
  /// Sixteen shifts; the 16 bits shifted out, first one in bit 0.
  constexpr std::uint32_t next16() {
    std::uint32_t r = 0;
    for (int i = 0; i < 16; ++i) r |= step() << i;
    return r;
  }
  constexpr std::uint32_t state() const { return m_state; }

 private:
  std::uint32_t m_state = 1;
};

/// The rounding unit's lanes: element e of a rounded tensor uses lane
/// e mod lanes, and each lane draws once per element it rounds, in element
/// order.
class LaneRandom {
 public:
  static constexpr int kMaxLanes = 64;

  LaneRandom() : LaneRandom(1, 1) {}
  LaneRandom(std::uint64_t seed, int lanes) : m_lanes(lanes < 1 ? 1 : (lanes > kMaxLanes ? kMaxLanes : lanes)) {
    for (int l = 0; l < m_lanes; ++l) m_lfsr[l] = Lfsr32(laneSeed(seed, l));
  }
  int lanes() const { return m_lanes; }
  std::uint32_t draw16(std::uint64_t element) { return m_lfsr[element % static_cast<std::uint64_t>(m_lanes)].next16(); }
  std::uint32_t state(int lane) const { return m_lfsr[lane].state(); }

 private:
  /// splitmix64 of (seed, lane): distinct, well-mixed, non-zero lane seeds.
  static std::uint32_t laneSeed(std::uint64_t seed, int lane) {
    std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(lane + 1) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const auto s = static_cast<std::uint32_t>(z ^ (z >> 32));
    return s == 0 ? 1u : s;
  }

  int m_lanes;
  Lfsr32 m_lfsr[kMaxLanes];
};

}  // namespace ftsim::kernels

#pragma once
// An independent reference of the TT engine's low-precision arithmetic,
// written from the definitions in docs/tt-engine.md and sharing no code with
// the rounding unit, the LFSR or the contraction kernels (models/kernels/Tt*,
// Lfsr.h, models/tt_engine/Quantizer, Contraction):
//
//  - a value is an exact rational m·2^e: a float is taken apart with
//    std::frexp, a product is the product of the integer significands;
//  - the accumulator grid is 2^−32: each product is floored onto it
//    (floor division of exact 128-bit integers), a sum of grid values is
//    exact;
//  - fixed<W,F> rounds a grid value to a multiple of 2^−F, bfp<W,B> first
//    takes each block's exponent as the smallest e whose W-bit mantissa range
//    holds the block's largest magnitude (searched upward, not computed from a
//    bit index); nearest-even on the exact remainder, or stochastic: the
//    dropped fraction read to 16 bits against the lane's next 16 random bits
//    (an exact value draws nothing); then saturation;
//  - the random stream: per lane, a Galois LFSR built from its polynomial
//    x^32 + x^22 + x^2 + x + 1 (16 shifts per draw, the first bit shifted
//    out in bit 0), seeded from splitmix64 of (seed, lane) as the engine
//    documents; element e of a rounded tensor uses lane e mod lanes.

#include <cstdint>
#include <vector>

#include "models/tt_engine/NumberFormat.h"

namespace ftsim::reference {

/// The rounding unit's random lanes, from their definition.
class RefLanes {
 public:
  RefLanes(std::uint64_t seed, int lanes);
  std::uint32_t draw16(std::uint64_t element);
  std::uint64_t draws() const { return m_draws; }

 private:
  std::vector<std::uint32_t> m_state;
  std::uint32_t m_feedback = 0;
  std::uint64_t m_draws = 0;
};

using Exact = __int128;

/// floor(v·2^32) of an fp32 value, exactly (v finite).
Exact gridOf(float v);
/// floor(a·b·2^32), exactly.
Exact gridOfProduct(float a, float b);

/// Round grid values (element i of the tensor is values[i]) into `fmt`
/// (fixed or bfp) with `rounding`, drawing from `lanes`.
std::vector<float> roundGrid(const std::vector<Exact>& values, const kernels::NumberFormat& fmt,
                             kernels::Rounding rounding, RefLanes& lanes);
/// Round fp32 values into `fmt` through the grid.
std::vector<float> roundValues(const std::vector<float>& values, const kernels::NumberFormat& fmt,
                               kernels::Rounding rounding, RefLanes& lanes);

}  // namespace ftsim::reference

#pragma once
// Rounding into a number format, the one implementation the TT engine and
// every reference use.
//
// Non-fp32 arithmetic is exact up to a common accumulator: every product is
// placed on a grid of 2^−kAccFracBits (floor, product by product) and summed
// in 64-bit integers, as a DSP48 cascade accumulates, so a sum does not
// depend on the order of its terms. A result leaves the accumulator through
// the rounding unit: nearest-even, or stochastic (round up with probability
// equal to the dropped fraction, read to 16 bits against 16 random bits of
// the element's lane), then saturation; bfp first picks each block's
// exponent from its largest magnitude.
//
// HLS subset: the caller owns every buffer; no allocation, exceptions or
// recursion; loops over the elements given.

#include <cstddef>
#include <cstdint>

#include "models/kernels/Lfsr.h"
#include "models/tt_engine/NumberFormat.h"

namespace ftsim::kernels {

constexpr int kAccFracBits = 32;

/// A real value on the accumulator grid (floor); saturates at ±2^62.
std::int64_t toAcc(double v);
/// The product of two format values on the accumulator grid (floor).
inline std::int64_t productToAcc(float a, float b) { return toAcc(static_cast<double>(a) * static_cast<double>(b)); }
/// An accumulator value as a double (exact below 2^53 grid steps).
double accToDouble(std::int64_t acc);

/// Round `n` accumulator values into `fmt` (not fp32). Element i of this
/// call is element `firstElement + i` of its tensor, which fixes its lane
/// and its bfp block (blocks start at multiples of the block size).
void quantizeAcc(const std::int64_t* acc, std::size_t n, const NumberFormat& fmt, Rounding rounding,
                 LaneRandom& rng, float* out, std::uint64_t firstElement = 0);

/// Round real values into `fmt`. fp32 keeps the float value; the others go
/// through the accumulator grid and quantizeAcc.
void quantizeValues(const float* in, std::size_t n, const NumberFormat& fmt, Rounding rounding, LaneRandom& rng,
                    float* out, std::uint64_t firstElement = 0);

}  // namespace ftsim::kernels

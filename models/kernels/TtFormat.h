#pragma once
// The number formats of the TT engine as the kernels see them: a plain
// description (no strings, no heap) that the rounding unit reads, and one
// template per format family that fixes it at compile time for a kernel
// exported on its own:
//
//  - fp32:         IEEE single precision.
//  - fixed<W,F>:   W-bit two's complement with F fractional bits, values
//                  k·2^−F for k in [−2^(W−1), 2^(W−1)−1], saturating.
//  - bfp<W,B>:     block floating point: blocks of B consecutive elements
//                  (in the tensor's element order) share one exponent of
//                  `exponentBits` bits; each element keeps a W-bit two's
//                  complement mantissa, values m·2^e.
//
// Every value of a non-fp32 format is held in a float exactly (W ≤ 16 and
// the exponents stay inside the float range), so one storage type serves all
// formats and an element's format decides only how it was rounded.
// HLS subset (docs/hls-subset.md).

#include <cstdint>

namespace ftsim::kernels {

enum class FormatKind : std::uint8_t { Fp32, Fixed, Bfp };
enum class Rounding : std::uint8_t { NearestEven, Stochastic };

/// The largest bfp block the rounding unit handles (the config's limit).
constexpr int kTtMaxBlock = 4096;

struct TtFormat {
  FormatKind kind = FormatKind::Fp32;
  int bits = 32;          ///< fixed: W; bfp: mantissa bits (sign included); fp32: 32
  int fracBits = 0;       ///< fixed: F
  int blockSize = 1;      ///< bfp: elements sharing an exponent
  int exponentBits = 8;   ///< bfp: width of the shared exponent

  constexpr bool isFloat() const { return kind == FormatKind::Fp32; }
  /// Shared exponent range of bfp: [minExponent, maxExponent].
  constexpr int minExponent() const { return -(1 << (exponentBits - 1)); }
  constexpr int maxExponent() const { return (1 << (exponentBits - 1)) - 1; }
};

/// fixed<W,F> at compile time.
template <int W, int F>
struct TtFixed {
  static_assert(W >= 2 && W <= 16 && F >= 0 && F < W, "fixed<W,F> needs 2 <= W <= 16 and 0 <= F < W");
  static constexpr TtFormat format() { return TtFormat{FormatKind::Fixed, W, F, 1, 0}; }
};

/// bfp<W,B> at compile time (8-bit shared exponent).
template <int W, int B>
struct TtBfp {
  static_assert(W >= 2 && W <= 16 && B >= 1 && B <= kTtMaxBlock, "bfp<W,B> needs 2 <= W <= 16, 1 <= B <= 4096");
  static constexpr TtFormat format() { return TtFormat{FormatKind::Bfp, W, 0, B, 8}; }
};

struct TtFp32 {
  static constexpr TtFormat format() { return TtFormat{}; }
};

}  // namespace ftsim::kernels

#pragma once
// The number formats of the TT engine's tensors, one description shared by
// the models, the planner's memory accounting and the reference:
//
//  - fp32:         IEEE single precision.
//  - fixed<W,F>:   W-bit two's complement with F fractional bits, values
//                  k·2^−F for k in [−2^(W−1), 2^(W−1)−1], saturating.
//  - bfp<W,B>:     block floating point: blocks of B consecutive elements
//                  (in the tensor's element order) share one exponent of
//                  `exponentBits` bits; each element keeps a W-bit two's
//                  complement mantissa, values m·2^e.
//
// Every value of a non-fp32 format is held in a float exactly (W ≤ 16, and
// the exponents stay inside the float range), so one storage type serves all
// formats and an element's format decides only how it was rounded.

#include <cstdint>
#include <optional>
#include <string>

namespace ftsim::kernels {

enum class FormatKind : std::uint8_t { Fp32, Fixed, Bfp };
enum class Rounding : std::uint8_t { NearestEven, Stochastic };

const char* toString(Rounding r);

struct NumberFormat {
  FormatKind kind = FormatKind::Fp32;
  int bits = 32;          ///< fixed: W; bfp: mantissa bits (sign included); fp32: 32
  int fracBits = 0;       ///< fixed: F
  int blockSize = 1;      ///< bfp: elements sharing an exponent
  int exponentBits = 8;   ///< bfp: width of the shared exponent

  static NumberFormat fp32() { return NumberFormat{}; }
  static NumberFormat fixed(int w, int f) { return NumberFormat{FormatKind::Fixed, w, f, 1, 0}; }
  static NumberFormat bfp(int w, int block, int expBits = 8) {
    return NumberFormat{FormatKind::Bfp, w, 0, block, expBits};
  }

  bool isFloat() const { return kind == FormatKind::Fp32; }
  /// "fp32", "fixed<8,6>", "bfp<8,16>" (the syntax parseFormat reads).
  std::string name() const;
  /// Storage bits per element, the shared exponent spread over its block.
  double bitsPerElement() const;
  /// Bytes to store `elements` elements (whole bytes, exponents included).
  std::uint64_t bytesFor(std::uint64_t elements) const;
  /// Width of the multiplier operand the format needs (fp32: the 24-bit significand).
  int multiplierBits() const { return kind == FormatKind::Fp32 ? 24 : bits; }
  /// Shared exponent range of bfp: [minExponent, maxExponent].
  int minExponent() const { return -(1 << (exponentBits - 1)); }
  int maxExponent() const { return (1 << (exponentBits - 1)) - 1; }

  bool operator==(const NumberFormat& o) const {
    return kind == o.kind && bits == o.bits && fracBits == o.fracBits && blockSize == o.blockSize &&
           exponentBits == o.exponentBits;
  }
  bool operator!=(const NumberFormat& o) const { return !(*this == o); }
};

/// Parse "fp32", "fixed<W,F>" (2 ≤ W ≤ 16, 0 ≤ F < W) or "bfp<W,B>"
/// (2 ≤ W ≤ 16, 1 ≤ B ≤ 4096). On failure returns nothing and says why in
/// `why` (the caller turns it into a config error at the right key).
std::optional<NumberFormat> parseFormat(const std::string& text, std::string& why);

}  // namespace ftsim::kernels

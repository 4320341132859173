#include "models/tt_engine/Quantizer.h"

namespace ftsim::kernels {

namespace {

/// The rounding unit's chunk: the largest bfp block, so a block-aligned
/// chunk always holds at least one whole block.
constexpr int kChunk = kTtMaxBlock;

/// Elements of the next chunk from element `start` of `n` left: a bfp
/// chunk that does not reach the end stops at a block boundary.
std::size_t chunkLength(std::size_t left, std::uint64_t start, const TtFormat& fmt) {
  std::size_t len = left < static_cast<std::size_t>(kChunk) ? left : static_cast<std::size_t>(kChunk);
  if (fmt.kind == FormatKind::Bfp && len < left) {
    const std::uint64_t end = start + len;
    const std::uint64_t aligned = end - end % static_cast<std::uint64_t>(fmt.blockSize);
    if (aligned > start) len = static_cast<std::size_t>(aligned - start);
  }
  return len;
}

}  // namespace

void quantizeAcc(const std::int64_t* acc, std::size_t n, const TtFormat& fmt, Rounding rounding, LaneRandom& rng,
                 float* out, std::uint64_t firstElement) {
  std::size_t i = 0;
  while (i < n) {
    const std::size_t len = chunkLength(n - i, firstElement + i, fmt);
    ttQuantizeAcc<kChunk>(acc + i, static_cast<int>(len), fmt, rounding, rng, out + i, firstElement + i);
    i += len;
  }
}

void quantizeValues(const float* in, std::size_t n, const TtFormat& fmt, Rounding rounding, LaneRandom& rng,
                    float* out, std::uint64_t firstElement) {
  // The staging buffer stays on the stack (no allocation).
  std::int64_t scratch[kChunk];
  std::size_t i = 0;
  while (i < n) {
    const std::size_t len = chunkLength(n - i, firstElement + i, fmt);
    ttQuantizeValues<kChunk>(in + i, static_cast<int>(len), fmt, rounding, rng, out + i, scratch, firstElement + i);
    i += len;
  }
}

}  // namespace ftsim::kernels

#pragma once
// The TT engine's side of the rounding unit: whole tensors of any length go
// through the kernel (models/kernels/TtQuantizer.h) in chunks of kChunk
// elements, a bfp chunk ending on a block boundary so no block is split;
// the element index (lane, block) runs on across chunks, so a tensor rounds
// the same in one call as in many.

#include <cstddef>
#include <cstdint>

#include "models/kernels/Lfsr.h"
#include "models/kernels/TtQuantizer.h"
#include "models/tt_engine/NumberFormat.h"

namespace ftsim::kernels {

/// Round `n` accumulator values into `fmt`. Element i of this call is
/// element `firstElement + i` of its tensor, which fixes its lane and its bfp
/// block (blocks start at multiples of the block size).
void quantizeAcc(const std::int64_t* acc, std::size_t n, const TtFormat& fmt, Rounding rounding, LaneRandom& rng,
                 float* out, std::uint64_t firstElement = 0);

/// Round real values into `fmt`. fp32 keeps the float value; the others go
/// through the accumulator grid and quantizeAcc.
void quantizeValues(const float* in, std::size_t n, const TtFormat& fmt, Rounding rounding, LaneRandom& rng,
                    float* out, std::uint64_t firstElement = 0);

}  // namespace ftsim::kernels

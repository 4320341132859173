#pragma once
// Turns a tile (a box of a tensor's logical dimensions) into the contiguous
// DDR segments its layout puts it in. This is where data reshaping pays off:
// a full-width strip of one channel group in [B][C/G][H][W][G] is a single
// segment; the same strip in [B][C][H][W] is one segment per channel.

#include <cstdint>
#include <vector>

#include "sim/schedule/Program.h"

namespace ftsim::models {

struct Segment {
  std::uint64_t addr = 0;
  std::uint64_t bytes = 0;
};

/// Append the segments of `tile` to `out` (cleared first), in the order the
/// DMA reads them, adjacent segments merged.
void tileSegments(const schedule::TensorDesc& t, const schedule::TileRef& tile, std::vector<Segment>& out);

/// Byte offset of element (i0, i1, i2, i3) of a tensor in its layout.
std::uint64_t elementOffset(const schedule::TensorDesc& t, int i0, int i1, int i2, int i3);

}  // namespace ftsim::models

#pragma once
// Splitting a contiguous DMA transfer into AXI INCR bursts: at most
// `maxBeats` beats of `beatBytes`, never crossing a 4 KB boundary. A burst
// that starts or ends inside a beat still moves that whole beat (with byte
// strobes), so its beats count from the aligned start.

#include <cstdint>
#include <vector>

namespace ftsim::models {

struct AxiBurst {
  std::uint64_t addr = 0;
  std::uint64_t bytes = 0;
  std::uint32_t beats = 0;
};

/// The first burst of [addr, end).
AxiBurst nextAxiBurst(std::uint64_t addr, std::uint64_t end, std::uint32_t beatBytes, std::uint32_t maxBeats);

/// All bursts of `bytes` at `addr`, appended to `out` (cleared first).
void splitAxiBursts(std::uint64_t addr, std::uint64_t bytes, std::uint32_t beatBytes, std::uint32_t maxBeats,
                    std::vector<AxiBurst>& out);

}  // namespace ftsim::models

#include "models/interconnect/AxiBurst.h"

#include <algorithm>

#include "models/interconnect/InterconnectConfig.h"

namespace ftsim::models {

AxiBurst nextAxiBurst(std::uint64_t addr, std::uint64_t end, std::uint32_t beatBytes, std::uint32_t maxBeats) {
  const std::uint64_t alignedStart = addr - addr % beatBytes;
  const std::uint64_t boundary = addr - addr % kAxiBoundaryBytes + kAxiBoundaryBytes;
  const std::uint64_t stop = std::min({end, boundary, alignedStart + static_cast<std::uint64_t>(maxBeats) * beatBytes});
  AxiBurst b;
  b.addr = addr;
  b.bytes = stop - addr;
  b.beats = static_cast<std::uint32_t>((stop - alignedStart + beatBytes - 1) / beatBytes);
  return b;
}

void splitAxiBursts(std::uint64_t addr, std::uint64_t bytes, std::uint32_t beatBytes, std::uint32_t maxBeats,
                    std::vector<AxiBurst>& out) {
  out.clear();
  const std::uint64_t end = addr + bytes;
  while (addr < end) {
    out.push_back(nextAxiBurst(addr, end, beatBytes, maxBeats));
    addr += out.back().bytes;
  }
}

}  // namespace ftsim::models

#include "models/dma/DmaConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

DmaConfig DmaConfig::fromYaml(const config::ConfigNode& node, std::uint64_t defaultStartCycles) {
  DmaConfig c;
  c.streamWidthBits = static_cast<int>(node.getInt("stream_width_bits", 8, 4096));
  if (c.streamWidthBits % 32 != 0) node.at("stream_width_bits").fail("must be a multiple of 32");
  c.startCycles = static_cast<std::uint64_t>(
      node.getInt("start_cycles", static_cast<std::int64_t>(defaultStartCycles), 0, 1 << 24));
  c.maxOutstanding = static_cast<int>(node.getInt("max_outstanding", 8, 1, 256));
  c.plainLayout = node.getEnum("layout", "reshaped", {"reshaped", "plain"}) == "plain";
  return c;
}

}  // namespace ftsim::models

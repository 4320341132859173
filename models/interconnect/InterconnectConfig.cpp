#include "models/interconnect/InterconnectConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

InterconnectConfig InterconnectConfig::fromYaml(const config::ConfigNode& node) {
  InterconnectConfig c;
  c.portWidthBits = static_cast<int>(node.getInt("port_width_bits", c.portWidthBits, 8, 1024));
  const int w = c.portWidthBits;
  if (w != 32 && w != 64 && w != 128 && w != 256 && w != 512 && w != 1024)
    node.at("port_width_bits").fail("must be an AXI data width: 32, 64, 128, 256, 512 or 1024");
  if (node.has("clock_mhz")) {
    c.clockMhz = node.getDouble("clock_mhz", 1.0, 2000.0);
    c.clock = Clock::fromMhz(c.clockMhz);
  }
  c.maxOutstanding = static_cast<int>(node.getInt("max_outstanding", c.maxOutstanding, 1, 256));
  c.maxBurstBeats = static_cast<int>(node.getInt("max_burst_beats", c.maxBurstBeats, 1, 256));
  return c;
}

}  // namespace ftsim::models

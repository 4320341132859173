#include "models/pe_array/PeArrayConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

PeArrayConfig PeArrayConfig::fromYaml(const config::ConfigNode& node) {
  PeArrayConfig c;
  c.tm = static_cast<int>(node.getInt("tm", 1, 1024));
  c.tn = static_cast<int>(node.getInt("tn", 1, 1024));
  c.format = node.getEnum("format", "fp32", {"fp32"});
  c.mulLatencyCycles = static_cast<int>(node.getInt("mul_latency_cycles", 1, 64));
  c.addLatencyCycles = static_cast<int>(node.getInt("add_latency_cycles", 1, 64));
  c.bufferReadLatencyCycles = static_cast<int>(node.getInt("buffer_read_latency_cycles", 2, 0, 16));
  c.bufferWriteLatencyCycles = static_cast<int>(node.getInt("buffer_write_latency_cycles", 1, 0, 16));
  c.pipeline = node.getEnum("pipeline", "rewind", {"rewind", "per_tile"}) == "rewind" ? Pipeline::Rewind
                                                                                     : Pipeline::PerTile;
  return c;
}

}  // namespace ftsim::models

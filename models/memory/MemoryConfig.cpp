#include "models/memory/MemoryConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

IdealMemoryConfig IdealMemoryConfig::fromYaml(const config::ConfigNode& node) {
  IdealMemoryConfig c;
  c.latencyCycles = static_cast<std::uint64_t>(node.getInt("latency_cycles", 0, 0, 1 << 20));
  c.bytesPerCycle = static_cast<int>(node.getInt("bytes_per_cycle", 16, 1, 4096));
  return c;
}

MemoryConfig MemoryConfig::fromYaml(const config::ConfigNode& node) {
  MemoryConfig c;
  c.model = node.getEnum("model", "ideal", {"ideal"});
  if (auto n = node.find("ideal")) c.ideal = IdealMemoryConfig::fromYaml(*n);
  return c;
}

}  // namespace ftsim::models

#include "models/memory/MemoryConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

IdealMemoryConfig IdealMemoryConfig::fromYaml(const config::ConfigNode& node) {
  IdealMemoryConfig c;
  c.latencyCycles = static_cast<std::uint64_t>(node.getInt("latency_cycles", 0, 0, 1 << 20));
  c.bytesPerCycle = static_cast<int>(node.getInt("bytes_per_cycle", 16, 1, 4096));
  return c;
}

MemoryConfig MemoryConfig::defaults(const Ddr4Config& device, const Clock& accelClock) {
  MemoryConfig c;
  c.device = device;
  c.ddr4 = Ddr4ControllerConfig::defaults(device);
  c.interconnect.clock = accelClock;
  c.interconnect.clockMhz = accelClock.freqMhz();
  return c;
}

MemoryConfig MemoryConfig::fromYaml(const config::ConfigNode& node, const Ddr4Config& device, const Clock& accelClock) {
  MemoryConfig c = defaults(device, accelClock);
  c.model = node.getEnum("model", c.model, {"ddr4", "ideal"});
  if (auto n = node.find("ideal")) c.ideal = IdealMemoryConfig::fromYaml(*n);
  if (auto n = node.find("ddr4")) c.ddr4 = Ddr4ControllerConfig::fromYaml(*n, device);
  if (auto n = node.find("interconnect")) {
    c.interconnect = InterconnectConfig::fromYaml(*n);
    if (c.interconnect.clockMhz == 0) {
      c.interconnect.clock = accelClock;
      c.interconnect.clockMhz = accelClock.freqMhz();
    }
  }
  return c;
}

}  // namespace ftsim::models

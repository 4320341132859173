#include "models/memory/MemoryConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

IdealMemoryConfig IdealMemoryConfig::fromYaml(const config::ConfigNode& node) {
  IdealMemoryConfig c;
  c.latencyCycles = static_cast<std::uint64_t>(node.getInt("latency_cycles", 0, 0, 1 << 20));
  c.bytesPerCycle = static_cast<int>(node.getInt("bytes_per_cycle", 16, 1, 4096));
  return c;
}

MemoryConfig MemoryConfig::fromYaml(const std::optional<config::ConfigNode>& node, const Ddr4Config& device,
                                    const config::ConfigNode& deviceNode, const Clock& accelClock) {
  MemoryConfig c;
  c.device = device;
  const std::optional<config::ConfigNode> ddr4 = node ? node->find("ddr4") : std::nullopt;
  c.ddr4 = ddr4 ? Ddr4ControllerConfig::fromYaml(*ddr4, device) : Ddr4ControllerConfig::defaults(device, deviceNode);
  if (node) {
    c.model = node->getEnum("model", c.model, {"ddr4", "ideal"});
    if (auto n = node->find("ideal")) c.ideal = IdealMemoryConfig::fromYaml(*n);
    if (auto n = node->find("interconnect")) c.interconnect = InterconnectConfig::fromYaml(*n);
  }
  if (c.ddr4.channels > 1 && c.ddr4.channelInterleaveBytes < static_cast<std::uint64_t>(c.interconnect.beatBytes()))
    ddr4->at("channel_interleave_bytes")
        .fail("must be at least one AXI beat (" + std::to_string(c.interconnect.beatBytes()) +
              " bytes at memory.interconnect.port_width_bits) when a design run has several channels");
  c.interconnect.channels = c.ddr4.channels;
  c.interconnect.channelInterleaveBytes = c.ddr4.channelInterleaveBytes;
  if (c.interconnect.clockMhz == 0) {
    c.interconnect.clock = accelClock;
    c.interconnect.clockMhz = accelClock.freqMhz();
  }
  return c;
}

}  // namespace ftsim::models

#include "sim/config/BoardConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::config {

HostConfig HostConfig::fromYaml(const ConfigNode& node) {
  HostConfig h;
  h.cpu = node.getString("cpu");
  h.clockMhz = node.getDouble("clock_mhz", 1.0, 10000.0);
  h.dmaStartNs = node.getDouble("dma_start_ns", 0.0, 1e9);
  h.lossNsPerElement = node.getDouble("loss_ns_per_element", 0.0, 1e6);
  return h;
}

BoardConfig BoardConfig::fromYaml(const ConfigNode& node) {
  BoardConfig b;
  b.name = node.getString("name");
  b.device = node.getString("device");
  const ConfigNode r = node.at("resources");
  b.resources.dsp = r.getInt("dsp", 0, 1 << 24);
  b.resources.bram36 = r.getInt("bram36", 0, 1 << 24);
  b.resources.uram = r.getInt("uram", 0, 0, 1 << 24);
  b.resources.lut = r.getInt("lut", 0, 1LL << 32);
  b.resources.ff = r.getInt("ff", 0, 1LL << 32);
  b.host = HostConfig::fromYaml(node.at("host"));
  b.ddr = models::Ddr4Config::fromYaml(node.at("ddr"));
  b.resourceModel = resources::ResourceTable::fromYaml(node.at("resource_model"));
  if (const auto e = node.find("energy")) b.energy = energy::EnergyConfig::fromYaml(*e);
  return b;
}

}  // namespace ftsim::config

#include "sim/config/MeasuredConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::config {

namespace {

std::optional<double> optionalPositive(const ConfigNode& node, const std::string& key) {
  if (!node.has(key)) return std::nullopt;
  const double v = node.getDouble(key, 0.0, 1e12);
  if (v <= 0) node.at(key).fail("must be > 0");
  return v;
}

std::string requiredSource(const ConfigNode& node) {
  const std::string s = node.getString("source");
  if (s.find_first_not_of(" \t") == std::string::npos) node.at("source").fail("must name where the figures are published");
  return s;
}

}  // namespace

MeasuredConfig MeasuredConfig::fromYaml(const ConfigNode& node) {
  MeasuredConfig m;
  m.present = true;
  m.source = requiredSource(node);
  m.throughputGflops = optionalPositive(node, "throughput_gflops");
  m.powerW = optionalPositive(node, "power_w");
  m.gflopsPerW = optionalPositive(node, "gflops_per_w");
  m.latencyS = optionalPositive(node, "latency_s");
  if (const auto r = node.find("resources")) {
    m.resourcesSource = requiredSource(*r);
    for (const char* name : kResourceNames)
      if (r->has(name)) m.resources[name] = r->getInt(name, 0, 1LL << 32);
  }
  return m;
}

}  // namespace ftsim::config

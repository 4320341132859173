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
  if (node.has("mode")) {
    m.mode = node.getEnum("mode", {"training", "inference"});
    m.modeLoc = node.at("mode").loc();
  }
  if (node.has("throughput_scope")) m.throughputScope = node.getEnum("throughput_scope", {"end_to_end", "conv_fc"});
  if (const auto f = node.find("fitted")) {
    if (!f->isSeq()) f->fail("must be a list of measured figures, e.g. [power_w]");
    for (const ConfigNode& item : f->items()) {
      const std::string q = item.asString();
      if (q != "throughput_gflops" && q != "power_w" && q != "gflops_per_w" && q != "latency_s")
        item.fail("must be one of throughput_gflops, power_w, gflops_per_w, latency_s");
      m.fitted.push_back(q);
    }
  }
  if (const auto ls = node.find("layers")) {
    if (!ls->isMap()) ls->fail("must be a map of <layer>.<FP|BP|WU>: {latency_s: seconds}");
    for (const std::string& key : ls->keys()) {
      const ConfigNode e = ls->at(key);
      const auto dot = key.rfind('.');
      MeasuredLayer l;
      l.layer = dot == std::string::npos ? "" : key.substr(0, dot);
      l.phase = dot == std::string::npos ? "" : key.substr(dot + 1);
      if (l.layer.empty() || (l.phase != "FP" && l.phase != "BP" && l.phase != "WU"))
        e.fail("the key must be <layer>.<FP|BP|WU>, e.g. conv3_1.WU");
      if (!e.isMap() || !e.has("latency_s")) e.fail("must give latency_s: the measured seconds of this phase");
      l.latencyS = *optionalPositive(e, "latency_s");
      l.keyPath = e.path();
      l.loc = e.loc();
      m.layers.push_back(l);
    }
  }
  if (const auto r = node.find("resources")) {
    m.resourcesSource = requiredSource(*r);
    for (const char* name : kResourceNames)
      if (r->has(name)) m.resources[name] = r->getInt(name, 0, 1LL << 32);
  }
  return m;
}

}  // namespace ftsim::config

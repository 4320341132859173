#include "sim/config/AnalyticalConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::config {

const char* toString(AnalyticalConfig::Model m) { return m == AnalyticalConfig::Model::EfTrain ? "eftrain" : "roofline"; }

AnalyticalConfig AnalyticalConfig::fromYaml(const ConfigNode& node) {
  AnalyticalConfig a;
  a.model = node.getEnum("model", "eftrain", {"eftrain", "roofline"}) == "eftrain" ? Model::EfTrain : Model::Roofline;
  if (const auto r = node.find("roofline")) {
    if (r->has("bandwidth_gb_per_s")) a.bandwidthGbPerS = r->getDouble("bandwidth_gb_per_s", 1e-3, 1e6);
    a.outputReuse = r->getBool("output_reuse", true);
  }
  return a;
}

}  // namespace ftsim::config

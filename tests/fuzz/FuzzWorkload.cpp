// The workload parser (sim/workload): a `workload:` section (or a bare one)
// as YAML text, built into a Network with its shapes inferred and checked,
// then checked for keys no parser asked for.
#include <optional>
#include <string>

#include "sim/core/Error.h"
#include "sim/config/ConfigNode.h"
#include "sim/workload/Network.h"
#include "tests/fuzz/FuzzTarget.h"

FTSIM_FUZZ_TARGET(workload) {
  ftsim::fuzz::quietLogs();
  try {
    const auto root = ftsim::config::ConfigNode::loadString(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
    const auto section = root.isMap() ? root.find("workload") : std::nullopt;
    const ftsim::config::ConfigNode node = section ? *section : root;
    ftsim::workload::Network::fromYaml(node);
    node.checkNoUnknownKeys();
  } catch (const ftsim::UserError&) {
  }
  return 0;
}

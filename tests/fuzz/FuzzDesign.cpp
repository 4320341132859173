// The design loader through `include:`: the input is a design file in a copy
// of the configs/ tree (<tree>/designs/fuzz.yaml; the boards, accelerators,
// workloads, ... it includes are the committed ones), loaded by
// DesignConfig::load exactly as `ftsim run` loads a design.
#include "sim/core/Error.h"
#include "sim/config/DesignConfig.h"
#include "tests/fuzz/ConfigTree.h"
#include "tests/fuzz/FuzzTarget.h"

FTSIM_FUZZ_TARGET(design) {
  ftsim::fuzz::quietLogs();
  const std::string path = ftsim::fuzz::configTree("designs") + "/designs/fuzz.yaml";
  ftsim::fuzz::writeFile(path, data, size);
  try {
    ftsim::config::DesignConfig::load(path, {});
  } catch (const ftsim::UserError&) {
  }
  return 0;
}

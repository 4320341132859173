// The sweep file of `ftsim sweep` (sim/sweep/SweepSpec): written as
// configs/sweeps/fuzz.yaml in a copy of the configs/ tree, so `design:`
// resolves against the committed designs; the spec expands its points.
#include "sim/core/Error.h"
#include "sim/sweep/SweepSpec.h"
#include "tests/fuzz/ConfigTree.h"
#include "tests/fuzz/FuzzTarget.h"

FTSIM_FUZZ_TARGET(sweep) {
  ftsim::fuzz::quietLogs();
  const std::string path = ftsim::fuzz::configTree("sweeps") + "/sweeps/fuzz.yaml";
  ftsim::fuzz::writeFile(path, data, size);
  try {
    const ftsim::sweep::SweepSpec spec = ftsim::sweep::SweepSpec::load(path);
    for (const auto& p : spec.points) spec.overrides(p);
  } catch (const ftsim::UserError&) {
  }
  return 0;
}

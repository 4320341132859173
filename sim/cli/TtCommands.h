#pragma once
// `ftsim check` and `ftsim run` for designs whose accelerator.kind is tt.

#include <ostream>
#include <string>

namespace ftsim::config { struct DesignConfig; }

namespace ftsim::cli {

int checkTtDesign(const config::DesignConfig& d, std::ostream& out);
int runTtDesign(const config::DesignConfig& d, const std::string& outDir, bool quiet, bool progress, std::ostream& out);

}  // namespace ftsim::cli

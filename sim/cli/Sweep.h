#pragma once

#include <ostream>

namespace ftsim::cli {

/// `ftsim sweep <sweep.yaml>`: run a design-space sweep locally or as a Slurm
/// job array, and write results.csv, pareto.csv and the front's plots.
int cmdSweep(int argc, const char* const* argv, std::ostream& out);

}  // namespace ftsim::cli

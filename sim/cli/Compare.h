#pragma once
// `ftsim compare <design.yaml>`: simulate, then set the run beside the
// analytical model and the design's measured board figures.

#include <ostream>

namespace ftsim::cli {

int cmdCompare(int argc, const char* const* argv, std::ostream& out);

}  // namespace ftsim::cli

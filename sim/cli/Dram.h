#pragma once
// `ftsim dram <trace>`: replay an address trace through the DRAM controller
// and device, and report completion, bandwidth, latency, row hits, commands
// and energy (DIR/dram.json and a console table).

#include <ostream>

namespace ftsim::cli {

int cmdDram(int argc, const char* const* argv, std::ostream& out);

}  // namespace ftsim::cli

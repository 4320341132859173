#pragma once
// summary.json (schema "ftsim.summary/1", see traces/README.md), layers.csv
// and the console summary, all from one Report.

#include <ostream>
#include <string>

#include "traces/Report.h"

namespace ftsim::traces {

inline constexpr const char* kSummarySchema = "ftsim.summary/1";

std::string summaryJson(const Report& r);
std::string layersCsv(const Report& r);
void printConsoleSummary(const Report& r, std::ostream& os);
/// The console's energy lines: J, W, GFLOPS/W and each component's share,
/// or that energy is not modelled.
void printEnergyLine(const Report& r, std::ostream& os);

}  // namespace ftsim::traces

#pragma once
// `ftsim compare --hls-report csynth.xml`: the Vitis HLS synthesis report of
// the exported top beside ftsim's cycle count of the same layer × phase and
// the resource estimate of the units the top contains (the MAC array and the
// buffers of sim/resources/EfTrainHlsStructure), with the error of each.

#include <string>
#include <vector>

#include "sim/config/DesignConfig.h"
#include "sim/hls/CsynthReport.h"
#include "sim/resources/ResourceModel.h"
#include "traces/CompareReport.h"
#include "traces/Report.h"

namespace ftsim::hls {

/// Rows of the comparison's `hls` section. `layer` and `phase` name the
/// layer × phase the report was synthesized for (the exported layer); a
/// layer × phase the run has not is a UserError listing those it has.
std::vector<traces::CompareRow> hlsReportRows(const CsynthReport& hls, const traces::Report& run,
                                              const resources::ResourceEstimate& estimate,
                                              const config::DesignConfig& d, const std::string& layer,
                                              const std::string& phase);

}  // namespace ftsim::hls

#pragma once
// Vitis HLS's synthesis report, solution/syn/report/csynth.xml: the figures
// `ftsim compare --hls-report` sets beside the simulation and the resource
// estimate. Element names as Vitis HLS writes them (UG1399, "Synthesis
// Summary": latency min/max in cycles, interval, resources, estimated
// clock): <profile> / UserAssignments (Part, TopModelName,
// TargetClockPeriod) / PerformanceEstimates / SummaryOfTimingAnalysis
// (EstimatedClockPeriod) and SummaryOfOverallLatency (Best-caseLatency,
// Worst-caseLatency, Interval-min, Interval-max) / AreaEstimates /
// Resources (BRAM_18K, DSP — DSP48E in older releases —, FF, LUT, URAM).

#include <optional>
#include <string>

namespace ftsim::hls {

struct CsynthReport {
  std::string file;
  std::string part, topModel;
  std::optional<double> targetClockNs, estimatedClockNs;
  std::optional<double> latencyMinCycles, latencyMaxCycles;
  std::optional<double> intervalMinCycles, intervalMaxCycles;  ///< II of the top
  std::optional<double> dsp, bram18k, uram, lut, ff;
};

/// Read a csynth.xml. A file that cannot be read, is not XML of that shape,
/// or holds a non-numeric figure is a UserError naming the file (and the line).
CsynthReport readCsynthReport(const std::string& path);

}  // namespace ftsim::hls

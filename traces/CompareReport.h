#pragma once
// `ftsim compare`: the simulation beside the analytical models (the authors'
// EF-Train model and Zhang et al.'s roofline, both for conv/FC phases) and the
// figures measured on the board (compare.md, compare.csv). Built from a
// Report and the design's `measured:` section; resource rows come from a
// name → estimate map (addResourceRows), so an estimator plugs in there.
// Conv/FC-only figures stand beside end-to-end ones; a measured figure a
// model was fitted to is a calibration point, never shown as agreement.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/MeasuredConfig.h"
#include "traces/Report.h"

namespace ftsim::traces {

/// One compared quantity. Empty optionals print as empty cells.
struct CompareRow {
  std::string section;   ///< total, resource, phase
  std::string layer;     ///< phase rows: layer name
  std::string phase;     ///< phase rows: FP, BP, WU
  std::string quantity;  ///< cycles, seconds, gflops, power_w, gflops_per_w, energy_j, dsp, ...
  std::string unit;
  std::optional<double> simulated;   ///< the simulation (resources: the estimate)
  std::optional<double> analytical;  ///< the authors' EF-Train model (finetune2.py, closed form)
  std::optional<double> roofline;    ///< Zhang et al. FPGA'15 roofline
  std::optional<double> measured;    ///< the board (given or derived from given figures)
  /// The measured value was used to fit a model parameter: a calibration
  /// point, so no error against it is reported.
  bool fitted = false;
  std::string note;      ///< how a measured value was derived, or why a cell is empty
  std::optional<double> budget;      ///< resource rows: the board's budget

  std::optional<double> errorVsAnalytical() const;
  std::optional<double> errorVsRoofline() const;
  std::optional<double> errorVsMeasured() const;
};

struct Comparison {
  std::string design;
  std::string memoryModel;
  std::string measuredSource;   ///< empty without `measured:`
  std::string resourcesSource;
  std::vector<std::string> warnings;  ///< e.g. measured on inference, simulated training
  std::vector<CompareRow> totals;
  std::vector<CompareRow> resources;
  std::vector<CompareRow> phases;
  /// `--hls-report`: the Vitis HLS synthesis report (measured) beside ftsim
  /// (simulated): latency, interval, resources of the exported top, clock.
  std::string hlsSource;
  std::vector<CompareRow> hls;
};

/// (value − reference) / reference · 100; nothing when the reference is 0.
std::optional<double> percentError(double value, double reference);

Comparison buildComparison(const Report& r, const config::MeasuredConfig& measured);

/// Resource rows: one per name that is estimated or measured, in the order
/// of config::kResourceNames; a missing estimate leaves its cell empty.
void addResourceRows(Comparison& c, const config::MeasuredConfig& measured,
                     const std::map<std::string, double>& estimated,
                     const std::map<std::string, double>& budget = {});

std::string compareMarkdown(const Comparison& c);
std::string compareCsv(const Comparison& c);

}  // namespace ftsim::traces

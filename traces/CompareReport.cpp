#include "traces/CompareReport.h"

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

namespace ftsim::traces {

namespace {

using Opt = std::optional<double>;

std::string cell(const Opt& v, int prec) {
  if (!v) return "";
  std::ostringstream s;
  s << std::fixed << std::setprecision(prec) << *v;
  return s.str();
}

/// Round-trip precision, so that a reader recomputes the errors exactly.
std::string exact(const Opt& v) {
  if (!v) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", *v);
  return buf;
}

int precisionOf(const std::string& quantity) {
  if (quantity == "cycles" || quantity == "mac_cycles" || quantity == "dsp" || quantity == "bram36" ||
      quantity == "lut" || quantity == "ff" || quantity == "uram")
    return 0;
  if (quantity == "seconds") return 6;
  if (quantity == "gflops" || quantity == "mac_gflops") return 2;
  return 3;
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::optional<double> percentError(double value, double reference) {
  if (reference == 0) return std::nullopt;
  return (value - reference) / reference * 100.0;
}

std::optional<double> CompareRow::errorVsAnalytical() const {
  return simulated && analytical ? percentError(*simulated, *analytical) : std::nullopt;
}

std::optional<double> CompareRow::errorVsRoofline() const {
  return simulated && roofline ? percentError(*simulated, *roofline) : std::nullopt;
}

std::optional<double> CompareRow::errorVsMeasured() const {
  return simulated && measured && !fitted ? percentError(*simulated, *measured) : std::nullopt;
}

Comparison buildComparison(const Report& r, const config::MeasuredConfig& m) {
  Comparison c;
  c.design = r.design;
  c.memoryModel = r.memoryModel;
  if (m.present) c.measuredSource = m.source;
  const double clockHz = r.clockMhz * 1e6;
  const double flops = static_cast<double>(r.flops);
  const double simSeconds = r.seconds();
  const auto secondsOf = [&](std::uint64_t cycles) { return static_cast<double>(cycles) / clockHz; };
  const auto gflopsOf = [&](std::uint64_t cycles) { return cycles ? Opt(flops / secondsOf(cycles) / 1e9) : std::nullopt; };
  const auto cyclesOpt = [](std::uint64_t v) { return v ? Opt(static_cast<double>(v)) : std::nullopt; };

  // The run trains when it has a backward pass; the measurement says what it was taken on.
  bool training = false;
  for (const LayerRow& row : r.rows) training = training || row.phase != schedule::Phase::FP;
  const std::string runMode = training ? "training" : "inference";
  if (!m.mode.empty() && m.mode != runMode)
    c.warnings.push_back("the measured figures are for " + m.mode + ", this run simulates " + runMode +
                         ": the comparison is not like for like");
  if (m.present && m.mode.empty())
    c.warnings.push_back("measured.mode is not given: the figures are assumed to be for " + runMode);

  // Measured figures, each either given or derived from two given ones.
  Opt latency = m.latencyS, gflops = m.throughputGflops, power = m.powerW, eff = m.gflopsPerW;
  std::string gflopsNote, powerNote, effNote, energyNote;
  if (!gflops && latency) {
    gflops = flops / *latency / 1e9;
    gflopsNote = "measured: derived, this run's FLOPs / measured latency";
  }
  if (!power && gflops && eff) {
    power = *gflops / *eff;
    powerNote = "measured: derived, throughput / GFLOPS/W";
  }
  if (!eff && gflops && power) {
    eff = *gflops / *power;
    effNote = "measured: derived, throughput / power";
  }
  Opt energy;
  if (latency && power) {
    energy = *latency * *power;
    energyNote = "measured: derived, latency x power";
  } else if (eff) {
    energy = flops / (*eff * 1e9);
    energyNote = "measured: derived, this run's FLOPs / measured GFLOPS/W";
  }
  const bool powerFitted = m.isFitted("power_w");
  const bool effFitted = m.isFitted("gflops_per_w");
  const bool energyFitted = false;
  const char* kFitted = "fitted (calibration point): a model parameter was fitted to this measured value";
  const auto joinNote = [](std::string a, const std::string& b) { return a.empty() ? b : b.empty() ? a : a + "; " + b; };

  // Which throughput the measured figure counts; unknown: it stands in both rows.
  const bool measuredEndToEnd = m.throughputScope != "conv_fc";
  const bool measuredConvFc = m.throughputScope != "end_to_end";
  const std::string scopeNote =
      m.throughputScope.empty() && gflops ? "measured: the source does not say whether it counts conv/FC only" : "";

  const bool e = r.energyModelled;
  const std::string noEnergy = "energy not modelled for this design";
  const std::string macOnly = "the analytical models cover the conv/FC phases only: see mac_cycles";
  const auto total = [&](const char* q, const char* unit, Opt sim, Opt ana, Opt roof, Opt meas, std::string note,
                         bool fitted = false) {
    CompareRow row;
    row.section = "total";
    row.quantity = q;
    row.unit = unit;
    row.simulated = sim;
    row.analytical = ana;
    row.roofline = roof;
    row.measured = meas;
    row.fitted = fitted && meas.has_value();
    row.note = row.fitted ? joinNote(kFitted, note) : std::move(note);
    c.totals.push_back(row);
  };
  total("cycles", "cycles", static_cast<double>(r.totalCycles), std::nullopt, std::nullopt,
        latency ? Opt(*latency * clockHz) : std::nullopt,
        joinNote(latency ? "measured: derived, latency x clock" : "", macOnly));
  total("mac_cycles", "cycles", static_cast<double>(r.macCycles), cyclesOpt(r.eftrainCycles), cyclesOpt(r.rooflineCycles),
        std::nullopt, "conv/FC phases only");
  total("seconds", "s", simSeconds, std::nullopt, std::nullopt, latency, "", m.isFitted("latency_s"));
  total("gflops", "GFLOPS", r.gflops(), std::nullopt, std::nullopt, measuredEndToEnd ? gflops : std::nullopt,
        joinNote(joinNote("end to end: the whole iteration", gflopsNote), measuredEndToEnd ? scopeNote : ""),
        m.isFitted("throughput_gflops"));
  total("mac_gflops", "GFLOPS", r.macGflops(), gflopsOf(r.eftrainCycles), gflopsOf(r.rooflineCycles),
        measuredConvFc ? gflops : std::nullopt,
        joinNote(joinNote("conv/FC phases only: all FLOPs over their cycles", gflopsNote),
                 measuredConvFc ? scopeNote : ""),
        m.isFitted("throughput_gflops"));
  total("power_w", "W", e ? Opt(r.powerWatts()) : std::nullopt, std::nullopt, std::nullopt, power,
        e ? powerNote : noEnergy, powerFitted);
  total("gflops_per_w", "GFLOPS/W", e ? Opt(r.gflopsPerWatt()) : std::nullopt, std::nullopt, std::nullopt, eff,
        e ? effNote : noEnergy, effFitted);
  total("energy_j", "J", e ? Opt(r.energyJoules()) : std::nullopt, std::nullopt, std::nullopt, energy,
        e ? energyNote : noEnergy, energyFitted);

  for (const LayerRow& row : r.rows) {
    CompareRow p;
    p.section = "phase";
    p.layer = row.layer;
    p.phase = schedule::toString(row.phase);
    p.quantity = "cycles";
    p.unit = "cycles";
    p.simulated = static_cast<double>(row.cycles);
    p.analytical = cyclesOpt(row.eftrainCycles);
    p.roofline = cyclesOpt(row.rooflineCycles);
    for (const config::MeasuredLayer& ml : m.layers)
      if (ml.layer == row.layer && ml.phase == p.phase) {
        p.measured = ml.latencyS * clockHz;
        p.note = "measured: latency_s x clock";
      }
    if (!p.analytical && row.unit != "pe_array") p.note = joinNote(p.note, "no analytical model for " + row.type);
    c.phases.push_back(p);
  }
  return c;
}

namespace {
const char* resourceUnit(const std::string& name) {
  if (name == "dsp") return "DSP48E2";
  if (name == "bram36") return "BRAM36";
  if (name == "uram") return "URAM288";
  if (name == "lut") return "LUT";
  return "FF";
}
}  // namespace

void addResourceRows(Comparison& c, const config::MeasuredConfig& m, const std::map<std::string, double>& estimated,
                     const std::map<std::string, double>& budget) {
  c.resources.clear();
  c.resourcesSource = m.resourcesSource;
  for (const char* name : config::kResourceNames) {
    const auto est = estimated.find(name);
    const auto meas = m.resources.find(name);
    if (est == estimated.end() && meas == m.resources.end()) continue;
    CompareRow row;
    row.section = "resource";
    row.quantity = name;
    row.unit = resourceUnit(name);
    if (est != estimated.end()) row.simulated = est->second;
    else row.note = "no estimate";
    if (meas != m.resources.end()) row.measured = static_cast<double>(meas->second);
    if (const auto b = budget.find(name); b != budget.end()) row.budget = b->second;
    c.resources.push_back(row);
  }
}

std::string compareMarkdown(const Comparison& c) {
  std::ostringstream s;
  s << "# ftsim compare: " << c.design << "\n\n";
  s << "Memory model: " << c.memoryModel << ". Errors are (simulated − reference) / reference.\n";
  s << "Analytical models: EF-Train (the authors' model, finetune2.py, in closed form) and the roofline\n"
       "(Zhang et al., FPGA 2015), both at the tiling the simulation ran, for conv/FC phases.\n";
  s << "Measured: " << (c.measuredSource.empty() ? "none given (`measured:` in the design)" : c.measuredSource)
    << "\n\n";
  for (const std::string& w : c.warnings) s << "**Warning:** " << w << "\n\n";
  const auto table = [&](const std::vector<CompareRow>& rows, bool phases, const char* simHeader) {
    if (phases) s << "| layer | phase | ";
    else s << "| quantity | unit | ";
    s << simHeader << " | EF-Train model | err % | roofline | err % | measured | err vs measured % | note |\n";
    s << "|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n";
    for (const CompareRow& r : rows) {
      const int prec = precisionOf(r.quantity);
      s << "| " << (phases ? r.layer : r.quantity) << " | " << (phases ? r.phase : r.unit) << " | "
        << cell(r.simulated, prec) << " | " << cell(r.analytical, prec) << " | " << cell(r.errorVsAnalytical(), 2)
        << " | " << cell(r.roofline, prec) << " | " << cell(r.errorVsRoofline(), 2) << " | " << cell(r.measured, prec)
        << " | " << (r.fitted ? std::string("fitted") : cell(r.errorVsMeasured(), 2)) << " | " << r.note << " |\n";
    }
  };
  s << "## Totals\n\n";
  table(c.totals, false, "simulated");
  if (!c.resources.empty()) {
    s << "\n## Resources\n\nEstimated: the resource model (docs/resources.md). Measured: "
      << (c.resourcesSource.empty() ? "none given (`measured.resources` in the design)" : c.resourcesSource) << "\n\n";
    s << "| quantity | unit | estimated | budget | % of budget | measured | err vs measured % | note |\n";
    s << "|---|---|---:|---:|---:|---:|---:|---|\n";
    for (const CompareRow& r : c.resources) {
      std::optional<double> share;
      if (r.simulated && r.budget && *r.budget > 0) share = *r.simulated / *r.budget * 100.0;
      s << "| " << r.quantity << " | " << r.unit << " | " << cell(r.simulated, 1) << " | " << cell(r.budget, 0)
        << " | " << cell(share, 1) << " | " << cell(r.measured, 1) << " | " << cell(r.errorVsMeasured(), 2) << " | "
        << r.note << " |\n";
    }
  }
  s << "\n## Layers × phases (cycles)\n\n";
  table(c.phases, true, "simulated");
  if (!c.hls.empty()) {
    s << "\n## Vitis HLS synthesis report\n\n" << c.hlsSource
      << "\nError: (ftsim − report) / report. Resources: the estimate of the units the exported top holds.\n\n";
    s << "| quantity | unit | layer | phase | ftsim | HLS report | err % | note |\n";
    s << "|---|---|---|---|---:|---:|---:|---|\n";
    for (const CompareRow& r : c.hls)
      s << "| " << r.quantity << " | " << r.unit << " | " << r.layer << " | " << r.phase << " | "
        << cell(r.simulated, r.quantity == "clock_mhz" ? 2 : 0) << " | " << cell(r.measured, r.quantity == "clock_mhz" ? 2 : 0)
        << " | " << cell(r.errorVsMeasured(), 2) << " | " << r.note << " |\n";
  }
  return s.str();
}

std::string compareCsv(const Comparison& c) {
  std::ostringstream s;
  s << "section,layer,phase,quantity,unit,simulated,analytical,roofline,measured,error_vs_analytical_percent,"
       "error_vs_roofline_percent,error_vs_measured_percent,note\n";
  for (const std::string& w : c.warnings) s << "warning,,,,,,,,,,,," << csvField(w) << '\n';
  for (const auto* rows : {&c.totals, &c.resources, &c.phases, &c.hls})
    for (const CompareRow& r : *rows)
      s << r.section << ',' << csvField(r.layer) << ',' << r.phase << ',' << r.quantity << ',' << csvField(r.unit)
        << ',' << exact(r.simulated) << ',' << exact(r.analytical) << ',' << exact(r.roofline) << ','
        << exact(r.measured) << ',' << exact(r.errorVsAnalytical()) << ',' << exact(r.errorVsRoofline()) << ','
        << exact(r.errorVsMeasured()) << ',' << csvField(r.note) << '\n';
  return s.str();
}

}  // namespace ftsim::traces

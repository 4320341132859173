#include "sim/hls/HlsCompare.h"

#include <algorithm>
#include <cstdio>

#include "sim/core/Error.h"
#include "sim/resources/EfTrainHlsStructure.h"

namespace ftsim::hls {

std::vector<traces::CompareRow> hlsReportRows(const CsynthReport& hls, const traces::Report& run,
                                              const resources::ResourceEstimate& estimate,
                                              const config::DesignConfig& d, const std::string& layer,
                                              const std::string& phase) {
  const traces::LayerRow* row = nullptr;
  std::string have;
  for (const traces::LayerRow& r : run.rows) {
    if (r.unit != "pe_array") continue;
    const std::string ph = schedule::toString(r.phase);
    if (r.layer == layer && ph == phase) row = &r;
    have += (have.empty() ? "" : " ") + r.layer + "." + ph;
  }
  if (!row)
    throw UserError("--hls-layer " + layer + " --hls-phase " + phase + ": the run has no such conv/FC phase (" +
                    have + ")");
  const double cycles = static_cast<double>(row->cycles);
  const std::string what = layer + " " + phase;

  // The estimate of the units the exported top holds.
  const resources::EfTrainHlsStructure st = resources::efTrainHlsStructure(d.accelerator);
  std::vector<std::string> units;
  for (const auto& o : st.operators) units.push_back(o.unit);
  for (const auto& a : st.arrays) units.push_back(a.unit);
  resources::ResourceLine top;
  for (const resources::ResourceLine& l : estimate.lines)
    if (std::find(units.begin(), units.end(), l.unit) != units.end()) {
      top.dsp += l.dsp;
      top.bram36 += l.bram36;
      top.uram += l.uram;
      top.lut += l.lut;
      top.ff += l.ff;
    }

  std::vector<traces::CompareRow> rows;
  const auto add = [&](const std::string& q, const std::string& unit, std::optional<double> sim,
                       std::optional<double> rep, const std::string& note) {
    traces::CompareRow r;
    r.section = "hls";
    r.layer = layer;
    r.phase = phase;
    r.quantity = q;
    r.unit = unit;
    r.simulated = sim;
    r.measured = rep;
    r.note = rep ? note : note + (note.empty() ? "" : "; ") + "not in the report";
    rows.push_back(r);
  };
  add("latency_min", "cycles", cycles, hls.latencyMinCycles, "ftsim: simulated cycles of " + what);
  add("latency_max", "cycles", cycles, hls.latencyMaxCycles, "ftsim: simulated cycles of " + what);
  add("interval", "cycles", cycles, hls.intervalMaxCycles,
      "II of the top: one call runs one layer x phase (Interval-max)");
  const std::string est = "ftsim: estimate of the top's units (pe_array.*, buffers.*)";
  add("dsp", "DSP48E2", top.dsp, hls.dsp, est);
  add("bram18k", "BRAM_18K", top.bram36 * 2.0, hls.bram18k, est);
  add("uram", "URAM288", top.uram, hls.uram, est);
  add("lut", "LUT", top.lut, hls.lut, est);
  add("ff", "FF", top.ff, hls.ff, est);
  std::optional<double> mhz;
  if (hls.estimatedClockNs && *hls.estimatedClockNs > 0) mhz = 1e3 / *hls.estimatedClockNs;
  std::string clockNote = "ftsim: accelerator.clock_mhz; report: 1000 / EstimatedClockPeriod";
  if (hls.targetClockNs) {
    char buf[48];
    std::snprintf(buf, sizeof buf, " (target period %.3f ns)", *hls.targetClockNs);
    clockNote += buf;
  }
  add("clock_mhz", "MHz", d.accelerator.clock.freqMhz(), mhz, clockNote);
  return rows;
}

}  // namespace ftsim::hls

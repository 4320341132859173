#include "sim/cli/Compare.h"

#include <boost/program_options.hpp>
#include <unistd.h>

#include <map>
#include <optional>
#include <memory>
#include <string>

#include "families/Registry.h"
#include "sim/cli/Common.h"
#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"
#include "sim/hls/CsynthReport.h"
#include "sim/hls/HlsCompare.h"
#include "sim/hls/HlsExport.h"
#include "traces/AtomicFile.h"
#include "traces/CompareReport.h"
#include "traces/Report.h"

namespace ftsim::cli {

namespace po = boost::program_options;

namespace {

const char* kCompareHelp =
    "usage: ftsim compare <design.yaml> [options]\n"
    "\n"
    "Simulate one iteration of an EF-Train design point (a training step, or an inference\n"
    "with workload.mode: inference), then print and write\n"
    "DIR/compare.md and DIR/compare.csv, which set these views of it side by side:\n"
    "  simulated   this run (cycle-accurate, with the design's memory model)\n"
    "  EF-Train    the authors' analytical model (finetune2.py) in closed form, from each conv/FC\n"
    "              layer's shape, the tiling the run used and the accelerator's parameters\n"
    "  roofline    Zhang et al. (FPGA 2015): min(computational roof, CTC ratio x bandwidth),\n"
    "              bandwidth from analytical.roofline.bandwidth_gb_per_s, else the board DDR peak\n"
    "  measured    the design's `measured:` figures from the board, with their source\n"
    "Each reference gets an error column, (simulated - reference) / reference * 100.\n"
    "\n"
    "Totals: cycles, seconds, GFLOPS end to end and over the conv/FC phases only (mac_cycles,\n"
    "mac_gflops: the analytical models cover only these), power (W), GFLOPS/W and energy (J).\n"
    "Measured values that are not given but follow from two given ones are derived and say so\n"
    "in the note column (e.g. power = throughput / GFLOPS/W). A measured figure listed in\n"
    "measured.fitted (a model parameter was fitted to it) is a calibration point: no error is\n"
    "shown against it. compare refuses (exit status 2) when measured.mode (training or inference)\n"
    "is not the design's workload.mode, and warns when it is not given. Energy rows need the board's energy table (board.energy). One row\n"
    "per layer x phase compares cycles, with measured.layers where given. Resource rows set the\n"
    "design's resource estimate (as `ftsim check` prints it) beside measured.resources.\n"
    "\n"
    "The design's `measured:` section (all figures optional, `source:` required):\n"
    "  measured:\n"
    "    source: 'who measured it, where it is published'\n"
    "    throughput_gflops: 46.99\n"
    "    power_w: 7.7\n"
    "    gflops_per_w: 6.09\n"
    "    latency_s: 0.033        # one iteration (training step or inference)\n"
    "    mode: training          # or inference: what the figures were measured on\n"
    "    throughput_scope: conv_fc   # or end_to_end: what throughput_gflops counts\n"
    "    fitted: [power_w]       # figures a model parameter was fitted to\n"
    "    layers: {conv1_1.FP: {latency_s: 0.0123}}   # per layer x phase\n"
    "    resources: {source: '...', dsp: 1, bram36: 1, lut: 1, ff: 1, uram: 0}   # own source\n"
    "--hls-report FILE sets a Vitis HLS synthesis report (solution1/syn/report/csynth.xml of the\n"
    "project `ftsim hls-export` wrote) beside the run: latency min/max and interval against the\n"
    "simulated cycles of --hls-layer (default: the layer hls-export picks) x --hls-phase (default\n"
    "FP), DSP, BRAM_18K, URAM, LUT and FF against the estimate of the units the exported top holds,\n"
    "the estimated clock against accelerator.clock_mhz; each with (ftsim - report) / report.\n"
    "\n"
    "Keys are validated like every other: a wrong type or an unknown key stops with\n"
    "file:line: key = value: rule and exit status 2, before anything is simulated or written.\n"
    "\n";

/// The resource estimate of the design (docs/resources.md) and the board's
/// budget, by the names of `measured.resources` (config::kResourceNames).
void addResourceEstimate(traces::Comparison& cmp, const config::DesignConfig& d) {
  const resources::ResourceEstimate e = families::estimateResources(d);
  traces::addResourceRows(cmp, d.measured,
                          {{"dsp", e.total.dsp}, {"bram36", e.total.bram36}, {"lut", e.total.lut},
                           {"ff", e.total.ff}, {"uram", e.total.uram}},
                          {{"dsp", e.budgetDsp}, {"bram36", e.budgetBram36}, {"lut", e.budgetLut},
                           {"ff", e.budgetFf}, {"uram", e.budgetUram}});
  // DSP counts are of the board family's slice (DSP48E1 on 7-series, DSP48E2 on UltraScale+).
  for (traces::CompareRow& row : cmp.resources)
    if (row.quantity == "dsp") row.unit = e.dspType;
}

/// Every measured.layers entry names a layer × phase the run has: FP of any
/// layer, BP where the layer's input needs a gradient, WU where it has weights.
void checkMeasuredLayers(const config::DesignConfig& d) {
  for (const config::MeasuredLayer& ml : d.measured.layers) {
    bool found = false;
    for (const workload::Layer& l : d.workload.layers)
      if (l.name == ml.layer)
        found = ml.phase == "FP" || (d.workload.training() && ((ml.phase == "BP" && l.needsInputGrad) ||
                                                               (ml.phase == "WU" && l.hasWeights())));
    if (!found)
      throw ConfigError(ml.loc, ml.keyPath, "",
                        "the run has no " + ml.phase + " phase of a layer named " + ml.layer + " (workload " +
                            d.workload.name + ")");
  }
}

/// Figures measured on an inference are no yardstick for a training step,
/// nor the other way round.
void checkMeasuredMode(const config::DesignConfig& d) {
  const std::string runMode = workload::toString(d.workload.mode);
  if (d.measured.mode.empty() || d.measured.mode == runMode) return;
  throw ConfigError(d.measured.modeLoc, "measured.mode", d.measured.mode,
                    "the measured figures are for " + d.measured.mode + " but workload.mode is " + runMode +
                        ": compare sets like beside like; set workload.mode: " + d.measured.mode +
                        " (e.g. --set workload.mode=" + d.measured.mode + ") or give figures measured on " + runMode);
}

}  // namespace

int cmdCompare(int argc, const char* const* argv, std::ostream& out) {
  po::options_description opts = commonOptions();
  opts.add_options()("out,o", po::value<std::string>(), "output directory (default: out/<design name>)")(
      "quiet,q", "no progress line and nothing printed; the files are still written")(
      "hls-report", po::value<std::string>(), "Vitis HLS csynth.xml of the exported top")(
      "hls-layer", po::value<std::string>(), "layer the report was synthesized for (default: hls-export's)")(
      "hls-phase", po::value<std::string>()->default_value("FP"), "its phase: FP, BP or WU");
  const Parsed p = parse("compare", opts, argc, argv);
  if (p.vm.count("help")) {
    out << kCompareHelp << opts;
    return 0;
  }
  const bool quiet = p.vm.count("quiet") > 0;
  const config::DesignConfig d = loadDesign(p, "compare");
  const families::AcceleratorFamily& family = families::of(d);
  if (!family.hasAnalyticalModel())
    throw ConfigError(d.kindLoc, "accelerator.kind", d.kind,
                      "ftsim compare needs an analytical model to compare with (" +
                          families::titlesWith(&families::AcceleratorFamily::hasAnalyticalModel) + " designs only)");
  checkMeasuredLayers(d);
  checkMeasuredMode(d);
  std::optional<hls::CsynthReport> hlsReport;
  if (p.vm.count("hls-report")) {
    if (!family.hasHlsExport())
      throw ConfigError(d.kindLoc, "accelerator.kind", d.kind,
                        "--hls-report: ftsim hls-export exports " +
                            families::titlesWith(&families::AcceleratorFamily::hasHlsExport) + " designs only");
    hlsReport = hls::readCsynthReport(p.vm["hls-report"].as<std::string>());
    const std::string ph = p.vm["hls-phase"].as<std::string>();
    if (ph != "FP" && ph != "BP" && ph != "WU") throw UserError("--hls-phase " + ph + ": must be FP, BP or WU");
    if (p.vm.count("hls-layer")) {
      const std::string name = p.vm["hls-layer"].as<std::string>();
      bool found = false;
      for (const workload::Layer& l : d.workload.layers) found = found || (l.name == name && l.isMac());
      if (!found)
        throw UserError("--hls-layer " + name + ": workload " + d.workload.name + " has no conv/FC layer of that name");
    }
  }
  const std::string outDir = outputDir(p, d);
  traces::OutputSet outputs = openOutputSet(outDir, "compare");

  const std::unique_ptr<families::DesignRun> run = family.prepare(d);
  run->simulate(!quiet && ::isatty(2), nullptr);
  const traces::Report& report = run->report();

  traces::Comparison cmp = traces::buildComparison(report, d.measured);
  addResourceEstimate(cmp, d);
  if (hlsReport) {
    const std::string layer =
        p.vm.count("hls-layer") ? p.vm["hls-layer"].as<std::string>() : hls::defaultExportLayer(d);
    cmp.hlsSource = "Report: " + hlsReport->file + (hlsReport->topModel.empty() ? "" : ", top " + hlsReport->topModel) +
                    (hlsReport->part.empty() ? "" : ", part " + hlsReport->part) + ".";
    cmp.hls = hls::hlsReportRows(*hlsReport, report, families::estimateResources(d), d, layer,
                                 p.vm["hls-phase"].as<std::string>());
  }
  const std::string md = traces::compareMarkdown(cmp);
  traces::writeFileAtomically(outputs.staged("compare.md"), md);
  traces::writeFileAtomically(outputs.staged("compare.csv"), traces::compareCsv(cmp));
  throwIfInterrupted();
  outputs.commit();
  if (!quiet) out << md << "\nwrote " << outDir << "/compare.md, " << outDir << "/compare.csv\n";
  return 0;
}

}  // namespace ftsim::cli

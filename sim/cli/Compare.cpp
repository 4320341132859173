#include "sim/cli/Compare.h"

#include <boost/program_options.hpp>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/accel/EfTrainSystem.h"
#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "sim/core/Log.h"
#include "sim/energy/EnergyModel.h"
#include "sim/resources/ResourceModel.h"
#include "sim/schedule/BufferUsage.h"
#include "sim/schedule/Scheduler.h"
#include "traces/AtomicFile.h"
#include "traces/CompareReport.h"
#include "traces/Report.h"

namespace ftsim::cli {

namespace po = boost::program_options;

namespace {

const char* kCompareHelp =
    "usage: ftsim compare <design.yaml> [options]\n"
    "\n"
    "Simulate one training iteration of an EF-Train design point, then print and write\n"
    "DIR/compare.md and DIR/compare.csv, which set three views of it side by side:\n"
    "  simulated   this run (cycle-accurate, with the design's memory model)\n"
    "  analytical  EF-Train's analytical model evaluated on the same steps\n"
    "  measured    the design's `measured:` figures from the board, with their source\n"
    "Each reference gets an error column, (simulated - reference) / reference * 100.\n"
    "\n"
    "Totals: cycles, seconds, GFLOPS, power (W), GFLOPS/W and energy (J) of the iteration.\n"
    "Measured values that are not given but follow from two given ones are derived and say so\n"
    "in the note column (e.g. power = throughput / GFLOPS/W). Energy rows need the board's\n"
    "energy table (board.energy); without it they stay empty. One row per layer x phase\n"
    "compares simulated and analytical cycles. Resource rows set the design's resource\n"
    "estimate (as `ftsim check` prints it) beside measured.resources, where given.\n"
    "\n"
    "The design's `measured:` section (all figures optional, `source:` required):\n"
    "  measured:\n"
    "    source: 'who measured it, where it is published'\n"
    "    throughput_gflops: 46.99\n"
    "    power_w: 7.7\n"
    "    gflops_per_w: 6.09\n"
    "    latency_s: 0.033        # one training iteration\n"
    "    resources: {source: '...', dsp: 1, bram36: 1, lut: 1, ff: 1, uram: 0}   # own source\n"
    "Keys are validated like every other: a wrong type or an unknown key stops with\n"
    "file:line: key = value: rule and exit status 2, before anything is simulated or written.\n"
    "\n";

/// The resource estimate of the design (docs/resources.md) and the board's
/// budget, by the names of `measured.resources` (config::kResourceNames).
void addResourceEstimate(traces::Comparison& cmp, const config::DesignConfig& d) {
  const resources::ResourceEstimate e = resources::estimateResources(d);
  traces::addResourceRows(cmp, d.measured,
                          {{"dsp", e.total.dsp}, {"bram36", e.total.bram36}, {"lut", e.total.lut},
                           {"ff", e.total.ff}, {"uram", e.total.uram}},
                          {{"dsp", e.budgetDsp}, {"bram36", e.budgetBram36}, {"lut", e.budgetLut},
                           {"ff", e.budgetFf}, {"uram", e.budgetUram}});
}

}  // namespace

int cmdCompare(int argc, const char* const* argv, std::ostream& out) {
  po::options_description opts("options");
  opts.add_options()("out,o", po::value<std::string>(), "output directory (default: out/<design name>)")(
      "set,s", po::value<std::vector<std::string>>()->composing(),
      "override a config value, e.g. --set memory.model=ideal (repeatable; the value is YAML)")(
      "seed", po::value<std::uint64_t>(), "random seed of the run (default: the design's `seed`, else 1)")(
      "log-level", po::value<std::string>()->default_value("warn"), "trace, debug, info, warn, error or off")(
      "quiet,q", "no progress line and nothing printed; the files are still written")("help,h", "this help");
  po::options_description all(opts);
  all.add_options()("design", po::value<std::string>(), "design file");
  po::positional_options_description pos;
  pos.add("design", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UserError(std::string("ftsim compare: ") + e.what() + " (see `ftsim compare --help`)");
  }
  if (vm.count("help")) {
    out << kCompareHelp << opts;
    return 0;
  }
  if (!vm.count("design")) throw UserError("ftsim compare: missing <design.yaml> (see `ftsim compare --help`)");
  std::vector<std::string> overrides;
  if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
  if (vm.count("seed")) overrides.push_back("seed=" + std::to_string(vm["seed"].as<std::uint64_t>()));
  log::setLevel(vm["log-level"].as<std::string>());
  const bool quiet = vm.count("quiet") > 0;
  const config::DesignConfig d = config::DesignConfig::load(vm["design"].as<std::string>(), overrides);
  if (d.kind != "eftrain")
    throw UserError(d.file + ": ftsim compare: accelerator.kind " + d.kind +
                    " has no analytical model to compare with (EF-Train designs only)");

  const std::string outDir = vm.count("out") ? vm["out"].as<std::string>() : "out/" + d.name;
  std::error_code ec;
  std::filesystem::create_directories(outDir, ec);
  if (ec || !std::filesystem::is_directory(outDir))
    throw UserError("--out " + outDir + ": cannot create the output directory" + (ec ? ": " + ec.message() : ""));

  schedule::SchedulerInputs in;
  in.accel = &d.accelerator;
  in.host = &d.board.host;
  in.net = &d.workload;
  in.ddrCapacityBytes = d.board.ddr.capacityBytes();
  in.plainLayout = d.accelerator.dma.plainLayout;
  const schedule::Scheduler sched(in);
  const schedule::Program prog = sched.build();
  models::SimOptions simOpts;
  simOpts.progress = !quiet && ::isatty(2);
  stats::RunResult run = models::simulate(d.accelerator, d.memory, prog, sched.modelParams(), simOpts);
  run.design = d.name;
  run.batch = d.workload.batch;
  run.seed = d.seed;
  energy::annotateDesignRun(d, prog, run);
  const traces::Report report = traces::makeReport(run, d.workload, schedule::bufferUsage(prog, d.accelerator));

  traces::Comparison cmp = traces::buildComparison(report, d.measured);
  addResourceEstimate(cmp, d);
  const std::string md = traces::compareMarkdown(cmp);
  traces::writeFileAtomically(outDir + "/compare.md", md);
  traces::writeFileAtomically(outDir + "/compare.csv", traces::compareCsv(cmp));
  if (!quiet) out << md << "\nwrote " << outDir << "/compare.md, " << outDir << "/compare.csv\n";
  return 0;
}

}  // namespace ftsim::cli

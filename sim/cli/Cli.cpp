#include "sim/cli/Cli.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "families/Registry.h"
#include "sim/cli/Common.h"
#include "sim/cli/Compare.h"
#include "sim/cli/HlsExport.h"
#include "sim/cli/Dram.h"
#include "sim/cli/Sweep.h"
#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"
#include "sim/core/Log.h"
#include "traces/AtomicFile.h"
#include "traces/OutputSet.h"
#include "traces/SummaryWriter.h"
#include "traces/Timeline.h"

namespace ftsim::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kVersion = "ftsim 0.1.0";

const char* kMainHelp =
    "ftsim: cycle-accurate SystemC/TLM-2.0 simulator of FPGA training accelerators\n"
    "\n"
    "usage: ftsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run <design.yaml>    simulate one training step of a design point; print a summary and\n"
    "                       write summary.json and layers.csv (--functional: on real values too)\n"
    "  check <design.yaml>  validate a design, print its resolved configuration, schedule and\n"
    "                       on-chip buffer use against the board, without simulating\n"
    "  compare <design.yaml> simulate and set the run beside the analytical model and the\n"
    "                       design's measured board figures; write compare.md and compare.csv\n"
    "  dram <trace>         replay an address trace (DRAMsim3, Ramulator, DRAMSys STL) through the\n"
    "                       DRAM controller and device; write dram.json\n"
    "  sweep <sweep.yaml>   run a design-space sweep (local processes or a Slurm job array);\n"
    "                       write results.csv, pareto.csv and plots of the front\n"
    "  hls-export <design.yaml> --out DIR  write a Vitis HLS project (kernels, top, directives,\n"
    "                       run_hls.tcl, Vivado block design, C testbench with golden vectors)\n"
    "\n"
    "options:\n"
    "  -h, --help           this help; `ftsim <command> --help` for a command's options\n"
    "  --version            print the version\n"
    "\n"
    "Exit status: 0 success, 2 bad input (the message names the file, line, key and rule),\n"
    "1 internal error, 130 / 143 interrupted by SIGINT / SIGTERM (the output directory is left as it was).\n";

int cmdCheck(int argc, const char* const* argv, std::ostream& out) {
  po::options_description opts = commonOptions();
  const Parsed p = parse("check", opts, argc, argv);
  if (p.vm.count("help")) {
    out << "usage: ftsim check <design.yaml> [options]\n\n"
           "Validate a design point (every key, type and range; unknown keys are errors), build its\n"
           "schedule, and print the resolved configuration, the tiling of every conv/FC phase,\n"
           "the on-chip buffer use and the resource estimate (DSP, BRAM36, URAM, LUT, FF) against\n"
           "the board; a design over the board's budget is refused. Nothing is simulated or written.\n\n"
        << opts;
    return 0;
  }
  const config::DesignConfig d = loadDesign(p, "check");
  families::of(d).describe(d, out);
  out << "ok: " << d.name << " is valid\n";
  return 0;
}

/// The timeline options of `ftsim run`, checked against the program before
/// anything is written. `timeline.path` stays empty when no timeline is asked for.
traces::TimelineOptions timelineOptions(const Parsed& p, const config::DesignConfig& d) {
  traces::TimelineOptions t;
  const bool window = p.vm.count("timeline-window") > 0;
  const bool cap = p.vm.count("timeline-max-events") > 0;
  if (!p.vm.count("timeline") && !window && !cap) return t;
  if (!families::of(d).reportsToObserver())
    throw UserError("--timeline: only " + families::titlesWith(&families::AcceleratorFamily::reportsToObserver) +
                    " designs record a timeline (" + d.kindLoc.str() + ": accelerator.kind = " + d.kind + ")");
  if (window) traces::parseTimelineWindow(p.vm["timeline-window"].as<std::string>(), t);
  if (cap) {
    const std::string v = p.vm["timeline-max-events"].as<std::string>();
    std::size_t used = 0;
    unsigned long long n = 0;
    try {
      n = v.empty() || v[0] == '-' || v[0] == '+' ? 0 : std::stoull(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != v.size() || n == 0)
      throw UserError("--timeline-max-events " + v + ": expected a whole number of events above 0");
    t.maxEvents = n;
  }
  t.path = "timeline.json";  // made relative to the output directory by the caller
  return t;
}

int cmdRun(int argc, const char* const* argv, std::ostream& out) {
  po::options_description opts = commonOptions();
  opts.add_options()("out,o", po::value<std::string>(), "output directory (default: out/<design name>)")(
      "quiet,q", "no progress line and no console summary (for scripts)")(
      "timeline", "also write DIR/timeline.json, a Chrome trace (Perfetto, chrome://tracing) of the DMA streams, "
                  "the PE array, the vector unit, the DDR4 banks and the layer phases; EF-Train designs only")(
      "timeline-window", po::value<std::string>(),
      "record only START:END (accelerator cycles, END exclusive), or the phases of LAYER, or LAYER:PHASE "
      "(PHASE: FP, BP or WU); implies --timeline")(
      "timeline-max-events", po::value<std::string>(),
      "record at most N events (default 1000000); later ones are dropped with a warning and a note in the "
      "file; implies --timeline")(
      "functional", "functional mode (= --set accelerator.functional=true): real values through the models, "
                    "the same cycles; EF-Train: DIR/weights/<param>.npy, DIR/loss.npy and the loss and a weight "
                    "checksum in summary.json; an inference design: DIR/logits.npy and their checksum "
                    "(docs/functional.md)")(
      "init", po::value<std::string>(), "functional: initial parameters <param>.npy and data input.npy, "
                                        "labels.npy from DIR (PyTorch's shapes); the rest seeded by --seed")(
      "lr", po::value<float>(), "functional: SGD learning rate (default 0.01)")(
      "activations", "functional: also write DIR/activations/<layer>.npy, every layer's output")(
      "dump-init", "functional: also write the initial parameters and data to DIR/init");
  const Parsed p = parse("run", opts, argc, argv);
  if (p.vm.count("help")) {
    out << "usage: ftsim run <design.yaml> [options]\n\n"
           "Simulate one training iteration (FP, loss, BP, WU over one mini-batch) of a design\n"
           "point and write DIR/summary.json (schema ftsim.summary/1) and DIR/layers.csv, and with\n"
           "--timeline DIR/timeline.json (see traces/README.md). With --functional the models move\n"
           "and compute real values (same cycles) and the run also writes the updated weights and\n"
           "the loss (docs/functional.md).\n\n"
           "The files reach DIR together, with DIR/ftsim-run.manifest.json written last; a failed or\n"
           "interrupted run (SIGINT, SIGTERM: exit 130, 143) leaves DIR as it was (docs/outputs.md).\n\n"
        << opts;
    return 0;
  }
  const bool quiet = p.vm.count("quiet") > 0;
  config::DesignConfig d = loadDesign(p, "run");
  traces::TimelineOptions tlOpts = timelineOptions(p, d);
  throwIfInterrupted();

  // Every file of the run goes to the set's staging directory and reaches
  // outDir only in commit(), as one set (docs/outputs.md).
  const std::string outDir = outputDir(p, d);
  const families::AcceleratorFamily& family = families::of(d);
  const std::unique_ptr<families::DesignRun> run = family.prepare(d);
  run->checkTimelineWindow(tlOpts);
  families::FunctionalFiles files;
  files.given = p.vm.count("init") || p.vm.count("lr") || p.vm.count("activations") || p.vm.count("dump-init");
  if (p.vm.count("init")) files.initDir = p.vm["init"].as<std::string>();
  if (p.vm.count("lr")) files.learningRate = p.vm["lr"].as<float>();
  files.learningRateGiven = p.vm.count("lr") > 0;
  files.activations = p.vm.count("activations") > 0;
  files.dumpInit = p.vm.count("dump-init") > 0;
  run->setFunctionalFiles(files, traces::OutputSet::stagingPath(outDir));
  // Bad options have been refused by now without touching the disk; the
  // directory is proved writable before the simulation.
  traces::OutputSet outputs = openOutputSet(outDir, "run");

  std::unique_ptr<traces::Timeline> timeline;
  if (!tlOpts.path.empty()) {
    tlOpts.path = outputs.staged(tlOpts.path);
    timeline = std::make_unique<traces::Timeline>(tlOpts, family.clock(d), d.name);
  }
  testPausePoint("before-simulation");
  run->simulate(!quiet && ::isatty(2), timeline.get());
  const traces::Report& report = run->report();
  traces::writeFileAtomically(outputs.staged("summary.json"), run->summaryJson());
  traces::writeFileAtomically(outputs.staged("layers.csv"), traces::layersCsv(report));
  std::uint64_t dropped = 0;
  if (timeline) dropped = timeline->finish();
  testPausePoint("commit");
  throwIfInterrupted();
  outputs.commit();
  if (dropped)
    std::cerr << "warning: " << outDir << "/timeline.json: the cap of " << tlOpts.maxEvents << " events was reached; "
              << dropped << " later events were dropped (narrow --timeline-window or raise "
              << "--timeline-max-events)\n";
  if (!quiet) {
    run->printSummary(out);
    out << "wrote         " << outDir << "/summary.json, " << outDir << "/layers.csv";
    if (report.functional && report.functional->inference) out << ", " << outDir << "/logits.npy";
    else if (report.functional) out << ", " << outDir << "/weights/, " << outDir << "/loss.npy";
    if (timeline) out << ", " << outDir << "/timeline.json (" << timeline->recorded() << " events)";
    out << "\n";
  }
  return 0;
}

}  // namespace

int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  installInterruptHandlers();
  try {
    if (argc < 2) {
      err << kMainHelp;
      return 2;
    }
    const std::string cmd = argv[1];
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
      out << kMainHelp;
      return 0;
    }
    if (cmd == "--version") {
      out << kVersion << "\n";
      return 0;
    }
    if (cmd == "run") return cmdRun(argc - 1, argv + 1, out);
    if (cmd == "check") return cmdCheck(argc - 1, argv + 1, out);
    if (cmd == "compare") return cmdCompare(argc - 1, argv + 1, out);
    if (cmd == "dram") return cmdDram(argc - 1, argv + 1, out);
    if (cmd == "sweep") return cmdSweep(argc - 1, argv + 1, out);
    if (cmd == "hls-export") return cmdHlsExport(argc - 1, argv + 1, out);
    err << "ftsim: unknown command '" << cmd << "' (commands: run, check, compare, dram, sweep, hls-export; see `ftsim --help`)\n";
    return 2;
  } catch (const Interrupted& e) {
    // Unwinding removed every temporary file (the output set's staging
    // directory, the timeline's temporary): nothing of this run is left.
    testPausePoint("interrupted");
    const std::string& dir = openedOutputDir();
    err << "ftsim: interrupted (" << e.signalName() << "); "
        << (dir.empty() ? std::string("nothing written") : dir + " left as it was") << "\n";
    return e.exitCode();
  } catch (const UserError& e) {
    err << "error: " << e.what() << "\n";
    return 2;
  } catch (const InternalError& e) {
    err << "ftsim: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    err << "ftsim: internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace ftsim::cli

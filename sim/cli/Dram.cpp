#include "sim/cli/Dram.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "models/ddr/TraceReplay.h"
#include "sim/cli/Common.h"
#include "sim/config/ConfigNode.h"
#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"
#include "sim/core/Log.h"
#include "traces/AtomicFile.h"
#include "traces/DramReport.h"

namespace ftsim::cli {

namespace po = boost::program_options;

namespace {

const char* kHelp =
    "usage: ftsim dram <trace> --ddr <device.yaml> [--controller <ctl.yaml>] [options]\n"
    "\n"
    "Replay an address trace through the DRAM controller and device, as a trace-driven DRAM\n"
    "simulator does, and write DIR/dram.json (schema ftsim.dram/1) and a console table:\n"
    "completion cycle, bandwidth, read latency (mean, p50, p99, max, histogram), row-hit rate,\n"
    "ACT/PRE/RD/WR/REF in total and per bank, and DRAM energy.\n"
    "\n"
    "Trace formats (one request per line; '#' comments; cycles are DDR clock cycles):\n"
    "  dramsim3   0x<addr> READ|WRITE <cycle>\n"
    "  ramulator  0x<addr> R|W   or   LD|ST 0x<addr>   (no cycle: entry as soon as taken)\n"
    "  stl        <cycle>: [(<bytes>)] read|write 0x<addr> [data]   (DRAMSys)\n"
    "A request is one burst unless the trace sizes it. It enters the controller at its trace\n"
    "cycle, or later if the controller has not yet taken the previous request (one request\n"
    "per cycle at most); --asap ignores the trace's cycles. With memory.ddr4.channels > 1 every\n"
    "channel has its own request stage: a request waits only for the earlier requests of its\n"
    "own channel(s), so N channels take up to N requests per cycle.\n"
    "\n"
    "--ddr names a file with a `board.ddr` section (configs/ddr/*.yaml); --controller a file\n"
    "with a `memory.ddr4` section (the same keys as a design's, docs/memory.md); without it\n"
    "the controller's defaults apply. --set overrides board.ddr.* and memory.ddr4.* keys.\n\n";

bool startsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

/// The errors collected in `roots`, in order, thrown at once (one
/// ConfigError alone as itself; several as ConfigErrors, with a count).
void throwConfigErrors(std::initializer_list<const config::ConfigNode*> roots) {
  std::vector<std::string> messages;
  for (const config::ConfigNode* r : roots) {
    try {
      r->throwIfErrors();
    } catch (const config::ConfigErrors& e) {
      messages.insert(messages.end(), e.messages().begin(), e.messages().end());
    } catch (const UserError& e) {
      if (roots.size() == 1) throw;
      messages.push_back(e.what());
    }
  }
  if (messages.size() == 1) {
    for (const config::ConfigNode* r : roots) r->throwIfErrors();  // the one error, as its own type
  }
  if (!messages.empty()) throw config::ConfigErrors(messages);
}

config::ConfigNode loadConfig(const std::string& flag, const std::string& path) {
  if (!std::filesystem::exists(path)) throw UserError(flag + " " + path + ": no such file");
  return config::ConfigNode::loadFile(path);
}

}  // namespace

int cmdDram(int argc, const char* const* argv, std::ostream& out) {
  po::options_description opts("options");
  opts.add_options()("ddr", po::value<std::string>(), "the device: a file with board.ddr (required)")(
      "controller", po::value<std::string>(), "the controller policy: a file with memory.ddr4")(
      "set,s", po::value<std::vector<std::string>>()->composing(),
      "override a board.ddr.* or memory.ddr4.* value, e.g. --set memory.ddr4.page_policy=closed (repeatable)")(
      "format", po::value<std::string>(), "dramsim3, ramulator or stl (default: detected from the first request)")(
      "asap", "requests enter as soon as the controller takes them, ignoring the trace's cycles")(
      "out,o", po::value<std::string>(), "output directory (default: out/dram-<trace name>)")(
      "quiet,q", "no console table")("log-level", po::value<std::string>()->default_value("warn"),
                                     "trace, debug, info, warn, error or off")("help,h", "this help");
  const Parsed p = parse("dram", opts, argc, argv);
  if (p.vm.count("help")) {
    out << kHelp << opts;
    return 0;
  }
  log::setLevel(p.vm["log-level"].as<std::string>());
  const std::string tracePath = p.design;
  if (tracePath.empty()) throw UserError("ftsim dram: missing <trace> (see `ftsim dram --help`)");
  if (!p.vm.count("ddr")) throw UserError("ftsim dram: missing --ddr <device.yaml> (see `ftsim dram --help`)");
  const std::string ddrPath = p.vm["ddr"].as<std::string>();
  const std::string ctlPath = p.vm.count("controller") ? p.vm["controller"].as<std::string>() : "";

  traces::DramReport report;
  // Every error of both files is reported at once, as a design's are
  // (ConfigNode::collectErrors): each file collects its own, then they are
  // thrown together, the device's first.
  config::ConfigNode devRoot = loadConfig("--ddr", ddrPath);
  config::ConfigNode ctlRoot =
      ctlPath.empty() ? config::ConfigNode::loadString("{}", "--controller") : loadConfig("--controller", ctlPath);
  devRoot.collectErrors();
  ctlRoot.collectErrors();
  if (p.vm.count("set"))
    for (const std::string& o : p.vm["set"].as<std::vector<std::string>>()) {
      if (startsWith(o, "board.ddr.")) devRoot.guard([&] { devRoot.applyOverride(o); });
      else if (startsWith(o, "memory.ddr4.")) ctlRoot.guard([&] { ctlRoot.applyOverride(o); });
      else
        throw UserError("--set " + o + ": ftsim dram takes board.ddr.* (the device) and memory.ddr4.* (the "
                        "controller) keys");
    }
  const config::ConfigNode ddrNode = devRoot.at("board").at("ddr");
  // Guarded at the root: a load stopped by a rule across values has read
  // every key by then, so the device's keys are still checked for misspellings.
  devRoot.guard([&] { report.device = models::Ddr4Config::fromYaml(ddrNode); });
  ddrNode.checkNoUnknownKeys();
  const bool deviceValid = !devRoot.hasErrors();
  const auto mem = ctlRoot.find("memory");
  const auto ddr4 = mem ? mem->find("ddr4") : std::nullopt;
  if (ddr4)
    ctlRoot.guard([&] { report.controller = models::Ddr4ControllerConfig::fromYaml(*ddr4, report.device, deviceValid); });
  else if (deviceValid)
    devRoot.guard([&] { report.controller = models::Ddr4ControllerConfig::defaults(report.device, ddrNode); });
  ctlRoot.checkNoUnknownKeys();
  throwConfigErrors({&devRoot, &ctlRoot});
  report.energyModelled = ddrNode.has("power");

  const std::string format = p.vm.count("format") ? p.vm["format"].as<std::string>() : "";
  if (!format.empty()) models::parseTraceFormat(format);
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const models::DramTrace trace = models::readTrace(tracePath, format, report.device.burstBytes());
  const auto t1 = Clock::now();
  report.trace = tracePath;
  report.format = models::toString(trace.format);
  report.asap = p.vm.count("asap") > 0 || !trace.timed;
  report.deviceFile = ddrPath;
  report.controllerFile = ctlPath;

  const std::string outDir =
      p.vm.count("out") ? p.vm["out"].as<std::string>() : "out/dram-" + std::filesystem::path(tracePath).stem().string();
  traces::OutputSet outputs = openOutputSet(outDir, "dram");

  testPausePoint("replay");
  const std::clock_t cpu1 = std::clock();
  report.result = models::replayTrace(report.device, report.controller, trace.requests, report.asap);
  const std::clock_t cpu2 = std::clock();
  const auto t2 = Clock::now();
  if (report.energyModelled)
    report.energy = energy::dramEnergy(report.device, report.result.commands, report.result.rankActiveCycles,
                                       report.result.endCycle);
  traces::writeFileAtomically(outputs.staged("dram.json"), traces::dramReportJson(report));
  testPausePoint("commit");
  throwIfInterrupted();
  outputs.commit();
  if (!p.vm.count("quiet")) {
    traces::printDramReport(report, out);
    // Wall time is printed, never written: dram.json stays byte-identical.
    const double parseS = std::chrono::duration<double>(t1 - t0).count();
    const double replayS = std::chrono::duration<double>(t2 - t1).count();
    // CPU time too: on a shared machine it is the figure that says what one core does.
    const double cpuS = static_cast<double>(cpu2 - cpu1) / CLOCKS_PER_SEC;
    const double n = static_cast<double>(trace.requests.size());
    char line[240];
    std::snprintf(line, sizeof line,
                  "wall time     read %.3f s, replay %.3f s (%.2f M requests/s); replay CPU %.3f s (%.2f M requests/s)\n",
                  parseS, replayS, replayS > 0 ? n / replayS / 1e6 : 0.0, cpuS, cpuS > 0 ? n / cpuS / 1e6 : 0.0);
    out << line;
    out << "wrote         " << outDir << "/dram.json\n";
  }
  return 0;
}

}  // namespace ftsim::cli

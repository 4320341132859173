#include "sim/cli/Common.h"

#include <vector>

#include "sim/core/Error.h"
#include "sim/core/Log.h"

namespace ftsim::cli {

namespace po = boost::program_options;

po::options_description commonOptions() {
  po::options_description o("design options");
  o.add_options()("set,s", po::value<std::vector<std::string>>()->composing(),
                  "override a config value, e.g. --set accelerator.clock_mhz=150 (repeatable; the value is YAML)")(
      "seed", po::value<std::uint64_t>(), "random seed of the run (default: the design's `seed`, else 1)")(
      "log-level", po::value<std::string>()->default_value("warn"), "trace, debug, info, warn, error or off")(
      "help,h", "this help");
  return o;
}

Parsed parse(const std::string& command, const po::options_description& opts, int argc, const char* const* argv) {
  po::options_description all(opts);
  all.add_options()("design", po::value<std::string>(), "design file");
  po::positional_options_description pos;
  pos.add("design", 1);
  Parsed p;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), p.vm);
    po::notify(p.vm);
  } catch (const po::error& e) {
    throw UserError("ftsim " + command + ": " + e.what() + " (see `ftsim " + command + " --help`)");
  }
  if (p.vm.count("design")) p.design = p.vm["design"].as<std::string>();
  return p;
}

config::DesignConfig loadDesign(const Parsed& p, const std::string& command) {
  if (p.design.empty()) throw UserError("ftsim " + command + ": missing <design.yaml> (see `ftsim " + command + " --help`)");
  std::vector<std::string> overrides;
  if (p.vm.count("set")) overrides = p.vm["set"].as<std::vector<std::string>>();
  if (p.vm.count("functional")) overrides.push_back("accelerator.functional=true");
  if (p.vm.count("seed")) overrides.push_back("seed=" + std::to_string(p.vm["seed"].as<std::uint64_t>()));
  log::setLevel(p.vm["log-level"].as<std::string>());
  return config::DesignConfig::load(p.design, overrides);
}

std::string outputDir(const Parsed& p, const config::DesignConfig& d) {
  return p.vm.count("out") ? p.vm["out"].as<std::string>() : "out/" + d.name;
}

namespace {
std::string g_openedOutputDir;
}  // namespace

traces::OutputSet openOutputSet(const std::string& outDir, const std::string& setName, const std::string& flag) {
  const std::string previous = g_openedOutputDir;
  g_openedOutputDir = outDir;
  try {
    return traces::OutputSet(outDir, setName, flag);
  } catch (...) {
    g_openedOutputDir = previous;
    throw;
  }
}

const std::string& openedOutputDir() { return g_openedOutputDir; }

}  // namespace ftsim::cli

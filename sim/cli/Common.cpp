#include "sim/cli/Common.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "sim/core/Error.h"
#include "sim/core/Log.h"

namespace ftsim::cli {

namespace po = boost::program_options;

po::options_description commonOptions() {
  po::options_description o("design options");
  o.add_options()("set,s", po::value<std::vector<std::string>>()->composing(),
                  "override a config value, e.g. --set accelerator.clock_mhz=150 (repeatable; the value is YAML)")(
      "seed", po::value<std::string>(), "random seed of the run, a whole number from 0 to 2^63-1 (default: the design's `seed`, else 1)")(
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
  } catch (const po::invalid_option_value& e) {
    // Every typed (non-text) option of ftsim is a number: say so, with the
    // flag and the value, instead of boost's "is invalid".
    const std::string w = e.what();
    const std::size_t open = w.find("('"), close = w.find("')");
    const std::string value = open != std::string::npos && close != std::string::npos && close > open
                                  ? w.substr(open + 2, close - open - 2)
                                  : std::string();
    throw UserError("ftsim " + command + ": " + e.get_option_name() + " " + value + ": must be a number (see `ftsim " +
                    command + " --help`)");
  } catch (const po::error& e) {
    throw UserError("ftsim " + command + ": " + e.what() + " (see `ftsim " + command + " --help`)");
  }
  if (p.vm.count("design")) p.design = p.vm["design"].as<std::string>();
  return p;
}

std::int64_t parseWholeNumber(const std::string& flag, const std::string& text, std::int64_t lo, std::int64_t hi) {
  const std::string rule = "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
  const auto bad = [&](const std::string& why) -> UserError {
    return UserError(flag + " " + (text.empty() ? "''" : text) + ": " + rule + why);
  };
  const bool negative = !text.empty() && text[0] == '-';
  const std::string digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    if (digits.find_first_of(".eE") != std::string::npos && digits.find_first_not_of("0123456789.eE+-") == std::string::npos)
      throw bad(" (no fractions or exponents)");
    throw bad("");
  }
  if (negative && digits.find_first_not_of('0') != std::string::npos && lo >= 0) throw bad(" (it is negative)");
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno == ERANGE || v < lo || v > hi) throw bad(v < lo ? " (it is below)" : " (it is too large)");
  return v;
}

config::DesignConfig loadDesign(const Parsed& p, const std::string& command) {
  if (p.design.empty()) throw UserError("ftsim " + command + ": missing <design.yaml> (see `ftsim " + command + " --help`)");
  std::vector<std::string> overrides;
  if (p.vm.count("set")) overrides = p.vm["set"].as<std::vector<std::string>>();
  if (p.vm.count("functional")) overrides.push_back("accelerator.functional=true");
  if (p.vm.count("seed")) overrides.push_back("seed=" + std::to_string(parseWholeNumber("--seed", p.vm["seed"].as<std::string>(), 0, INT64_MAX)));
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

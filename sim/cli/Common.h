#pragma once
// What the ftsim commands share: the design options, argument parsing,
// loading a design with its overrides and the output directory.

#include <boost/program_options.hpp>

#include <cstdint>
#include <string>

#include "sim/config/DesignConfig.h"
#include "traces/OutputSet.h"

namespace ftsim::cli {

/// --set, --seed, --log-level, --help.
boost::program_options::options_description commonOptions();

struct Parsed {
  boost::program_options::variables_map vm;
  std::string design;  ///< the positional <design.yaml> (empty when missing)
};

/// Parse `argv` (argv[0] is the command) against `opts` plus the positional
/// design; a bad option is a UserError naming the command.
Parsed parse(const std::string& command, const boost::program_options::options_description& opts, int argc,
             const char* const* argv);

/// A whole-number flag value in [lo, hi]; anything else (a sign where none is
/// allowed, a fraction, an exponent, text, out of range) is a UserError
/// "FLAG VALUE: must be a whole number from LO to HI".
std::int64_t parseWholeNumber(const std::string& flag, const std::string& text, std::int64_t lo, std::int64_t hi);

/// Load the design with --set and --seed applied, after setting --log-level.
config::DesignConfig loadDesign(const Parsed& p, const std::string& command);

/// --out, else out/<design name>.
std::string outputDir(const Parsed& p, const config::DesignConfig& d);
/// The output set of a command in `outDir` (created and proved writable
/// now, before any simulation; traces/OutputSet.h), remembered so that an
/// interrupted command can say which directory it left as it was.
traces::OutputSet openOutputSet(const std::string& outDir, const std::string& setName,
                                const std::string& flag = "--out");
/// The directory of the output set opened last ("" when none).
const std::string& openedOutputDir();

}  // namespace ftsim::cli

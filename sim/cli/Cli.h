#pragma once
// The ftsim command line: `ftsim run`, `ftsim check`, their --help. Returns
// the process exit code: 0 success, 2 a user error (bad flag, config or
// file; the message names it), 1 an internal error.

#include <ostream>

namespace ftsim::cli {

int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace ftsim::cli

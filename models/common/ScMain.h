#pragma once
// What every ftsim program's main() does: hand over to SystemC, which then
// calls the program's sc_main.

namespace ftsim::models {

/// Runs sc_main through SystemC (sc_elab_and_sim) with the library's
/// banner silenced, and returns its exit status.
int runSystemC(int argc, char* argv[]);

}  // namespace ftsim::models

// The ftsim program. SystemC's library provides main(); ours replaces it only
// to silence the library banner before SystemC starts, then hands over.

#include <systemc>

#include <cstdlib>
#include <iostream>

#include "sim/cli/Cli.h"

int sc_main(int argc, char* argv[]) {
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  return ftsim::cli::runCli(argc, argv, std::cout, std::cerr);
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}

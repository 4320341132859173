// The ftsim program. SystemC's library provides main(); ours replaces it to
// silence the library banner and hands over (runSystemC).

#include <systemc>

#include <iostream>

#include "models/common/ScMain.h"
#include "sim/cli/Cli.h"

int sc_main(int argc, char* argv[]) {
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  return ftsim::cli::runCli(argc, argv, std::cout, std::cerr);
}

int main(int argc, char* argv[]) {
  return ftsim::models::runSystemC(argc, argv);
}

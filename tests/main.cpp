// GoogleTest entry for ftsim: sc_main runs the tests. CTest starts one
// process per test (gtest_discover_tests), so each SystemC test elaborates
// its own fresh simulation.

#include <gtest/gtest.h>

#include <systemc>

#include "models/common/ScMain.h"

int sc_main(int argc, char* argv[]) {
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

int main(int argc, char* argv[]) {
  return ftsim::models::runSystemC(argc, argv);
}

#pragma once
// The report of `ftsim dram`: a trace replayed through one controller and
// device. dram.json (schema ftsim.dram/1) and the console table print the
// same fields.

#include <cstdint>
#include <ostream>
#include <string>

#include "models/ddr/Ddr4ControllerConfig.h"
#include "models/ddr/TraceReplay.h"
#include "sim/energy/DramEnergy.h"

namespace ftsim::traces {

struct DramReport {
  std::string trace;        ///< path as given
  std::string format;       ///< dramsim3, ramulator, stl
  bool asap = false;        ///< requests entered as soon as taken, not at their trace cycle
  std::string deviceFile, controllerFile;
  models::Ddr4Config device;
  models::Ddr4ControllerConfig controller;
  models::ReplayResult result;
  energy::DramEnergyJ energy;
  bool energyModelled = false;  ///< the device file has `power`
};

std::string dramReportJson(const DramReport& r);
void printDramReport(const DramReport& r, std::ostream& out);

}  // namespace ftsim::traces

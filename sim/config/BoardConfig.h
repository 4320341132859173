#pragma once
// A board: the FPGA's resource budget, the host CPU that starts DMAs and
// runs the loss, and the DDR4 behind the accelerator.

#include <cstdint>
#include <string>

#include "models/ddr/Ddr4Config.h"
#include "sim/resources/ResourceConfig.h"
#include "sim/energy/EnergyConfig.h"

namespace ftsim::config {

class ConfigNode;

struct ResourceBudget {
  std::int64_t dsp = 0;
  std::int64_t bram36 = 0;  ///< 36 Kb block RAMs (each two 18 Kb halves)
  std::int64_t uram = 0;    ///< 288 Kb UltraRAMs
  std::int64_t lut = 0;
  std::int64_t ff = 0;

  std::uint64_t onChipBytes() const {
    return static_cast<std::uint64_t>(bram36) * 36 * 1024 / 8 +
           static_cast<std::uint64_t>(uram) * 288 * 1024 / 8;
  }
};

struct HostConfig {
  std::string cpu;
  double clockMhz = 1200;
  double dmaStartNs = 4000;         ///< software cost to start one AXI DMA transfer
  double lossNsPerElement = 10;     ///< softmax + cross-entropy gradient, per logit

  static HostConfig fromYaml(const ConfigNode& node);
};

struct BoardConfig {
  std::string name;
  std::string device;
  ResourceBudget resources;
  HostConfig host;
  models::Ddr4Config ddr;
  resources::ResourceTable resourceModel;  ///< the FPGA family's cost table (configs/fpga/)
  energy::EnergyConfig energy;  ///< `energy:` (optional; absent: energy is not modelled)

  static BoardConfig fromYaml(const ConfigNode& node);
};

}  // namespace ftsim::config

#pragma once
// Which memory sits behind the DMAs (`memory.model` of a design) and its
// parameters.

#include <cstdint>
#include <optional>
#include <string>

#include "models/ddr/Ddr4Config.h"
#include "models/ddr/Ddr4ControllerConfig.h"
#include "models/interconnect/InterconnectConfig.h"

namespace ftsim::config { class ConfigNode; }

namespace ftsim::models {

/// The ideal memory: every stream gets a fixed latency and a fixed number of
/// bytes per accelerator cycle, independent of the others; no banks, no
/// refresh. It is where the analytical model's DMA terms are exact.
struct IdealMemoryConfig {
  std::uint64_t latencyCycles = 0;  ///< accelerator cycles from request to first beat
  int bytesPerCycle = 16;           ///< per stream, per accelerator cycle

  static IdealMemoryConfig fromYaml(const config::ConfigNode& node);
};

/// `model: ddr4` (the default) puts the AXI interconnect and the DDR4
/// controller behind the DMAs; `model: ideal` the ideal memory. The other
/// model's section may stay in the file.
struct MemoryConfig {
  std::string model = "ddr4";
  IdealMemoryConfig ideal;
  Ddr4ControllerConfig ddr4;
  InterconnectConfig interconnect;
  Ddr4Config device;  ///< the board's DDR (`board.ddr`), copied in when the design loads

  /// `device` is the board's DDR as read from `deviceNode`; `accelClock`
  /// the default port clock. `node` is the design's `memory:` section, if any.
  static MemoryConfig fromYaml(const std::optional<config::ConfigNode>& node, const Ddr4Config& device,
                               const config::ConfigNode& deviceNode, const Clock& accelClock);
};

}  // namespace ftsim::models

#pragma once
// Which memory sits behind the DMAs (`memory.model` of a design) and its
// parameters.

#include <cstdint>
#include <string>

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

struct MemoryConfig {
  std::string model = "ideal";
  IdealMemoryConfig ideal;

  static MemoryConfig fromYaml(const config::ConfigNode& node);
};

}  // namespace ftsim::models

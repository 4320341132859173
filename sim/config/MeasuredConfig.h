#pragma once
// Figures measured on the board for a design (`measured:`, optional), with
// where they were published. `ftsim compare` sets the simulation beside them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace ftsim::config {

class ConfigNode;

struct MeasuredConfig {
  bool present = false;
  std::string source;                       ///< required: where the figures are published
  std::optional<double> throughputGflops;
  std::optional<double> powerW;
  std::optional<double> gflopsPerW;
  std::optional<double> latencyS;           ///< one training iteration, seconds
  std::string resourcesSource;              ///< required when `resources:` is given
  std::map<std::string, std::int64_t> resources;  ///< dsp, bram36, lut, ff, uram (those given)

  static MeasuredConfig fromYaml(const ConfigNode& node);
};

/// The resource names `measured.resources` accepts, in report order.
inline constexpr const char* kResourceNames[] = {"dsp", "bram36", "lut", "ff", "uram"};

}  // namespace ftsim::config

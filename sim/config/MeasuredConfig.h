#pragma once
// Figures measured on the board for a design (`measured:`, optional), with
// where they were published. `ftsim compare` sets the simulation beside them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/Error.h"

namespace ftsim::config {

class ConfigNode;

/// A measured time of one layer × phase (`measured.layers`).
struct MeasuredLayer {
  std::string layer;
  std::string phase;  ///< FP, BP or WU
  double latencyS = 0;
  std::string keyPath;
  SourceLoc loc;
};

struct MeasuredConfig {
  bool present = false;
  std::string source;                       ///< required: where the figures are published
  std::optional<double> throughputGflops;
  std::optional<double> powerW;
  std::optional<double> gflopsPerW;
  std::optional<double> latencyS;           ///< one iteration (of measured.mode), seconds
  /// What the figures were measured on: `training` or `inference` (empty:
  /// not stated). `ftsim compare` refuses when it is not workload.mode.
  std::string mode;
  SourceLoc modeLoc;  ///< where measured.mode was set
  /// What throughput_gflops counts: `end_to_end` (the whole iteration) or
  /// `conv_fc` (the conv/FC phases only); empty: not stated by the source.
  std::string throughputScope;
  /// Figures a model parameter was fitted to, given or derived (e.g. power_w
  /// for the energy model's fabric_scale): calibration points, not agreement.
  std::vector<std::string> fitted;
  std::vector<MeasuredLayer> layers;        ///< per layer × phase
  bool isFitted(const std::string& quantity) const {
    for (const auto& f : fitted)
      if (f == quantity) return true;
    return false;
  }
  std::string resourcesSource;              ///< required when `resources:` is given
  std::map<std::string, std::int64_t> resources;  ///< dsp, bram36, lut, ff, uram (those given)

  static MeasuredConfig fromYaml(const ConfigNode& node);
};

/// The resource names `measured.resources` accepts, in report order.
inline constexpr const char* kResourceNames[] = {"dsp", "bram36", "lut", "ff", "uram"};

}  // namespace ftsim::config

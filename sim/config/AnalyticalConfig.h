#pragma once
// `analytical:` (optional): which analytical model fills the analytical
// cycles of summary.json and layers.csv, and the roofline's bandwidth.
// `ftsim compare` shows every model that applies, whichever is chosen.

#include <optional>

namespace ftsim::config {

class ConfigNode;

struct AnalyticalConfig {
  /// `eftrain`: the authors' model (finetune2.py) in closed form;
  /// `roofline`: Zhang et al. FPGA'15's computational roof and CTC ratio.
  enum class Model { EfTrain, Roofline };
  Model model = Model::EfTrain;
  /// Roofline bandwidth; default: the board DDR's peak (data rate × bus width).
  std::optional<double> bandwidthGbPerS;
  /// Roofline: outputs stay on chip across the input-channel loop.
  bool outputReuse = true;

  static AnalyticalConfig fromYaml(const ConfigNode& node);
};

const char* toString(AnalyticalConfig::Model m);

}  // namespace ftsim::config

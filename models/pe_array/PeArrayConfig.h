#pragma once
// What a user sets for the Tm×Tn MAC array: its shape, the number format of
// its datapath and the latencies of the operators its pipeline is built from.

#include <string>

namespace ftsim::config { class ConfigNode; }

namespace ftsim::models {

struct PeArrayConfig {
  /// How consecutive tiles meet in the pipeline (see PeArrayTiming).
  enum class Pipeline { Rewind, PerTile };

  int tm = 16;                  ///< output-channel lanes (each with a Tn-input adder tree)
  int tn = 16;                  ///< input-channel lanes
  std::string format = "fp32";  ///< datapath number format
  int mulLatencyCycles = 4;     ///< pipelined multiplier latency
  int addLatencyCycles = 5;     ///< pipelined adder latency (tree levels and accumulator)
  int bufferReadLatencyCycles = 2;
  int bufferWriteLatencyCycles = 1;
  Pipeline pipeline = Pipeline::Rewind;

  static PeArrayConfig fromYaml(const config::ConfigNode& node);
};

}  // namespace ftsim::models

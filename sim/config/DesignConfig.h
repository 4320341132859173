#pragma once
// A design point: board + accelerator + workload + memory, loaded from one
// YAML file (which composes the others with `include:`) and the command
// line's `--set` overrides, fully validated before anything is simulated.

#include <cstdint>
#include <string>
#include <vector>

#include "models/accel/EfTrainConfig.h"
#include "models/memory/MemoryConfig.h"
#include "models/tt_engine/TtEngineConfig.h"
#include "sim/config/AnalyticalConfig.h"
#include "sim/config/BoardConfig.h"
#include "sim/core/Error.h"
#include "sim/resources/ResourceConfig.h"
#include "sim/config/MeasuredConfig.h"
#include "sim/workload/Network.h"

namespace ftsim::config {

class ConfigNode;

struct DesignConfig {
  std::string name;
  std::string file;  ///< the design file as given
  BoardConfig board;
  std::string kind;                    ///< accelerator.kind: the family (families/Registry.h)
  SourceLoc kindLoc;                   ///< where accelerator.kind was set (for errors about the kind)
  models::EfTrainConfig accelerator;   ///< families/eftrain
  models::TtEngineConfig tt;           ///< families/tt
  models::CpuBaselineConfig cpuBaseline;  ///< families/tt, optional `cpu_baseline:`
  resources::ImplementationConfig implementation;  ///< optional `accelerator.implementation:`
  workload::Network workload;
  models::MemoryConfig memory;
  std::uint64_t seed = 1;
  MeasuredConfig measured;             ///< optional `measured:` board figures
  AnalyticalConfig analytical;         ///< optional `analytical:` model choice

  /// Load, apply overrides, build every typed config and reject unknown keys.
  static DesignConfig load(const std::string& path, const std::vector<std::string>& overrides);
  static DesignConfig fromNode(const ConfigNode& root, const std::string& file);
};

}  // namespace ftsim::config

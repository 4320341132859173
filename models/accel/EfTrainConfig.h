#pragma once
// The EF-Train accelerator as a user configures it: one Tm×Tn MAC array,
// ping-pong buffers, the DMA streams and the vector path that runs the
// layers without weights (pooling, batch norm, ReLU, residual adds).

#include <string>

#include "models/buffer/BufferConfig.h"
#include "models/dma/DmaConfig.h"
#include "models/pe_array/PeArrayConfig.h"
#include "sim/core/Units.h"

namespace ftsim::config { class ConfigNode; }

namespace ftsim::models {

/// Element-wise and pooling work: `lanes` channels per cycle at II = 1.
struct VectorUnitConfig {
  int lanes = 16;
  int pipelineCycles = 8;
  /// ReLU in FP is applied by the store of the pass that produces its input
  /// (EF-Train's store path rectifies as it writes), not as a pass of its own.
  bool fuseRelu = false;

  static VectorUnitConfig fromYaml(const config::ConfigNode& node);
};

struct EfTrainConfig {
  std::string name;
  Clock clock;
  int wordBits = 32;
  PeArrayConfig peArray;
  BufferConfig buffers;
  DmaConfig dma;
  VectorUnitConfig vector;

  /// `hostDmaStartNs` is the board's per-transfer host cost, the default of
  /// dma.start_cycles.
  static EfTrainConfig fromYaml(const config::ConfigNode& node, double hostDmaStartNs);
};

}  // namespace ftsim::models

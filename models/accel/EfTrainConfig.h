#pragma once
// The EF-Train accelerator as a user configures it: one Tm×Tn MAC array,
// ping-pong buffers, the DMA streams and the vector path that runs the
// layers without weights (pooling, batch norm, ReLU, residual adds).

#include <string>
#include <vector>

#include "models/buffer/BufferConfig.h"
#include "models/dma/DmaConfig.h"
#include "models/pe_array/PeArrayConfig.h"
#include "sim/core/Error.h"
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

/// One layer × phase whose tiling is fixed (`accelerator.tiling.pin`, e.g.
/// `conv3_1.WU: {tr: 4}`); 0 leaves a value to the policy.
struct TilingPin {
  std::string layer;
  std::string phase;  ///< FP, BP or WU
  int tr = 0, mOn = 0, tc = 0;
  std::string keyPath;  ///< accelerator.tiling.pin.<layer>.<phase>, for errors
  SourceLoc loc;
};

/// How each conv/FC phase's tiling (M_on, Tr, Tc) is chosen.
struct TilingConfig {
  /// `eftrain`: as the authors' script finetune2.py chooses (its M_on bound,
  /// Tr sweep and tie rule, minimising its analytical model; the default).
  /// `simulated`: ftsim's own choice, the least cost of the simulator's steps
  /// (the figures before the authors' rule was adopted).
  enum class Policy { EfTrain, Simulated };
  Policy policy = Policy::EfTrain;
  std::vector<TilingPin> pins;

  static TilingConfig fromYaml(const config::ConfigNode& node);
};
const char* toString(TilingConfig::Policy p);

struct EfTrainConfig {
  /// How the controller overlaps the loads, computes and stores of
  /// consecutive steps (`pipeline.overlap`):
  ///  - hls (default): as the ping-pong code of EF-Train's HLS top acc()
  ///    does: within a Tn (or, in WU, row) loop the loads of step i run with
  ///    the compute of step i−1; the first load of each loop runs alone; a
  ///    strip's store runs with the next strip's last compute, and the last
  ///    store of an image (WU: of a Tm group) runs alone (docs/modelling.md).
  ///  - lockstep: a better-pipelined top that overlaps across those
  ///    boundaries: loads of step k, compute of step k−1 and stores of step
  ///    k−2 together, whatever loop they belong to.
  enum class Overlap { Hls, Lockstep };

  std::string name;
  Clock clock;
  int wordBits = 32;
  PeArrayConfig peArray;
  BufferConfig buffers;
  DmaConfig dma;
  VectorUnitConfig vector;
  TilingConfig tiling;
  Overlap overlap = Overlap::Hls;
  /// `functional: true`: real values through the models (docs/functional.md);
  /// cycles are the same as without.
  bool functional = false;

  /// `hostDmaStartNs` is the board's per-transfer host cost, the default of
  /// dma.start_cycles.
  static EfTrainConfig fromYaml(const config::ConfigNode& node, double hostDmaStartNs);
};

}  // namespace ftsim::models

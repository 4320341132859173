#pragma once
// A per-cycle reference of one EF-Train MAC phase (conv or FC; FP, BP or WU)
// under the ideal memory, written from the loop nest of the authors' HLS top
// (acc() in HLS/hls_main6.cpp of tangyuelm/EF-Train) and from the DDR
// layouts of docs/reshaping.md. It advances every unit one clock cycle at a
// time.
//
// What it shares with the production path: the config structs
// (models::EfTrainConfig, models::IdealMemoryConfig) and nothing else. It
// does not call the scheduler, the step generator, the tensor layouts'
// segmentation, the MAC array's timing rules or the controller; the layer
// shape and the tiling are plain numbers the test states.

#include <cstdint>

#include "models/accel/EfTrainConfig.h"
#include "models/memory/MemoryConfig.h"

namespace ftsim::test::hlsref {

enum class Phase { FP, BP, WU };

/// A conv layer (or, with `fc`, a fully connected one over a 1×1 map whose
/// activations live in the flat [F/16][B][16] layout and whose batch is the
/// array's width).
struct Layer {
  int outCh = 0, inCh = 0;  ///< the layer's M and N
  int inH = 1, inW = 1;     ///< the layer's input map
  int kernel = 1, stride = 1, pad = 0;
  int batch = 1;
  bool fc = false;
};

/// Output rows per strip (Tc is the full width) and output channels per
/// weight chunk, in the phase's own channels (BP: the layer's N).
struct Tiling {
  int tr = 1;
  int mOn = 16;
};

/// Cycles of the phase, from its first load to its last result stored.
std::uint64_t phaseCycles(const Layer& layer, Phase phase, const Tiling& tiling, const models::EfTrainConfig& accel,
                          const models::IdealMemoryConfig& memory);

}  // namespace ftsim::test::hlsref

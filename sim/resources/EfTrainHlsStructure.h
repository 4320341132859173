#pragma once
// The structure of EF-Train's HLS top as `ftsim hls-export` writes it: its
// on-chip arrays (how many memories each becomes after ARRAY_PARTITION, and
// their depth) and the fp32 operators the pipelined MAC loop instantiates.
// One rule set with two users: the resource estimate prices these arrays and
// operators (ResourceModel.cpp), and the exporter declares the arrays and
// writes the partition directives from them (sim/hls/HlsExport.cpp), so a
// change of the exported structure moves the estimate.

#include <cstdint>
#include <string>
#include <vector>

#include "models/accel/EfTrainConfig.h"

namespace ftsim::resources {

/// One on-chip array of the top: float name[banks][lanes...][depthWords],
/// partitioned completely along every dimension but the last, so it becomes
/// banks × lanes memories of depthWords words each.
struct HlsArray {
  std::string unit;      ///< resource line, e.g. buffers.input
  std::string variable;  ///< the array's name in the generated top
  int banks = 2;         ///< ping-pong copies (partition dim 1)
  /// Extents of the partitioned lane dimensions (dims 2..): input {Tn},
  /// output {Tm}, weights {Tm, Tn} behind a slot dimension.
  std::vector<int> laneDims;
  /// Dimensions (1-based, as ARRAY_PARTITION counts them) partitioned completely.
  std::vector<int> partitionDims;
  std::uint64_t depthWords = 0;  ///< words per memory
  int widthBits = 32;
  std::string keyPath;           ///< the config key that sizes it
  std::uint64_t lanes() const {
    std::uint64_t n = 1;
    for (int d : laneDims) n *= static_cast<std::uint64_t>(d);
    return n;
  }
  std::uint64_t memories() const { return static_cast<std::uint64_t>(banks) * lanes(); }
};

/// fp32 operators of one kind that the MAC loop instantiates in parallel.
struct HlsOperators {
  std::string unit;  ///< resource line, e.g. pe_array.multipliers
  bool multiplier = false;  ///< fmul (else fadd)
  int count = 0;
  std::string note;
  std::string keyPath;
};

struct EfTrainHlsStructure {
  int tm = 16, tn = 16;
  std::vector<HlsOperators> operators;
  std::vector<HlsArray> arrays;  ///< input, output, weight (in that order)
};

/// The top's structure for an accelerator configuration. The weight array
/// is float wbuf[banks][tiles][Tm][Tn][K²] with tiles·K² = slots·kernel_words:
/// partitioned along banks, Tm and Tn, whatever K a layer has.
EfTrainHlsStructure efTrainHlsStructure(const models::EfTrainConfig& a);

}  // namespace ftsim::resources

#pragma once
// On-chip ping-pong buffers of the EF-Train datapath. Capacities are per
// bank (one of the two ping-pong halves) and per lane, in words of the
// datapath format, as the HLS arrays are declared ([lanes][depth]).

#include <cstdint>
#include <string>

namespace ftsim::config { class ConfigNode; }

namespace ftsim::models {

/// A lane-partitioned feature-map buffer (input or output): `lanes` memories
/// of `depthWords` words each, times `banks` for ping-pong.
struct FeatureBufferConfig {
  int lanes = 16;
  int depthWords = 0;
  int banks = 2;
  int wordBits = 32;

  std::uint64_t capacityBytes() const {
    return static_cast<std::uint64_t>(lanes) * depthWords * banks * wordBits / 8;
  }
  static FeatureBufferConfig fromYaml(const config::ConfigNode& node);
};

/// The weight buffer [tm][tn][slots][kernel_words] per bank. In FP/BP a slab
/// of weights for a chunk of output channels stays on chip for the whole
/// mini-batch; consecutive Tn groups alternate between the two banks, so a
/// slab of mOn outputs × n inputs with K×K kernels needs
/// (mOn/tm)·⌈⌈n/tn⌉/banks⌉·⌈K²/kernel_words⌉ slots of each bank.
struct WeightBufferConfig {
  int tm = 16;
  int tn = 16;
  int slots = 64;
  int kernelWords = 9;
  int banks = 2;
  int wordBits = 32;

  std::uint64_t capacityBytes() const {
    return static_cast<std::uint64_t>(tm) * tn * slots * kernelWords * banks * wordBits / 8;
  }
  static WeightBufferConfig fromYaml(const config::ConfigNode& node);
};

struct BufferConfig {
  FeatureBufferConfig input;
  FeatureBufferConfig output;
  WeightBufferConfig weight;

  std::uint64_t totalBytes() const {
    return input.capacityBytes() + output.capacityBytes() + weight.capacityBytes();
  }
  static BufferConfig fromYaml(const config::ConfigNode& node);
};

}  // namespace ftsim::models

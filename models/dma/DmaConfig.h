#pragma once
// The AXI DMA channels that feed the datapath: one engine per stream, each
// moving `streamWidthBits` per accelerator cycle and paying a fixed start
// cost for every transfer the host starts (one per contiguous segment).

#include <cstdint>

namespace ftsim::config { class ConfigNode; }

namespace ftsim::models {

struct DmaConfig {
  int streamWidthBits = 128;
  std::uint64_t startCycles = 400;
  int maxOutstanding = 8;  ///< AXI bursts in flight per engine
  /// DDR layouts the tensors are stored in: EF-Train's reshaped layouts
  /// (`reshaped`), or `plain` [B][C][H][W] / [M][N][K][K] to see what
  /// reshaping buys.
  bool plainLayout = false;

  int wordsPerCycle(int wordBits) const { return streamWidthBits / wordBits; }
  int bytesPerCycle() const { return streamWidthBits / 8; }
  /// `defaultStartCycles` is the board's per-transfer host cost in
  /// accelerator cycles, used when the accelerator omits `start_cycles`.
  static DmaConfig fromYaml(const config::ConfigNode& node, std::uint64_t defaultStartCycles);
};

}  // namespace ftsim::models

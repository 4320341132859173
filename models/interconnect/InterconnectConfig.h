#pragma once
// The AXI ports between the DMA streams and the DDR controller, from a
// design's `memory.interconnect:` section (the Zynq UltraScale+ PS has
// 128-bit HP ports). One port per DMA stream; all ports share one clock.

#include <cstdint>

#include "sim/core/Units.h"

namespace ftsim::config { class ConfigNode; }

namespace ftsim::models {

/// AXI: a burst never crosses a 4 KB boundary.
inline constexpr std::uint64_t kAxiBoundaryBytes = 4096;

struct InterconnectConfig {
  int portWidthBits = 128;  ///< data bits per beat
  /// Port clock; 0 until the design is loaded, which fills in the
  /// accelerator clock when `clock_mhz` is not given.
  double clockMhz = 0;
  Clock clock;
  /// AXI bursts a port has in flight (read: request to last beat; write:
  /// first beat to response). The DMA's own `max_outstanding` also limits it.
  int maxOutstanding = 8;
  int maxBurstBeats = 256;  ///< AXI4 INCR: at most 256 beats
  /// DRAM channels behind the ports (memory.ddr4.channels, not a key of
  /// this section): a burst never crosses a `channelInterleaveBytes` block
  /// and goes to channel (address / G) mod channels, which sees address /
  /// (G·channels) · G + address mod G.
  int channels = 1;
  std::uint64_t channelInterleaveBytes = 256;

  int beatBytes() const { return portWidthBits / 8; }
  static InterconnectConfig fromYaml(const config::ConfigNode& node);
};

}  // namespace ftsim::models

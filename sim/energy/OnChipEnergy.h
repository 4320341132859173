#pragma once
// What the EF-Train and the tensorized-training energy models price the same
// way: buffer word reads and writes, stream beats through the DMA engines,
// static power over the simulated time, and the rounding of pJ to whole fJ.

#include <cmath>
#include <cstdint>

#include "sim/energy/EnergyConfig.h"
#include "sim/stats/RunResult.h"

namespace ftsim::energy {

/// Energies in pJ (fabric scale applied), static power in W, accelerator clock in Hz.
struct OnChipTable {
  double bramReadPj = 0, bramWritePj = 0, dmaBeatPj = 0;
  double staticW = 0;   ///< PL + PS
  double clockHz = 0;
};

inline OnChipTable onChipTable(const EnergyConfig& cfg, double clockHz) {
  OnChipTable t;
  t.bramReadPj = cfg.bramReadPj * cfg.fabricScale;
  t.bramWritePj = cfg.bramWritePj * cfg.fabricScale;
  t.dmaBeatPj = cfg.dmaBeatPj * cfg.fabricScale;
  t.staticW = cfg.plStaticW + cfg.psStaticW;
  t.clockHz = clockHz;
  return t;
}

/// pJ to whole fJ, rounded to nearest (components add up exactly in fJ).
inline std::uint64_t femtojoules(long double pj) { return static_cast<std::uint64_t>(std::llround(pj * 1000.0L)); }

/// Seconds of `cycles` at the table's clock.
inline long double secondsOf(const OnChipTable& t, std::uint64_t cycles) {
  return static_cast<long double>(cycles) / static_cast<long double>(t.clockHz);
}

/// Set the on-chip memory, DMA and static components of `e`.
inline void priceOnChip(const OnChipTable& t, std::uint64_t bramReads, std::uint64_t bramWrites,
                        std::uint64_t dmaBeats, std::uint64_t cycles, stats::EnergyFj& e) {
  using LD = long double;
  e.onChipMemory = femtojoules(static_cast<LD>(bramReads) * t.bramReadPj + static_cast<LD>(bramWrites) * t.bramWritePj);
  e.dma = femtojoules(static_cast<LD>(dmaBeats) * t.dmaBeatPj);
  e.staticPower = femtojoules(secondsOf(t, cycles) * t.staticW * 1e12L);
}

}  // namespace ftsim::energy

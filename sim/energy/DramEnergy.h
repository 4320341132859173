#pragma once
// DRAM energy of a run from its command counts and its bank-state residency,
// as DRAMPower (classic, MemoryPowerModel.cc) computes it: each ACT, PRE, RD,
// WR and REF above the standby current it interrupts, plus the background:
// active standby (IDD3N) while a rank has a bank open, precharged standby
// (IDD2N) otherwise. Per device from board.ddr.power, times the devices of a
// rank; DRAM core only (the I/O and termination powers are the board's,
// board.energy, and not part of a device description).

#include <cstdint>
#include <vector>

#include "models/ddr/Ddr4Config.h"
#include "models/ddr/Ddr4Device.h"

namespace ftsim::energy {

struct DramEnergyJ {
  double act = 0, pre = 0, rd = 0, wr = 0, ref = 0;
  double activeStandby = 0, prechargeStandby = 0;
  double commands() const { return act + pre + rd + wr + ref; }
  double background() const { return activeStandby + prechargeStandby; }
  double total() const { return commands() + background(); }
};

/// `rankActiveCycles[r]`: DDR cycles of [0, `cycles`) rank r had a bank open.
DramEnergyJ dramEnergy(const models::Ddr4Config& ddr, const models::DdrCommandCounts& counts,
                       const std::vector<std::uint64_t>& rankActiveCycles, std::uint64_t cycles);

}  // namespace ftsim::energy

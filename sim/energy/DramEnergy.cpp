#include "sim/energy/DramEnergy.h"

#include "sim/energy/EnergyConfig.h"
#include "sim/energy/EnergyModel.h"

namespace ftsim::energy {

DramEnergyJ dramEnergy(const models::Ddr4Config& ddr, const models::DdrCommandCounts& counts,
                       const std::vector<std::uint64_t>& rankActiveCycles, std::uint64_t cycles) {
  // The device energies without the board's I/O powers (all zero).
  const DramDeviceEnergy d = dramDeviceEnergy(ddr, EnergyConfig{});
  const double chips = ddr.chipsPerRank;
  auto joules = [&](models::DdrCommand c, double pj) {
    return static_cast<double>(counts[static_cast<int>(c)]) * pj * chips * 1e-12;
  };
  DramEnergyJ e;
  e.act = joules(models::DdrCommand::Act, d.actPj);
  e.pre = joules(models::DdrCommand::Pre, d.prePj);
  e.rd = joules(models::DdrCommand::Rd, d.rdPj);
  e.wr = joules(models::DdrCommand::Wr, d.wrPj);
  e.ref = joules(models::DdrCommand::Ref, d.refPj) + joules(models::DdrCommand::RefPb, d.refPbPj);
  const double tCkS = 1.0 / static_cast<double>(ddr.clock.freqHz());
  for (const std::uint64_t active : rankActiveCycles) {
    const std::uint64_t a = active < cycles ? active : cycles;
    e.activeStandby += static_cast<double>(a) * tCkS * d.activeStandbyW * chips;
    e.prechargeStandby += static_cast<double>(cycles - a) * tCkS * d.prechargeStandbyW * chips;
  }
  return e;
}

}  // namespace ftsim::energy

#pragma once
// Energy of an EF-Train run: every counted action times the board's energy
// table, DRAM commands priced as DRAMPower prices them, standby and static
// power times the simulated time. Plain C++ over the run's counters and the
// program's steps (the same steps the simulator executed); see docs/energy.md.

#include <cstdint>

#include "models/ddr/Ddr4Config.h"
#include "sim/energy/EnergyConfig.h"
#include "sim/energy/OnChipEnergy.h"
#include "sim/schedule/Program.h"
#include "sim/stats/RunResult.h"

namespace ftsim::config { struct DesignConfig; }

namespace ftsim::energy {

/// Actions of one phase.
struct Activity {
  std::uint64_t mults = 0;           ///< fp32 multiplies: MACs issued (padding included) and weight updates
  std::uint64_t treeAdds = 0;        ///< adder-tree adds (FP/BP: Tn−1 per output lane and iteration)
  std::uint64_t accumulateAdds = 0;  ///< accumulations (FP/BP: one per output lane; WU: one per MAC) and updates
  std::uint64_t vectorOps = 0;       ///< vector-path element operations (16 lanes per iteration)
  std::uint64_t bramReads = 0;       ///< buffer bank word reads
  std::uint64_t bramWrites = 0;      ///< buffer bank word writes
  std::uint64_t dmaBeats = 0;        ///< stream beats, per stream rounded up to whole beats
  stats::DdrCounters ddr;            ///< DDR4 commands
  std::uint64_t cycles = 0;          ///< accelerator cycles the phase took

  std::uint64_t adds() const { return treeAdds + accumulateAdds + vectorOps; }
};

/// DRAMPower (classic, MemoryPowerModel.cc) energies of one device, in pJ,
/// and its standby powers in W. Currents in mA, times in ns: mA·ns·V = pJ.
struct DramDeviceEnergy {
  double actPj = 0;    ///< (IDD0−IDD3N)·tRAS·VDD + (IPP0−IPP3N)·tRAS·VPP
  double prePj = 0;    ///< (IDD0−IDD2N)·(tRC−tRAS)·VDD + (IPP0−IPP3N)·(tRC−tRAS)·VPP
  double rdPj = 0;     ///< (IDD4R−IDD3N)·(BL/2)·tCK·VDD
  double wrPj = 0;     ///< (IDD4W−IDD3N)·(BL/2)·tCK·VDD
  double refPj = 0;    ///< (IDD5B−IDD3N)·tRFC·VDD
  double refPbPj = 0;  ///< per-bank refresh: (IDD5PB−IDD3N)·tRFCpb·VDD
  double rdIoPj = 0;   ///< read I/O: P_io·(w + w/8)·(BL/2)·tCK (DQ + DQS pins)
  double wrTermPj = 0; ///< write ODT: P_odt·(w + w/4)·(BL/2)·tCK (DQ + DQS + DM pins)
  double activeStandbyW = 0;      ///< IDD3N·VDD + IPP3N·VPP
  double prechargeStandbyW = 0;   ///< IDD2N·VDD + IPP3N·VPP (IPP2N = IPP3N, Micron note)
};
DramDeviceEnergy dramDeviceEnergy(const models::Ddr4Config& ddr, const EnergyConfig& cfg);

/// Per-action energies of a design (pJ, fabric scale applied) and the powers
/// (W) that are charged over time.
struct EnergyTable : OnChipTable {
  double mulPj = 0, addPj = 0;
  double actPj = 0, prePj = 0, rdPj = 0, wrPj = 0, refPj = 0;  ///< whole rank(s), core + I/O
  double refPbPj = 0;         ///< one bank refreshed in every device of a rank
  double ddrBackgroundW = 0;  ///< all devices; active standby under an open-page policy, else precharge standby
  /// Background from the recorded bank-state residency (DdrCounters::
  /// rankActiveCycles) instead of ddrBackgroundW: set when the DRAM is
  /// simulated at command level. Powers per rank (all its devices).
  bool ddrResidency = false;
  double rankActiveStandbyW = 0, rankPrechargeStandbyW = 0;
  int ddrRanks = 1;
  double ddrClockHz = 1;
};
EnergyTable makeTable(const EnergyConfig& cfg, const models::Ddr4Config& ddr, bool openPage, double clockHz);
/// The table with the background from residency (a command-level DRAM run).
EnergyTable makeResidencyTable(const EnergyConfig& cfg, const models::Ddr4Config& ddr, double clockHz);

/// Count the actions of one executed phase from its steps and its counters.
Activity countActivity(const schedule::Program& prog, const schedule::PhasePlan& plan,
                       const stats::PhaseResult& result, int beatBytes);

/// Energy of an activity, each component rounded to whole fJ.
stats::EnergyFj energyOf(const EnergyTable& t, const Activity& a);

/// Fill `run.phases[i].energy` (phase i executed `prog.phases[i]`) and set
/// `run.energyModelled`. The DDR commands and the cycles after the last
/// phase (posted writes drained at the end) are charged to the last phase,
/// so that the phases add up to the run.
void annotateRun(stats::RunResult& run, const schedule::Program& prog, const EnergyTable& table, int beatBytes);

/// The table of an EF-Train design (its board's energy section, its DDR and
/// page policy, its clock); the design's board must have an energy section.
EnergyTable designTable(const config::DesignConfig& d);
/// annotateRun with an EF-Train design's table, when its board has one; otherwise
/// the run stays without energy.
void annotateDesignRun(const config::DesignConfig& d, const schedule::Program& prog, stats::RunResult& run);

}  // namespace ftsim::energy

#pragma once
// A DDR4 channel: organisation and JEDEC timing. Timing keys in the YAML carry
// their unit (`t_rcd_ns` or `t_rcd_cycles`); everything is converted once,
// here, to cycles of the DDR clock (rounded up: a constraint is never
// undercut).

#include <cstdint>
#include <string>

#include "sim/core/Units.h"

namespace ftsim::config { class ConfigNode; }

namespace ftsim::models {

struct Ddr4Timing {
  std::uint32_t cl = 0, cwl = 0;
  std::uint32_t tRCD = 0, tRP = 0, tRAS = 0, tRC = 0;
  std::uint32_t tRRD_S = 0, tRRD_L = 0, tFAW = 0;
  std::uint32_t tCCD_S = 0, tCCD_L = 0;
  std::uint32_t tWTR_S = 0, tWTR_L = 0, tRTP = 0, tWR = 0;
  std::uint32_t tRFC = 0, tREFI = 0;
  std::uint32_t tRTRS = 1;  ///< rank-to-rank / read-write bus turnaround gap
  /// Rank-switch spacing per pair (idle data-bus cycles between the bursts
  /// of two ranks): RD→RD, WR→WR and WR→RD are tRTRS unless set (-1: not
  /// set); RD→WR adds tRTRS_RdWr (default 0) to one rank's read-to-write
  /// turnaround.
  std::int32_t tRTRS_RdRd = -1, tRTRS_WrWr = -1, tRTRS_WrRd = -1;
  std::uint32_t tRTRS_RdWr = 0;
  std::uint32_t rankSwitch(std::int32_t pair) const { return pair >= 0 ? static_cast<std::uint32_t>(pair) : tRTRS; }
  std::uint32_t tRCDWR = 0;   ///< ACT→WR (HBM2 tRCDWR; the other standards: tRCD)
  std::uint32_t tDQSCK = 0;   ///< LPDDR4: ⌈tDQSCK(max)/tCK⌉, in the RD→WR turnaround
  std::uint32_t tPPD = 0;     ///< LPDDR4: PRE→PRE, any two banks of a rank
  std::uint32_t tRFCpb = 0;   ///< per-bank refresh (LPDDR4 tRFCpb, HBM2 tRFCSB); 0: none
  std::uint32_t tRREFD = 0;   ///< per-bank refresh → REFpb or ACT of another bank
};

/// IDD currents (mA) and voltages (V) of one chip, for DRAMPower-style energy.
struct Ddr4Power {
  double vdd = 1.2, vpp = 2.5;
  double idd0 = 0, idd2n = 0, idd3n = 0, idd4r = 0, idd4w = 0, idd5b = 0;
  double ipp0 = 0, ipp3n = 0;
  double idd5pb = 0;  ///< per-bank refresh current (LPDDR4 IDD5PB, HBM2 IDD5SB)
};

/// The JEDEC standard a device file names (`standard:`); its rules decide
/// which keys the file must have. DDR3 is the DDR4 core with one bank group:
/// one tRRD, tCCD and tWTR, no bank-group spacing. LPDDR4 (JESD209-4): 8
/// banks, BL16, multi-cycle commands on one CA bus, per-bank refresh.
/// HBM2 (JESD235): one pseudo channel per device description, bank groups,
/// BL4, separate row and column command buses, per-bank refresh.
enum class DramStandard : std::uint8_t { Ddr3, Ddr4, Lpddr4, Hbm2 };
const char* toString(DramStandard s);

struct Ddr4Config {
  DramStandard standard = DramStandard::Ddr4;
  std::string speedGrade;
  Clock clock;                 ///< DDR clock (half the data rate)
  int dataWidthBits = 64;      ///< channel data bus
  int chipWidthBits = 16;
  int chipsPerRank = 4;
  int ranks = 1;
  int bankGroups = 2;
  int banksPerGroup = 4;
  std::uint32_t rows = 32768;
  std::uint32_t columns = 1024;
  int burstLength = 8;
  Ddr4Timing t;
  Ddr4Power power;

  int banks() const { return bankGroups * banksPerGroup; }
  /// The standard has a per-bank refresh command (LPDDR4 REFpb, HBM2 REFSB).
  bool hasPerBankRefresh() const { return standard == DramStandard::Lpddr4 || standard == DramStandard::Hbm2; }
  std::uint32_t burstBytes() const { return static_cast<std::uint32_t>(dataWidthBits / 8 * burstLength); }
  std::uint64_t capacityBytes() const {
    return static_cast<std::uint64_t>(ranks) * banks() * rows * columns * (dataWidthBits / 8);
  }
  /// Peak bandwidth in bytes per second (two transfers per DDR clock).
  double peakBytesPerSecond() const {
    return 2.0 * static_cast<double>(clock.freqHz()) * dataWidthBits / 8;
  }
  static Ddr4Config fromYaml(const config::ConfigNode& node);
};

}  // namespace ftsim::models

#include "models/ddr/Ddr4Config.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

namespace {

/// Read `t_<name>_ns` or `t_<name>_cycles` (exactly one must be given).
std::uint32_t readTiming(const config::ConfigNode& t, const std::string& name, const Clock& clk) {
  const std::string ns = name + "_ns";
  const std::string cyc = name + "_cycles";
  const bool hasNs = t.has(ns);
  const bool hasCyc = t.has(cyc);
  if (hasNs && hasCyc) t.at(cyc).fail("give either " + ns + " or " + cyc + ", not both");
  if (hasNs) return static_cast<std::uint32_t>(clk.cyclesForNs(t.getDouble(ns, 0.0, 1e7)).value());
  if (hasCyc) return static_cast<std::uint32_t>(t.getInt(cyc, 0, 1 << 24));
  throw ConfigError(t.loc(), t.path() + "." + ns, "", "required key is missing (or give " + cyc + ")");
}

/// A key the device's standard does not have: a config error at that key.
void refuse(const config::ConfigNode& n, const std::string& key, const std::string& rule) {
  if (n.has(key)) n.at(key).fail(rule);
}

}  // namespace

const char* toString(DramStandard s) { return s == DramStandard::Ddr3 ? "ddr3" : "ddr4"; }

Ddr4Config Ddr4Config::fromYaml(const config::ConfigNode& node) {
  Ddr4Config c;
  const bool ddr3 = node.getEnum("standard", {"ddr3", "ddr4"}) == "ddr3";
  c.standard = ddr3 ? DramStandard::Ddr3 : DramStandard::Ddr4;
  c.speedGrade = node.getString("speed_grade");
  c.clock = Clock::fromMhz(node.getDouble("clock_mhz", 100.0, 3200.0));
  // JESD79-3F: DDR3-800 to DDR3-2133 (tCK 2.5 to 0.938 ns); JESD79-4: DDR4-1600 to DDR4-3200.
  const double lo = ddr3 ? 400 : 800, hi = ddr3 ? 1066.67 : 1600;
  if (c.clock.freqMhz() < lo - 0.01 || c.clock.freqMhz() > hi + 0.01)
    node.at("clock_mhz").fail(std::string("outside ") + (ddr3 ? "DDR3's 400 to 1066.67 MHz (DDR3-800 to DDR3-2133)"
                                                               : "DDR4's 800 to 1600 MHz (DDR4-1600 to DDR4-3200)") +
                              " (standard: " + toString(c.standard) + ")");
  c.dataWidthBits = static_cast<int>(node.getInt("data_width_bits", 8, 512));
  c.chipWidthBits = static_cast<int>(node.getInt("chip_width_bits", 4, 16));
  if (c.chipWidthBits != 4 && c.chipWidthBits != 8 && c.chipWidthBits != 16)
    node.at("chip_width_bits").fail("must be 4, 8 or 16");
  c.chipsPerRank = static_cast<int>(node.getInt("chips_per_rank", 1, 64));
  if (c.chipsPerRank * c.chipWidthBits != c.dataWidthBits)
    node.at("chips_per_rank").fail("chips_per_rank * chip_width_bits must equal data_width_bits (" +
                                   std::to_string(c.dataWidthBits) + ")");
  c.ranks = static_cast<int>(node.getInt("ranks", 1, 1, 4));
  if (ddr3) {
    refuse(node, "bank_groups", "DDR3 has no bank groups: give `banks` (standard: ddr3)");
    refuse(node, "banks_per_group", "DDR3 has no bank groups: give `banks` (standard: ddr3)");
    c.bankGroups = 1;
    c.banksPerGroup = static_cast<int>(node.getInt("banks", 8, 8, 8));  // JESD79-3F: 8 banks
  } else {
    refuse(node, "banks", "DDR4 banks come in bank groups: give bank_groups and banks_per_group (standard: ddr4)");
    c.bankGroups = static_cast<int>(node.getInt("bank_groups", 1, 4));
    c.banksPerGroup = static_cast<int>(node.getInt("banks_per_group", 1, 8));
  }
  c.rows = static_cast<std::uint32_t>(node.getInt("rows", 1, 1 << 20));
  c.columns = static_cast<std::uint32_t>(node.getInt("columns", 8, 1 << 16));
  c.burstLength = static_cast<int>(node.getInt("burst_length", 8, 8, 8));

  const config::ConfigNode t = node.at("timing");
  Ddr4Timing& d = c.t;
  d.cl = static_cast<std::uint32_t>(t.getInt("cl_cycles", 1, 64));
  d.cwl = static_cast<std::uint32_t>(t.getInt("cwl_cycles", 1, 64));
  d.tRCD = readTiming(t, "t_rcd", c.clock);
  d.tRP = readTiming(t, "t_rp", c.clock);
  d.tRAS = readTiming(t, "t_ras", c.clock);
  d.tRC = readTiming(t, "t_rc", c.clock);
  for (const char* name : {"t_rrd", "t_ccd", "t_wtr"}) {
    const std::string n = name;
    for (const char* unit : {"_ns", "_cycles"}) {
      if (ddr3) {
        refuse(t, n + "_s" + unit, "DDR3 has one " + n + " (no bank groups): give " + n + unit + " (standard: ddr3)");
        refuse(t, n + "_l" + unit, "DDR3 has one " + n + " (no bank groups): give " + n + unit + " (standard: ddr3)");
      } else {
        refuse(t, n + unit, "DDR4 splits " + n + " by bank group: give " + n + "_s" + unit + " and " + n + "_l" + unit +
                                " (standard: ddr4)");
      }
    }
  }
  if (ddr3) {
    d.tRRD_S = d.tRRD_L = readTiming(t, "t_rrd", c.clock);
    d.tCCD_S = d.tCCD_L = readTiming(t, "t_ccd", c.clock);
    d.tWTR_S = d.tWTR_L = readTiming(t, "t_wtr", c.clock);
  } else {
    d.tRRD_S = readTiming(t, "t_rrd_s", c.clock);
    d.tRRD_L = readTiming(t, "t_rrd_l", c.clock);
    d.tCCD_S = readTiming(t, "t_ccd_s", c.clock);
    d.tCCD_L = readTiming(t, "t_ccd_l", c.clock);
    d.tWTR_S = readTiming(t, "t_wtr_s", c.clock);
    d.tWTR_L = readTiming(t, "t_wtr_l", c.clock);
  }
  d.tFAW = readTiming(t, "t_faw", c.clock);
  d.tRTP = readTiming(t, "t_rtp", c.clock);
  d.tWR = readTiming(t, "t_wr", c.clock);
  d.tRFC = readTiming(t, "t_rfc", c.clock);
  d.tREFI = readTiming(t, "t_refi", c.clock);
  // Rank-to-rank switch: idle data-bus cycles between bursts of different
  // ranks (DRAMsim2/3 tRTRS; DRAMSys tRTRS); 1 unless the board says more.
  d.tRTRS = static_cast<std::uint32_t>(t.getInt("t_rtrs_cycles", 1, 0, 64));
  if (d.tRC < d.tRAS + d.tRP) t.fail("t_rc must be >= t_ras + t_rp (JEDEC)");
  if (d.tRRD_L < d.tRRD_S) t.fail("t_rrd_l must be >= t_rrd_s");
  if (d.tCCD_L < d.tCCD_S) t.fail("t_ccd_l must be >= t_ccd_s");
  if (d.tREFI <= d.tRFC) t.fail("t_refi must be longer than t_rfc");

  if (auto p = node.find("power")) {
    Ddr4Power& w = c.power;
    w.vdd = p->getDouble("vdd_v", 0.5, 2.0);
    w.vpp = p->getDouble("vpp_v", 0.5, 4.0);
    w.idd0 = p->getDouble("idd0_ma", 0.0, 1000.0);
    w.idd2n = p->getDouble("idd2n_ma", 0.0, 1000.0);
    w.idd3n = p->getDouble("idd3n_ma", 0.0, 1000.0);
    w.idd4r = p->getDouble("idd4r_ma", 0.0, 1000.0);
    w.idd4w = p->getDouble("idd4w_ma", 0.0, 1000.0);
    w.idd5b = p->getDouble("idd5b_ma", 0.0, 1000.0);
    w.ipp0 = p->getDouble("ipp0_ma", 0.0, 1000.0);
    w.ipp3n = p->getDouble("ipp3n_ma", 0.0, 1000.0);
  }
  return c;
}

}  // namespace ftsim::models

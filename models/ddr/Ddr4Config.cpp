#include "models/ddr/Ddr4Config.h"

#include <cctype>

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

namespace {

/// Read `t_<name>_ns` or `t_<name>_cycles` (exactly one must be given).
/// While collecting errors (ConfigNode::collectErrors) a broken rule is
/// recorded, the load goes on and `broken` is set: the checks across timings
/// are then skipped, since they would only repeat it.
std::uint32_t readTiming(const config::ConfigNode& t, const std::string& name, const Clock& clk, bool& broken) {
  const std::string ns = name + "_ns";
  const std::string cyc = name + "_cycles";
  const bool hasNs = t.has(ns);
  const bool hasCyc = t.has(cyc);
  if (hasNs && hasCyc) {
    t.at(cyc).report("give either " + ns + " or " + cyc + ", not both");
    broken = true;
  }
  std::uint32_t v = 0;
  if (hasNs) v = static_cast<std::uint32_t>(clk.cyclesForNs(t.getDouble(ns, 0.0, 1e7)).value());
  else if (hasCyc) v = static_cast<std::uint32_t>(t.getInt(cyc, 0, 1 << 24));
  else if (!t.collecting())
    throw ConfigError(t.loc(), t.path() + "." + ns, "", "required key is missing (or give " + cyc + ")");
  else if (!t.failed())
    t.at(ns);  // records "required key is missing", with the key it looks misspelt as
  if (!hasNs && !hasCyc) broken = true;
  else if (t.at(hasNs ? ns : cyc).failed()) broken = true;
  return v;
}

/// A key the device's standard does not have: a config error at that key
/// (recorded, and the load goes on, while collecting errors).
void refuse(const config::ConfigNode& n, const std::string& key, const std::string& rule) {
  if (n.has(key)) n.at(key).report(rule);
}

/// True when any of `keys` of `n` broke a rule (a check across them would
/// only repeat that error).
bool anyFailed(const config::ConfigNode& n, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (const auto c = n.find(k); c && c->failed()) return true;
  return n.failed();
}

}  // namespace

const char* toString(DramStandard s) {
  switch (s) {
    case DramStandard::Ddr3: return "ddr3";
    case DramStandard::Ddr4: return "ddr4";
    case DramStandard::Lpddr4: return "lpddr4";
    case DramStandard::Hbm2: return "hbm2";
  }
  return "?";
}

namespace {

/// What a standard allows: its clock range (speed bins), burst length, bank
/// organisation and which timing keys it has.
struct StandardRules {
  double clockLoMhz, clockHiMhz;
  const char* range;      ///< the range as the error states it
  int burstLength;
  bool bankGroups;        ///< DDR4, HBM2: bank groups with _s/_l spacings
  int fixedBanks;         ///< without bank groups: the bank count (DDR3, LPDDR4: 8)
  bool perBankRefresh;    ///< LPDDR4 REFpb, HBM2 REFSB: t_rfcpb and t_rrefd
};

StandardRules rulesOf(DramStandard s) {
  switch (s) {
    // JESD79-3F: DDR3-800 to DDR3-2133 (tCK 2.5 to 0.938 ns).
    case DramStandard::Ddr3: return {400, 1066.67, "DDR3's 400 to 1066.67 MHz (DDR3-800 to DDR3-2133)", 8, false, 8, false};
    // JESD79-4: DDR4-1600 to DDR4-3200.
    case DramStandard::Ddr4: return {800, 1600, "DDR4's 800 to 1600 MHz (DDR4-1600 to DDR4-3200)", 8, true, 0, false};
    // JESD209-4: LPDDR4-533 to LPDDR4-4266, BL16, 8 banks per channel.
    case DramStandard::Lpddr4:
      return {266.67, 2133.33, "LPDDR4's 266.67 to 2133.33 MHz (LPDDR4-533 to LPDDR4-4266)", 16, false, 8, true};
    // JESD235A: HBM2 up to 2 Gb/s per pin (1000 MHz); pseudo-channel mode BL4.
    case DramStandard::Hbm2: return {250, 1000, "HBM2's 250 to 1000 MHz (0.5 to 2 Gb/s per pin)", 4, true, 0, true};
  }
  return {0, 0, "", 8, false, 8, false};
}

}  // namespace

Ddr4Config Ddr4Config::fromYaml(const config::ConfigNode& node) {
  Ddr4Config c;
  const std::string name = node.getEnum("standard", {"ddr3", "ddr4", "lpddr4", "hbm2"});
  c.standard = name == "ddr3"     ? DramStandard::Ddr3
               : name == "ddr4"   ? DramStandard::Ddr4
               : name == "lpddr4" ? DramStandard::Lpddr4
                                 : DramStandard::Hbm2;
  const StandardRules rule = rulesOf(c.standard);
  const std::string tag = std::string(" (standard: ") + toString(c.standard) + ")";
  const bool lpddr4 = c.standard == DramStandard::Lpddr4;
  const bool hbm2 = c.standard == DramStandard::Hbm2;
  c.speedGrade = node.getString("speed_grade");
  c.clock = Clock::fromMhz(node.getDouble("clock_mhz", 100.0, 3200.0));
  if (c.clock.freqMhz() < rule.clockLoMhz - 0.01 || c.clock.freqMhz() > rule.clockHiMhz + 0.01)
    node.at("clock_mhz").report(std::string("outside ") + rule.range + tag);
  c.dataWidthBits = static_cast<int>(node.getInt("data_width_bits", 8, 512));
  // HBM2 pseudo channel: 64 bits (JESD235A pseudo-channel mode).
  if (hbm2 && c.dataWidthBits != 64)
    node.at("data_width_bits").report("an HBM2 pseudo channel is 64 bits wide" + tag);
  c.chipWidthBits = static_cast<int>(node.getInt("chip_width_bits", 4, 64));
  if (lpddr4 && c.chipWidthBits != 16) node.at("chip_width_bits").report("an LPDDR4 channel is 16 bits wide" + tag);
  if (hbm2 && c.chipWidthBits != 64) node.at("chip_width_bits").report("an HBM2 pseudo channel is 64 bits wide" + tag);
  if (!lpddr4 && !hbm2 && c.chipWidthBits != 4 && c.chipWidthBits != 8 && c.chipWidthBits != 16)
    node.at("chip_width_bits").report("must be 4, 8 or 16");
  c.chipsPerRank = static_cast<int>(node.getInt("chips_per_rank", 1, 64));
  if (c.chipsPerRank * c.chipWidthBits != c.dataWidthBits && !anyFailed(node, {"data_width_bits", "chip_width_bits"}))
    node.at("chips_per_rank").report("chips_per_rank * chip_width_bits must equal data_width_bits (" +
                                   std::to_string(c.dataWidthBits) + ")");
  c.ranks = static_cast<int>(node.getInt("ranks", 1, 1, 4));
  std::string upper = name;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (!rule.bankGroups) {
    refuse(node, "bank_groups", upper + " has no bank groups: give `banks`" + tag);
    refuse(node, "banks_per_group", upper + " has no bank groups: give `banks`" + tag);
    c.bankGroups = 1;
    c.banksPerGroup = static_cast<int>(node.getInt("banks", rule.fixedBanks, rule.fixedBanks, rule.fixedBanks));
  } else {
    refuse(node, "banks", upper + " banks come in bank groups: give bank_groups and banks_per_group" + tag);
    c.bankGroups = static_cast<int>(node.getInt("bank_groups", 1, 4));
    c.banksPerGroup = static_cast<int>(node.getInt("banks_per_group", 1, 8));
  }
  c.rows = static_cast<std::uint32_t>(node.getInt("rows", 1, 1 << 20));
  c.columns = static_cast<std::uint32_t>(node.getInt("columns", 8, 1 << 16));
  c.burstLength = static_cast<int>(node.getInt("burst_length", rule.burstLength, rule.burstLength, rule.burstLength));

  const config::ConfigNode t = node.at("timing");
  Ddr4Timing& d = c.t;
  bool broken = false;  // a timing broke a rule: the checks across timings are skipped
  d.cl = static_cast<std::uint32_t>(t.getInt("cl_cycles", 1, 64));
  d.cwl = static_cast<std::uint32_t>(t.getInt("cwl_cycles", 1, 64));
  d.tRCD = readTiming(t, "t_rcd", c.clock, broken);
  // HBM2 has its own ACT→WR (tRCDWR, JESD235A); the others one tRCD.
  for (const char* unit : {"_ns", "_cycles"})
    if (!hbm2) refuse(t, std::string("t_rcdwr") + unit, "only HBM2 has a separate ACT-to-write delay" + tag);
  d.tRCDWR = hbm2 ? readTiming(t, "t_rcdwr", c.clock, broken) : d.tRCD;
  d.tRP = readTiming(t, "t_rp", c.clock, broken);
  d.tRAS = readTiming(t, "t_ras", c.clock, broken);
  d.tRC = readTiming(t, "t_rc", c.clock, broken);
  for (const char* nm : {"t_rrd", "t_ccd", "t_wtr"}) {
    const std::string n = nm;
    for (const char* unit : {"_ns", "_cycles"}) {
      if (!rule.bankGroups) {
        refuse(t, n + "_s" + unit, upper + " has one " + n + " (no bank groups): give " + n + unit + tag);
        refuse(t, n + "_l" + unit, upper + " has one " + n + " (no bank groups): give " + n + unit + tag);
      } else {
        refuse(t, n + unit, upper + " splits " + n + " by bank group: give " + n + "_s" + unit + " and " + n + "_l" +
                                unit + tag);
      }
    }
  }
  if (!rule.bankGroups) {
    d.tRRD_S = d.tRRD_L = readTiming(t, "t_rrd", c.clock, broken);
    d.tCCD_S = d.tCCD_L = readTiming(t, "t_ccd", c.clock, broken);
    d.tWTR_S = d.tWTR_L = readTiming(t, "t_wtr", c.clock, broken);
  } else {
    d.tRRD_S = readTiming(t, "t_rrd_s", c.clock, broken);
    d.tRRD_L = readTiming(t, "t_rrd_l", c.clock, broken);
    d.tCCD_S = readTiming(t, "t_ccd_s", c.clock, broken);
    d.tCCD_L = readTiming(t, "t_ccd_l", c.clock, broken);
    d.tWTR_S = readTiming(t, "t_wtr_s", c.clock, broken);
    d.tWTR_L = readTiming(t, "t_wtr_l", c.clock, broken);
  }
  d.tFAW = readTiming(t, "t_faw", c.clock, broken);
  d.tRTP = readTiming(t, "t_rtp", c.clock, broken);
  d.tWR = readTiming(t, "t_wr", c.clock, broken);
  d.tRFC = readTiming(t, "t_rfc", c.clock, broken);
  d.tREFI = readTiming(t, "t_refi", c.clock, broken);
  // LPDDR4 only: tDQSCK(max) in the RD→WR turnaround, tPPD between PREs.
  for (const char* k : {"t_dqsck", "t_ppd"})
    for (const char* unit : {"_ns", "_cycles"})
      if (!lpddr4) refuse(t, std::string(k) + unit, "an LPDDR4 timing" + tag);
  if (lpddr4) {
    d.tDQSCK = readTiming(t, "t_dqsck", c.clock, broken);
    d.tPPD = readTiming(t, "t_ppd", c.clock, broken);
  }
  for (const char* k : {"t_rfcpb", "t_rrefd"})
    for (const char* unit : {"_ns", "_cycles"})
      if (!rule.perBankRefresh) refuse(t, std::string(k) + unit, upper + " has no per-bank refresh" + tag);
  if (rule.perBankRefresh) {
    d.tRFCpb = readTiming(t, "t_rfcpb", c.clock, broken);
    d.tRREFD = readTiming(t, "t_rrefd", c.clock, broken);
    if (d.tRFCpb == 0 && !broken) {
      t.at(t.has("t_rfcpb_ns") ? "t_rfcpb_ns" : "t_rfcpb_cycles").report("must be > 0");
      broken = true;
    }
  }
  // Rank-to-rank switch: idle data-bus cycles between bursts of different
  // ranks (DRAMsim2/3 tRTRS; DRAMSys tRTRS); 1 unless the board says more.
  // Each pair can be set on its own (DRAMSys keeps one value; gem5 tCS).
  d.tRTRS = static_cast<std::uint32_t>(t.getInt("t_rtrs_cycles", 1, 0, 64));
  if (t.has("t_rtrs_rd_rd_cycles")) d.tRTRS_RdRd = static_cast<std::int32_t>(t.getInt("t_rtrs_rd_rd_cycles", 0, 64));
  if (t.has("t_rtrs_wr_wr_cycles")) d.tRTRS_WrWr = static_cast<std::int32_t>(t.getInt("t_rtrs_wr_wr_cycles", 0, 64));
  if (t.has("t_rtrs_wr_rd_cycles")) d.tRTRS_WrRd = static_cast<std::int32_t>(t.getInt("t_rtrs_wr_rd_cycles", 0, 64));
  d.tRTRS_RdWr = static_cast<std::uint32_t>(t.getInt("t_rtrs_rd_wr_cycles", 0, 0, 64));
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
    if (rule.perBankRefresh) w.idd5pb = p->getDouble("idd5pb_ma", 0.0, 1000.0);
    else refuse(*p, "idd5pb_ma", upper + " has no per-bank refresh" + tag);
  }
  // The rules across timings come last, once every key has been read (a
  // failed one stops the load: while collecting errors, every key is then
  // still checked for misspellings), and only when every timing was valid.
  if (!broken) {
    if (d.tRC < d.tRAS + d.tRP) t.fail("t_rc must be >= t_ras + t_rp (JEDEC)");
    if (d.tRRD_L < d.tRRD_S) t.fail("t_rrd_l must be >= t_rrd_s");
    if (d.tCCD_L < d.tCCD_S) t.fail("t_ccd_l must be >= t_ccd_s");
    if (d.tREFI <= d.tRFC) t.fail("t_refi must be longer than t_rfc");
    // BL16 on LPDDR4 holds the bus 8 cycles: tCCD = BL/2 (JESD209-4).
    if (lpddr4 && d.tCCD_S != static_cast<std::uint32_t>(c.burstLength / 2))
      t.at(t.has("t_ccd_ns") ? "t_ccd_ns" : "t_ccd_cycles").fail("LPDDR4 tCCD is BL/2 = 8 cycles" + tag);
    if (rule.perBankRefresh && d.tRFCpb > d.tRFC)
      t.fail("t_rfcpb must be <= t_rfc (a bank refreshes faster than the whole device)");
  }
  return c;
}

}  // namespace ftsim::models

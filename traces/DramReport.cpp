#include "traces/DramReport.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace ftsim::traces {

using Json = nlohmann::ordered_json;

namespace {

struct Derived {
  std::uint64_t spanCycles = 0;  ///< cycle 0 (the trace's time origin) to the end of the last data
  double seconds = 0;
  double busBytes = 0;           ///< bursts on the data bus × burst bytes
  double bandwidthGbs = 0;       ///< GB/s (1e9 bytes)
  double utilisation = 0;        ///< of the peak over the span
};

Derived derive(const DramReport& r) {
  Derived d;
  const models::ReplayResult& x = r.result;
  d.spanCycles = x.endCycle;
  d.seconds = r.device.clock.seconds(Cycles(d.spanCycles));
  d.busBytes = static_cast<double>(x.counters.dataBytes);
  d.bandwidthGbs = d.seconds > 0 ? d.busBytes / d.seconds / 1e9 : 0;
  d.utilisation =
      d.seconds > 0 ? d.busBytes / (d.seconds * r.device.peakBytesPerSecond() * r.controller.channels) : 0;
  return d;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

std::string dramReportJson(const DramReport& r) {
  const models::ReplayResult& x = r.result;
  const Derived d = derive(r);
  Json j;
  j["schema"] = "ftsim.dram/1";
  j["trace"] = {{"path", r.trace},
                {"format", r.format},
                {"entry", r.asap ? "asap" : "trace_cycle"},
                {"requests", x.requests},
                {"reads", x.reads},
                {"writes", x.writes},
                {"request_bytes", x.requestBytes}};
  const models::Ddr4Config& dev = r.device;
  j["device"] = {{"file", r.deviceFile},
                 {"standard", models::toString(dev.standard)},
                 {"speed_grade", dev.speedGrade},
                 {"clock_mhz", dev.clock.freqMhz()},
                 {"data_width_bits", dev.dataWidthBits},
                 {"ranks", dev.ranks},
                 {"bank_groups", dev.bankGroups},
                 {"banks_per_group", dev.banksPerGroup},
                 {"channels", r.controller.channels},
                 {"peak_gb_per_s", dev.peakBytesPerSecond() * r.controller.channels / 1e9}};
  const models::Ddr4ControllerConfig& c = r.controller;
  j["controller"] = {{"file", r.controllerFile.empty() ? Json() : Json(r.controllerFile)},
                     {"address_mapping", c.mapping.text()},
                     {"page_policy", models::toString(c.pagePolicy)},
                     {"queues", models::toString(c.queues)},
                     {"read_queue_bursts", c.queues == models::QueueStructure::Shared ? Json(c.readQueueBursts) : Json()},
                     {"write_queue_bursts", c.queues == models::QueueStructure::Shared ? Json(c.writeQueueBursts) : Json()},
                     {"transaction_queue_bursts",
                      c.queues == models::QueueStructure::PerBank ? Json(c.transactionQueueBursts) : Json()},
                     {"bank_queue_bursts", c.queues == models::QueueStructure::PerBank ? Json(c.bankQueueBursts) : Json()},
                     {"write_high_watermark_bursts", c.writeHighWatermarkBursts},
                     {"write_low_watermark_bursts", c.writeLowWatermarkBursts}};
  j["cycles"] = {{"first_entry", x.firstCycle},
                 {"last_entry", x.lastEntryCycle},
                 {"end", x.endCycle},
                 {"delayed_requests", x.delayedRequests},
                 {"entry_delay_cycles", x.entryDelayCycles}};
  j["time_ns"] = d.seconds * 1e9;
  j["data_bus_bytes"] = x.counters.dataBytes;
  j["bandwidth_gb_per_s"] = d.bandwidthGbs;
  j["bandwidth_utilisation"] = d.utilisation;
  Json hist = Json::array();
  for (std::size_t k = 0; k < x.readLatencyHistogram.size(); ++k)
    hist.push_back({{"from_cycles", 1ULL << k}, {"to_cycles", 2ULL << k}, {"reads", x.readLatencyHistogram[k]}});
  j["read_latency_cycles"] = {{"mean", x.readLatencyMean}, {"min", x.readLatencyMin}, {"p50", x.readLatencyP50},
                              {"p99", x.readLatencyP99},   {"max", x.readLatencyMax}, {"histogram", hist}};
  const stats::DdrCounters& n = x.counters;
  j["row_hit_rate"] = n.rowHitRate();
  j["row_hits"] = n.rowHits;
  j["row_misses"] = n.rowMisses;
  j["row_conflicts"] = n.rowConflicts;
  j["commands"] = {{"act", n.activates}, {"pre", n.precharges}, {"rd", n.reads},
                   {"wr", n.writes},      {"ref", n.refreshes},   {"ref_pb", n.bankRefreshes}};
  Json banks = Json::array();
  const int perRank = dev.banks();
  for (std::size_t b = 0; b < x.banks.size(); ++b) {
    const models::DdrCommandCounts& k = x.bankCommands[b];
    const int inRank = static_cast<int>(b) % perRank;
    banks.push_back({{"bank", b},
                     {"rank", static_cast<int>(b) / perRank},
                     {"bank_group", inRank / dev.banksPerGroup},
                     {"act", k[static_cast<int>(models::DdrCommand::Act)]},
                     {"pre", k[static_cast<int>(models::DdrCommand::Pre)]},
                     {"rd", k[static_cast<int>(models::DdrCommand::Rd)]},
                     {"wr", k[static_cast<int>(models::DdrCommand::Wr)]},
                     {"ref", k[static_cast<int>(models::DdrCommand::Ref)]},
                     {"ref_pb", k[static_cast<int>(models::DdrCommand::RefPb)]},
                     {"row_hits", x.banks[b].rowHits},
                     {"row_misses", x.banks[b].rowMisses},
                     {"row_conflicts", x.banks[b].rowConflicts}});
  }
  j["banks"] = banks;
  if (r.energyModelled) {
    const energy::DramEnergyJ& e = r.energy;
    j["energy_j"] = {{"act", e.act}, {"pre", e.pre}, {"rd", e.rd}, {"wr", e.wr}, {"ref", e.ref},
                     {"active_standby", e.activeStandby}, {"precharge_standby", e.prechargeStandby},
                     {"total", e.total()}};
    j["power_w"] = d.seconds > 0 ? e.total() / d.seconds : 0.0;
  } else {
    j["energy_j"] = nullptr;
    j["power_w"] = nullptr;
  }
  return j.dump(2) + "\n";
}

void printDramReport(const DramReport& r, std::ostream& out) {
  const models::ReplayResult& x = r.result;
  const Derived d = derive(r);
  const stats::DdrCounters& n = x.counters;
  out << "trace         " << r.trace << " (" << r.format << ", " << x.requests << " requests: " << x.reads
      << " reads, " << x.writes << " writes; entry " << (r.asap ? "as soon as taken" : "at the trace cycle")
      << ")\n";
  out << "device        " << models::toString(r.device.standard) << " " << r.device.speedGrade << ", " << r.device.ranks << " rank(s) x " << r.device.bankGroups
      << " bank groups x " << r.device.banksPerGroup << " banks, " << fmt("%.1f", r.device.clock.freqMhz())
      << " MHz, " << r.controller.channels << " channel(s), peak "
      << fmt("%.2f", r.device.peakBytesPerSecond() * r.controller.channels / 1e9) << " GB/s\n";
  out << "controller    " << r.controller.mapping.text() << ", " << models::toString(r.controller.pagePolicy)
      << " page, queues ";
  if (r.controller.queues == models::QueueStructure::PerBank)
    out << "per bank: " << r.controller.transactionQueueBursts << " in the transaction queue, "
        << r.controller.bankQueueBursts << " per bank\n";
  else
    out << r.controller.readQueueBursts << " RD / " << r.controller.writeQueueBursts << " WR\n";
  out << "cycles        " << x.endCycle << " DDR cycles (" << fmt("%.3f", d.seconds * 1e6)
      << " us); first entry at " << x.firstCycle << ", last at " << x.lastEntryCycle << ", " << x.delayedRequests
      << " requests entered late by " << x.entryDelayCycles << " cycles in all\n";
  out << "bandwidth     " << fmt("%.3f", d.bandwidthGbs) << " GB/s (" << fmt("%.1f", 100 * d.utilisation)
      << " % of peak)\n";
  out << "read latency  mean " << fmt("%.1f", x.readLatencyMean) << ", p50 " << x.readLatencyP50 << ", p99 "
      << x.readLatencyP99 << ", max " << x.readLatencyMax << " DDR cycles\n";
  out << "row buffer    hit rate " << fmt("%.1f", 100 * n.rowHitRate()) << " % (" << n.rowHits << " hits, "
      << n.rowMisses << " misses, " << n.rowConflicts << " conflicts)\n";
  out << "commands      ACT " << n.activates << "  PRE " << n.precharges << "  RD " << n.reads << "  WR " << n.writes
      << "  REF " << n.refreshes;
  if (n.bankRefreshes > 0) out << "  REFpb " << n.bankRefreshes;
  out << "\n";
  if (r.energyModelled)
    out << "energy        " << fmt("%.3f", r.energy.total() * 1e6) << " uJ (commands "
        << fmt("%.3f", r.energy.commands() * 1e6) << ", background " << fmt("%.3f", r.energy.background() * 1e6)
        << "), " << fmt("%.3f", d.seconds > 0 ? r.energy.total() / d.seconds : 0.0) << " W\n";
  else
    out << "energy        not modelled (the device file has no `power` section)\n";
  out << "\n  bank  rank  bg       ACT       PRE        RD        WR   hit %\n";
  for (std::size_t b = 0; b < x.banks.size(); ++b) {
    const models::DdrCommandCounts& k = x.bankCommands[b];
    const std::uint64_t acc = x.banks[b].rowHits + x.banks[b].rowMisses + x.banks[b].rowConflicts;
    if (acc == 0 && k[0] == 0) continue;
    char line[160];
    const int perRank = r.device.banks();
    std::snprintf(line, sizeof line, "  %4zu  %4d  %2d %9llu %9llu %9llu %9llu  %6.1f\n", b,
                  static_cast<int>(b) / perRank, (static_cast<int>(b) % perRank) / r.device.banksPerGroup,
                  static_cast<unsigned long long>(k[0]), static_cast<unsigned long long>(k[1]),
                  static_cast<unsigned long long>(k[2]), static_cast<unsigned long long>(k[3]),
                  acc ? 100.0 * static_cast<double>(x.banks[b].rowHits) / static_cast<double>(acc) : 0.0);
    out << line;
  }
}

}  // namespace ftsim::traces

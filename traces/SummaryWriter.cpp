#include "traces/SummaryWriter.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iomanip>
#include <sstream>
#include <vector>

#include "traces/ResourcesJson.h"

namespace ftsim::traces {

using Json = nlohmann::ordered_json;

namespace {

Json tilingJson(const LayerRow& row) {
  if (!row.hasTiling) return nullptr;
  return Json{{"Tm", row.tiling.tm}, {"Tn", row.tiling.tn}, {"Tr", row.tiling.tr}, {"Tc", row.tiling.tc},
              {"M_on", row.tiling.mOn}, {"weights_resident", row.tiling.weightsResident}};
}

std::string fmt(double v, int prec) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(prec) << v;
  return s.str();
}

std::string scientific(double v, int prec) {
  std::ostringstream s;
  s << std::scientific << std::setprecision(prec) << v;
  return s.str();
}

std::string human(double v) {
  const char* units[] = {"", "k", "M", "G", "T"};
  int u = 0;
  while (v >= 1000.0 && u < 4) {
    v /= 1000.0;
    ++u;
  }
  return fmt(v, v < 10 ? 2 : 1) + units[u];
}

/// Row hit rate, or null when no DDR burst was served.
Json hitRate(const stats::DdrCounters& d) {
  return d.rowHits + d.rowMisses + d.rowConflicts ? Json(d.rowHitRate()) : Json(nullptr);
}

Json ddrLayerFields(Json j, const LayerRow& row) {
  const stats::DdrCounters& d = row.ddr;
  j["ddr_bytes"] = d.dataBytes;
  j["ddr_row_hit_rate"] = hitRate(d);
  j["ddr_row_hits"] = d.rowHits;
  j["ddr_row_misses"] = d.rowMisses;
  j["ddr_row_conflicts"] = d.rowConflicts;
  j["ddr_acts"] = d.activates;
  j["ddr_precharges"] = d.precharges;
  j["ddr_reads"] = d.reads;
  j["ddr_writes"] = d.writes;
  j["ddr_refreshes"] = d.refreshes;
  j["axi_bursts"] = d.axiBursts;
  return j;
}

Json memoryJson(const Report& r) {
  Json m{{"model", r.memoryModel}, {"bytes_read", r.bytesRead}, {"bytes_written", r.bytesWritten}};
  if (!r.hasDdr()) {
    m["row_hit_rate"] = nullptr;
    m["bandwidth_utilisation"] = nullptr;
    m["ddr"] = nullptr;
    return m;
  }
  const stats::MemoryRunStats& s = r.memory;
  const stats::DdrCounters& d = s.total;
  m["row_hit_rate"] = hitRate(d);
  m["bandwidth_utilisation"] = r.ddrUtilisation();
  Json hist = Json::array();
  const double nsPerCycle = 1e3 / s.ddrClockMhz;
  for (std::size_t k = 0; k < s.readLatencyHistogram.size(); ++k)
    hist.push_back(Json{{"from_ns", static_cast<double>(1ULL << k) * nsPerCycle},
                        {"to_ns", static_cast<double>(2ULL << k) * nsPerCycle},
                        {"count", s.readLatencyHistogram[k]}});
  Json banks = Json::array();
  for (std::size_t b = 0; b < s.banks.size(); ++b)
    banks.push_back(Json{{"bank", b},
                         {"row_hits", s.banks[b].rowHits},
                         {"row_misses", s.banks[b].rowMisses},
                         {"row_conflicts", s.banks[b].rowConflicts},
                         {"activates", s.banks[b].activates}});
  m["ddr"] = Json{
      {"clock_mhz", s.ddrClockMhz},
      {"peak_gb_per_s", s.peakBytesPerSecond / 1e9},
      {"bandwidth_gb_per_s", r.totalCycles ? static_cast<double>(d.dataBytes) / r.seconds() / 1e9 : 0.0},
      {"address_mapping", s.addressMapping},
      {"page_policy", s.pagePolicy},
      {"data_bytes", d.dataBytes},
      {"axi_bursts", d.axiBursts},
      {"commands", Json{{"act", d.activates}, {"pre", d.precharges}, {"rd", d.reads}, {"wr", d.writes},
                        {"ref", d.refreshes}, {"ref_pb", d.bankRefreshes}}},
      {"row_hits", d.rowHits},
      {"row_misses", d.rowMisses},
      {"row_conflicts", d.rowConflicts},
      {"read_latency_ns",
       Json{{"transactions", s.readTransactions},
            {"mean", s.readTransactions ? static_cast<double>(s.readLatencySumCycles) * nsPerCycle /
                                              static_cast<double>(s.readTransactions)
                                        : 0.0},
            {"histogram", hist}}},
      {"banks", banks}};
  return m;
}

/// The energy components in report order: (JSON name, console label, value).
struct Component {
  const char* name;
  const char* label;
  std::uint64_t fj;
};
std::vector<Component> energyComponents(const stats::EnergyFj& e) {
  return {{"compute", "compute", e.compute},
          {"on_chip_memory", "on-chip memory", e.onChipMemory},
          {"dma_interconnect", "DMA/interconnect", e.dma},
          {"ddr_dynamic", "DDR dynamic", e.ddrDynamic},
          {"ddr_background", "DDR background", e.ddrBackground},
          {"static", "static (PL+PS)", e.staticPower}};
}

double joules(std::uint64_t fj) { return static_cast<double>(fj) * 1e-15; }

Json energyJson(const Report& r) {
  if (!r.energyModelled)
    return Json{{"modelled", false},
                {"note", "energy is modelled on a board with an energy table (board.energy); "
                         "this design's board has none"}};
  Json comps = Json::object();
  for (const Component& c : energyComponents(r.energy))
    comps[c.name] = Json{{"energy_j", joules(c.fj)},
                         {"energy_fj", c.fj},
                         {"power_w", r.totalCycles ? joules(c.fj) / r.seconds() : 0.0}};
  return Json{{"modelled", true}, {"energy_j", r.energyJoules()}, {"energy_fj", r.energy.total()},
              {"power_w", r.powerWatts()}, {"components", comps}};
}

Json orNull(bool present, double v) { return present ? Json(v) : Json(nullptr); }

}  // namespace

void printEnergyLine(const Report& r, std::ostream& os) {
  if (r.energyModelled) {
    // A TT training step takes about a millijoule: below 1 J the line prints mJ.
    const double j = r.energyJoules();
    os << "energy        " << (j >= 1.0 ? fmt(j, 3) + " J, " : fmt(j * 1e3, 3) + " mJ, ") << fmt(r.powerWatts(), 3)
       << " W, " << fmt(r.gflopsPerWatt(), 3) << " GFLOPS/W\n ";
    const double total = static_cast<double>(r.energy.total());
    for (const Component& c : energyComponents(r.energy))
      os << ' ' << c.label << ' ' << fmt(total > 0 ? 100.0 * static_cast<double>(c.fj) / total : 0.0, 1) << '%';
    os << '\n';
  } else {
    os << "energy        not modelled (no board.energy table)\n";
  }
}

std::string summaryJson(const Report& r) {
  Json j;
  j["schema"] = kSummarySchema;
  j["design"] = r.design;
  j["clock_mhz"] = r.clockMhz;
  j["batch"] = r.batch;
  j["seed"] = r.seed;
  j["memory"] = memoryJson(r);
  j["total"] = Json{{"cycles", r.totalCycles},
                    {"seconds", r.seconds()},
                    {"flops", r.flops},
                    {"gflops", r.gflops()},
                    {"analytical_cycles", r.analyticalCycles},
                    {"analytical_covered_cycles", r.analyticalCoveredCycles},
                    {"analytical_error_percent", r.analyticalErrorPercent()},
                    {"mac_cycles", r.macCycles},
                    {"mac_gflops", r.macGflops()},
                    {"other_layer_cycles", r.otherCycles},
                    {"host_cycles", r.hostCycles},
                    {"compute_cycles", r.computeCycles},
                    {"dma_wait_cycles", r.dmaWaitCycles},
                    {"ddr_stall_cycles", r.ddrStallCycles},
                    {"energy_j", orNull(r.energyModelled, r.energyJoules())},
                    {"power_w", orNull(r.energyModelled, r.powerWatts())},
                    {"gflops_per_w", orNull(r.energyModelled, r.gflopsPerWatt())}};
  j["energy"] = energyJson(r);
  Json layers = Json::array();
  for (const LayerRow& row : r.rows) {
    layers.push_back(ddrLayerFields(Json{{"layer", row.layer},
                          {"type", row.type},
                          {"phase", schedule::toString(row.phase)},
                          {"unit", row.unit},
                          {"cycles", row.cycles},
                          {"compute_cycles", row.computeCycles},
                          {"dma_wait_cycles", row.dmaWaitCycles},
                          {"ddr_stall_cycles", row.ddrStallCycles},
                          {"analytical_cycles", row.analyticalCycles},
                          {"model_error_percent", row.modelErrorPercent()},
                          {"flops", row.flops},
                          {"gflops", row.gflops(r.clockMhz)},
                          {"bytes_read", row.bytesRead},
                          {"bytes_written", row.bytesWritten},
                          {"transfers", row.transfers},
                          {"steps", row.steps},
                          {"tiling", tilingJson(row)},
                          {"energy_j", orNull(r.energyModelled, joules(row.energy.total()))}},
                                    row));
  }
  j["layers"] = layers;
  Json bufs = Json::object();
  for (const auto& b : r.buffers)
    bufs[b.name] = Json{{"capacity_bytes", b.capacityBytes}, {"peak_bytes", b.peakBytes}, {"peak_at", b.peakAt}};
  j["buffers"] = bufs;
  if (r.resources) j["resources"] = resourcesJson(*r.resources);
  if (r.functional && r.functional->inference)
    j["functional"] = Json{{"mode", "inference"},
                           {"logits_checksum_fnv1a64", r.functional->logitsChecksumFnv1a64},
                           {"logits_sum", r.functional->logitsSum},
                           {"payload_bytes_loaded", r.functional->bytesLoaded},
                           {"payload_bytes_stored", r.functional->bytesStored},
                           {"backing_store_bytes", r.functional->backingStoreBytes}};
  else if (r.functional)
    j["functional"] = Json{{"loss", r.functional->loss},
                           {"learning_rate", r.functional->learningRate},
                           {"weight_checksum_fnv1a64", r.functional->weightChecksumFnv1a64},
                           {"weight_sum", r.functional->weightSum},
                           {"payload_bytes_loaded", r.functional->bytesLoaded},
                           {"payload_bytes_stored", r.functional->bytesStored},
                           {"backing_store_bytes", r.functional->backingStoreBytes}};
  j["simulator"] = Json{{"wall_seconds", r.wallSeconds}};
  return j.dump(2) + "\n";
}

std::string layersCsv(const Report& r) {
  std::ostringstream s;
  s << "layer,type,phase,unit,cycles,compute_cycles,dma_wait_cycles,ddr_stall_cycles,analytical_cycles,"
       "model_error_percent,flops,gflops,bytes_read,bytes_written,"
       "transfers,steps,Tm,Tn,Tr,Tc,M_on,ddr_bytes,ddr_row_hit_rate,ddr_row_hits,ddr_row_misses,"
       "ddr_row_conflicts,ddr_acts,ddr_precharges,ddr_reads,ddr_writes,ddr_refreshes,axi_bursts,energy_j\n";
  for (const LayerRow& row : r.rows) {
    s << row.layer << ',' << row.type << ',' << schedule::toString(row.phase) << ',' << row.unit << ',' << row.cycles
      << ',' << row.computeCycles << ',' << row.dmaWaitCycles << ',' << row.ddrStallCycles
      << ',' << row.analyticalCycles << ',' << fmt(row.modelErrorPercent(), 4) << ',' << row.flops << ','
      << fmt(row.gflops(r.clockMhz), 4) << ',' << row.bytesRead << ',' << row.bytesWritten << ',' << row.transfers
      << ',' << row.steps;
    if (row.hasTiling)
      s << ',' << row.tiling.tm << ',' << row.tiling.tn << ',' << row.tiling.tr << ',' << row.tiling.tc << ','
        << row.tiling.mOn;
    else
      s << ",,,,,";
    const stats::DdrCounters& d = row.ddr;
    s << ',' << d.dataBytes << ',';
    if (d.rowHits + d.rowMisses + d.rowConflicts) s << fmt(d.rowHitRate(), 4);
    s << ',' << d.rowHits << ',' << d.rowMisses << ',' << d.rowConflicts << ',' << d.activates << ','
      << d.precharges << ',' << d.reads << ',' << d.writes << ',' << d.refreshes << ',' << d.axiBursts << ',';
    if (r.energyModelled) s << scientific(joules(row.energy.total()), 9);
    s << '\n';
  }
  return s.str();
}

void printConsoleSummary(const Report& r, std::ostream& os) {
  os << "ftsim: " << r.design << "  (batch " << r.batch << ", " << fmt(r.clockMhz, 0) << " MHz, memory "
     << r.memoryModel << ")\n\n";
  os << std::left << std::setw(14) << "layer" << std::setw(6) << "phase" << std::right << std::setw(14) << "cycles"
     << std::setw(14) << "analytical" << std::setw(8) << "err%" << std::setw(9) << "GFLOPS" << std::setw(11)
     << "MB read" << std::setw(11) << "MB wrote" << "  tiling (Tm Tn Tr Tc M_on)\n";
  for (const LayerRow& row : r.rows) {
    os << std::left << std::setw(14) << row.layer << std::setw(6) << schedule::toString(row.phase) << std::right
       << std::setw(14) << row.cycles << std::setw(14) << row.analyticalCycles << std::setw(8)
       << fmt(row.modelErrorPercent(), 2) << std::setw(9) << (row.flops ? fmt(row.gflops(r.clockMhz), 2) : "-")
       << std::setw(11) << fmt(static_cast<double>(row.bytesRead) / 1e6, 2) << std::setw(11)
       << fmt(static_cast<double>(row.bytesWritten) / 1e6, 2);
    if (row.hasTiling)
      os << "  " << row.tiling.tm << ' ' << row.tiling.tn << ' ' << row.tiling.tr << ' ' << row.tiling.tc << ' '
         << row.tiling.mOn;
    os << '\n';
  }
  const double pct = [&] {
    return r.totalCycles ? 100.0 / static_cast<double>(r.totalCycles) : 0.0;
  }();
  os << "\ntotal         " << r.totalCycles << " cycles = " << fmt(r.seconds() * 1e3, 3) << " ms at "
     << fmt(r.clockMhz, 0) << " MHz\n";
  os << "  conv/FC     " << r.macCycles << " cycles (" << fmt(r.macCycles * pct, 1) << "%)\n";
  os << "  other layers " << r.otherCycles << " cycles (" << fmt(r.otherCycles * pct, 1)
     << "%: pooling, batch norm, ReLU, adds)\n";
  os << "  host loss   " << r.hostCycles << " cycles (" << fmt(r.hostCycles * pct, 1) << "%)\n";
  os << "stalls        compute " << fmt(r.computeCycles * pct, 1) << "%, DMA wait " << fmt(r.dmaWaitCycles * pct, 1)
     << "%, DDR stall " << fmt(r.ddrStallCycles * pct, 1) << "%\n";
  os << "analytical    " << r.analyticalCycles << " cycles for the " << r.analyticalCoveredCycles
     << " simulated cycles it covers (sim/model "
     << fmt(r.analyticalCycles ? static_cast<double>(r.analyticalCoveredCycles) / static_cast<double>(r.analyticalCycles)
                               : 0.0,
            4)
     << ")\n";
  os << "throughput    " << fmt(r.gflops(), 2) << " GFLOPS end to end, " << fmt(r.macGflops(), 2)
     << " GFLOPS over the conv/FC phases (" << human(static_cast<double>(r.flops))
     << "FLOP of conv/FC work, 2 per MAC)\n";
  os << "DDR traffic   " << fmt(static_cast<double>(r.bytesRead) / 1e9, 3) << " GB read, "
     << fmt(static_cast<double>(r.bytesWritten) / 1e9, 3) << " GB written ("
     << fmt(static_cast<double>(r.bytesRead + r.bytesWritten) / r.seconds() / 1e9, 2) << " GB/s average)\n";
  if (r.hasDdr()) {
    const stats::DdrCounters& d = r.memory.total;
    os << "DDR4          " << fmt(100.0 * r.ddrUtilisation(), 2) << "% of " << fmt(r.memory.peakBytesPerSecond / 1e9, 2)
       << " GB/s peak, row hit rate " << fmt(100.0 * d.rowHitRate(), 2) << "%, " << d.activates << " ACT, "
       << d.reads << " RD, " << d.writes << " WR, " << d.refreshes << " REF, " << d.axiBursts << " AXI bursts\n";
  }
  printEnergyLine(r, os);
  os << "buffers      ";
  for (const auto& b : r.buffers)
    os << ' ' << b.name << ' ' << fmt(static_cast<double>(b.peakBytes) / 1024, 0) << '/'
       << fmt(static_cast<double>(b.capacityBytes) / 1024, 0) << " KiB";
  if (r.resources) {
    // The estimate against the board (docs/resources.md); `ftsim check` prints it per unit.
    const resources::ResourceEstimate& e = *r.resources;
    os << "\nresources    ";
    const auto item = [&](const char* name, double used, double budget) {
      os << ' ' << name << ' ' << fmt(used, used == static_cast<double>(static_cast<long long>(used)) ? 0 : 1) << '/'
         << fmt(budget, 0);
      if (budget > 0) os << " (" << fmt(used / budget * 100.0, 1) << "%)";
    };
    item(("DSP (" + e.dspType + ")").c_str(), e.total.dsp, e.budgetDsp);
    item("BRAM36", e.total.bram36, e.budgetBram36);
    if (e.budgetUram > 0 || e.total.uram > 0) item("URAM", e.total.uram, e.budgetUram);
    item("LUT", e.total.lut, e.budgetLut);
    item("FF", e.total.ff, e.budgetFf);
  }
  if (r.functional && r.functional->inference)
    os << "\nfunctional    inference, logits checksum " << r.functional->logitsChecksumFnv1a64 << " (fnv1a64)\n";
  else if (r.functional)
    os << "\nfunctional    loss " << fmt(r.functional->loss, 7) << ", updated weights checksum "
       << r.functional->weightChecksumFnv1a64 << " (fnv1a64)\n";
  os << "\nsimulated in  " << fmt(r.wallSeconds, 2) << " s wall ("
     << human(r.wallSeconds > 0 ? static_cast<double>(r.totalCycles) / r.wallSeconds : 0.0) << " cycles/s)\n";
}

}  // namespace ftsim::traces

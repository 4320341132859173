#include "families/eftrain/EfTrainReport.h"

#include <map>
#include <utility>

namespace ftsim::families::eftrain {

traces::Report makeReport(const stats::RunResult& run, const workload::Network& net,
                          std::vector<schedule::BufferUse> buffers) {
  traces::Report r;
  r.design = run.design;
  r.memoryModel = run.memoryModel;
  r.clockMhz = run.clockMhz;
  r.batch = net.batch;
  r.seed = run.seed;
  r.totalCycles = run.totalCycles;
  r.wallSeconds = run.wallSeconds;
  r.memory = run.memory;
  r.energyModelled = run.energyModelled;
  r.buffers = std::move(buffers);
  std::map<std::pair<int, int>, std::size_t> index;  // (layer, phase) → row
  for (const stats::PhaseResult& p : run.phases) {
    const auto key = std::make_pair(p.layer, static_cast<int>(p.phase));
    auto it = index.find(key);
    if (it == index.end()) {
      traces::LayerRow row;
      row.layer = p.name;
      row.type = p.layer >= 0 ? workload::toString(net.layers[p.layer].type) : "softmax_loss";
      row.phase = p.phase;
      row.unit = p.layer < 0 ? "host"
                 : net.layers[p.layer].isMac() ? "pe_array"
                                               : "vector";
      it = index.emplace(key, r.rows.size()).first;
      r.rows.push_back(row);
    }
    traces::LayerRow& row = r.rows[it->second];
    row.cycles += p.cycles;
    row.analyticalCycles += p.analyticalCycles;
    row.eftrainCycles += p.eftrainCycles;
    row.rooflineCycles += p.rooflineCycles;
    row.flops += p.flops;
    row.bytesRead += p.bytesRead();
    row.bytesWritten += p.bytesWritten();
    for (const auto& s : p.streams) row.transfers += s.transfers;
    row.computeBusyCycles += p.computeBusyCycles;
    row.computeCycles += p.computeCycles;
    row.dmaWaitCycles += p.dmaWaitCycles;
    row.ddrStallCycles += p.ddrStallCycles;
    row.steps += p.steps;
    row.ddr += p.ddr;
    row.energy += p.energy;
    if (p.hasTiling) {
      row.hasTiling = true;
      row.tiling = p.tiling;
    }
  }
  for (const traces::LayerRow& row : r.rows) {
    r.analyticalCycles += row.analyticalCycles;
    if (row.analyticalCycles) r.analyticalCoveredCycles += row.cycles;
    r.eftrainCycles += row.eftrainCycles;
    r.rooflineCycles += row.rooflineCycles;
    r.flops += row.flops;
    r.bytesRead += row.bytesRead;
    r.bytesWritten += row.bytesWritten;
    r.energy += row.energy;
    r.computeCycles += row.computeCycles;
    r.dmaWaitCycles += row.dmaWaitCycles;
    r.ddrStallCycles += row.ddrStallCycles;
    if (row.unit == "pe_array") r.macCycles += row.cycles;
    else if (row.unit == "host") r.hostCycles += row.cycles;
    else r.otherCycles += row.cycles;
  }
  return r;
}

}  // namespace ftsim::families::eftrain

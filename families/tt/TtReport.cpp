#include "families/tt/TtReport.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <map>
#include <sstream>

#include "sim/config/DesignConfig.h"
#include "traces/ResourcesJson.h"
#include "traces/SummaryWriter.h"

namespace ftsim::traces {

using Json = nlohmann::ordered_json;
using tt::MemoryComponent;

namespace {

std::string fmt(double v, int prec) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(prec) << v;
  return s.str();
}

double ratio(std::uint64_t dense, std::uint64_t design) {
  return design ? static_cast<double>(dense) / static_cast<double>(design) : 0.0;
}

Json memoryJson(const tt::MemoryAtRanks& m) {
  Json comps = Json::object();
  for (int c = 0; c < tt::kMemoryComponents; ++c) {
    const std::uint64_t own = m.design.ownPeak[c], denseOwn = m.dense.ownPeak[c];
    Json& e = comps[tt::toString(static_cast<MemoryComponent>(c))];
    e["bytes"] = m.design.atPeak[c];
    e["peak_bytes"] = own;
    e["dense_fp32_bytes"] = m.dense.atPeak[c];
    e["dense_fp32_peak_bytes"] = denseOwn;
    e["reduction"] = own && denseOwn ? Json(ratio(denseOwn, own)) : Json(nullptr);
  }
  Json j;
  j["step"] = m.step;
  j["max_rank"] = m.maxRank;
  j["params"] = m.params;
  j["dense_params"] = m.denseParams;
  j["training_bytes"] = m.design.peakBytes;
  j["dense_fp32_training_bytes"] = m.dense.peakBytes;
  j["reduction_vs_dense_fp32"] = m.reduction();
  j["peak_at"] = m.design.peakAt;
  j["dense_fp32_peak_at"] = m.dense.peakAt;
  j["components"] = std::move(comps);
  return j;
}

}  // namespace

std::string ttSummaryJson(const config::DesignConfig& d, const tt::TtDesignPlan& plan, const tt::TtRunResult& run,
                          const Report& report, const resources::ResourceEstimate& resources,
                          const std::optional<TtCpuEstimate>& cpuEstimate) {
  Json j = Json::parse(summaryJson(report));
  const auto& e = d.tt;
  Json& acc = j["accelerator"];
  acc["kind"] = d.kind;
  acc["name"] = e.name;
  acc["pe_array"]["rows"] = e.peArray.rows;
  acc["pe_array"]["depth"] = e.peArray.depth;
  acc["pe_array"]["macs_per_dsp"] = e.macsPerDsp();
  acc["pe_array"]["dsps"] = e.peDsps();
  acc["formats"]["weights"] = e.formats.weights.name();
  acc["formats"]["activations"] = e.formats.activations.name();
  acc["formats"]["gradients"] = e.formats.gradients.name();
  acc["formats"]["optimizer_state"] = e.formats.optimizerState.name();
  acc["rounding"] = kernels::toString(e.rounding);
  acc["optimizer"] = tt::toString(e.optimizer.kind);
  acc["planner"]["objective"] = models::toString(e.planner.objective);
  acc["planner"]["reuse_forward_intermediates"] = e.planner.reuseForwardIntermediates;

  Json mem = memoryJson(plan.memory);
  Json& sched = mem["rank_schedule"];
  sched = Json::array();
  for (const auto& m : plan.schedule) {
    Json s = memoryJson(m);
    for (const char* k : {"components", "peak_at", "dense_fp32_peak_at", "dense_params"}) s.erase(k);
    sched.push_back(std::move(s));
  }
  j["training_memory"] = std::move(mem);

  Json& chip = j["on_chip"];
  chip["fits"] = plan.onChip.fits;
  chip["bytes"] = plan.onChip.bytes();
  chip["bram36"]["used"] = plan.onChip.bram36;
  chip["bram36"]["budget"] = plan.onChip.bram36Budget;
  chip["uram"]["used"] = plan.onChip.uram;
  chip["uram"]["budget"] = plan.onChip.uramBudget;
  chip["buffers"] = Json::array();
  for (const auto& p : plan.onChip.pools) {
    Json b;
    b["name"] = p.name;
    b["bytes"] = p.bytes;
    b["memory"] = p.uram ? "uram" : "bram";
    b["blocks"] = p.blocks;
    b["capacity_bytes"] = p.capacityBytes();
    chip["buffers"].push_back(std::move(b));
  }

  Json& orders = j["contraction_orders"];
  orders = Json::array();
  for (const tt::LayerPlanReport& lp : plan.program.plans) {
    Json layer;
    layer["layer"] = lp.name;
    layer["shape"] = lp.shape;
    layer["params"] = lp.params;
    layer["kept_for_backward_bytes"] = lp.keptForBackwardBytes;
    Json& nets = layer["networks"];
    nets = Json::array();
    for (const tt::NetworkReport& n : lp.networks) {
      Json net;
      net["network"] = n.name;
      net["order"] = n.order;
      net["flops"] = n.flops;
      net["planner_cost"] = n.cost;
      net["reuses"] = n.reused;
      Json& steps = net["steps"];
      steps = Json::array();
      for (const auto& st : n.steps) {
        Json step;
        step["result"] = st.expr;
        step["gemm"]["batch"] = st.gemm.batch;
        step["gemm"]["m"] = st.gemm.m;
        step["gemm"]["k"] = st.gemm.k;
        step["gemm"]["n"] = st.gemm.n;
        step["flops"] = st.gemm.flops();
        step["elements"] = st.elements;
        step["bytes"] = st.bytes;
        steps.push_back(std::move(step));
      }
      nets.push_back(std::move(net));
    }
    orders.push_back(std::move(layer));
  }

  Json& res = j["resources"];
  res["dsp"]["used"] = e.dsps();
  res["dsp"]["budget"] = d.board.resources.dsp;
  res["dsp"]["pe_array"] = e.peDsps();
  res["dsp"]["vector_unit"] = e.vectorDsps();
  res["bram36"] = chip["bram36"];
  res["uram"] = chip["uram"];
  res["estimate"] = resourcesJson(resources);

  if (cpuEstimate) {
    const TtCpuEstimate& c = *cpuEstimate;
    const auto& cb = d.cpuBaseline;
    Json& cpu = j["cpu_baseline"];
    cpu["estimate"] = true;
    cpu["note"] =
        "estimates: the CPU time is the step's contraction FLOPs over the CPU's peak times an efficiency factor; "
        "energies are power figures times times; neither is measured";
    cpu["name"] = cb.name;
    cpu["cores"] = cb.cores;
    cpu["clock_mhz"] = cb.clockMhz;
    cpu["simd_width_bits"] = cb.simdWidthBits;
    cpu["peak_gflops"] = cb.peakFlopsPerSecond() / 1e9;
    cpu["efficiency"] = cb.efficiency;
    cpu["efficiency_source"] = cb.efficiencySource;
    cpu["cpu_seconds"] = c.cpuSeconds;
    cpu["accelerator_seconds"] = c.accelSeconds;
    cpu["speedup"] = c.speedup;
    cpu["cpu_power_w"] = cb.powerW;
    cpu["accelerator_power_w"] = e.powerW;
    cpu["energy_ratio"] = c.hasEnergy ? Json(c.energyRatio) : Json(nullptr);
    // The same CPU energy over this run's modelled energy (docs/energy.md), not over power_w × time.
    cpu["energy_ratio_modelled"] = c.hasModelledEnergy ? Json(c.modelledEnergyRatio) : Json(nullptr);
  }
  if (run.functional) {
    char hex[24];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(run.weightChecksum));
    j["functional"]["loss"] = run.loss;
    j["functional"]["weight_checksum"] = hex;
  }
  return j.dump(2) + "\n";
}

namespace {

void printMemory(const tt::MemoryAtRanks& m, std::ostream& os) {
  os << "training memory (step " << m.step << ", max rank " << (m.maxRank ? std::to_string(m.maxRank) : "as configured")
     << "): " << m.params << " parameters vs " << m.denseParams << " dense\n";
  os << "  " << std::left << std::setw(28) << "component" << std::right << std::setw(14) << "design" << std::setw(16)
     << "dense fp32" << std::setw(10) << "ratio" << "   (each component's own peak)\n";
  for (int c = 0; c < tt::kMemoryComponents; ++c) {
    const std::uint64_t a = m.design.ownPeak[c], b = m.dense.ownPeak[c];
    os << "  " << std::left << std::setw(28) << tt::toString(static_cast<MemoryComponent>(c)) << std::right
       << std::setw(14) << a << std::setw(16) << b << std::setw(10) << (a && b ? fmt(ratio(b, a), 1) + "x" : "-") << "\n";
  }
  os << "  " << std::left << std::setw(28) << "training memory (peak live)" << std::right << std::setw(14)
     << m.design.peakBytes << std::setw(16) << m.dense.peakBytes << std::setw(10) << fmt(m.reduction(), 1) + "x"
     << "\n  peak at: " << m.design.peakAt << " (dense: " << m.dense.peakAt << ")\n";
}

void printOrders(const tt::TtDesignPlan& plan, std::ostream& os) {
  os << "contraction orders (network, planner cost, FLOPs, largest result in elements, order):\n";
  for (const tt::LayerPlanReport& lp : plan.program.plans) {
    os << "  " << lp.name << "  " << lp.shape << "  " << lp.params << " params, " << lp.keptForBackwardBytes
       << " B of forward intermediates kept for the backward pass\n";
    for (const tt::NetworkReport& n : lp.networks) {
      std::uint64_t largest = 0;
      for (const auto& st : n.steps) largest = std::max(largest, st.elements);
      os << "    " << std::left << std::setw(11) << n.name << std::right << std::setw(10) << n.cost << std::setw(12)
         << n.flops << std::setw(10) << largest << "  " << n.order << "\n";
    }
  }
}

void printOnChip(const config::DesignConfig& d, const tt::TtDesignPlan& plan, std::ostream& os) {
  const auto& a = plan.onChip;
  os << "on-chip buffers on " << d.board.name << ": " << a.bram36 << " / " << a.bram36Budget << " BRAM36, " << a.uram
     << " / " << a.uramBudget << " URAM" << (a.fits ? "" : "  DOES NOT FIT: " + a.overflow) << "\n";
  for (const auto& p : a.pools)
    if (p.bytes)
      os << "  " << std::left << std::setw(28) << p.name << std::right << std::setw(12) << p.bytes << " B in "
         << p.blocks << (p.uram ? " URAM" : " BRAM18") << "\n";
  os << "DSP48E2      " << d.tt.dsps() << " / " << d.board.resources.dsp << " (PE array " << d.tt.peArray.rows << "x"
     << d.tt.peArray.depth << " at " << fmt(d.tt.macsPerDsp(), 1) << " MAC/DSP: " << d.tt.peDsps()
     << ", vector unit " << d.tt.vectorDsps() << ")\n";
}

}  // namespace

void printTtConsoleSummary(const config::DesignConfig& d, const tt::TtDesignPlan& plan, const tt::TtRunResult& run,
                           const Report& r, const std::optional<TtCpuEstimate>& cpuEstimate, std::ostream& os) {
  os << "ftsim: " << r.design << "  (tt engine, batch " << r.batch << ", " << fmt(r.clockMhz, 0) << " MHz, memory "
     << r.memoryModel << (run.functional ? ", functional" : "") << ")\n\n";
  os << std::left << std::setw(14) << "layer" << std::setw(6) << "phase" << std::setw(10) << "unit" << std::right
     << std::setw(12) << "cycles" << std::setw(12) << "roofline" << std::setw(12) << "MFLOP" << std::setw(9)
     << "GFLOPS" << std::setw(10) << "KB read\n";
  for (const LayerRow& row : r.rows)
    os << std::left << std::setw(14) << row.layer << std::setw(6) << schedule::toString(row.phase) << std::setw(10)
       << row.unit << std::right << std::setw(12) << row.cycles << std::setw(12) << row.analyticalCycles
       << std::setw(12) << fmt(static_cast<double>(row.flops) / 1e6, 3) << std::setw(9)
       << (row.flops ? fmt(row.gflops(r.clockMhz), 3) : "-") << std::setw(9)
       << fmt(static_cast<double>(row.bytesRead) / 1e3, 1) << "\n";
  os << "\ntotal         " << r.totalCycles << " cycles = " << fmt(r.seconds() * 1e3, 4) << " ms at "
     << fmt(r.clockMhz, 0) << " MHz (per-op roofline " << r.analyticalCycles << ")\n";
  os << "  PE array    " << run.peBusyCycles << " cycles, vector unit " << run.vectorBusyCycles << ", input DMA "
     << run.dmaBusyCycles << "\n";
  os << "throughput    " << fmt(r.gflops(), 3) << " GFLOPS (" << fmt(static_cast<double>(r.flops) / 1e6, 2)
     << " MFLOP of contractions, 2 per MAC); "
     << fmt(static_cast<double>(d.workload.batch) / r.seconds(), 1) << " samples/s\n";
  os << "DDR traffic   " << r.bytesRead << " B read (input batch only)\n";
  if (run.functional)
    os << "functional    loss " << fmt(run.loss, 6) << ", weights checksum " << std::hex << run.weightChecksum
       << std::dec << "\n";
  os << "\n";
  printOrders(plan, os);
  os << "\n";
  printMemory(plan.memory, os);
  if (!plan.schedule.empty()) {
    os << "rank schedule:\n";
    for (const auto& m : plan.schedule)
      os << "  step " << std::setw(7) << m.step << "  max rank " << std::setw(3) << m.maxRank << "  " << std::setw(8)
         << m.params << " params  " << std::setw(10) << m.design.peakBytes << " B  " << fmt(m.reduction(), 1)
         << "x less than dense fp32\n";
  }
  os << "\n";
  printOnChip(d, plan, os);
  if (cpuEstimate) {
    const TtCpuEstimate& c = *cpuEstimate;
    os << "vs CPU (est.) " << d.cpuBaseline.name << ": " << fmt(c.cpuSeconds * 1e3, 3) << " ms -> speedup "
       << fmt(c.speedup, 1) << "x";
    if (c.hasEnergy) os << ", energy ratio " << fmt(c.energyRatio, 1) << "x at power_w " << d.tt.powerW << " W";
    if (c.hasModelledEnergy) os << ", " << fmt(c.modelledEnergyRatio, 1) << "x from the modelled energy";
    os << " (estimates: efficiency " << d.cpuBaseline.efficiency << ", " << d.cpuBaseline.efficiencySource << ")\n";
  }
  printEnergyLine(r, os);
  os << "simulated in  " << fmt(r.wallSeconds, 2) << " s wall\n";
}

void describeTtDesign(const config::DesignConfig& d, const tt::TtDesignPlan& plan, std::ostream& os) {
  const auto& b = d.board;
  const auto& e = d.tt;
  os << "design       " << d.name << "  (" << d.file << ")\n";
  os << "board        " << b.name << "  " << b.device << ": " << b.resources.dsp << " DSP, " << b.resources.bram36
     << " BRAM36, " << b.resources.uram << " URAM, " << b.resources.lut << " LUT, " << b.resources.ff << " FF\n";
  os << "accelerator  " << e.name << " (tt) @ " << fmt(e.clock.freqMhz(), 1) << " MHz, PE array " << e.peArray.rows
     << "x" << e.peArray.depth << ", formats weights " << e.formats.weights.name() << " activations "
     << e.formats.activations.name() << " gradients " << e.formats.gradients.name() << " optimizer state "
     << e.formats.optimizerState.name() << ", rounding " << kernels::toString(e.rounding) << " (" << e.roundingLanes
     << " LFSR lanes), " << tt::toString(e.optimizer.kind) << " lr " << e.optimizer.learningRate << ", planner "
     << models::toString(e.planner.objective)
     << (e.planner.reuseForwardIntermediates ? " reusing forward intermediates" : " recomputing forward intermediates")
     << (e.functional ? ", functional" : "") << "\n";
  os << "workload     " << d.workload.name << ", batch " << d.workload.batch << ", step " << d.workload.step
     << ", " << plan.program.params << " parameters at max rank "
     << (plan.memory.maxRank ? std::to_string(plan.memory.maxRank) : "as configured") << "\n";
  for (const auto& l : d.workload.layers) {
    os << "  " << std::left << std::setw(14) << l.name << std::setw(14) << workload::toString(l.type) << std::right
       << l.in.c << "x" << l.in.h << "x" << l.in.w << " -> " << l.out.c << "x" << l.out.h << "x" << l.out.w;
    if (l.isTt()) os << "  " << l.tt.describe() << (l.perPosition ? " per position" : "");
    os << "\n";
  }
  os << "program      " << plan.program.ops.size() << " operations, " << plan.program.tensors.size() << " tensors, "
     << fmt(static_cast<double>(plan.program.flops()) / 1e6, 3) << " MFLOP of contractions\n\n";
  printOrders(plan, os);
  os << "\n";
  printMemory(plan.memory, os);
  os << "\n";
  printOnChip(d, plan, os);
}

}  // namespace ftsim::traces

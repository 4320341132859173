#include "families/tt/TtFamily.h"

#include <map>
#include <memory>
#include <utility>

#include "models/accel/TtSystem.h"
#include "models/tt_engine/TtDatapath.h"
#include "sim/analytical/TtRoofline.h"
#include "sim/config/ConfigNode.h"
#include "sim/energy/TtEnergyModel.h"
#include "traces/SummaryWriter.h"

namespace ftsim::families::tt {

namespace {

const char* unitOf(const ftsim::tt::ProgOp& op) {
  if (op.kind == ftsim::tt::OpKind::LoadInput) return "dma";
  return op.kind == ftsim::tt::OpKind::Contract ? "pe_array" : "vector";
}

class TtRun final : public DesignRun {
 public:
  explicit TtRun(const config::DesignConfig& d) : m_d(d), m_plan(ftsim::tt::planTtDesign(d)) {}

  void simulate(bool progress, stats::SimObserver*) override {
    std::unique_ptr<models::TtDatapath> datapath;
    if (m_d.tt.functional) {
      datapath = std::make_unique<models::TtDatapath>(m_plan.program, m_d.tt, m_d.seed);
      datapath->initWeights(m_d.seed);
      datapath->synthesizeBatch(m_d.seed, datapath->lossClasses());
    }
    models::SimOptions opts;
    opts.progress = progress;
    m_run = models::simulateTt(m_d.tt, m_d.memory, m_plan.program, datapath.get(), opts);
    for (std::size_t i = 0; i < m_run.ops.size(); ++i)
      m_run.ops[i].analyticalCycles = analytical::ttRooflineCycles(m_plan.program.ops[i], m_d.tt);
    m_report = makeTtReport(m_d, m_plan, m_run);
    m_resources = resources::estimateTtResources(m_d);
    if (m_d.cpuBaseline.present) m_cpu = estimateCpu(m_d, m_plan, m_report);
  }

  const traces::Report& report() const override { return m_report; }
  std::string summaryJson() const override {
    return traces::ttSummaryJson(m_d, m_plan, m_run, m_report, m_resources, m_cpu);
  }
  void printSummary(std::ostream& os) const override {
    traces::printTtConsoleSummary(m_d, m_plan, m_run, m_report, m_cpu, os);
  }

 private:
  const config::DesignConfig& m_d;
  // Kept alive for the whole simulation: the SystemC modules refer to it.
  const ftsim::tt::TtDesignPlan m_plan;
  ftsim::tt::TtRunResult m_run;
  traces::Report m_report;
  resources::ResourceEstimate m_resources;
  std::optional<traces::TtCpuEstimate> m_cpu;
};

class TtFamily final : public AcceleratorFamily {
 public:
  const char* kind() const override { return "tt"; }
  const char* title() const override { return "tensorized-training"; }
  bool hasAnalyticalModel() const override { return false; }
  bool hasFunctionalStep() const override { return false; }
  bool reportsToObserver() const override { return false; }

  void load(config::DesignConfig& d, const config::ConfigNode& root) const override {
    // Each block is read even when an earlier one has an error, so that a
    // load reports them all; the checks across blocks run only on a clean load.
    const bool ttOk = root.at("accelerator").guard(
        [&] { d.tt = models::TtEngineConfig::fromYaml(root.at("accelerator"), d.board.host.dmaStartNs); });
    // One DMA engine and one stream port bring the input batches.
    root.at("accelerator").guard([&] {
      d.implementation = resources::ImplementationConfig::fromYaml(root.at("accelerator"), d.board.resourceModel,
                                                                   false, 1, 1);
    });
    root.at("workload").guard([&] {
      d.workload = workload::Network::fromYaml(root.at("workload"));
      if (!d.workload.training())
        root.at("workload").at("mode").fail("the tensorized-training engine simulates training steps only");
    });
    if (ttOk)
      (root.has("memory") ? root.at("memory") : root).guard([&] {
        d.memory = models::MemoryConfig::fromYaml(root.find("memory"), d.board.ddr, root.at("board").at("ddr"),
                                                  d.tt.clock);
        // The TT engine keeps every tensor on chip and reads only input batches
        // from DDR: it runs with the ideal memory, its default.
        const auto mem = root.find("memory");
        if (!mem || !mem->has("model")) d.memory.model = "ideal";
        else if (d.memory.model != "ideal")
          mem->at("model").fail(
              "the tensorized-training accelerator runs with the ideal memory (its tensors stay on chip)");
      });
    else
      root.find("memory");  // not read after an error in the accelerator, but not unknown either
    if (root.has("cpu_baseline"))
      root.at("cpu_baseline").guard(
          [&] { d.cpuBaseline = models::CpuBaselineConfig::fromYaml(root.at("cpu_baseline")); });
    root.checkNoUnknownKeys();
    root.throwIfErrors();
    ftsim::tt::validateTtDesign(d, root);
    resources::checkResourceBudget(estimateResources(d), root);
  }

  Clock clock(const config::DesignConfig& d) const override { return d.tt.clock; }

  resources::ResourceEstimate estimateResources(const config::DesignConfig& d) const override {
    return resources::estimateTtResources(d);
  }

  void describe(const config::DesignConfig& d, std::ostream& os) const override {
    const ftsim::tt::TtDesignPlan plan = ftsim::tt::planTtDesign(d);
    traces::describeTtDesign(d, plan, os);
    resources::printResourceTable(estimateResources(d), os);
  }

  std::unique_ptr<DesignRun> prepare(const config::DesignConfig& d) const override {
    return std::make_unique<TtRun>(d);
  }
};

}  // namespace

const AcceleratorFamily& family() {
  static const TtFamily f;
  return f;
}

traces::Report makeTtReport(const config::DesignConfig& d, const ftsim::tt::TtDesignPlan& plan,
                            const ftsim::tt::TtRunResult& run) {
  traces::Report r;
  r.design = d.name;
  r.memoryModel = run.memoryModel;
  r.clockMhz = run.clockMhz;
  r.batch = d.workload.batch;
  r.seed = d.seed;
  r.totalCycles = run.totalCycles;
  r.wallSeconds = run.wallSeconds;
  std::map<std::pair<int, int>, std::size_t> rowOf;  // (layer or −1/−2, phase) → row
  const auto& ops = plan.program.ops;
  const std::vector<stats::EnergyFj> opEnergy = energy::ttDesignOpEnergies(d, plan.program, run);
  r.energyModelled = !opEnergy.empty();
  for (std::size_t i = 0; i < ops.size() && i < run.ops.size(); ++i) {
    const ftsim::tt::ProgOp& op = ops[i];
    const ftsim::tt::TtOpResult& res = run.ops[i];
    const int key = op.layer >= 0 ? op.layer : (op.kind == ftsim::tt::OpKind::LoadInput ? -2 : -1);
    const auto k = std::make_pair(key, static_cast<int>(op.phase));
    auto it = rowOf.find(k);
    if (it == rowOf.end()) {
      traces::LayerRow row;
      if (op.layer >= 0) {
        row.layer = d.workload.layers[static_cast<std::size_t>(op.layer)].name;
        row.type = workload::toString(d.workload.layers[static_cast<std::size_t>(op.layer)].type);
      } else {
        row.layer = op.kind == ftsim::tt::OpKind::LoadInput ? "input" : "softmax_loss";
        row.type = op.kind == ftsim::tt::OpKind::LoadInput ? "input_load" : "loss";
      }
      row.phase = op.phase;
      row.unit = unitOf(op);
      it = rowOf.emplace(k, r.rows.size()).first;
      r.rows.push_back(row);
    }
    traces::LayerRow& row = r.rows[it->second];
    if (op.kind == ftsim::tt::OpKind::Contract) row.unit = "pe_array";
    row.cycles += res.cycles;
    row.analyticalCycles += res.analyticalCycles;
    row.flops += op.flops;
    row.bytesRead += res.bytesRead;
    row.transfers += res.transfers;
    if (op.kind != ftsim::tt::OpKind::LoadInput) row.computeBusyCycles += res.cycles;
    row.steps += 1;
    if (r.energyModelled) row.energy += opEnergy[i];
  }
  for (const traces::LayerRow& row : r.rows) {
    r.analyticalCycles += row.analyticalCycles;
    if (row.analyticalCycles) r.analyticalCoveredCycles += row.cycles;
    r.flops += row.flops;
    r.bytesRead += row.bytesRead;
    r.energy += row.energy;
    if (row.unit == "pe_array") r.macCycles += row.cycles;
    else r.otherCycles += row.cycles;
  }
  for (const ftsim::tt::BufferPool& p : plan.onChip.pools)
    r.buffers.push_back(schedule::BufferUse{p.name + "_buffer", p.capacityBytes(), p.bytes, p.uram ? "URAM" : "BRAM"});
  return r;
}

traces::TtCpuEstimate estimateCpu(const config::DesignConfig& d, const ftsim::tt::TtDesignPlan& plan,
                                  const traces::Report& r) {
  traces::TtCpuEstimate e;
  const auto& c = d.cpuBaseline;
  e.cpuSeconds = static_cast<double>(plan.program.flops()) / (c.peakFlopsPerSecond() * c.efficiency);
  e.accelSeconds = r.seconds();
  e.speedup = e.accelSeconds > 0 ? e.cpuSeconds / e.accelSeconds : 0;
  e.hasEnergy = d.tt.powerW > 0;
  if (e.hasEnergy) e.energyRatio = (e.cpuSeconds * c.powerW) / (e.accelSeconds * d.tt.powerW);
  e.hasModelledEnergy = r.energyModelled && r.energy.total() > 0;
  if (e.hasModelledEnergy) e.modelledEnergyRatio = e.cpuSeconds * c.powerW / r.energyJoules();
  return e;
}

}  // namespace ftsim::families::tt

#include "families/eftrain/EfTrainFamily.h"

#include <algorithm>
#include <string>
#include <vector>

#include "families/eftrain/Describe.h"
#include "families/eftrain/EfTrainReport.h"
#include "models/accel/EfTrainSystem.h"
#include "sim/analytical/RunAnnotation.h"
#include "sim/config/ConfigNode.h"
#include "sim/energy/EnergyModel.h"
#include "sim/schedule/BufferUsage.h"
#include "traces/SummaryWriter.h"

namespace ftsim::families::eftrain {

namespace {

class EfTrainRun final : public DesignRun {
 public:
  explicit EfTrainRun(const config::DesignConfig& d) : m_d(d), m_sched(schedulerInputs(d)), m_prog(m_sched.build()) {}

  void checkTimelineWindow(const traces::TimelineOptions& t) const override {
    if (t.layer.empty()) return;
    std::vector<std::string> names;
    for (const auto& ph : m_prog.phases) {
      if (ph.name == t.layer && (t.phase.empty() || t.phase == schedule::toString(ph.phase))) return;
      if (std::find(names.begin(), names.end(), ph.name) == names.end()) names.push_back(ph.name);
    }
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : " ") + n;
    throw UserError("--timeline-window " + t.window + ": the program has no " +
                    (t.phase.empty() ? "layer " + t.layer : "phase " + t.phase + " of layer " + t.layer) +
                    " (layers: " + list + ")");
  }

  void simulate(bool progress, stats::SimObserver* observer) override {
    models::SimOptions opts;
    opts.progress = progress;
    opts.observer = observer;
    stats::RunResult run = models::simulate(m_d.accelerator, m_d.memory, m_prog, opts);
    analytical::annotateModels(m_d, run);
    run.design = m_d.name;
    run.batch = m_d.workload.batch;
    run.seed = m_d.seed;
    energy::annotateDesignRun(m_d, m_prog, run);
    m_report = makeReport(run, m_d.workload, schedule::bufferUsage(m_prog, m_d.accelerator));
    m_report.resources = resources::estimateEfTrainResources(m_d);
  }

  const traces::Report& report() const override { return m_report; }
  std::string summaryJson() const override { return traces::summaryJson(m_report); }
  void printSummary(std::ostream& os) const override { traces::printConsoleSummary(m_report, os); }

 private:
  const config::DesignConfig& m_d;
  const schedule::Scheduler m_sched;
  const schedule::Program m_prog;
  traces::Report m_report;
};

class EfTrainFamily final : public AcceleratorFamily {
 public:
  const char* kind() const override { return "eftrain"; }
  const char* title() const override { return "EF-Train"; }
  bool hasAnalyticalModel() const override { return true; }
  bool hasFunctionalStep() const override { return true; }
  bool hasHlsExport() const override { return true; }
  bool reportsToObserver() const override { return true; }

  void load(config::DesignConfig& d, const config::ConfigNode& root) const override {
    d.accelerator = models::EfTrainConfig::fromYaml(root.at("accelerator"), d.board.host.dmaStartNs);
    // EF-Train's four AXI DMA engines and five AXI-Stream ports (sdk/main.cc,
    // HLS/hls_main6.cpp top(); docs/sources.md §10).
    d.implementation = resources::ImplementationConfig::fromYaml(root.at("accelerator"), d.board.resourceModel,
                                                                 true, 4, 5);
    d.workload = workload::Network::fromYaml(root.at("workload"));
    d.memory = models::MemoryConfig::fromYaml(root.find("memory"), d.board.ddr, root.at("board").at("ddr"),
                                              d.accelerator.clock);
    root.checkNoUnknownKeys();
    // The ideal section is checked whenever it is written, so that
    // --set memory.model=ideal never turns a valid design into an invalid one.
    const bool idealRateGiven = root.has("memory") && root.at("memory").has("ideal") &&
                                root.at("memory").at("ideal").has("bytes_per_cycle");
    if ((d.memory.model == "ideal" || idealRateGiven) &&
        d.memory.ideal.bytesPerCycle > d.accelerator.dma.bytesPerCycle())
      root.at("memory").at("ideal").at("bytes_per_cycle")
          .fail("must be <= the DMA stream width (" + std::to_string(d.accelerator.dma.bytesPerCycle()) +
                " bytes per cycle): a stream never takes more");
    const auto layerNodes = root.at("workload").at("layers").items();
    for (std::size_t i = 0; i < d.workload.layers.size(); ++i)
      if (d.workload.layers[i].needsTtEngine())
        layerNodes[i].at("type").fail("needs the tensorized-training accelerator (accelerator.kind: tt)");

    const std::uint64_t bufBytes = d.accelerator.buffers.totalBytes();
    const std::uint64_t onChip = d.board.resources.onChipBytes();
    if (bufBytes > onChip) {
      root.at("accelerator").at("buffers").fail(
          "on-chip buffers need " + std::to_string(bufBytes) + " bytes, board " + d.board.name +
          " has " + std::to_string(onChip) + " bytes of BRAM/URAM");
    }
    resources::checkResourceBudget(estimateResources(d), root);
  }

  Clock clock(const config::DesignConfig& d) const override { return d.accelerator.clock; }

  resources::ResourceEstimate estimateResources(const config::DesignConfig& d) const override {
    return resources::estimateEfTrainResources(d);
  }

  void describe(const config::DesignConfig& d, std::ostream& os) const override {
    const schedule::Scheduler sched(schedulerInputs(d));
    const schedule::Program prog = sched.build();
    describeDesign(d, prog, schedule::bufferUsage(prog, d.accelerator), os);
  }

  std::unique_ptr<DesignRun> prepare(const config::DesignConfig& d) const override {
    return std::make_unique<EfTrainRun>(d);
  }
};

}  // namespace

const AcceleratorFamily& family() {
  static const EfTrainFamily f;
  return f;
}

schedule::SchedulerInputs schedulerInputs(const config::DesignConfig& d) {
  schedule::SchedulerInputs in;
  in.accel = &d.accelerator;
  in.host = &d.board.host;
  in.net = &d.workload;
  in.ddrCapacityBytes = d.board.ddr.capacityBytes();
  in.plainLayout = d.accelerator.dma.plainLayout;
  return in;
}

}  // namespace ftsim::families::eftrain

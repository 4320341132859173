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
#include "sim/functional/Npy.h"
#include "sim/functional/StepFiles.h"
#include "sim/functional/SystemDatapath.h"
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

  void setFunctionalFiles(const FunctionalFiles& files, const std::string& outDir) override {
    if (files.given && !m_d.accelerator.functional)
      throw UserError("--init, --lr, --activations and --dump-init need a functional run (--functional or "
                      "accelerator.functional: true)");
    if (!(files.learningRate > 0.0f)) throw UserError("--lr " + std::to_string(files.learningRate) + ": must be > 0");
    if (files.learningRateGiven && !m_d.workload.training())
      throw UserError("--lr: " + m_d.file + " has workload.mode = inference: a forward pass updates no weight");
    m_files = files;
    m_outDir = outDir;
  }

  void simulate(bool progress, stats::SimObserver* observer) override {
    models::SimOptions opts;
    opts.progress = progress;
    opts.observer = observer;
    // Functional mode: the parameters and the batch in the DRAM's backing
    // store before the accelerator starts, as the host puts them there.
    std::unique_ptr<functional::FunctionalStep> step;
    std::unique_ptr<functional::SystemDatapath> datapath;
    if (m_d.accelerator.functional) {
      functional::FunctionalOptions fo;
      fo.learningRate = m_files.learningRate;
      step = std::make_unique<functional::FunctionalStep>(m_prog, m_d.workload, m_d.accelerator, fo);
      const functional::StepData data = functional::loadStepData(*step, m_d.workload, m_files.initDir, m_d.seed, 1);
      if (m_files.dumpInit) functional::dumpInit(*step, m_d.workload, data, m_outDir + "/init");
      functional::setBatch(*step, m_d.workload, data, 0);
      datapath = std::make_unique<functional::SystemDatapath>(*step);
      opts.datapath = datapath.get();
    }
    stats::RunResult run = models::simulate(m_d.accelerator, m_d.memory, m_prog, opts);
    analytical::annotateModels(m_d, run);
    run.design = m_d.name;
    run.batch = m_d.workload.batch;
    run.seed = m_d.seed;
    energy::annotateDesignRun(m_d, m_prog, run);
    m_report = makeReport(run, m_d.workload, schedule::bufferUsage(m_prog, m_d.accelerator));
    m_report.resources = resources::estimateEfTrainResources(m_d);
    if (step) {
      // The host reads the updated weights (and the activations) back.
      traces::Report::Functional f;
      f.bytesLoaded = datapath->bytesLoaded();
      f.bytesStored = datapath->bytesStored();
      f.backingStoreBytes = step->store().residentBytes();
      if (m_d.workload.training()) {
        f.loss = step->loss();
        f.learningRate = m_files.learningRate;
        const functional::WeightDigest w = functional::writeWeights(*step, m_outDir + "/weights");
        f.weightChecksumFnv1a64 = w.checksumFnv1a64;
        f.weightSum = w.sum;
        const float loss = step->loss();
        functional::writeNpy(m_outDir + "/loss.npy", {1}, &loss);
      } else {
        // Inference: one FP; its result is the last layer's output.
        f.inference = true;
        const functional::WeightDigest z = functional::writeLogits(*step, m_d.workload, m_outDir + "/logits.npy");
        f.logitsChecksumFnv1a64 = z.checksumFnv1a64;
        f.logitsSum = z.sum;
      }
      if (m_files.activations) functional::writeActivations(*step, m_d.workload, m_outDir + "/activations");
      m_report.functional = f;
    }
  }

  const traces::Report& report() const override { return m_report; }
  std::string summaryJson() const override { return traces::summaryJson(m_report); }
  void printSummary(std::ostream& os) const override { traces::printConsoleSummary(m_report, os); }

 private:
  const config::DesignConfig& m_d;
  const schedule::Scheduler m_sched;
  const schedule::Program m_prog;
  FunctionalFiles m_files;
  std::string m_outDir = ".";
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
    // Each block is read even when an earlier one has an error, so that a
    // load reports them all; the checks across blocks run only on a clean load.
    const bool accelOk = root.at("accelerator").guard(
        [&] { d.accelerator = models::EfTrainConfig::fromYaml(root.at("accelerator"), d.board.host.dmaStartNs); });
    // EF-Train's four AXI DMA engines and five AXI-Stream ports (sdk/main.cc,
    // HLS/hls_main6.cpp top(); docs/sources.md §10).
    root.at("accelerator").guard([&] {
      d.implementation = resources::ImplementationConfig::fromYaml(root.at("accelerator"), d.board.resourceModel,
                                                                   true, 4, 5);
    });
    root.at("workload").guard([&] { d.workload = workload::Network::fromYaml(root.at("workload")); });
    if (accelOk)
      (root.has("memory") ? root.at("memory") : root).guard([&] {
        d.memory = models::MemoryConfig::fromYaml(root.find("memory"), d.board.ddr, root.at("board").at("ddr"),
                                                  d.accelerator.clock);
      });
    else
      root.find("memory");  // not read after an error in the accelerator, but not unknown either
    root.checkNoUnknownKeys();
    root.throwIfErrors();
    if (d.accelerator.functional) {
      const std::string why = functional::FunctionalStep::unsupported(d.workload, d.accelerator);
      if (!why.empty()) root.at("accelerator").at("functional").fail(why);
    }
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

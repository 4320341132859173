#include "sim/cli/TtCommands.h"

#include <memory>

#include "models/accel/TtSystem.h"
#include "models/tt_engine/TtDatapath.h"
#include "sim/config/DesignConfig.h"
#include "sim/resources/ResourceModel.h"
#include "sim/tt/TtDesign.h"
#include "traces/AtomicFile.h"
#include "traces/SummaryWriter.h"
#include "traces/TtReport.h"

namespace ftsim::cli {

int checkTtDesign(const config::DesignConfig& d, std::ostream& out) {
  const tt::TtDesignPlan plan = tt::planTtDesign(d);
  traces::describeTtDesign(d, plan, out);
  resources::printResourceTable(resources::estimateResources(d), out);
  out << "ok: " << d.name << " is valid\n";
  return 0;
}

int runTtDesign(const config::DesignConfig& d, const std::string& outDir, bool quiet, bool progress,
                std::ostream& out) {
  // Kept alive for the whole simulation: the SystemC modules refer to them.
  static tt::TtDesignPlan plan;
  plan = tt::planTtDesign(d);
  std::unique_ptr<models::TtDatapath> datapath;
  if (d.tt.functional) {
    datapath = std::make_unique<models::TtDatapath>(plan.program, d.tt, d.seed);
    datapath->initWeights(d.seed);
    datapath->synthesizeBatch(d.seed, d.workload.numClasses);
  }
  models::SimOptions opts;
  opts.progress = progress;
  const tt::TtRunResult run = models::simulateTt(d.tt, d.memory, plan.program, datapath.get(), opts);
  const traces::Report report = traces::makeTtReport(d, plan, run);
  traces::writeFileAtomically(outDir + "/summary.json", traces::ttSummaryJson(d, plan, run, report));
  traces::writeFileAtomically(outDir + "/layers.csv", traces::layersCsv(report));
  if (!quiet) {
    traces::printTtConsoleSummary(d, plan, run, report, out);
    out << "wrote         " << outDir << "/summary.json, " << outDir << "/layers.csv\n";
  }
  return 0;
}

}  // namespace ftsim::cli

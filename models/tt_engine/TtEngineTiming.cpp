#include "models/tt_engine/TtEngineTiming.h"

namespace ftsim::models {

tt::ProgramOptions programOptions(const TtEngineConfig& c, int maxRank) {
  tt::ProgramOptions o;
  o.formats = c.formats;
  o.optimizer = c.optimizer.kind;
  o.reuseForwardIntermediates = c.planner.reuseForwardIntermediates;
  o.maxRank = maxRank;
  o.memoryFirst = c.planner.objective == TtPlannerConfig::Objective::Memory;
  if (c.planner.objective == TtPlannerConfig::Objective::Flops) {
    o.cost = [](const tt::GemmShape& g) { return g.flops(); };
  } else {
    const TtEngineTiming timing(c.peArray, c.vector);
    o.cost = [timing](const tt::GemmShape& g) { return timing.contractionCycles(g).value(); };
  }
  return o;
}

}  // namespace ftsim::models

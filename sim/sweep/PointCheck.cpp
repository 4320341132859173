#include "sim/sweep/PointCheck.h"

#include <nlohmann/json.hpp>

#include "families/Registry.h"
#include "sim/config/ConfigNode.h"
#include "sim/config/DesignConfig.h"
#include "traces/ResourcesJson.h"

namespace ftsim::sweep {

namespace {

using config::ConfigNode;

ConfigNode loadWith(const std::string& design, const std::vector<Assignment>& overrides) {
  ConfigNode root = ConfigNode::loadFile(design);
  for (const Assignment& a : overrides) root.applyOverride(a.text(), a.loc);
  return root;
}

/// The resource a budget rule names ("BRAM36 over budget: ..."), or "" when
/// the rule is not about the board's budget.
std::string overflowOf(const std::string& rule) {
  const auto over = rule.find(" over budget: ");
  if (over != std::string::npos && rule.find(' ') == over) return rule.substr(0, over);
  if (rule.rfind("on-chip buffers need ", 0) == 0) return "on-chip memory";
  return "";
}

}  // namespace

PointRecord checkPoint(const std::string& design, const std::vector<Assignment>& overrides) {
  PointRecord r;
  try {
    const ConfigNode root = loadWith(design, overrides);
    try {
      const config::DesignConfig d = config::DesignConfig::fromNode(root, design);
      r.status = Status::Ok;
      r.resourcesJson = traces::resourcesJson(families::estimateResources(d)).dump();
      return r;
    } catch (const ConfigError& e) {
      r.overflow = overflowOf(e.rule());
      if (r.overflow.empty()) throw;
      r.status = Status::Infeasible;
      r.reason = e.what();
      // The estimate of a design over budget: load it once more on a board
      // with room for anything, then set the estimate against the real budget.
      const ConfigNode budget = root.at("board").at("resources");
      std::vector<Assignment> lifted = overrides;
      for (const char* res : {"dsp", "bram36", "uram", "lut", "ff"})
        lifted.push_back({std::string("board.resources.") + res, "16777216", SourceLoc{"(sweep estimate)", 0}});
      const config::DesignConfig d = config::DesignConfig::fromNode(loadWith(design, lifted), design);
      resources::ResourceEstimate e2 = families::estimateResources(d);
      e2.budgetDsp = static_cast<double>(budget.getInt("dsp", 0, INT64_MAX));
      e2.budgetBram36 = static_cast<double>(budget.getInt("bram36", 0, INT64_MAX));
      e2.budgetUram = static_cast<double>(budget.getInt("uram", 0, 0, INT64_MAX));
      e2.budgetLut = static_cast<double>(budget.getInt("lut", 0, INT64_MAX));
      e2.budgetFf = static_cast<double>(budget.getInt("ff", 0, INT64_MAX));
      r.resourcesJson = traces::resourcesJson(e2).dump();
      return r;
    }
  } catch (const UserError& e) {
    r = PointRecord{};
    r.status = Status::Error;
    r.reason = e.what();
  } catch (const std::exception& e) {
    r = PointRecord{};
    r.status = Status::Error;
    r.reason = std::string("internal error while checking: ") + e.what();
  }
  return r;
}

}  // namespace ftsim::sweep

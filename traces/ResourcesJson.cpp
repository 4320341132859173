#include "traces/ResourcesJson.h"

namespace ftsim::traces {

namespace {

using Json = nlohmann::ordered_json;

Json amounts(double dsp, double bram36, double uram, double lut, double ff) {
  return Json{{"dsp", dsp}, {"bram36", bram36}, {"uram", uram}, {"lut", lut}, {"ff", ff}};
}

double percent(double used, double budget) { return budget > 0 ? 100.0 * used / budget : 0.0; }

}  // namespace

Json resourcesJson(const resources::ResourceEstimate& e) {
  const auto& t = e.total;
  Json j;
  j["estimate"] = true;
  j["board"] = e.board;
  j["family"] = e.family;
  j["dsp_type"] = e.dspType;
  j["used"] = amounts(t.dsp, t.bram36, t.uram, t.lut, t.ff);
  j["budget"] = amounts(e.budgetDsp, e.budgetBram36, e.budgetUram, e.budgetLut, e.budgetFf);
  j["percent"] = amounts(percent(t.dsp, e.budgetDsp), percent(t.bram36, e.budgetBram36),
                         percent(t.uram, e.budgetUram), percent(t.lut, e.budgetLut), percent(t.ff, e.budgetFf));
  Json units = Json::array();
  for (const auto& l : e.lines) {
    Json u{{"unit", l.unit}};
    u.update(amounts(l.dsp, l.bram36, l.uram, l.lut, l.ff));
    u["note"] = l.note;
    units.push_back(std::move(u));
  }
  j["units"] = std::move(units);
  return j;
}

}  // namespace ftsim::traces

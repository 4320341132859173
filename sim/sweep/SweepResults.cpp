#include "sim/sweep/SweepResults.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/core/Interrupt.h"
#include "traces/AtomicFile.h"

namespace ftsim::sweep {

namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

std::optional<std::string> readIfExists(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The number at a JSON path, or nothing when any step is missing or null.
std::optional<double> numberAt(const Json& j, std::initializer_list<const char*> path) {
  const Json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return std::nullopt;
    cur = &(*cur)[k];
  }
  if (!cur->is_number()) return std::nullopt;
  return cur->get<double>();
}

/// Integers (cycles, DSPs) print whole; other numbers with 10 significant
/// digits, the same text on every run.
std::string formatNumber(double v) {
  char buf[64];
  if (std::floor(v) == v && std::fabs(v) < 9.0e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string csvField(const std::string& s) {
  std::string clean = s;
  std::replace(clean.begin(), clean.end(), '\n', ' ');
  if (clean.find_first_of(",\"") == std::string::npos) return clean;
  std::string q = "\"";
  for (char c : clean) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

Status statusFrom(const std::string& s) {
  if (s == "ok") return Status::Ok;
  if (s == "infeasible") return Status::Infeasible;
  if (s == "error") return Status::Error;
  return Status::Missing;
}

/// The resource columns from a "resources" block (summary.json's schema).
void fillResources(const Json& res, std::vector<std::optional<double>>& values) {
  const auto& cols = objectiveColumns();
  for (const char* r : {"dsp", "bram36", "uram", "lut", "ff"}) {
    const auto at = [&](const std::string& c) {
      return static_cast<std::size_t>(std::find(cols.begin(), cols.end(), c) - cols.begin());
    };
    values[at(r)] = numberAt(res, {"used", r});
    values[at(std::string(r) + "_percent")] = numberAt(res, {"percent", r});
  }
}

}  // namespace

const char* toString(Status s) {
  switch (s) {
    case Status::Ok: return "ok";
    case Status::Infeasible: return "infeasible";
    case Status::Error: return "error";
    default: return "missing";
  }
}

std::optional<double> Row::value(const std::string& column) const {
  const auto& cols = objectiveColumns();
  const auto it = std::find(cols.begin(), cols.end(), column);
  if (it == cols.end()) return std::nullopt;
  return values[static_cast<std::size_t>(it - cols.begin())];
}

std::string pointsDir(const std::string& outDir) { return outDir + "/points"; }
std::string pointDir(const std::string& outDir, const Point& p) { return pointsDir(outDir) + "/" + p.id; }

std::string pointJson(const SweepSpec& spec, const Point& p, const PointRecord& r) {
  Json j;
  j["schema"] = "ftsim.sweep-point/1";
  j["point"] = p.id;
  j["status"] = toString(r.status);
  j["reason"] = r.reason;
  j["overflow"] = r.overflow.empty() ? Json(nullptr) : Json(r.overflow);
  j["exit_code"] = r.exitCode;
  Json sets = Json::array();
  for (const Assignment& a : spec.overrides(p)) sets.push_back(a.text());
  j["set"] = sets;
  if (!r.resourcesJson.empty()) j["resources"] = Json::parse(r.resourcesJson);
  return j.dump(2) + "\n";
}

std::string manifestJson(const SweepSpec& spec) {
  Json j;
  j["schema"] = "ftsim.sweep/1";
  j["name"] = spec.name;
  j["design"] = spec.design;
  Json fixed = Json::array();
  for (const Assignment& a : spec.fixed) fixed.push_back(a.text());
  j["set"] = fixed;
  j["swept_keys"] = spec.sweptKeys;
  Json pts = Json::array();
  for (const Point& p : spec.points) {
    Json sets = Json::array();
    for (const Assignment& a : p.sets) sets.push_back(a.text());
    pts.push_back(Json{{"point", p.id}, {"set", sets}});
  }
  j["points"] = pts;
  return j.dump(1) + "\n";
}

std::optional<double> convFcGflops(const std::string& summaryJsonText) {
  const Json s = Json::parse(summaryJsonText, nullptr, false);
  const auto clock = numberAt(s, {"clock_mhz"});
  if (!clock || !s.contains("layers") || !s["layers"].is_array()) return std::nullopt;
  double flops = 0, cycles = 0;
  for (const Json& row : s["layers"]) {
    const auto f = numberAt(row, {"flops"});
    const auto c = numberAt(row, {"cycles"});
    if (!f || !c || *f <= 0) continue;
    flops += *f;
    cycles += *c;
  }
  if (cycles <= 0) return std::nullopt;
  return flops / (cycles / (*clock * 1e6)) / 1e9;
}

Row readPoint(const std::string& outDir, const Point& p) {
  Row row;
  row.point = &p;
  row.values.assign(objectiveColumns().size(), std::nullopt);
  const std::string dir = pointDir(outDir, p);
  const auto pj = readIfExists(dir + "/point.json");
  if (!pj) return row;
  const Json rec = Json::parse(*pj, nullptr, false);
  if (rec.is_discarded()) {
    row.record.status = Status::Error;
    row.record.reason = dir + "/point.json: not valid JSON";
    return row;
  }
  row.record.status = statusFrom(rec.value("status", ""));
  row.record.reason = rec.value("reason", "");
  row.record.overflow = rec.contains("overflow") && rec["overflow"].is_string() ? rec["overflow"].get<std::string>() : "";
  row.record.exitCode = rec.value("exit_code", 0);
  if (rec.contains("resources")) fillResources(rec["resources"], row.values);
  if (row.record.status != Status::Ok) return row;

  const auto sj = readIfExists(dir + "/summary.json");
  const Json s = sj ? Json::parse(*sj, nullptr, false) : Json();
  if (!sj || s.is_discarded()) {
    row.record.status = Status::Error;
    row.record.reason = dir + "/summary.json: missing or not valid JSON";
    return row;
  }
  const auto set = [&](const char* col, std::optional<double> v) {
    const auto& cols = objectiveColumns();
    row.values[static_cast<std::size_t>(std::find(cols.begin(), cols.end(), col) - cols.begin())] = v;
  };
  set("cycles", numberAt(s, {"total", "cycles"}));
  set("seconds", numberAt(s, {"total", "seconds"}));
  set("gflops", numberAt(s, {"total", "gflops"}));
  set("conv_fc_gflops", convFcGflops(*sj));
  set("power_w", numberAt(s, {"total", "power_w"}));
  set("gflops_per_w", numberAt(s, {"total", "gflops_per_w"}));
  set("energy_j", numberAt(s, {"total", "energy_j"}));
  // The resource columns come from point.json, the sweep's own estimate of
  // every point (the one `ftsim run` reports too), whatever the family.
  return row;
}

std::string resultsCsv(const SweepSpec& spec, const std::vector<Row>& rows) {
  std::ostringstream out;
  out << "point";
  for (const std::string& k : spec.sweptKeys) out << ',' << csvField(k);
  out << ",status,overflow,reason";
  for (const std::string& c : objectiveColumns()) out << ',' << c;
  out << '\n';
  for (const Row& r : rows) {
    out << r.point->id;
    for (const Assignment& a : r.point->sets) out << ',' << csvField(a.value);
    out << ',' << toString(r.record.status) << ',' << csvField(r.record.overflow) << ',' << csvField(r.record.reason);
    for (const auto& v : r.values) out << ',' << (v ? formatNumber(*v) : "");
    out << '\n';
  }
  return out.str();
}

std::vector<Row> paretoFront(const std::vector<Row>& rows, const std::vector<Objective>& objectives) {
  std::vector<const Row*> cand;
  std::vector<std::vector<double>> score;  // every objective turned into "larger is better"
  for (const Row& r : rows) {
    if (r.record.status != Status::Ok) continue;
    std::vector<double> s;
    for (const Objective& o : objectives) {
      const auto v = r.value(o.column);
      if (!v) break;
      s.push_back(o.maximise ? *v : -*v);
    }
    if (s.size() != objectives.size()) continue;
    cand.push_back(&r);
    score.push_back(std::move(s));
  }
  std::vector<Row> front;
  for (std::size_t i = 0; i < cand.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < cand.size() && !dominated; ++j) {
      if (i == j) continue;
      bool allGe = true, oneGt = false;
      for (std::size_t k = 0; k < objectives.size(); ++k) {
        if (score[j][k] < score[i][k]) allGe = false;
        if (score[j][k] > score[i][k]) oneGt = true;
      }
      dominated = allGe && oneGt;
    }
    if (!dominated) front.push_back(*cand[i]);
  }
  return front;
}

CollectCounts collectResults(const SweepSpec& spec, const std::string& outDir,
                             const std::vector<Objective>& objectives, const std::string& writeDir) {
  std::vector<Row> rows;
  CollectCounts n;
  for (const Point& p : spec.points) {
    throwIfInterrupted();
    rows.push_back(readPoint(outDir, p));
    switch (rows.back().record.status) {
      case Status::Ok: ++n.ok; break;
      case Status::Infeasible: ++n.infeasible; break;
      case Status::Error: ++n.error; break;
      default: ++n.missing;
    }
  }
  const std::vector<Row> front = paretoFront(rows, objectives);
  n.pareto = front.size();
  traces::writeFileAtomically(writeDir + "/results.csv", resultsCsv(spec, rows));
  traces::writeFileAtomically(writeDir + "/pareto.csv", resultsCsv(spec, front));
  return n;
}

}  // namespace ftsim::sweep

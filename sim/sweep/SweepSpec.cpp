#include "sim/sweep/SweepSpec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "sim/config/ConfigNode.h"

namespace ftsim::sweep {

namespace {

using config::ConfigNode;

/// One axis: rows of assignments that advance together (a grid key has
/// rows of one assignment, a zip group and the random group several).
using Axis = std::vector<std::vector<Assignment>>;

// Every reader below reports a broken rule with ConfigNode::report: while
// the file's errors are collected (SweepSpec::load) it is recorded and the
// reading goes on, so one run names them all; the reader then returns
// nothing for that part (an empty list, an empty axis).

/// A sweep value is a scalar: it becomes the YAML text of a `--set`.
std::string scalarText(const ConfigNode& n) {
  if (!n.isScalar()) n.report("a swept value must be a number, a string or true/false");
  return n.text();
}

/// The values of a list; none when the list or one of its values broke a rule.
std::vector<Assignment> valueList(const ConfigNode& list, const std::string& key) {
  if (!list.isSeq()) {
    list.report("must be a list of values");
    return {};
  }
  std::vector<Assignment> out;
  bool ok = true;
  for (const ConfigNode& item : list.items()) {
    out.push_back({key, scalarText(item), item.loc()});
    ok = ok && !item.failed();
  }
  if (out.empty()) list.report("must list at least one value");
  return ok ? out : std::vector<Assignment>{};
}

std::string numberText(double v) {
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

bool isIntegerText(const std::string& s) {
  if (s.empty()) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  return i < s.size() && std::all_of(s.begin() + static_cast<long>(i), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The values of one random axis: a list, or `{min, max, step}` (step 1 by
/// default for integers; required otherwise).
std::vector<Assignment> randomChoices(const ConfigNode& spec, const std::string& key) {
  if (spec.isSeq()) return valueList(spec, key);
  if (!spec.isMap()) {
    spec.report("must be a list of values or {min, max, step}");
    return {};
  }
  const ConfigNode lo = spec.at("min");
  const ConfigNode hi = spec.at("max");
  if (lo.failed() || hi.failed()) return {};
  const bool integers = isIntegerText(lo.text()) && isIntegerText(hi.text()) &&
                        (!spec.has("step") || isIntegerText(spec.at("step").text()));
  std::vector<Assignment> out;
  if (integers) {
    const std::int64_t a = lo.asInt(), b = hi.asInt();
    const std::int64_t step = spec.getInt("step", 1, 1, INT64_MAX);
    if (lo.failed() || hi.failed() || (spec.has("step") && spec.at("step").failed())) return {};
    if (b < a) {
      hi.report("must be >= min (" + std::to_string(a) + ")");
      return {};
    }
    if ((b - a) / step >= 100000) {
      spec.report("more than 100000 values; use a larger step");
      return {};
    }
    for (std::int64_t v = a; v <= b; v += step) out.push_back({key, std::to_string(v), spec.loc()});
    return out;
  }
  const double a = lo.asDouble(), b = hi.asDouble();
  if (!spec.has("step")) {
    spec.report("a range of non-integers needs a step");
    return {};
  }
  const double step = spec.getDouble("step", 1e-300, 1e300);
  if (lo.failed() || hi.failed() || spec.at("step").failed()) return {};
  if (b < a) {
    hi.report("must be >= min (" + numberText(a) + ")");
    return {};
  }
  const double n = std::floor((b - a) / step * (1 + 1e-12)) + 1;
  if (n > 100000) {
    spec.report("more than 100000 values; use a larger step");
    return {};
  }
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(n); ++k)
    out.push_back({key, numberText(a + static_cast<double>(k) * step), spec.loc()});
  return out;
}

/// SplitMix64: a fixed, portable generator, so a seed gives the same points
/// on every platform and library.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

Axis randomAxis(const ConfigNode& r) {
  const auto samples = static_cast<std::size_t>(r.getInt("samples", 1, 1000000));
  SplitMix64 rng{static_cast<std::uint64_t>(r.getInt("seed", 1, 0, INT64_MAX))};
  const ConfigNode axes = r.at("axes");
  const std::vector<std::string> keys = axes.keys();
  std::vector<std::vector<Assignment>> choices;
  bool ok = !r.failed() && !axes.failed() && !r.at("samples").failed();
  // Checked before the choices are listed and drawn, as SweepSpec::load checks all axes together.
  if (ok && static_cast<double>(samples) * static_cast<double>(keys.size()) > 1e5) {
    r.at("samples").report("more than 100,000 swept values (" + std::to_string(samples) + " samples x " +
                           std::to_string(keys.size()) + " keys); split the sweep");
    return {};
  }
  for (const std::string& key : keys) {
    choices.push_back(randomChoices(axes.at(key), key));
    ok = ok && !choices.back().empty();
  }
  if (choices.empty() && !axes.failed()) {
    axes.report("must name at least one key");
    ok = false;
  }
  if (!ok) return {};
  // Distinct samples: a point drawn twice is drawn again.
  double space = 1;
  for (const auto& c : choices) space *= static_cast<double>(c.size());
  if (static_cast<double>(samples) > space) {
    r.at("samples").report("more samples than distinct points (" + numberText(space) + ")");
    return {};
  }
  Axis axis;
  std::set<std::vector<std::size_t>> seen;
  while (axis.size() < samples) {
    std::vector<std::size_t> pick;
    for (const auto& c : choices) pick.push_back(rng.below(c.size()));
    if (!seen.insert(pick).second) continue;
    std::vector<Assignment> row;
    for (std::size_t a = 0; a < choices.size(); ++a) row.push_back(choices[a][pick[a]]);
    axis.push_back(std::move(row));
  }
  return axis;
}

Axis zipAxis(const ConfigNode& group) {
  if (!group.isMap()) {
    group.report("a zip group must be a map of key: [values]");
    return {};
  }
  Axis axis;
  std::string firstKey;
  bool ok = true;
  for (const std::string& key : group.keys()) {
    const std::vector<Assignment> values = valueList(group.at(key), key);
    if (values.empty()) {
      ok = false;  // reported by valueList
    } else if (firstKey.empty()) {
      firstKey = key;
      axis.resize(values.size());
    } else if (values.size() != axis.size()) {
      group.at(key).report("has " + std::to_string(values.size()) + " values, " + firstKey + " has " +
                           std::to_string(axis.size()) + ": zipped lists advance together and must be as long");
      ok = false;
    }
    if (ok)
      for (std::size_t i = 0; i < values.size(); ++i) axis[i].push_back(values[i]);
  }
  if (group.keys().empty()) group.report("must name at least one key");
  return ok ? axis : Axis{};
}

const std::vector<std::string> kObjectiveColumns = {
    "cycles", "seconds", "gflops", "conv_fc_gflops", "power_w", "gflops_per_w", "energy_j",
    "dsp",    "dsp_percent", "bram36", "bram36_percent", "uram", "uram_percent", "lut",
    "lut_percent", "ff", "ff_percent"};

}  // namespace

const std::vector<std::string>& objectiveColumns() { return kObjectiveColumns; }

namespace {

/// What is wrong with one objective ("" when nothing).
std::string objectiveRule(const std::string& item) {
  const auto colon = item.find(':');
  const std::string col = item.substr(0, colon);
  const std::string dir = colon == std::string::npos ? "" : item.substr(colon + 1);
  if (dir != "max" && dir != "min") return "objective '" + item + "': write COLUMN:max or COLUMN:min";
  if (std::find(kObjectiveColumns.begin(), kObjectiveColumns.end(), col) == kObjectiveColumns.end()) {
    std::string list;
    for (const auto& c : kObjectiveColumns) list += (list.empty() ? "" : ", ") + c;
    return "objective '" + item + "': unknown column (columns: " + list + ")";
  }
  return "";
}

}  // namespace

std::vector<Objective> parseObjectives(const std::vector<std::string>& items, const std::string& origin) {
  std::vector<Objective> out;
  for (const std::string& item : items) {
    if (const std::string rule = objectiveRule(item); !rule.empty()) throw UserError(origin + ": " + rule);
    const auto colon = item.find(':');
    out.push_back({item.substr(0, colon), item.substr(colon + 1) == "max"});
  }
  if (out.empty()) throw UserError(origin + ": name at least one objective");
  return out;
}

SweepSpec SweepSpec::load(const std::string& path) {
  std::error_code ec;  // a path the system refuses (a name too long) is no sweep file either
  if (!std::filesystem::is_regular_file(path, ec)) throw UserError(path + ": no such sweep file");
  ConfigNode root = ConfigNode::loadFile(path);
  // Every error of the file is reported at once, as a design's are.
  root.collectErrors();
  const ConfigNode s = root.at("sweep");
  SweepSpec spec;
  spec.file = path;
  spec.name = s.getString("name", std::filesystem::path(path).stem().string());
  const ConfigNode design = s.at("design");
  // Relative to the working directory, as the sweep file was named: the
  // messages in results.csv then read the same on every machine (Slurm tasks
  // start in the directory the sweep was submitted from).
  spec.design = (std::filesystem::path(path).parent_path() / design.asString()).lexically_normal().string();
  if (!design.failed() && !std::filesystem::is_regular_file(spec.design, ec))
    design.report("no such design file (" + spec.design + ")");

  if (const auto set = s.find("set"))
    for (const std::string& key : set->keys()) spec.fixed.push_back({key, scalarText(set->at(key)), set->at(key).loc()});

  std::vector<Axis> axes;
  if (const auto grid = s.find("grid"))
    for (const std::string& key : grid->keys()) {
      Axis axis;
      for (const Assignment& a : valueList(grid->at(key), key)) axis.push_back({a});
      if (!axis.empty()) axes.push_back(std::move(axis));
    }
  if (const auto zip = s.find("zip")) {
    std::vector<Axis> groups;
    if (zip->isMap()) groups.push_back(zipAxis(*zip));
    else
      for (const ConfigNode& group : zip->items()) groups.push_back(zipAxis(group));
    for (Axis& a : groups)
      if (!a.empty()) axes.push_back(std::move(a));
  }
  if (const auto r = s.find("random"))
    if (Axis a = randomAxis(*r); !a.empty()) axes.push_back(std::move(a));

  std::vector<std::string> objectives = {"gflops:max", "gflops_per_w:max", "bram36:min"};
  if (const auto o = s.find("objectives")) {
    objectives.clear();
    for (const ConfigNode& item : o->items()) {
      const std::string text = item.asString();
      if (item.failed()) continue;
      if (const std::string rule = objectiveRule(text); !rule.empty()) item.report(rule);
      else objectives.push_back(text);
    }
    if (!o->failed() && o->items().empty()) o->report("name at least one objective");
  }
  root.checkNoUnknownKeys();
  root.throwIfErrors();
  spec.objectives = parseObjectives(objectives, "sweep.objectives");
  if (axes.empty()) s.fail("a sweep needs at least one of grid, zip or random");

  for (const Axis& axis : axes)
    for (const Assignment& a : axis.front()) {
      if (std::find(spec.sweptKeys.begin(), spec.sweptKeys.end(), a.key) != spec.sweptKeys.end())
        throw ConfigError(a.loc, a.key, "", "swept by two axes; a key may vary along one axis only");
      for (const Assignment& f : spec.fixed)
        if (f.key == a.key) throw ConfigError(a.loc, a.key, "", "both fixed under set: and swept");
      spec.sweptKeys.push_back(a.key);
    }

  double total = 1;
  for (const Axis& axis : axes) total *= static_cast<double>(axis.size());
  // Every point's values are held at once (SweepSpec::points, sweep.json):
  // a 2 KB file of three 215-value grid keys would expand to 10^7 points and
  // about 5 GB, so the cap counts the values the points set, not the points
  // (under ASan: 10^6 values 8.5 s of CPU and 430 MB, 10^5 values 1.1 s and 125 MB).
  const double values = total * static_cast<double>(spec.sweptKeys.size());
  if (values > 1e5)
    s.fail("more than 100,000 swept values (" + numberText(total) + " points x " +
           std::to_string(spec.sweptKeys.size()) + " swept keys); split the sweep");
  const std::size_t n = static_cast<std::size_t>(total);
  const int width = std::max<int>(5, static_cast<int>(std::to_string(n > 0 ? n - 1 : 0).size()));
  std::vector<std::size_t> digit(axes.size(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    Point p;
    p.index = i;
    const std::string num = std::to_string(i);
    p.id = "p" + std::string(static_cast<std::size_t>(width) - num.size(), '0') + num;
    for (std::size_t a = 0; a < axes.size(); ++a)
      for (const Assignment& v : axes[a][digit[a]]) p.sets.push_back(v);
    spec.points.push_back(std::move(p));
    for (std::size_t a = axes.size(); a-- > 0;) {  // the last axis varies fastest
      if (++digit[a] < axes[a].size()) break;
      digit[a] = 0;
    }
  }
  return spec;
}

std::vector<Assignment> SweepSpec::overrides(const Point& p) const {
  std::vector<Assignment> out = fixed;
  out.insert(out.end(), p.sets.begin(), p.sets.end());
  return out;
}

}  // namespace ftsim::sweep

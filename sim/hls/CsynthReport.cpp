#include "sim/hls/CsynthReport.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "sim/core/Error.h"

namespace ftsim::hls {

namespace {

/// The text of the element at `path` (tags from the root, e.g.
/// {"PerformanceEstimates", "SummaryOfOverallLatency", "Worst-caseLatency"}),
/// found by nesting; nothing when absent. `line` gets its line number.
/// csynth.xml has no attributes on these elements and no CDATA, so a scan
/// of start and end tags is enough.
std::optional<std::string> element(const std::string& xml, const std::vector<std::string>& path, int& line) {
  std::size_t from = 0, to = xml.size();
  for (const std::string& tag : path) {
    const std::string open = "<" + tag + ">", close = "</" + tag + ">";
    const std::size_t a = xml.find(open, from);
    if (a == std::string::npos || a >= to) return std::nullopt;
    const std::size_t b = xml.find(close, a);
    if (b == std::string::npos || b > to) return std::nullopt;
    from = a + open.size();
    to = b;
  }
  line = 1;
  for (std::size_t i = 0; i < from; ++i) line += xml[i] == '\n';
  std::string s = xml.substr(from, to - from);
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

}  // namespace

CsynthReport readCsynthReport(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw UserError(path + ": cannot read the Vitis HLS report");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string xml = ss.str();
  if (xml.find("<profile>") == std::string::npos)
    throw UserError(path + ": not a Vitis HLS csynth.xml report (no <profile> element)");
  CsynthReport r;
  r.file = path;
  int line = 0;
  const auto text = [&](const std::vector<std::string>& p) { return element(xml, p, line); };
  const auto number = [&](const std::vector<std::string>& p) -> std::optional<double> {
    const auto t = text(p);
    if (!t || t->empty() || *t == "undef" || *t == "-") return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(t->c_str(), &end);
    std::string rest(end);
    rest.erase(0, rest.find_first_not_of(' '));
    if (end == t->c_str() || !(rest.empty() || rest == "ns"))
      throw UserError(path + ":" + std::to_string(line) + ": <" + p.back() + "> = '" + *t + "': must be a number");
    return v;
  };
  r.part = text({"UserAssignments", "Part"}).value_or("");
  r.topModel = text({"UserAssignments", "TopModelName"}).value_or("");
  r.targetClockNs = number({"UserAssignments", "TargetClockPeriod"});
  r.estimatedClockNs = number({"PerformanceEstimates", "SummaryOfTimingAnalysis", "EstimatedClockPeriod"});
  const std::vector<std::string> lat{"PerformanceEstimates", "SummaryOfOverallLatency"};
  const auto in = [&](std::vector<std::string> p, const std::string& leaf) {
    p.push_back(leaf);
    return p;
  };
  r.latencyMinCycles = number(in(lat, "Best-caseLatency"));
  r.latencyMaxCycles = number(in(lat, "Worst-caseLatency"));
  r.intervalMinCycles = number(in(lat, "Interval-min"));
  r.intervalMaxCycles = number(in(lat, "Interval-max"));
  const std::vector<std::string> res{"AreaEstimates", "Resources"};
  r.dsp = number(in(res, "DSP"));
  if (!r.dsp) r.dsp = number(in(res, "DSP48E"));
  r.bram18k = number(in(res, "BRAM_18K"));
  r.uram = number(in(res, "URAM"));
  r.lut = number(in(res, "LUT"));
  r.ff = number(in(res, "FF"));
  if (!r.latencyMaxCycles && !r.dsp && !r.lut)
    throw UserError(path + ": no latency and no resource figures (SummaryOfOverallLatency, AreaEstimates/Resources)");
  return r;
}

}  // namespace ftsim::hls

// `ftsim compare`: the % error arithmetic, measured figures derived from
// given ones, the resource-row hook, and the files a run writes.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <sys/wait.h>

#include "tests/Harness.h"
#include "traces/CompareReport.h"

using namespace ftsim;
using namespace ftsim::test;

namespace {

std::string design(const std::string& name) { return sourceDir() + "/configs/designs/" + name + ".yaml"; }

const traces::CompareRow& row(const std::vector<traces::CompareRow>& rows, const std::string& q) {
  for (const auto& r : rows)
    if (r.quantity == q) return r;
  throw std::runtime_error("no row " + q);
}

TEST(Compare, PercentErrorIsRelativeToTheReference) {
  EXPECT_EQ(*traces::percentError(44.11, 46.99), (44.11 - 46.99) / 46.99 * 100.0);
  EXPECT_DOUBLE_EQ(*traces::percentError(110, 100), 10.0);
  EXPECT_DOUBLE_EQ(*traces::percentError(90, 100), -10.0);
  EXPECT_FALSE(traces::percentError(1, 0).has_value());
}

/// A report of 2e8 cycles at 100 MHz (2 s), 1e10 FLOPs (5 GFLOPS), of which
/// the conv/FC phases take 1.25e8 cycles (8 GFLOPS); the EF-Train model 1e8
/// cycles for them (10 GFLOPS), the roofline 5e7 (20 GFLOPS); 10 J of energy
/// (5 W, 1 GFLOPS/W).
traces::Report syntheticReport() {
  traces::Report r;
  r.design = "synthetic";
  r.memoryModel = "ideal";
  r.clockMhz = 100;
  r.totalCycles = 200000000;
  r.macCycles = 125000000;
  r.analyticalCycles = r.eftrainCycles = 100000000;
  r.rooflineCycles = 50000000;
  r.flops = 10000000000ULL;
  r.energyModelled = true;
  r.energy.compute = 4000000000000000ULL;  // 4 J
  r.energy.staticPower = 6000000000000000ULL;  // 6 J
  traces::LayerRow a;
  a.layer = "conv1";
  a.phase = schedule::Phase::FP;
  a.unit = "pe_array";
  a.cycles = 75000000;
  a.eftrainCycles = 62500000;
  a.rooflineCycles = 30000000;
  traces::LayerRow b = a;
  b.phase = schedule::Phase::WU;
  b.cycles = 50000000;
  b.eftrainCycles = 37500000;
  b.rooflineCycles = 20000000;
  traces::LayerRow c;  // a vector row: no analytical model
  c.layer = "relu1";
  c.type = "relu";
  c.unit = "vector";
  c.cycles = 75000000;
  r.rows = {a, b, c};
  return r;
}

TEST(Compare, TotalsAgainstAnalyticalAndMeasured) {
  config::MeasuredConfig m;
  m.present = true;
  m.source = "a paper";
  m.throughputGflops = 4.0;
  m.gflopsPerW = 0.8;
  const traces::Comparison c = traces::buildComparison(syntheticReport(), m);
  EXPECT_EQ(c.measuredSource, "a paper");
  const auto& cycles = row(c.totals, "cycles");
  EXPECT_EQ(*cycles.simulated, 2e8);
  EXPECT_FALSE(cycles.analytical.has_value());          // the models cover conv/FC only
  EXPECT_NE(cycles.note.find("conv/FC phases only"), std::string::npos);
  EXPECT_FALSE(cycles.measured.has_value());            // no latency given
  const auto& mac = row(c.totals, "mac_cycles");
  EXPECT_EQ(*mac.simulated, 1.25e8);
  EXPECT_DOUBLE_EQ(*mac.errorVsAnalytical(), 25.0);     // (1.25e8 − 1e8) / 1e8
  EXPECT_DOUBLE_EQ(*mac.errorVsRoofline(), 150.0);      // (1.25e8 − 5e7) / 5e7
  const auto& gflops = row(c.totals, "gflops");
  EXPECT_DOUBLE_EQ(*gflops.simulated, 5.0);
  EXPECT_FALSE(gflops.analytical.has_value());
  EXPECT_DOUBLE_EQ(*gflops.errorVsMeasured(), 25.0);    // (5 − 4) / 4
  const auto& macGflops = row(c.totals, "mac_gflops");
  EXPECT_DOUBLE_EQ(*macGflops.simulated, 8.0);          // 1e10 / 1.25 s
  EXPECT_DOUBLE_EQ(*macGflops.analytical, 10.0);        // 1e10 / 1 s
  EXPECT_DOUBLE_EQ(*macGflops.roofline, 20.0);          // 1e10 / 0.5 s
  EXPECT_DOUBLE_EQ(*macGflops.errorVsMeasured(), 100.0);  // (8 − 4) / 4: the scope is not stated,
  EXPECT_NE(macGflops.note.find("does not say"), std::string::npos);  // so it stands in both rows
  const auto& power = row(c.totals, "power_w");
  EXPECT_DOUBLE_EQ(*power.simulated, 5.0);              // 10 J / 2 s
  EXPECT_DOUBLE_EQ(*power.measured, 5.0);               // derived: 4 GFLOPS / 0.8 GFLOPS/W
  EXPECT_NE(power.note.find("derived"), std::string::npos);
  EXPECT_DOUBLE_EQ(*power.errorVsMeasured(), 0.0);
  const auto& eff = row(c.totals, "gflops_per_w");
  EXPECT_DOUBLE_EQ(*eff.simulated, 1.0);                // 1e10 FLOP / 10 J
  EXPECT_EQ(*eff.errorVsMeasured(), (*eff.simulated - 0.8) / 0.8 * 100.0);  // ≈ 25
  const auto& energy = row(c.totals, "energy_j");
  EXPECT_DOUBLE_EQ(*energy.measured, 12.5);             // derived: 1e10 FLOP / 0.8e9 FLOP/J
  EXPECT_DOUBLE_EQ(*energy.errorVsMeasured(), -20.0);
  ASSERT_EQ(c.phases.size(), 3u);
  EXPECT_DOUBLE_EQ(*c.phases[0].errorVsAnalytical(), 20.0);   // 7.5e7 vs 6.25e7
  EXPECT_DOUBLE_EQ(*c.phases[0].errorVsRoofline(), 150.0);    // 7.5e7 vs 3e7
  EXPECT_NEAR(*c.phases[1].errorVsAnalytical(), 100.0 / 3, 1e-12);  // 5e7 vs 3.75e7
  EXPECT_FALSE(c.phases[2].analytical.has_value());
  EXPECT_NE(c.phases[2].note.find("no analytical model for relu"), std::string::npos);
  EXPECT_FALSE(c.warnings.empty());  // measured.mode not given
}

TEST(Compare, ScopeFittedModeAndLayers) {
  config::MeasuredConfig m;
  m.present = true;
  m.source = "a paper";
  m.throughputGflops = 4.0;
  m.gflopsPerW = 0.8;
  m.mode = "inference";
  m.throughputScope = "conv_fc";
  m.fitted = {"power_w"};  // derived here: 4 / 0.8 = 5 W
  config::MeasuredLayer l;
  l.layer = "conv1";
  l.phase = "WU";
  l.latencyS = 0.4;
  m.layers = {l};
  const traces::Comparison c = traces::buildComparison(syntheticReport(), m);
  // The run trains (it has a WU row); the figures are for inference.
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("for inference, this run simulates training"), std::string::npos);
  // conv_fc: the measured throughput stands only beside the conv/FC figure.
  EXPECT_FALSE(row(c.totals, "gflops").measured.has_value());
  EXPECT_DOUBLE_EQ(*row(c.totals, "mac_gflops").errorVsMeasured(), 100.0);
  // The power was fitted to: a calibration point, no error against it.
  const auto& power = row(c.totals, "power_w");
  EXPECT_TRUE(power.fitted);
  EXPECT_DOUBLE_EQ(*power.measured, 5.0);
  EXPECT_FALSE(power.errorVsMeasured().has_value());
  EXPECT_NE(power.note.find("fitted (calibration point)"), std::string::npos);
  // GFLOPS/W carries the throughput error: still an agreement check.
  EXPECT_FALSE(row(c.totals, "gflops_per_w").fitted);
  EXPECT_TRUE(row(c.totals, "gflops_per_w").errorVsMeasured().has_value());
  EXPECT_NE(traces::compareMarkdown(c).find("| fitted |"), std::string::npos);
  // conv1 WU measured 0.4 s = 4e7 cycles; simulated 5e7: +25 %.
  EXPECT_DOUBLE_EQ(*c.phases[1].measured, 4e7);
  EXPECT_DOUBLE_EQ(*c.phases[1].errorVsMeasured(), 25.0);
  EXPECT_FALSE(c.phases[0].measured.has_value());
}

TEST(Compare, WithoutEnergyTheEnergyCellsStayEmpty) {
  traces::Report r = syntheticReport();
  r.energyModelled = false;
  const traces::Comparison c = traces::buildComparison(r, config::MeasuredConfig{});
  EXPECT_FALSE(row(c.totals, "power_w").simulated.has_value());
  EXPECT_FALSE(row(c.totals, "energy_j").errorVsMeasured().has_value());
  EXPECT_NE(row(c.totals, "energy_j").note.find("not modelled"), std::string::npos);
  EXPECT_NE(traces::compareMarkdown(c).find("none given"), std::string::npos);
}

TEST(Compare, ResourceHookPairsEstimatesWithMeasuredResources) {
  config::MeasuredConfig m;
  m.present = true;
  m.source = "a paper";
  m.resourcesSource = "its table 3";
  m.resources = {{"dsp", 1100}, {"lut", 50000}};
  traces::Comparison c = traces::buildComparison(syntheticReport(), m);
  traces::addResourceRows(c, m, {});
  ASSERT_EQ(c.resources.size(), 2u);  // dsp, lut (measured only), in kResourceNames order
  EXPECT_EQ(c.resources[0].quantity, "dsp");
  EXPECT_FALSE(c.resources[0].simulated.has_value());
  EXPECT_EQ(c.resources[0].note, "no estimate");
  traces::addResourceRows(c, m, {{"dsp", 1000.0}, {"bram36", 600.0}});
  ASSERT_EQ(c.resources.size(), 3u);  // dsp, bram36, lut
  EXPECT_EQ(c.resources[1].quantity, "bram36");
  EXPECT_DOUBLE_EQ(*c.resources[0].errorVsMeasured(), (1000.0 - 1100.0) / 1100.0 * 100.0);
  EXPECT_FALSE(c.resources[1].measured.has_value());
  const std::string md = traces::compareMarkdown(c);
  EXPECT_NE(md.find("## Resources"), std::string::npos);
  EXPECT_NE(md.find("its table 3"), std::string::npos);
}

// ----- the command ----------------------------------------------------------

std::vector<std::string> splitCsv(const std::string& line) {
  std::vector<std::string> f;
  std::string cur;
  bool quoted = false;
  for (char ch : line) {
    if (ch == '"') quoted = !quoted;
    else if (ch == ',' && !quoted) {
      f.push_back(cur);
      cur.clear();
    } else cur += ch;
  }
  f.push_back(cur);
  return f;
}

TEST(CompareCommand, LeNetWithMeasuredFiguresWritesBothFiles) {
  const std::string dir = tempDir("d");
  const std::string file = dir + "/design.yaml";
  writeText(file, "include: " + design("eftrain-lenet5-zcu102") +
                      "\nmeasured:\n  source: 'bench, 2026'\n  throughput_gflops: 3.0\n  power_w: 2.5\n"
                      "  latency_s: 0.012\n  resources: {source: 'report', dsp: 1300}\n");
  const std::string out = dir + "/out";
  const Result r = runFtsim("compare " + file + " --quiet --out " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "");
  const std::string md = readText(out + "/compare.md");
  for (const char* s : {"## Totals", "## Resources", "## Layers", "bench, 2026", "| gflops | GFLOPS |"})
    EXPECT_NE(md.find(s), std::string::npos) << s;

  std::istringstream csv(readText(out + "/compare.csv"));
  std::string line;
  std::getline(csv, line);
  ASSERT_EQ(line, "section,layer,phase,quantity,unit,simulated,analytical,roofline,measured,"
                  "error_vs_analytical_percent,error_vs_roofline_percent,error_vs_measured_percent,note");
  std::map<std::string, std::vector<std::string>> totals;
  double phaseCycles = 0, macAnalytical = 0;
  int resourceRows = 0;
  while (std::getline(csv, line)) {
    const auto f = splitCsv(line);
    ASSERT_EQ(f.size(), 13u) << line;
    if (f[0] == "total") totals[f[3]] = f;
    if (f[0] == "phase") {
      phaseCycles += std::stod(f[5]);
      if (!f[6].empty()) macAnalytical += std::stod(f[6]);
    }
    if (f[0] == "resource") {
      ++resourceRows;
      if (f[3] == "dsp") {
        // Estimate of the 16x16 fp32 array (docs/resources.md): 256 fmul x 3 + 16 trees x 15 fadd x 2
        // + 16 accumulators x 2 + vector 16 x (3 + 2) = 768 + 480 + 32 + 80 = 1360 DSP.
        EXPECT_EQ(f[5], "1360");
        EXPECT_EQ(f[8], "1300");
        EXPECT_EQ(std::stod(f[11]), (1360.0 - 1300.0) / 1300.0 * 100.0);
      } else {
        EXPECT_NE(f[5], "") << f[3];  // estimated, not measured
        EXPECT_EQ(f[8], "") << f[3];
      }
    }
  }
  EXPECT_EQ(resourceRows, 5);  // dsp, bram36, lut, ff, uram
  for (const char* q : {"cycles", "seconds", "gflops", "mac_gflops", "power_w", "gflops_per_w", "energy_j"}) {
    ASSERT_TRUE(totals.count(q)) << q;
    const auto& f = totals[q];
    const double sim = std::stod(f[5]), meas = std::stod(f[8]);
    // Values are written to round-trip, so the error recomputes exactly.
    EXPECT_EQ(std::stod(f[11]), (sim - meas) / meas * 100.0) << q;
    if (!f[6].empty()) {
      EXPECT_EQ(std::stod(f[9]), (sim - std::stod(f[6])) / std::stod(f[6]) * 100.0) << q;
    }
  }
  EXPECT_EQ(totals["cycles"][6], "");  // end to end: no analytical model
  EXPECT_EQ(phaseCycles, std::stod(totals["cycles"][5]));
  EXPECT_EQ(macAnalytical, std::stod(totals["mac_cycles"][6]));
  EXPECT_GT(std::stod(totals["mac_cycles"][7]), 0.0);                 // the roofline
  EXPECT_EQ(std::stod(totals["seconds"][8]), 0.012);
  EXPECT_EQ(std::stod(totals["cycles"][8]), 0.012 * 100e6);           // latency × clock
  EXPECT_EQ(std::stod(totals["gflops_per_w"][8]), 3.0 / 2.5);         // derived
  EXPECT_EQ(std::stod(totals["energy_j"][8]), 0.012 * 2.5);           // latency × power
}

TEST(CompareCommand, HelpAndErrors) {
  Result r = runFtsim("compare --help");
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"--out", "--set", "--quiet", "measured:", "analytical", "GFLOPS/W"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  EXPECT_NE(runFtsim("--help").out.find("compare <design.yaml>"), std::string::npos);
  r = runFtsim("compare");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("missing <design.yaml>"), std::string::npos);
  const std::string out = tempDir("out");
  r = runFtsim("compare " + design("eftrain-lenet5-zcu102") + " --out " + out + " --set measured.power_w=1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("measured.source: required key is missing"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(out + "/compare.md"));
  r = runFtsim("compare " + design("eftrain-lenet5-zcu102") + " --out " + out +
                " --set \"measured={source: x, layers: {conv9.FP: {latency_s: 1}}}\"");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("measured.layers.conv9.FP: the run has no FP phase of a layer named conv9"), std::string::npos)
      << r.out;
  r = runFtsim("compare " + design("eftrain-lenet5-zcu102") + " --out " + out +
                " --set \"measured={source: x, fitted: [cycles]}\"");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("measured.fitted[0] = cycles: must be one of"), std::string::npos) << r.out;
  r = runFtsim("compare " + design("tt-mlp-mnist-zcu102") + " --out " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("EF-Train designs only"), std::string::npos) << r.out;
}

}  // namespace

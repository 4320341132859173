#include "tests/Harness.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

#include <cstdio>

#include "models/accel/EfTrainSystem.h"
#include "families/eftrain/EfTrainFamily.h"
#include "sim/analytical/RunAnnotation.h"
#include "sim/core/Error.h"

namespace ftsim::test {

std::string sourceDir() { return FTSIM_SOURCE_DIR; }

std::string tempDir(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = std::filesystem::current_path().string() + "/test-tmp/" +
                    (info ? std::string(info->test_suite_name()) + "." + info->name() : std::string("misc")) + "/" +
                    name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string writeDesign(const std::string& dir, const std::string& workloadYaml, const std::string& extraYaml) {
  const std::string path = dir + "/design.yaml";
  writeText(path, "name: test-design\ninclude:\n  - " + sourceDir() + "/configs/boards/zcu102.yaml\n  - " +
                      sourceDir() + "/configs/accelerators/eftrain-16x16.yaml\nworkload:\n" + workloadYaml + "\n" +
                      extraYaml);
  return path;
}

const char* const kSmallTtEngineYaml = R"(accelerator:
  name: small
  kind: tt
  clock_mhz: 100
  pe_array: {rows: 4, depth: 4, mul_latency_cycles: 3, add_latency_cycles: 1, acc_latency_cycles: 1}
  formats: {weights: "fixed<8,6>", activations: "fixed<8,6>", gradients: "bfp<8,16>"}
  rounding: stochastic
  optimizer: {kind: sgd, learning_rate: 0.01}
  vector: {lanes: 4, pipeline_cycles: 8}
  dma: {stream_width_bits: 128}
memory: {model: ideal, ideal: {latency_cycles: 0, bytes_per_cycle: 16}}
)";

Result shell(const std::string& command) {
  Result r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

Result runFtsim(const std::string& args) { return shell(std::string(FTSIM_BINARY) + " " + args); }

std::string errorOf(const std::string& file, const std::vector<std::string>& sets) {
  try {
    config::DesignConfig::load(file, sets);
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

void expectEnergyAddsUp(const nlohmann::json& j) {
  const nlohmann::json& e = j["energy"];
  ASSERT_TRUE(e["modelled"].get<bool>());
  std::uint64_t fj = 0;
  for (const char* c : {"compute", "on_chip_memory", "dma_interconnect", "ddr_dynamic", "ddr_background", "static"})
    fj += e["components"][c]["energy_fj"].get<std::uint64_t>();
  EXPECT_EQ(fj, e["energy_fj"].get<std::uint64_t>());
  const double total = j["total"]["energy_j"].get<double>();
  EXPECT_EQ(total, e["energy_j"].get<double>());
  double rows = 0;
  for (const nlohmann::json& l : j["layers"]) rows += l["energy_j"].get<double>();
  EXPECT_NEAR(rows, total, total * 1e-12);
}

schedule::SchedulerInputs schedulerInputs(const config::DesignConfig& d) { return families::eftrain::schedulerInputs(d); }

schedule::Program buildProgram(const config::DesignConfig& d) { return schedule::Scheduler(schedulerInputs(d)).build(); }

stats::RunResult simulateDesign(const std::string& designFile, const std::vector<std::string>& overrides) {
  // Kept alive for the whole process: the SystemC modules refer to it.
  static config::DesignConfig d;
  static schedule::Program prog;
  d = config::DesignConfig::load(designFile, overrides);
  const schedule::Scheduler sched(schedulerInputs(d));
  prog = sched.build();
  stats::RunResult r = models::simulate(d.accelerator, d.memory, prog, {});
  analytical::annotateModels(d, r);
  r.design = d.name;
  r.batch = d.workload.batch;
  r.seed = d.seed;
  return r;
}

const stats::PhaseResult& phaseResult(const stats::RunResult& r, const std::string& layer, schedule::Phase phase) {
  for (const auto& p : r.phases)
    if (p.name == layer && p.phase == phase) return p;
  throw std::runtime_error("no phase " + layer + " " + schedule::toString(phase));
}

std::uint64_t phaseCycles(const stats::RunResult& r, const std::string& layer, schedule::Phase phase) {
  std::uint64_t c = 0;
  for (const auto& p : r.phases)
    if (p.name == layer && p.phase == phase) c += p.cycles;
  return c;
}

}  // namespace ftsim::test

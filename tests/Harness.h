#pragma once
// Helpers shared by the test suites: small designs built from YAML text
// (with the repository's board and accelerator configs), one simulation per
// test process.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "sim/config/DesignConfig.h"
#include "sim/schedule/Program.h"
#include "sim/schedule/Scheduler.h"
#include "sim/stats/RunResult.h"

namespace ftsim::test {

std::string sourceDir();
/// A fresh directory under the build tree for this test's files.
std::string tempDir(const std::string& name);
void writeText(const std::string& path, const std::string& text);
std::string readText(const std::string& path);

/// Write a design file that includes the ZCU102 board and the EF-Train
/// accelerator and carries `workloadYaml` (the body of `workload:`) and
/// `extraYaml` (more top-level keys). Returns its path.
std::string writeDesign(const std::string& dir, const std::string& workloadYaml, const std::string& extraYaml = "");

/// A command's exit status and what it printed (stdout and stderr).
struct Result {
  int code = -1;
  std::string out;
};
/// Run a shell command, stderr merged into stdout.
Result shell(const std::string& command);
/// Run the ftsim program with `args`.
Result runFtsim(const std::string& args);

/// The message of the UserError that loading `file` with `sets` throws, or
/// "(no error)".
std::string errorOf(const std::string& file, const std::vector<std::string>& sets);

/// A 4x4 int8 tensorized-training engine at 100 MHz with 4 vector lanes
/// (pipeline 8) over the ideal memory: the top-level `accelerator:` and
/// `memory:` keys of a small test design (board and workload to be added).
extern const char* const kSmallTtEngineYaml;

/// Expect a summary.json with modelled energy to add up: its components to
/// `energy.energy_fj` exactly, `total.energy_j` to `energy.energy_j`, and the
/// layer rows to the total (to rounding of the joule figures).
void expectEnergyAddsUp(const nlohmann::json& summary);

schedule::SchedulerInputs schedulerInputs(const config::DesignConfig& d);
schedule::Program buildProgram(const config::DesignConfig& d);

/// Load, schedule and simulate a design (once per process).
stats::RunResult simulateDesign(const std::string& designFile, const std::vector<std::string>& overrides = {});

/// The cycles of one layer × phase of a run (parts summed).
std::uint64_t phaseCycles(const stats::RunResult& r, const std::string& layer, schedule::Phase phase);
const stats::PhaseResult& phaseResult(const stats::RunResult& r, const std::string& layer, schedule::Phase phase);

}  // namespace ftsim::test

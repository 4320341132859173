// The ftsim program as a user runs it: help, exit codes, output files and
// their contract, determinism, and the golden LeNet-5 regression.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

#include <systemc>
#include <stdexcept>

#include "tests/Harness.h"
#include "models/accel/SimulationLoop.h"
#include "sim/core/Error.h"

using namespace ftsim::test;
using Json = nlohmann::json;

namespace {

std::string design(const std::string& name) { return sourceDir() + "/configs/designs/" + name + ".yaml"; }

TEST(Cli, HelpNamesCommandsAndOptions) {
  auto r = runFtsim("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("run <design.yaml>"), std::string::npos);
  EXPECT_NE(r.out.find("check <design.yaml>"), std::string::npos);
  r = runFtsim("run --help");
  EXPECT_EQ(r.code, 0);
  for (const char* opt : {"--out", "--set", "--seed", "--quiet", "--log-level"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  EXPECT_EQ(runFtsim("check --help").code, 0);
  EXPECT_EQ(runFtsim("--version").code, 0);
}

TEST(Cli, UsageErrorsExitTwo) {
  auto r = runFtsim("simulate x.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("unknown command 'simulate'"), std::string::npos);
  r = runFtsim("run " + design("eftrain-lenet5-zcu102") + " --bogus");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("bogus"), std::string::npos);
  r = runFtsim("run");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("missing <design.yaml>"), std::string::npos);
  r = runFtsim("run /nonexistent.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("/nonexistent.yaml: no such design file"), std::string::npos);
  r = runFtsim("run " + design("eftrain-lenet5-zcu102") + " --seed notanumber");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(runFtsim("").code, 2);
}

TEST(Cli, ConfigErrorLeavesEarlierOutputsIntact) {
  const std::string dir = tempDir("out");
  writeText(dir + "/summary.json", "previous\n");
  const auto r = runFtsim("run " + design("eftrain-lenet5-zcu102") + " --out " + dir +
                       " --set accelerator.pe_array.tm=0");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("error: --set accelerator.pe_array.tm=0: accelerator.pe_array.tm = 0: must be >= 1"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(readText(dir + "/summary.json"), "previous\n");
  EXPECT_FALSE(std::filesystem::exists(dir + "/layers.csv"));
}

TEST(Cli, UnwritableOutputDirectoryIsAUserError) {
  const std::string dir = tempDir("out");
  writeText(dir + "/file", "x");
  // Refused before the simulation: were the check after it, the program
  // would stop at the pause point and print so.
  auto r = shell("FTSIM_TEST_PAUSE_AT=before-simulation " FTSIM_BINARY " run " + design("eftrain-lenet5-zcu102") +
                 " --quiet --out " + dir + "/file/sub");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "error: --out " + dir + "/file/sub: cannot create the output directory: Not a directory\n");
  // A directory that exists but takes no new file (the probe fails). Root
  // writes anywhere, so this half needs an unprivileged user.
  if (::geteuid() != 0) {
    std::filesystem::create_directories(dir + "/ro");
    std::filesystem::permissions(dir + "/ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    r = shell("FTSIM_TEST_PAUSE_AT=before-simulation " FTSIM_BINARY " run " + design("eftrain-lenet5-zcu102") +
              " --quiet --out " + dir + "/ro");
    std::filesystem::permissions(dir + "/ro", std::filesystem::perms::owner_all);
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "error: --out " + dir + "/ro: cannot write in the output directory: Permission denied\n");
  }
}

// An exception thrown inside a SystemC process keeps its kind: SystemC alone
// reports both as "(E549) uncaught exception" (models/accel/SimulationLoop.h).
struct Thrower : sc_core::sc_module {
  enum Kind { UserErr, Logic, MethodLogic };
  SC_HAS_PROCESS(Thrower);
  Thrower(const sc_core::sc_module_name& n, Kind kind) : sc_core::sc_module(n), m_kind(kind) {
    if (kind == MethodLogic) {
      SC_METHOD(fire);
    } else {
      SC_THREAD(run);
    }
  }
  void run() {
    wait(10, sc_core::SC_NS);
    if (m_kind == UserErr) throw ftsim::UserError("layers.npy: not a .npy file");
    FTSIM_ASSERT(1 + 1 == 3, "arithmetic");
  }
  void fire() {
    if (m_calls++ == 0) next_trigger(7, sc_core::SC_NS);
    else throw std::logic_error("broken method");
  }
  Kind m_kind;
  int m_calls = 0;
};

TEST(ProcessErrors, AUserErrorThrownInAProcessStaysAUserError) {
  Thrower t("top", Thrower::UserErr);
  try {
    ftsim::models::runToEnd();
    FAIL() << "no exception";
  } catch (const ftsim::UserError& e) {
    EXPECT_STREQ(e.what(), "layers.npy: not a .npy file");
  }
}

TEST(ProcessErrors, AnAssertInAThreadNamesTheProcessAndTheTime) {
  Thrower t("top", Thrower::Logic);
  try {
    ftsim::models::runToEnd();
    FAIL() << "no exception";
  } catch (const ftsim::InternalError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("internal error: assertion `1 + 1 == 3` failed: arithmetic (in SystemC process top.run at 10 ns "
                     "of simulated time)"),
              std::string::npos)
        << m;
  }
}

TEST(ProcessErrors, AnExceptionInAMethodNamesTheProcessAndTheTime) {
  Thrower t("top", Thrower::MethodLogic);
  try {
    ftsim::models::runToEnd();
    FAIL() << "no exception";
  } catch (const ftsim::InternalError& e) {
    EXPECT_STREQ(e.what(), "broken method (in SystemC process top.fire at 7 ns of simulated time)");
  }
}

TEST(Cli, CheckPrintsResolvedDesignAndBuffers) {
  const auto r = runFtsim("check " + design("eftrain-vgg16-zcu102"));
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* s : {"board        zcu102", "DDR4-2133P", "eftrain-16x16", "vgg16-imagenet, batch 16",
                        "conv1_2       FP  Tm 16 Tn 16", "input_buffer", "weight_buffer", "ok: eftrain-vgg16-zcu102"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

Json runToJson(const std::string& designFile, const std::string& dir, const std::string& extra = "") {
  const auto r = runFtsim("run " + designFile + " --quiet --out " + dir + " " + extra);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "");  // --quiet prints nothing
  return Json::parse(readText(dir + "/summary.json"));
}

TEST(Outputs, SummaryJsonHoldsTheContract) {
  const std::string dir = tempDir("out");
  const Json j = runToJson(design("eftrain-lenet5-zcu102"), dir);
  EXPECT_EQ(j["schema"], "ftsim.summary/1");
  EXPECT_EQ(j["design"], "eftrain-lenet5-zcu102");
  EXPECT_EQ(j["clock_mhz"], 100.0);
  EXPECT_EQ(j["batch"], 16);
  for (const char* k : {"cycles", "seconds", "flops", "gflops", "analytical_cycles"}) EXPECT_TRUE(j["total"].contains(k)) << k;
  EXPECT_TRUE(j["memory"].contains("model"));
  std::uint64_t cycles = 0, flops = 0;
  bool sawBp = false, sawWu = false;
  for (const Json& l : j["layers"]) {
    for (const char* k : {"layer", "phase", "cycles", "analytical_cycles", "flops", "gflops", "bytes_read",
                          "bytes_written", "tiling"})
      EXPECT_TRUE(l.contains(k)) << k;
    const std::string ph = l["phase"];
    EXPECT_TRUE(ph == "FP" || ph == "BP" || ph == "WU");
    sawBp |= ph == "BP";
    sawWu |= ph == "WU";
    if (l["type"] == "conv" || l["type"] == "fc") {
      for (const char* k : {"Tm", "Tn", "Tr", "Tc", "M_on"}) EXPECT_TRUE(l["tiling"].contains(k)) << k;
    }
    cycles += l["cycles"].get<std::uint64_t>();
    flops += l["flops"].get<std::uint64_t>();
  }
  EXPECT_TRUE(sawBp && sawWu);
  // Rows add up to the totals; FLOPs are 2 per MAC of conv/FC work:
  // LeNet-5 MACs per image = 117600 + 240000 + 48000 + 10080 + 840 = 416520,
  // × 16 images × 2 FLOP × 3 phases = 39 985 920, minus conv1's BP (no gradient
  // w.r.t. the image: 117600·16·2 = 3 763 200) = 36 222 720.
  EXPECT_EQ(cycles, j["total"]["cycles"].get<std::uint64_t>());
  EXPECT_EQ(flops, j["total"]["flops"].get<std::uint64_t>());
  EXPECT_EQ(flops, 36222720u);
  for (const char* b : {"input_buffer", "output_buffer", "weight_buffer"}) {
    EXPECT_TRUE(j["buffers"].contains(b)) << b;
    EXPECT_LE(j["buffers"][b]["peak_bytes"].get<std::uint64_t>(), j["buffers"][b]["capacity_bytes"].get<std::uint64_t>());
  }
  // layers.csv: a header and one row per layer × phase.
  const std::string csv = readText(dir + "/layers.csv");
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), j["layers"].size() + 1);
  EXPECT_EQ(csv.rfind("layer,type,phase,unit,cycles,compute_cycles,dma_wait_cycles,ddr_stall_cycles,analytical_cycles", 0), 0u);
}

TEST(Outputs, SameConfigAndSeedGiveIdenticalSummaries) {
  const std::string a = tempDir("a"), b = tempDir("b");
  Json ja = runToJson(design("eftrain-resnet18-cifar10-zcu102"), a, "--seed 7");
  Json jb = runToJson(design("eftrain-resnet18-cifar10-zcu102"), b, "--seed 7");
  EXPECT_EQ(ja["seed"], 7);
  // Only the wall-clock fields may differ.
  ja.erase("simulator");
  jb.erase("simulator");
  EXPECT_EQ(ja.dump(), jb.dump());
  EXPECT_EQ(readText(a + "/layers.csv"), readText(b + "/layers.csv"));
}

TEST(Outputs, GoldenLeNet5) {
  // The LeNet-5 training step under the ideal memory, layer by layer. After
  // an intended model change, regenerate with FTSIM_UPDATE_GOLDEN=1 and
  // review the diff.
  const std::string dir = tempDir("out");
  runToJson(design("eftrain-lenet5-zcu102"), dir, "--set memory.model=ideal");
  const std::string golden = sourceDir() + "/tests/golden/lenet5-mnist-ideal.csv";
  const std::string csv = readText(dir + "/layers.csv");
  if (std::getenv("FTSIM_UPDATE_GOLDEN")) writeText(golden, csv);
  EXPECT_EQ(csv, readText(golden));
}

}  // namespace

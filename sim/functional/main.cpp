// ftsim_train_step: training steps of an EF-Train design on real values,
// through the HLS kernels, without the timing model (sim/functional/).
//
//   ftsim_train_step <design.yaml> [--out DIR] [--set key=value ...] [--seed N]
//                    [--init DIR] [--lr X] [--steps N] [--activations] [--dump-init]

#include <boost/program_options.hpp>
#include <systemc>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "families/Registry.h"
#include "families/eftrain/EfTrainFamily.h"
#include "models/common/ScMain.h"
#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"
#include "sim/functional/FunctionalStep.h"
#include "sim/functional/Npy.h"
#include "sim/functional/StepFiles.h"
#include "sim/schedule/Scheduler.h"
#include "traces/OutputSet.h"

namespace po = boost::program_options;
using namespace ftsim;

namespace {

/// The output directory once opened, for the message of an interrupted step.
std::string g_outputDir;

const char* kUsage =
    "usage: ftsim_train_step <design.yaml> [options]\n"
    "Runs training steps of an EF-Train design on real values: every tensor in a DDR backing store in\n"
    "the design's layout, every on-chip operation a kernel call (models/kernels) on the schedule's\n"
    "tiles, softmax and the loss gradient on the host, SGD without momentum.\n\n"
    "Inputs (--init DIR): <param>.npy for each parameter in PyTorch's shape (conv/fc: <layer>.weight;\n"
    "batch norm: <layer>.weight = gamma, <layer>.bias = beta), input.npy [S*B][C][H][W] float32 and\n"
    "labels.npy [S*B] int64 (S = 1: the same batch every step; S = --steps: batch s at step s).\n"
    "Missing parameters and data are initialised from --seed.\n\n"
    "Outputs in --out DIR: weights/<param>.npy (updated), loss.npy [steps], summary.json (loss,\n"
    "losses, weight checksum), activations/<layer>.npy with --activations (after the last step's FP),\n"
    "init/ (the initial parameters and data) with --dump-init.\n\noptions";

int run(int argc, char** argv) {
  po::options_description opts(kUsage);
  opts.add_options()("help,h", "this help")("out", po::value<std::string>(), "output directory (default out/<design>-step)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a config value, key.path=value")(
      "seed", po::value<std::uint64_t>(), "seed of the initialisation (default: the design's seed)")(
      "init", po::value<std::string>(), "directory with initial parameters and data (.npy)")(
      "lr", po::value<float>()->default_value(0.01f), "learning rate")(
      "steps", po::value<int>()->default_value(1), "training steps")(
      "activations", "write every layer's output of the last step")("dump-init", "write the initial parameters and data to DIR/init");
  po::options_description hidden;
  hidden.add_options()("design", po::value<std::string>());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("design", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UserError(std::string("ftsim_train_step: ") + e.what() + " (see --help)");
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (!vm.count("design")) throw UserError("ftsim_train_step: missing <design.yaml> (see --help)");
  std::vector<std::string> overrides;
  if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
  const config::DesignConfig d = config::DesignConfig::load(vm["design"].as<std::string>(), overrides);
  if (!families::of(d).hasFunctionalStep())
    throw UserError(d.kindLoc.file + ":" + std::to_string(d.kindLoc.line) + ": accelerator.kind = " + d.kind +
                    ": ftsim_train_step runs " +
                    families::titlesWith(&families::AcceleratorFamily::hasFunctionalStep) + " designs only");
  if (!d.workload.training())
    throw UserError(d.file + ": workload.mode = inference: ftsim_train_step runs training steps (use --set "
                    "workload.mode=training)");
  const int steps = vm["steps"].as<int>();
  if (steps < 1) throw UserError("ftsim_train_step: --steps " + std::to_string(steps) + ": must be >= 1");
  const float lr = vm["lr"].as<float>();
  if (!(lr > 0.0f)) throw UserError("ftsim_train_step: --lr: must be > 0");
  const std::uint64_t seed = vm.count("seed") ? vm["seed"].as<std::uint64_t>() : d.seed;
  const std::string outDir = vm.count("out") ? vm["out"].as<std::string>() : "out/" + d.name + "-step";
  throwIfInterrupted();
  // Written whole into the set's staging directory, then moved into place
  // as one set (traces/OutputSet.h).
  traces::OutputSet outputs(outDir, "train-step");
  g_outputDir = outDir;
  const std::string out = outputs.staging();

  const schedule::Program prog = schedule::Scheduler(families::eftrain::schedulerInputs(d)).build();
  const workload::Network& net = d.workload;

  functional::FunctionalOptions fo;
  fo.learningRate = lr;
  functional::FunctionalStep step(prog, net, d.accelerator, fo);
  const std::string init = vm.count("init") ? vm["init"].as<std::string>() : "";
  const functional::StepData data = functional::loadStepData(step, net, init, seed, steps);
  if (vm.count("dump-init")) functional::dumpInit(step, net, data, out + "/init");

  std::vector<float> losses;
  for (int s = 0; s < steps; ++s) {
    throwIfInterrupted();
    functional::setBatch(step, net, data, s);
    losses.push_back(step.run());
  }

  const functional::WeightDigest digest = functional::writeWeights(step, out + "/weights");
  functional::writeNpy(out + "/loss.npy", {static_cast<std::int64_t>(losses.size())}, losses.data());
  if (vm.count("activations")) functional::writeActivations(step, net, out + "/activations");
  const char* buf = digest.checksumFnv1a64.c_str();
  const double sum = digest.sum;
  {
    std::ofstream js(out + "/summary.json.tmp");
    js.precision(9);
    js << "{\n  \"design\": \"" << d.name << "\",\n  \"steps\": " << steps << ",\n  \"learning_rate\": " << lr
       << ",\n  \"loss\": " << losses.back() << ",\n  \"losses\": [";
    for (std::size_t i = 0; i < losses.size(); ++i) js << (i ? ", " : "") << losses[i];
    js << "],\n  \"weight_checksum_fnv1a64\": \"" << buf << "\",\n  \"weight_sum\": " << sum << "\n}\n";
  }
  std::filesystem::rename(out + "/summary.json.tmp", out + "/summary.json");
  throwIfInterrupted();
  outputs.commit();
  std::printf("loss %.7g (step %d)  weight checksum %s  DDR moved %.3f MB\n", static_cast<double>(losses.back()),
              steps, buf, static_cast<double>(step.bytesRead() + step.bytesWritten()) / 1e6);
  return 0;
}

}  // namespace

// The design loader links the SystemC models (a design's kind names its
// family), so SystemC's main() runs first and hands over here.
int sc_main(int argc, char* argv[]) {
  installInterruptHandlers();
  try {
    return run(argc, argv);
  } catch (const Interrupted& e) {
    std::cerr << "ftsim_train_step: interrupted (" << e.signalName() << "); "
              << (g_outputDir.empty() ? std::string("nothing written") : g_outputDir + " left as it was") << "\n";
    return e.exitCode();
  } catch (const UserError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 3;
  }
}

int main(int argc, char* argv[]) {
  return ftsim::models::runSystemC(argc, argv);
}

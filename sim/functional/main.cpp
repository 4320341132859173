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
#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "sim/functional/FunctionalStep.h"
#include "sim/functional/Npy.h"
#include "sim/schedule/Scheduler.h"

namespace po = boost::program_options;
using namespace ftsim;

namespace {

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

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

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
  const std::string out = vm.count("out") ? vm["out"].as<std::string>() : "out/" + d.name + "-step";

  const schedule::Program prog = schedule::Scheduler(families::eftrain::schedulerInputs(d)).build();
  const workload::Network& net = d.workload;

  functional::FunctionalOptions fo;
  fo.learningRate = lr;
  functional::FunctionalStep step(prog, net, d.accelerator, fo);
  step.initParameters(seed);

  const std::string init = vm.count("init") ? vm["init"].as<std::string>() : "";
  auto exists = [&](const std::string& f) { return !init.empty() && std::filesystem::exists(init + "/" + f); };
  for (const auto& p : step.parameters()) {
    if (!exists(p.name + ".npy")) continue;
    const std::string f = init + "/" + p.name + ".npy";
    const functional::NpyArray a = functional::readNpy(f);
    if (a.shape != p.shape) {
      std::string want, got;
      for (auto e : p.shape) want += (want.empty() ? "" : ", ") + std::to_string(e);
      for (auto e : a.shape) got += (got.empty() ? "" : ", ") + std::to_string(e);
      throw UserError(f + ": shape (" + got + ") but parameter " + p.name + " has shape (" + want + ")");
    }
    step.setParameter(p.name, a.data);
  }
  const auto& inShape = net.input;
  const std::int64_t perImage = static_cast<std::int64_t>(inShape.c) * inShape.h * inShape.w;
  std::vector<float> images;
  std::vector<std::int64_t> labels;
  if (exists("input.npy")) {
    const std::string f = init + "/input.npy";
    const functional::NpyArray a = functional::readNpy(f);
    const std::vector<std::int64_t> one{net.batch, inShape.c, inShape.h, inShape.w};
    const std::vector<std::int64_t> all{static_cast<std::int64_t>(steps) * net.batch, inShape.c, inShape.h, inShape.w};
    if (a.shape != one && a.shape != all)
      throw UserError(f + ": shape must be [B][C][H][W] = [" + std::to_string(net.batch) + "][" + std::to_string(inShape.c) +
                      "][" + std::to_string(inShape.h) + "][" + std::to_string(inShape.w) + "] or with steps*B images");
    images = a.data;
    std::vector<std::int64_t> ls;
    labels = functional::readNpyInt(init + "/labels.npy", &ls);
    if (static_cast<std::int64_t>(labels.size()) * perImage != static_cast<std::int64_t>(images.size()))
      throw UserError(init + "/labels.npy: " + std::to_string(labels.size()) + " labels for " +
                      std::to_string(images.size() / perImage) + " images in input.npy");
  } else {
    // Seeded data: inputs uniform in [-1, 1), labels uniform over the classes.
    std::uint64_t s = seed ^ 0xD1B54A32D192ED03ull;
    auto next = [&]() {
      std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    images.resize(static_cast<std::size_t>(net.batch * perImage));
    for (float& x : images) x = static_cast<float>(static_cast<std::int64_t>(next() >> 40) - (1 << 23)) / (1 << 23);
    labels.resize(net.batch);
    for (auto& y : labels) y = static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(net.numClasses));
  }

  std::filesystem::create_directories(out + "/weights");
  if (vm.count("dump-init")) {
    std::filesystem::create_directories(out + "/init");
    for (const auto& p : step.parameters()) functional::writeNpy(out + "/init/" + p.name + ".npy", p.shape, step.parameter(p.name).data());
    functional::writeNpy(out + "/init/input.npy",
                         {static_cast<std::int64_t>(images.size() / perImage), inShape.c, inShape.h, inShape.w}, images.data());
    functional::writeNpyInt(out + "/init/labels.npy", {static_cast<std::int64_t>(labels.size())}, labels.data());
  }

  std::vector<float> losses;
  const std::size_t batches = labels.size() / static_cast<std::size_t>(net.batch);
  for (int s = 0; s < steps; ++s) {
    const std::size_t b = batches == 1 ? 0 : static_cast<std::size_t>(s);
    step.setBatch(std::vector<float>(images.begin() + b * net.batch * perImage, images.begin() + (b + 1) * net.batch * perImage),
                  std::vector<std::int64_t>(labels.begin() + b * net.batch, labels.begin() + (b + 1) * net.batch));
    losses.push_back(step.run());
  }

  std::uint64_t hash = 0xcbf29ce484222325ull;
  double sum = 0.0;
  for (const auto& p : step.parameters()) {
    const std::vector<float> v = step.parameter(p.name);
    functional::writeNpy(out + "/weights/" + p.name + ".npy", p.shape, v.data());
    hash = fnv1a(hash, v.data(), v.size() * sizeof(float));
    for (float x : v) sum += x;
  }
  functional::writeNpy(out + "/loss.npy", {static_cast<std::int64_t>(losses.size())}, losses.data());
  if (vm.count("activations")) {
    std::filesystem::create_directories(out + "/activations");
    for (int i = 0; i < static_cast<int>(net.layers.size()); ++i)
      functional::writeNpy(out + "/activations/" + net.layers[i].name + ".npy", step.activationShape(i),
                           step.activation(i).data());
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, hash);
  {
    std::ofstream js(out + "/summary.json.tmp");
    js.precision(9);
    js << "{\n  \"design\": \"" << d.name << "\",\n  \"steps\": " << steps << ",\n  \"learning_rate\": " << lr
       << ",\n  \"loss\": " << losses.back() << ",\n  \"losses\": [";
    for (std::size_t i = 0; i < losses.size(); ++i) js << (i ? ", " : "") << losses[i];
    js << "],\n  \"weight_checksum_fnv1a64\": \"" << buf << "\",\n  \"weight_sum\": " << sum << "\n}\n";
  }
  std::filesystem::rename(out + "/summary.json.tmp", out + "/summary.json");
  std::printf("loss %.7g (step %d)  weight checksum %s  DDR moved %.3f MB\n", static_cast<double>(losses.back()),
              steps, buf, static_cast<double>(step.bytesRead() + step.bytesWritten()) / 1e6);
  return 0;
}

}  // namespace

// The design loader links the SystemC models (a design's kind names its
// family), so SystemC's main() runs first and hands over here.
int sc_main(int argc, char* argv[]) {
  try {
    return run(argc, argv);
  } catch (const UserError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 3;
  }
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}

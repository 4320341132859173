#include "sim/functional/StepFiles.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>

#include "sim/core/Error.h"
#include "sim/core/SplitMix.h"
#include "sim/functional/Npy.h"

namespace ftsim::functional {

namespace {

std::string shapeText(const std::vector<std::int64_t>& shape) {
  std::string s;
  for (auto e : shape) s += (s.empty() ? "" : ", ") + std::to_string(e);
  return "(" + s + ")";
}

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

StepData loadStepData(FunctionalStep& step, const workload::Network& net, const std::string& initDir,
                      std::uint64_t seed, int steps) {
  if (!initDir.empty() && !std::filesystem::is_directory(initDir))
    throw UserError("--init " + initDir + ": not a directory");
  step.initParameters(seed);
  const auto exists = [&](const std::string& f) {
    return !initDir.empty() && std::filesystem::exists(initDir + "/" + f);
  };
  for (const auto& p : step.parameters()) {
    if (!exists(p.name + ".npy")) continue;
    const std::string f = initDir + "/" + p.name + ".npy";
    const NpyArray a = readNpy(f);
    if (a.shape != p.shape)
      throw UserError(f + ": shape " + shapeText(a.shape) + " but parameter " + p.name + " has shape " +
                      shapeText(p.shape));
    try {
      step.setParameter(p.name, a.data);
    } catch (const UserError& e) {
      throw UserError(f + ": " + e.what());  // a value the parameter cannot take
    }
  }
  const auto& in = net.input;
  StepData d;
  d.perImage = static_cast<std::int64_t>(in.c) * in.h * in.w;
  // Inference has no loss: labels are neither needed nor read.
  const bool labelled = net.training();
  if (exists("input.npy")) {
    if (labelled && !exists("labels.npy"))
      throw UserError(initDir + "/labels.npy: missing (input.npy is given, so its labels must be too)");
    const std::string f = initDir + "/input.npy";
    const NpyArray a = readNpy(f);
    const std::vector<std::int64_t> one{net.batch, in.c, in.h, in.w};
    const std::vector<std::int64_t> all{static_cast<std::int64_t>(steps) * net.batch, in.c, in.h, in.w};
    if (a.shape != one && a.shape != all)
      throw UserError(f + ": shape " + shapeText(a.shape) + ", must be [B][C][H][W] = " + shapeText(one) +
                      (steps > 1 ? " or with steps*B images " + shapeText(all) : std::string()));
    d.images = a.data;
    if (!labelled) return d;
    std::vector<std::int64_t> ls;
    d.labels = readNpyInt(initDir + "/labels.npy", &ls);
    if (static_cast<std::int64_t>(d.labels.size()) * d.perImage != static_cast<std::int64_t>(d.images.size()))
      throw UserError(initDir + "/labels.npy: " + std::to_string(d.labels.size()) + " labels for " +
                      std::to_string(d.images.size() / d.perImage) + " images in input.npy");
  } else {
    if (labelled && exists("labels.npy"))
      throw UserError(initDir + "/input.npy: missing (labels.npy is given, so the images must be too)");
    // Seeded data: inputs uniform in [-1, 1), labels uniform over the classes.
    SplitMix rng{seed ^ 0xD1B54A32D192ED03ull};
    d.images.resize(static_cast<std::size_t>(net.batch * d.perImage));
    for (float& x : d.images) x = static_cast<float>(static_cast<std::int64_t>(rng.next() >> 40) - (1 << 23)) / (1 << 23);
    if (labelled) d.labels.resize(net.batch);
    for (auto& y : d.labels) y = static_cast<std::int64_t>(rng.next() % static_cast<std::uint64_t>(net.numClasses));
  }
  return d;
}

void setBatch(FunctionalStep& step, const workload::Network& net, const StepData& data, int index) {
  const std::size_t B = static_cast<std::size_t>(net.batch), per = static_cast<std::size_t>(data.perImage);
  const std::size_t batches = data.images.size() / (B * per);
  const std::size_t b = batches == 1 ? 0 : static_cast<std::size_t>(index);
  std::vector<std::int64_t> labels;
  if (!data.labels.empty()) labels.assign(data.labels.begin() + b * B, data.labels.begin() + (b + 1) * B);
  step.setBatch(std::vector<float>(data.images.begin() + b * B * per, data.images.begin() + (b + 1) * B * per),
                labels);
}

void dumpInit(const FunctionalStep& step, const workload::Network& net, const StepData& data, const std::string& dir) {
  std::filesystem::create_directories(dir);
  for (const auto& p : step.parameters()) writeNpy(dir + "/" + p.name + ".npy", p.shape, step.parameter(p.name).data());
  const auto& in = net.input;
  writeNpy(dir + "/input.npy", {static_cast<std::int64_t>(data.images.size() / data.perImage), in.c, in.h, in.w},
           data.images.data());
  if (net.training())
    writeNpyInt(dir + "/labels.npy", {static_cast<std::int64_t>(data.labels.size())}, data.labels.data());
}

WeightDigest writeLogits(const FunctionalStep& step, const workload::Network& net, const std::string& file) {
  const int last = static_cast<int>(net.layers.size()) - 1;
  const std::vector<float> v = step.activation(last);
  writeNpy(file, step.activationShape(last), v.data());
  WeightDigest d;
  for (float x : v) d.sum += x;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, fnv1a(0xcbf29ce484222325ull, v.data(), v.size() * sizeof(float)));
  d.checksumFnv1a64 = buf;
  return d;
}

WeightDigest writeWeights(const FunctionalStep& step, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::uint64_t hash = 0xcbf29ce484222325ull;
  WeightDigest w;
  for (const auto& p : step.parameters()) {
    const std::vector<float> v = step.parameter(p.name);
    writeNpy(dir + "/" + p.name + ".npy", p.shape, v.data());
    hash = fnv1a(hash, v.data(), v.size() * sizeof(float));
    for (float x : v) w.sum += x;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, hash);
  w.checksumFnv1a64 = buf;
  return w;
}

void writeActivations(const FunctionalStep& step, const workload::Network& net, const std::string& dir) {
  std::filesystem::create_directories(dir);
  for (int i = 0; i < static_cast<int>(net.layers.size()); ++i)
    writeNpy(dir + "/" + net.layers[i].name + ".npy", step.activationShape(i), step.activation(i).data());
}

}  // namespace ftsim::functional

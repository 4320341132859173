#pragma once
// The files around a functional training step, shared by `ftsim run
// --functional` and ftsim_train_step: initial parameters and the batch from
// .npy files (or seeded), and the updated weights, activations and loss
// written back as .npy.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/functional/FunctionalStep.h"
#include "sim/workload/Network.h"

namespace ftsim::functional {

/// The images and labels of `batches` mini-batches.
struct StepData {
  std::vector<float> images;          ///< [batches·B][C][H][W]
  std::vector<std::int64_t> labels;   ///< [batches·B]
  std::int64_t perImage = 0;          ///< C·H·W
};

/// Initialise `step`'s parameters: from `initDir`/<param>.npy where present
/// (the shape must be the parameter's), the rest from `seed`. The data:
/// `initDir`/input.npy ([B] or [steps·B] images) with labels.npy, else
/// seeded. Bad files are UserErrors naming the file and what is wrong.
StepData loadStepData(FunctionalStep& step, const workload::Network& net, const std::string& initDir,
                      std::uint64_t seed, int steps);
/// Put mini-batch `index` (the only one if there is one) into DDR.
void setBatch(FunctionalStep& step, const workload::Network& net, const StepData& data, int index);
/// DIR/<param>.npy, DIR/input.npy, DIR/labels.npy.
void dumpInit(const FunctionalStep& step, const workload::Network& net, const StepData& data, const std::string& dir);

struct WeightDigest {
  std::string checksumFnv1a64;  ///< over every parameter's (or the logits') fp32 bytes, in order (16 hex digits)
  double sum = 0.0;             ///< of the same values
};
/// DIR/<param>.npy for every parameter (DIR is created), and their digest.
WeightDigest writeWeights(const FunctionalStep& step, const std::string& dir);
/// FILE: the last layer's output [B][C][H][W] after the FP (an inference
/// run's logits), and its digest (the same FNV-1a 64 over its fp32 bytes).
WeightDigest writeLogits(const FunctionalStep& step, const workload::Network& net, const std::string& file);
/// DIR/<layer>.npy: every layer's output of the last FP.
void writeActivations(const FunctionalStep& step, const workload::Network& net, const std::string& dir);

}  // namespace ftsim::functional

#pragma once
// A training workload: a network as a list of layers with inferred shapes,
// and a batch size. Built from the `workload:` section of a design.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/workload/TtShape.h"

namespace ftsim::config { class ConfigNode; }

namespace ftsim::workload {

enum class LayerType {
  Conv, Fc, MaxPool, AvgPool, GlobalAvgPool, BatchNorm, Relu, Add,
  Concat,   ///< channels of its inputs, in order (a view in DDR: docs/layers.md)
  Dropout,  ///< training: y = x·mask/(1−p), the mask from a seeded hash (docs/layers.md)
  Relu6,    ///< min(max(x, 0), 6) (ONNX Clip(0, 6))
  // Layers of tensorized training (accelerator kind `tt` only).
  TtLinear, TtEmbedding, Attention, LayerNorm, Gelu
};

const char* toString(LayerType t);

/// Channels × height × width of one image's tensor.
struct Shape {
  int c = 0, h = 0, w = 0;
  std::uint64_t elements() const { return static_cast<std::uint64_t>(c) * h * w; }
  bool operator==(const Shape& o) const { return c == o.c && h == o.h && w == o.w; }
};

struct Layer {
  std::string name;
  LayerType type = LayerType::Conv;
  /// Producers of this layer's inputs (indices into Network::layers); -1 is
  /// the network's input image.
  std::vector<int> inputs;
  Shape in;   ///< shape of the first input
  Shape out;
  int kernel = 1, stride = 1;
  /// conv and pooling: zero padding on each side of the input map (PyTorch's
  /// F.pad order would be left, right, top, bottom). Symmetric unless the
  /// workload gives `padding: [top, bottom, left, right]` or `same` needs an
  /// odd total (docs/layers.md).
  int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  bool symmetricPadding() const {
    return padTop == padBottom && padTop == padLeft && padTop == padRight;
  }
  /// conv: channel groups (1: dense; in.c: depthwise). Each group of out.c/G
  /// outputs reads only its in.c/G inputs; weights are [out.c][in.c/G][K][K].
  int groups = 1;
  /// dropout: the probability of dropping an element, and the mask's seed.
  float dropP = 0.0f;
  std::uint64_t dropSeed = 0;
  /// Gradient w.r.t. this layer's input is needed (some producer upstream
  /// has trainable parameters).
  bool needsInputGrad = false;
  /// Some layer consumes this layer's output as a flat feature vector (FC).
  bool feedsFc = false;
  /// tt_linear / tt_embedding: the TT-matrix of the weights as configured
  /// (ranks before the rank schedule clips them).
  tt::TtMatrix tt;
  /// tt_linear: applied at every position (h·w) of a c-channel input, as a
  /// transformer's projections are; otherwise to the flattened input.
  bool perPosition = false;
  int heads = 1;  ///< attention

  bool isMac() const { return type == LayerType::Conv || type == LayerType::Fc; }
  /// A conv with more than one channel group.
  bool isGrouped() const { return type == LayerType::Conv && groups > 1; }
  bool isTt() const { return type == LayerType::TtLinear || type == LayerType::TtEmbedding; }
  /// Layer types only the tensorized-training accelerator runs.
  bool needsTtEngine() const { return type >= LayerType::TtLinear; }
  bool hasWeights() const {
    return isMac() || type == LayerType::BatchNorm || isTt() || type == LayerType::LayerNorm;
  }
  /// Trainable parameters (conv/FC: M·N·K², bias-free as in EF-Train; BN: γ, β).
  std::uint64_t paramCount() const;
  /// Multiply-accumulates per image in the forward pass (conv/FC only).
  std::uint64_t macsPerImage() const;
};

/// From training step `step` on, every TT rank is at most `maxRank`.
struct RankStep {
  std::int64_t step = 0;
  int maxRank = 1;
};

struct Network {
  /// What one simulated iteration is (`workload.mode`): a training step
  /// (FP, the host loss, BP and WU, weights written back) or an inference
  /// (FP only: no loss, no gradients, no weight write-back).
  enum class Mode { Training, Inference };

  std::string name;
  Mode mode = Mode::Training;
  bool training() const { return mode == Mode::Training; }
  int batch = 1;
  Shape input;
  std::vector<Layer> layers;
  /// Classes of the softmax cross-entropy loss the host computes on the
  /// last layer's output (its element count).
  int numClasses = 0;
  bool inputFeedsFc = false;
  /// Rank adaptation: ranks only shrink as training goes on.
  std::vector<RankStep> rankSchedule;
  std::int64_t step = 0;  ///< the training step simulated

  /// The largest rank the schedule allows at `atStep` (0: no limit).
  int maxRankAt(std::int64_t atStep) const;

  static Network fromYaml(const config::ConfigNode& node);
  std::uint64_t paramCount() const;
};

const char* toString(Network::Mode m);

}  // namespace ftsim::workload

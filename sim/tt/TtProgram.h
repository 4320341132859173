#pragma once
// The TT engine's program for one training step, in plain C++: the tensors
// it holds on chip (each with a role, a number format and a size) and the
// operations it runs in order — the input load, the forward pass layer by
// layer, the loss, then per layer from the last the backward contractions,
// the core-gradient contractions and the weight update. Contraction orders
// come from the ContractionPlanner; the program keeps each layer's plan for
// the reports. Timing and values are the engine's business: an operation
// carries its shape (a batched matrix product, or elements and passes of
// the vector unit), never a cycle count.
//
// The same builder gives the full-size fp32 baseline of the memory report
// (dense weights, fp32 everywhere, all gradients held to the end, ReLU
// outputs kept as fp32 tensors) so both sides are counted one way.

#include <cstdint>
#include <string>
#include <vector>

#include "models/tt_engine/NumberFormat.h"
#include "models/tt_engine/TtEngineConfig.h"
#include "sim/schedule/Program.h"
#include "sim/tt/ContractionPlanner.h"
#include "sim/workload/Network.h"

namespace ftsim::tt {

enum class TensorRole : std::uint8_t {
  Input, Labels, Weight, WeightGrad, OptState, Activation, Mask, Intermediate, Gradient
};
const char* toString(TensorRole r);

/// The components of the training-memory report.
enum class MemoryComponent : std::uint8_t {
  Weights, WeightGradients, OptimizerState, Activations, ContractionIntermediates, BackwardBuffers
};
constexpr int kMemoryComponents = 6;
const char* toString(MemoryComponent c);
MemoryComponent componentOf(TensorRole r);

struct ProgTensor {
  std::string name;
  TensorRole role = TensorRole::Activation;
  int layer = -1;
  std::uint64_t elements = 0;
  kernels::NumberFormat format;
  std::uint64_t bytes = 0;
  bool keptForBackward = false;  ///< a forward intermediate the backward pass reads
};

enum class OpKind : std::uint8_t {
  LoadInput, Contract, Relu, ReluGrad, Gelu, GeluGrad, LayerNorm, LayerNormGrad, Softmax, SoftmaxGrad,
  Add, Loss, Gather, ScatterAdd, Update
};
const char* toString(OpKind k);

/// A contraction operand: a tensor and its legs in storage order (row-major).
struct Operand {
  int tensor = -1;
  std::vector<int> legs;
};

struct ProgOp {
  OpKind kind = OpKind::Contract;
  int layer = -1;  ///< -1: the input load and the loss
  schedule::Phase phase = schedule::Phase::FP;
  std::string label;
  // Contract
  Operand a, b, c;
  std::vector<std::uint32_t> legDims;  ///< extents of the layer's legs
  GemmShape gemm;
  // Everything: tensors read and written (liveness, functional execution)
  std::vector<int> reads, writes;
  std::uint64_t elements = 0;  ///< vector / update elements
  int passes = 1;              ///< vector passes over the elements
  std::uint64_t bytes = 0;     ///< LoadInput: bytes from DDR
  std::uint64_t flops = 0;     ///< 2 per multiply-accumulate (contractions only)
  // What the values of a vector operation need beyond its tensors:
  std::uint64_t rowElements = 0;  ///< Softmax(Grad): the key positions; LayerNorm(Grad): the channels
  double scale = 1.0;             ///< Softmax(Grad): the scores' scale, 1/√(head dimension)
  int core = -1;                  ///< Gather / ScatterAdd of a TT embedding: the core (0-based)
};

/// The plan of one network of a layer, for the reports.
struct NetworkReport {
  std::string name;    ///< forward, input_grad, grad_G1, ...
  std::string order;   ///< the chosen tree, e.g. "((X·G4)·G3)"
  std::uint64_t flops = 0;
  std::uint64_t cost = 0;  ///< the planner's objective
  struct Step {
    std::string expr;
    GemmShape gemm;
    std::uint64_t elements = 0, bytes = 0;
  };
  std::vector<Step> steps;
  std::vector<std::string> reused;  ///< intermediates of earlier networks it reads
};

struct LayerPlanReport {
  int layer = -1;
  std::string name;
  std::string shape;  ///< TtMatrix::describe() at the ranks used
  TtMatrix matrix;    ///< the matrix trained (dense in the baseline)
  std::uint64_t params = 0;
  std::vector<NetworkReport> networks;
  std::uint64_t keptForBackwardBytes = 0;
};

struct ProgramOptions {
  TtFormats formats;
  Optimizer optimizer = Optimizer::Sgd;
  bool reuseForwardIntermediates = true;
  /// The full-size baseline: TT layers become dense, ReLU keeps its fp32
  /// output instead of a 1-bit mask, gradients are held until one update at
  /// the end (as a framework's optimizer step does).
  bool dense = false;
  ContractionCost cost;
  /// Plan for the least intermediate memory first (cost breaks ties).
  bool memoryFirst = false;
  /// Ranks at most this (0: as configured); the rank schedule's value.
  int maxRank = 0;
};

struct TtProgram {
  std::vector<ProgTensor> tensors;
  std::vector<ProgOp> ops;
  std::vector<LayerPlanReport> plans;
  int batchRows = 0;            ///< rows of the input (batch × positions)
  std::uint64_t params = 0;     ///< trainable parameters at the ranks used
  int inputTensor = -1, labelsTensor = -1;
  /// Weights and their gradients, per trainable layer (functional runs).
  std::vector<std::vector<int>> layerWeights;

  std::uint64_t flops() const;
};

/// Build the program of one training step. Throws UserError for what the
/// TT engine cannot run (the design loader checks those first).
TtProgram buildProgram(const workload::Network& net, const ProgramOptions& opts);

/// The TT-matrix a layer trains with under `opts` (ranks clipped; dense in
/// the baseline; fc layers as one-core TT-matrices).
TtMatrix effectiveMatrix(const workload::Layer& l, const ProgramOptions& opts);

}  // namespace ftsim::tt

#pragma once
// The values of the TT engine in functional mode: every on-chip tensor of
// the program as real numbers in its format, and the arithmetic of each
// operation through models/kernels — the tiled contraction on the configured
// PE array (or, as the reference, the naive loop over every index
// combination), the rounding unit with its LFSR lanes, the vector unit's
// element-wise work and the optimizer's update. Plain C++: the SystemC
// engine calls execute() when an operation's time is up, tests call it
// directly.
//
// Vector-unit arithmetic (loss, softmax, GELU, layer norm, update) runs in
// double and is rounded into the result's format; an fp32 design keeps float
// results unrounded. The integer datapath applies the learning rate as a
// 16-fraction-bit constant.

#include <cstdint>
#include <memory>
#include <vector>

#include "models/tt_engine/Contraction.h"
#include "models/kernels/Lfsr.h"
#include "models/tt_engine/TtEngineConfig.h"
#include "sim/tt/TtProgram.h"

namespace ftsim::models {

/// Layer norm's ε (PyTorch's default).
constexpr double kLayerNormEps = 1e-5;

/// The legs of a contraction op with their strides in A, B and C (row-major
/// operands), as the controller programs the address generators from them.
kernels::LegContraction legContraction(const tt::ProgOp& op);

class TtDatapath {
 public:
  enum class Kernel { Tiled, Naive };

  TtDatapath(const tt::TtProgram& program, const TtEngineConfig& cfg, std::uint64_t seed, Kernel kernel = Kernel::Tiled);

  /// Deterministic weights from `seed` (uniform, scaled so the dense matrix
  /// of a TT layer has variance 2/N), rounded to nearest in the weight format.
  void initWeights(std::uint64_t seed);
  /// A synthetic batch from `seed`: inputs uniform in [0, 1) (token ids
  /// uniform over the vocabulary when the network starts with a TT
  /// embedding), labels uniform in [0, classes).
  void synthesizeBatch(std::uint64_t seed, int classes);
  void setBatch(const std::vector<float>& input, const std::vector<int>& labels);

  /// Classes of the loss per label (the last layer's outputs per row).
  int lossClasses() const;
  /// The TT embedding's vocabulary size (0: the network has none).
  std::uint64_t vocabulary() const;

  void execute(std::size_t opIndex);
  void runStep();

  std::vector<float>& tensor(int id) { return m_data[static_cast<std::size_t>(id)]; }
  const std::vector<float>& tensor(int id) const { return m_data[static_cast<std::size_t>(id)]; }
  double lastLoss() const { return m_loss; }
  /// The rounding unit's lanes as they are now (an export starts a chain from them).
  const kernels::LaneRandom& laneRandom() const { return m_rng; }
  std::uint64_t steps() const { return m_steps; }
  /// FNV-1a over the bytes of every weight tensor: equal weights, equal sum.
  std::uint64_t weightChecksum() const;

 private:
  void contract(const tt::ProgOp& op, std::size_t index);
  void loss(const tt::ProgOp& op);
  void update(const tt::ProgOp& op);
  void add(const tt::ProgOp& op);
  void gelu(const tt::ProgOp& op);
  void layerNorm(const tt::ProgOp& op);
  void layerNormGrad(const tt::ProgOp& op);
  void softmax(const tt::ProgOp& op);
  void softmaxGrad(const tt::ProgOp& op);
  void gather(const tt::ProgOp& op);
  void scatterAdd(const tt::ProgOp& op);
  std::vector<float>& out(int id);
  void round(std::vector<std::int64_t>& acc, int id);
  /// Round vector-unit results (computed in double, held as fp32) into tensor `id`'s format.
  void roundInto(const std::vector<float>& v, int id);
  const tt::ProgOp& lossOp() const;

  /// Core `op.core` of the TT embedding a Gather / ScatterAdd works on.
  struct EmbeddingCore {
    const tt::TtMatrix* matrix = nullptr;
    std::uint64_t left = 1, modes = 1, vocabModes = 1, right = 1;  ///< r_{k−1}, m_k, n_k, r_k
    std::uint64_t radix = 1;  ///< Π of the later vocabulary modes
  };
  EmbeddingCore embeddingCore(const tt::ProgOp& op) const;

  const tt::TtProgram& m_p;
  TtEngineConfig m_cfg;
  Kernel m_kernel;
  kernels::LaneRandom m_rng;
  std::vector<std::vector<float>> m_data;
  std::vector<float> m_batchInput;
  std::vector<int> m_batchLabels;
  std::vector<std::unique_ptr<kernels::GemmTables>> m_tables;  ///< per op, built on first use
  std::vector<std::int64_t> m_acc;
  std::vector<float> m_stage;
  std::vector<double> m_accDouble;
  std::size_t m_lastUpdate = 0;
  double m_loss = 0;
  std::uint64_t m_steps = 0;
};

}  // namespace ftsim::models

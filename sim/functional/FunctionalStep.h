#pragma once
// One training step of an EF-Train design on real values: every tensor lives
// in a sparse DDR backing store in the design's layout, every on-chip
// operation is a kernel call (models/kernels) on tiles read from and written
// back to the store in the order of the schedule's steps, and the host
// computes softmax and the cross-entropy gradient. This is the functional
// half of the EF-Train top; its per-step entry points (macStep, vecStep,
// hostLoss) are what the DMAs and the PE array call per tile once functional
// mode is wired into the SystemC models.
//
// Parameters and data cross the host boundary in PyTorch's order: conv
// weights [M][N][K][K], FC weights [out][in] with the input flattened as
// (c, h, w), batch norm weight (γ) and bias (β), images [B][C][H][W].
//
// An inference workload (workload.mode: inference) has only the FP phases:
// run() computes the logits (activation of the last layer) and no loss;
// batch norm takes running_mean and running_var too, folded by the host into
// the two words per channel the design stores (docs/functional.md).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/accel/EfTrainConfig.h"
#include "sim/functional/BackingStore.h"
#include "sim/functional/TileIo.h"
#include "sim/schedule/Program.h"
#include "sim/schedule/StepGen.h"
#include "sim/workload/Network.h"

namespace ftsim::functional {

struct FunctionalOptions {
  float learningRate = 0.01f;
  float bnEps = 1e-5f;
};

/// A trainable tensor as the host sees it.
struct ParamInfo {
  std::string name;                 ///< "<layer>.weight" or "<layer>.bias"
  std::vector<std::int64_t> shape;  ///< PyTorch's shape
  int layer = -1;
};

class MacEngineIF;

class FunctionalStep {
 public:
  FunctionalStep(const schedule::Program& program, const workload::Network& net, const models::EfTrainConfig& accel,
                 FunctionalOptions options);
  ~FunctionalStep();

  /// Why functional mode cannot run `net` on `accel` (empty: it can): the
  /// kernel instances (Tm × Tn, K) and the FC layout rule. What the
  /// constructor would throw, for a design check to name the key.
  static std::string unsupported(const workload::Network& net, const models::EfTrainConfig& accel);

  const std::vector<ParamInfo>& parameters() const { return m_params; }
  /// Write a parameter into DDR (values in PyTorch's order and shape).
  void setParameter(const std::string& name, const std::vector<float>& values);
  /// Read a parameter back from DDR.
  std::vector<float> parameter(const std::string& name) const;
  /// Seeded initialisation: conv/FC weights U(−1/√fan_in, 1/√fan_in) (PyTorch's
  /// default bound), γ = 1, β = 0.
  void initParameters(std::uint64_t seed);
  /// The batch: images [B][C][H][W] and one label per image.
  void setBatch(const std::vector<float>& images, const std::vector<std::int64_t>& labels);

  /// One training step (FP, loss, BP, WU with SGD). Returns the loss (mean
  /// cross entropy over the batch, as computed by the host before BP).
  float run();

  /// A layer's output as [B][C][H][W] (after the step's FP).
  std::vector<float> activation(int layer) const;
  std::vector<std::int64_t> activationShape(int layer) const;

  // Per-step entry points: run() calls them in the schedule's order; the
  // SystemC top calls them when the PE array (vector unit, host) starts a
  // step, with the I/O fed by the DMAs' buffers (io().feed).
  /// The loads a phase's steps carry (the controller's `pipeline.overlap`).
  schedule::LoadPlan loadPlan(const schedule::PhasePlan& plan) const;
  void beginPhase(const schedule::PhasePlan& plan);
  /// Step `index` of the phase's steps (generateSteps with loadPlan(plan)).
  void computeStep(const schedule::PhasePlan& plan, std::size_t index, const schedule::Step& step);
  void endPhase(const schedule::PhasePlan& plan);
  /// The loss of the last step (the host's, before BP).
  float loss() const { return m_loss; }
  TileIo& io() { return *m_io; }
  const schedule::Program& program() const { return m_prog; }
  BackingStore& store() { return m_store; }

  std::uint64_t bytesRead() const { return m_io->bytesRead(); }
  std::uint64_t bytesWritten() const { return m_io->bytesWritten(); }
  const BackingStore& store() const { return m_store; }

 private:
  struct LayerState;
  struct VecBuffers;
  void macStep(const schedule::PhasePlan& plan, const schedule::Step& step);
  void vecStep(const schedule::PhasePlan& plan, const schedule::VecPass& pass, int passIndex,
               const schedule::Step& step);
  void hostLoss();
  void beginPass(const schedule::PhasePlan& plan, int index);
  void endPass(const schedule::PhasePlan& plan, int index);
  void elementwiseStep(const schedule::PhasePlan& plan, const schedule::VecPass& pass, int passIndex,
                       const schedule::Step& step);
  void poolStep(const schedule::PhasePlan& plan, const schedule::VecPass& pass, const schedule::Step& step);
  void poolGradStep(const schedule::PhasePlan& plan, const schedule::VecPass& pass, const schedule::Step& step);
  void paramUpdate(const schedule::PhasePlan& plan, const schedule::VecPass& pass);
  void loadBnParams(int layer);
  bool isGradientSum(const schedule::PhasePlan& plan) const;
  int tensorId(const std::string& name) const;
  int fcFeature(int layer, int torchFeature) const;

  const schedule::Program& m_prog;
  const workload::Network& m_net;
  const models::EfTrainConfig& m_accel;
  FunctionalOptions m_opt;
  BackingStore m_store;
  std::unique_ptr<TileIo> m_io;
  std::unique_ptr<MacEngineIF> m_mac;
  std::unique_ptr<VecBuffers> m_vec;
  std::vector<ParamInfo> m_params;
  std::vector<std::int64_t> m_labels;
  std::vector<int> m_act;        ///< per layer: its FP output tensor
  std::vector<bool> m_fusedRelu; ///< per layer: the FP store rectifies (a ReLU is fused into it)
  std::vector<LayerState> m_state;
  std::vector<float> m_streamA;
  std::vector<std::size_t> m_passEnds;  ///< vector phase: one past each pass's last step
  int m_pass = -1;                      ///< vector phase: the pass being run
  float m_loss = 0.0f;
};

}  // namespace ftsim::functional

#pragma once
// Network → layers → phases → tiles. Lays the tensors out in DDR, orders the
// training step (FP of every layer, the loss on the host, then BP and WU in
// reverse), and picks each MAC phase's tiling under the buffer bounds
// (accelerator.tiling): by default as the authors' script finetune2.py does
// (sim/analytical), or with ftsim's own rule (`policy: simulated`: the
// largest M_on whose slab fits, the Tr with the least cost of the simulator's
// steps); `tiling.pin` fixes any layer × phase.

#include <string>
#include <vector>

#include "models/accel/EfTrainConfig.h"
#include "sim/config/BoardConfig.h"
#include "sim/schedule/Program.h"
#include "sim/schedule/StepCostModel.h"
#include "sim/workload/Network.h"

namespace ftsim::schedule {

struct SchedulerInputs {
  const models::EfTrainConfig* accel = nullptr;
  const config::HostConfig* host = nullptr;
  const workload::Network* net = nullptr;
  std::uint64_t ddrCapacityBytes = 0;
  bool plainLayout = false;  ///< [B][C][H][W] / [M][N][K][K] instead of the reshaped layouts
};

class Scheduler {
 public:
  explicit Scheduler(const SchedulerInputs& in);

  /// Build the whole training step. Throws UserError if a layer cannot be
  /// tiled within the buffers or the tensors do not fit in DDR.
  Program build() const;

  /// The MAC problem of a conv/FC layer in a phase.
  static MacProblem macProblem(const workload::Layer& l, Phase ph, int batch);
  /// Weight-buffer slots of each bank a slab of mOn outputs × inCh inputs needs.
  std::int64_t slabSlots(int mOn, int inCh, int kernel) const;
  /// Choose the tiling of a MAC phase (see the class comment). `plan` has
  /// its problem and tensors set; its tiling is filled in.
  void chooseTiling(const Program& prog, PhasePlan& plan) const;
  /// The step cost `policy: simulated` minimises.
  StepCostParams stepCostParams() const;

 private:
  /// Tr×Tc output pixels and their input window fit the feature buffers.
  bool fitsBuffers(const PhasePlan& plan, int tr, int tc) const;
  /// ftsim's own rule (`policy: simulated`).
  MacTiling simulatedTiling(const Program& prog, const PhasePlan& plan) const;
  /// The authors' rule (`policy: eftrain`).
  MacTiling authorsTiling(const PhasePlan& plan) const;
  /// Apply a pin to `t`, checking it against the phase and the buffers.
  void applyPin(const models::TilingPin& pin, const PhasePlan& plan, MacTiling& t) const;

  SchedulerInputs m_in;
};

}  // namespace ftsim::schedule

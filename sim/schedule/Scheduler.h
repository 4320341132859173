#pragma once
// Network → layers → phases → tiles. Lays the tensors out in DDR, orders the
// training step (FP of every layer, the loss on the host, then BP and WU in
// reverse), and picks each MAC phase's tiling with the analytical model under
// the buffer bounds, as EF-Train does: Tc = the full width, the largest M_on
// whose weight slab fits the weight buffer, and the Tr with the least
// modelled latency.

#include <string>
#include <vector>

#include "models/accel/EfTrainConfig.h"
#include "sim/analytical/EfTrainModel.h"
#include "sim/config/BoardConfig.h"
#include "sim/schedule/Program.h"
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
  analytical::ModelParams modelParams() const;

 private:
  SchedulerInputs m_in;
};

}  // namespace ftsim::schedule

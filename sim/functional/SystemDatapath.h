#pragma once
// The EF-Train top's datapath in functional mode: FunctionalStep's per-step
// entry points, fed by the bytes the SystemC DMAs brought and handing its
// results to the store DMAs. The kernels and their order are FunctionalStep's
// own, so a run through the SystemC top computes the same values as
// FunctionalStep::run() on the same data (tests/TestFunctionalSystem.cpp).

#include <cstddef>
#include <unordered_map>
#include <vector>

#include "models/accel/FunctionalDatapathIF.h"
#include "sim/functional/FunctionalStep.h"

namespace ftsim::functional {

class SystemDatapath final : public models::FunctionalDatapathIF {
 public:
  explicit SystemDatapath(FunctionalStep& step) : m_step(step) {}

  BackingStore& store() override { return m_step.store(); }
  void beginPhase(const schedule::PhasePlan& plan) override;
  void compute(const schedule::PhasePlan& plan, std::size_t index, const schedule::Step& step,
               const models::StepBytes& loads) override;
  void storeBytes(std::size_t index, const schedule::DmaOp& op, std::vector<std::uint8_t>& bytes) override;
  void endPhase(const schedule::PhasePlan& plan) override;

  /// Bytes the DMAs brought to the datapath and took from it.
  std::uint64_t bytesLoaded() const { return m_bytesLoaded; }
  std::uint64_t bytesStored() const { return m_bytesStored; }

 private:
  FunctionalStep& m_step;
  const schedule::PhasePlan* m_plan = nullptr;
  /// Per computed step, the tiles it wrote that no store has taken yet.
  std::unordered_map<std::size_t, std::vector<StepBuffers::Result>> m_results;
  std::uint64_t m_bytesLoaded = 0, m_bytesStored = 0;
};

}  // namespace ftsim::functional

#pragma once
// Functional mode of the EF-Train top: the values its datapath computes.
// The controller hands every load's bytes (as its DMA brought them from the
// DRAM's backing store) to the datapath when the PE array, the vector unit
// or the host starts the step, and asks it for every store's bytes when the
// store's DMA starts; the DMAs carry them in their TLM payloads. Implemented
// in sim/functional (SystemDatapath), which calls the HLS-subset kernels.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/schedule/Program.h"

namespace ftsim::functional { class BackingStore; }

namespace ftsim::models {

/// One buffer per DMA stream of a step, the tile's bytes in stream order.
using StepBytes = std::array<std::vector<std::uint8_t>, schedule::kNumStreams>;

class FunctionalDatapathIF {
 public:
  virtual ~FunctionalDatapathIF() = default;
  /// The DRAM's contents (the memory model moves the payloads' bytes there).
  virtual functional::BackingStore& store() = 0;
  virtual void beginPhase(const schedule::PhasePlan& plan) = 0;
  /// Step `index` of the phase starts computing; `loads` holds what its
  /// pre-operations brought (empty buffers for streams it does not load).
  virtual void compute(const schedule::PhasePlan& plan, std::size_t index, const schedule::Step& step,
                       const StepBytes& loads) = 0;
  /// The bytes a store of step `index` writes (the step has computed).
  virtual void storeBytes(std::size_t index, const schedule::DmaOp& op, std::vector<std::uint8_t>& bytes) = 0;
  virtual void endPhase(const schedule::PhasePlan& plan) = 0;
};

}  // namespace ftsim::models

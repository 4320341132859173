#pragma once
// The tensorized-training accelerator with the memory behind it: a
// controller that runs the TT program in order, the TT engine, one DMA
// engine that brings the input batch (inputs and labels, one contiguous
// buffer) from DDR over TLM-2.0 — the only DDR traffic: cores, gradients,
// optimizer state and every intermediate stay on chip — and the memory
// model the design names.

#include <systemc>

#include <memory>
#include <vector>

#include "models/accel/EfTrainSystem.h"
#include "models/dma/DmaEngine.h"
#include "models/memory/IdealMemory.h"
#include "models/memory/MemoryConfig.h"
#include "models/tt_engine/TtEngine.h"
#include "sim/tt/TtRunResult.h"

namespace ftsim::models {

class TtSystem : public sc_core::sc_module {
 public:
  TtSystem(sc_core::sc_module_name name, const TtEngineConfig& cfg, const MemoryConfig& memory,
           const tt::TtProgram& program, TtDatapath* datapath, tt::TtRunResult& result, const SimOptions& opts);

  /// The controller ran the whole program to its end (checked after sc_start).
  bool finished() const { return m_finished; }

 private:
  void control();

  TtEngineConfig m_cfg;
  const tt::TtProgram& m_program;
  tt::TtRunResult& m_result;
  SimOptions m_opts;
  Join m_join;
  bool m_finished = false;
  std::vector<schedule::TensorDesc> m_tensors;  ///< the input batch in DDR
  std::unique_ptr<TtEngine> m_engine;
  std::unique_ptr<DmaEngine> m_dma;
  std::unique_ptr<IdealMemory> m_ideal;
};

/// Elaborate, run to the end and return what was measured (once per process).
tt::TtRunResult simulateTt(const TtEngineConfig& cfg, const MemoryConfig& memory, const tt::TtProgram& program,
                           TtDatapath* datapath, const SimOptions& opts);

}  // namespace ftsim::models

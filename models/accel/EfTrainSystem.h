#pragma once
// The EF-Train accelerator with the memory behind it: a controller that runs
// the program step by step in lock-step (the loads of step k, the compute of
// step k−1 and the stores of step k−2 start together; the next iteration
// starts when all are done, which is what the ping-pong buffers permit), the
// MAC array, five DMA streams and the memory model the design names.

#include <systemc>

#include <array>
#include <memory>
#include <vector>

#include "models/accel/EfTrainConfig.h"
#include "models/buffer/PingPongBuffer.h"
#include "models/common/SimTime.h"
#include "models/dma/DmaEngine.h"
#include "models/memory/MemoryConfig.h"
#include "models/memory/MemoryIF.h"
#include "models/pe_array/PeArray.h"
#include "sim/core/Log.h"
#include "sim/schedule/Program.h"
#include "sim/stats/RunResult.h"
#include "sim/stats/SimObserver.h"

namespace ftsim::models {

struct SimOptions {
  bool progress = false;  ///< print a progress line on stderr
  stats::SimObserver* observer = nullptr;  ///< reported to while running (nullptr: nobody listens)
};

class EfTrainSystem : public sc_core::sc_module {
 public:
  EfTrainSystem(sc_core::sc_module_name name, const EfTrainConfig& accel, const MemoryConfig& memory,
                const schedule::Program& program, stats::RunResult& result, const SimOptions& opts);

  PeArray& peArray() { return *m_pe; }
  /// The controller ran the whole program to its end (checked after sc_start).
  bool finished() const { return m_finished; }

 private:
  void control();
  void runPhase(const schedule::PhasePlan& plan);
  /// Check the tiles a step brings fit their banks, and track the peak.
  void occupyBuffers(const schedule::Step& step, unsigned bank);
  void progress(std::size_t index, const schedule::PhasePlan& plan, bool final);

  EfTrainConfig m_cfg;
  const schedule::Program& m_program;
  stats::RunResult& m_result;
  SimOptions m_opts;
  Join m_join;
  std::unique_ptr<PeArray> m_pe;
  std::array<std::unique_ptr<DmaEngine>, schedule::kNumStreams> m_dma;
  std::unique_ptr<MemoryIF> m_memory;
  std::vector<schedule::Step> m_steps;
  PingPongBuffer m_inputBuffer;
  PingPongBuffer m_outputBuffer;
  double m_lastProgressWall = -1;
  bool m_finished = false;
  std::shared_ptr<spdlog::logger> m_log;
  stats::SimObserver::TrackId m_peTrack = 0, m_vectorTrack = 0, m_hostTrack = 0;
};

/// Elaborate the system for `program`, run it to the end and return what it
/// measured. Call once per process (SystemC elaborates once).
stats::RunResult simulate(const EfTrainConfig& accel, const MemoryConfig& memory, const schedule::Program& program,
                          const SimOptions& opts);

}  // namespace ftsim::models

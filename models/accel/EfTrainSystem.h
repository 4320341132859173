#pragma once
// The EF-Train accelerator with the memory behind it: a controller that runs
// the program in slots (what it starts together; the next slot starts when
// all are done), the MAC array, five DMA streams and the memory model the
// design names. Which loads, computes and stores share a slot is the HLS
// top's ping-pong code (`pipeline.overlap: hls`, the default) or a lock-step
// across every loop boundary (`lockstep`: the loads of step k, the compute
// of step k−1 and the stores of step k−2); see EfTrainConfig::Overlap.

#include <systemc>

#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

#include "models/accel/EfTrainConfig.h"
#include "models/accel/FunctionalDatapathIF.h"
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
  /// Functional mode: real bytes in the payloads, computed by this datapath
  /// (nullptr: timing only). Cycles are the same either way.
  FunctionalDatapathIF* datapath = nullptr;
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

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  /// A step whose stores wait for a later slot, and when its results are out.
  struct PendingStore {
    std::size_t step = kNone;
    Cycles drained;
  };
  /// What the controller starts together; the slot ends when all are done.
  struct Slot {
    std::size_t load = kNone;     ///< step whose loads start
    std::size_t compute = kNone;  ///< step that computes
    bool storeAfterCompute = false;  ///< the computing step's stores start when its results are out
    std::vector<PendingStore> stores;
  };
  struct Breakdown {
    std::uint64_t computeCycles = 0, dmaWaitCycles = 0, ddrStallCycles = 0;
  };
  void runLockstep(const schedule::PhasePlan& plan, Breakdown& b);
  void runHlsLoops(const schedule::PhasePlan& plan, Breakdown& b);
  /// Run one slot; returns the cycle the compute's results are out (or the
  /// last started compute's, if the slot computes nothing).
  Cycles runSlot(const schedule::PhasePlan& plan, const Slot& slot, Breakdown& b);
  /// Check the tiles a step brings fit their banks, and track the peak.
  void occupyBuffers(const schedule::Step& step, unsigned bank);
  /// Functional mode: the datapath computes step `index` on its loads' bytes.
  void computeValues(const schedule::PhasePlan& plan, std::size_t index);
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
  FunctionalDatapathIF* m_datapath = nullptr;
  /// Functional mode: per step, the bytes its loads brought (until it
  /// computes) and its stores carry (until they are done).
  std::unordered_map<std::size_t, StepBytes> m_loadBytes, m_storeBytes;
  /// Functional mode: per tensor the phase writes, the steps that store it,
  /// and which steps' stores are done (a load must not overtake them).
  std::unordered_map<int, std::vector<std::size_t>> m_writers;
  std::vector<bool> m_stored;
  void checkLoadAfterStores(const schedule::PhasePlan& plan, std::size_t index);
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

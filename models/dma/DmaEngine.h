#pragma once
// One AXI DMA channel feeding (or draining) an AXI-Stream port of the
// datapath. For every operation the controller starts, it maps the tile to
// DDR segments through the tensor's layout and moves them one after the
// other, as a host driving simple-mode AXI DMAs does: each segment pays the
// start cost, then its bytes cross the memory interface (a TLM-2.0 AT
// transaction) and the stream (streamWidthBits per cycle), whichever is
// slower.

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <vector>

#include "models/common/SimTime.h"
#include "models/dma/DmaConfig.h"
#include "models/dma/TensorLayout.h"
#include "sim/core/Log.h"
#include "sim/schedule/Program.h"
#include "sim/stats/RunResult.h"
#include "sim/stats/SimObserver.h"

namespace ftsim::models {

class DmaEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DmaEngine> socket;

  DmaEngine(sc_core::sc_module_name name, const DmaConfig& cfg, const Clock& clock, schedule::Stream stream,
            const std::vector<schedule::TensorDesc>& tensors, Join& join);

  /// Start an operation now, or at cycle `notBefore` if that is later (a
  /// store waits for the datapath to drain); Join::arrive() when its last
  /// byte has moved. Functional mode passes `data`: a load fills it with the
  /// tile's bytes in stream order (segment after segment), a store sends
  /// what it holds; it must stay alive until the operation is done. Without
  /// it the payloads point to scratch bytes that no memory copies.
  void start(const schedule::DmaOp& op, Cycles notBefore = Cycles(0), std::vector<std::uint8_t>* data = nullptr);
  bool busy() const { return m_busy; }
  const stats::StreamCounters& counters() const { return m_counters; }
  /// Cycles the last operation would have taken at the stream rate with
  /// only the start cost per segment (and its wait for `notBefore`): the
  /// memory's own delays are what the real duration adds to it.
  std::uint64_t lastIdealCycles() const { return m_lastIdealCycles; }
  /// Record every operation on a track of `timeline` (nullptr: none).
  void setTimeline(stats::SimObserver* timeline);

 private:
  void run();
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);

  DmaConfig m_cfg;
  Clock m_clock;
  schedule::Stream m_stream;
  const std::vector<schedule::TensorDesc>& m_tensors;
  Join& m_join;
  schedule::DmaOp m_op;
  Cycles m_notBefore;
  std::vector<std::uint8_t>* m_data = nullptr;
  std::vector<std::uint8_t> m_scratch;  ///< timing only: the payloads' bytes, never read
  bool m_busy = false;
  sc_core::sc_event m_startEv;
  sc_core::sc_event m_respEv;
  tlm::tlm_generic_payload m_trans;
  std::vector<Segment> m_segments;
  stats::StreamCounters m_counters;
  std::uint64_t m_lastIdealCycles = 0;
  stats::SimObserver* m_timeline = nullptr;
  stats::SimObserver::TrackId m_track = 0;
  std::shared_ptr<spdlog::logger> m_log;
};

}  // namespace ftsim::models

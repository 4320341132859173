#pragma once
// The DDR4 controller as a TLM-2.0 AT target (base protocol). BEGIN_REQ is
// answered with END_REQ once every burst of the transaction has a queue
// entry: at once (TLM_UPDATED) when they fit, else later on the backward
// path, which holds the request channel (back-pressure). A read gets
// BEGIN_RESP when its last data has left the DDR bus; a write is posted and
// completes with its END_REQ (TLM_COMPLETED at once, or BEGIN_RESP later).
//
// The commands are computed by Ddr4ControllerTiming in plain C++, lazily:
// the core is advanced to each arrival and to each wake-up, and the module
// wakes only at the next response or END_REQ (or at a lower bound of it,
// when later arrivals could still change it), never per command.

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <vector>

#include "models/ddr/Ddr4ControllerTiming.h"
#include "sim/core/Log.h"

namespace ftsim::models {

class Ddr4Controller : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Ddr4Controller> socket;

  Ddr4Controller(sc_core::sc_module_name name, const Ddr4Config& device, const Ddr4ControllerConfig& cfg);

  /// Commands decided up to now.
  stats::DdrCounters counters();
  /// Issue what is still queued (posted writes at the end of a run).
  void drain() { m_core.drain(); }
  void setTimeline(stats::SimObserver* timeline) { m_core.setTimeline(timeline); }
  const Ddr4ControllerTiming& core() const { return m_core; }
  /// The core, for an initiator that drives it by plain calls instead of
  /// the socket (AxiInterconnect::driveDirectly).
  Ddr4ControllerTiming& core() { return m_core; }
  const Clock& clock() const { return m_clock; }
  /// Answer every transaction as soon as its answer is decided, annotated
  /// with its cycle, instead of waking at that cycle to send it. Only for an
  /// initiator that takes each answer's annotated time as its time whatever
  /// the order of the calls (the AXI interconnect in timing mode: in
  /// functional mode a read's bytes are taken from the backing store when
  /// its answer arrives, so it must arrive at its time).
  void answerAhead(bool on) { m_answerAhead = on; }
  /// Times the module woke on its own (not on a request): tests, benchmarks.
  std::uint64_t wakeUps() const { return m_wakeUps; }

 private:
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  void wake();
  void schedule();
  void sync();
  /// Send the decided answers up to cycle `upTo` (all of them when
  /// answering ahead), except those of `keep` (the transaction being
  /// submitted); false once the initiator holds the response channel.
  void answer(std::uint64_t upTo, std::uint32_t keep);
  std::uint32_t tagOf(tlm::tlm_generic_payload* trans);

  Clock m_clock;
  Ddr4ControllerTiming m_core;
  sc_core::sc_event m_wakeEv;
  /// When m_wakeEv's timed notification is due (UINT64_MAX: none pending).
  std::uint64_t m_wakePs = UINT64_MAX;
  std::vector<tlm::tlm_generic_payload*> m_byTag;
  std::vector<std::uint32_t> m_freeTags;
  bool m_respBusy = false;  ///< the initiator has not yet sent END_RESP
  bool m_answerAhead = false;
  std::uint64_t m_wakeUps = 0;
  std::shared_ptr<spdlog::logger> m_log;
};

}  // namespace ftsim::models

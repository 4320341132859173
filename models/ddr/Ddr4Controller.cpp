#include "models/ddr/Ddr4Controller.h"

#include "models/common/SimTime.h"
#include "sim/core/Error.h"

namespace ftsim::models {

Ddr4Controller::Ddr4Controller(sc_core::sc_module_name name, const Ddr4Config& device,
                               const Ddr4ControllerConfig& cfg)
    : sc_module(name), socket("socket"), m_clock(device.clock), m_core(device, cfg), m_log(log::get(this->name())) {
  socket.register_nb_transport_fw(this, &Ddr4Controller::nb_transport_fw);
  SC_HAS_PROCESS(Ddr4Controller);
  SC_METHOD(wake);
  sensitive << m_wakeEv;
  dont_initialize();
}

std::uint32_t Ddr4Controller::tagOf(tlm::tlm_generic_payload* trans) {
  if (m_freeTags.empty()) {
    m_byTag.push_back(trans);
    return static_cast<std::uint32_t>(m_byTag.size() - 1);
  }
  const std::uint32_t tag = m_freeTags.back();
  m_freeTags.pop_back();
  m_byTag[tag] = trans;
  return tag;
}

void Ddr4Controller::sync() { m_core.advance(nowCycle(m_clock).value()); }

stats::DdrCounters Ddr4Controller::counters() {
  sync();
  return m_core.counters();
}

tlm::tlm_sync_enum Ddr4Controller::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                   sc_core::sc_time& delay) {
  if (phase == tlm::END_RESP) {
    m_respBusy = false;
    m_wakeEv.notify(sc_core::SC_ZERO_TIME);  // (replaces a timed notification)
    m_wakePs = UINT64_MAX;
    return tlm::TLM_COMPLETED;
  }
  FTSIM_ASSERT(phase == tlm::BEGIN_REQ, std::string(name()) + ": unexpected phase on the forward path");
  FTSIM_ASSERT(delay == sc_core::SC_ZERO_TIME, std::string(name()) + ": requests must be sent at their time");
  FTSIM_ASSERT(trans.get_data_length() > 0, std::string(name()) + ": empty transaction");
  const Cycles at = nowCycle(m_clock);
  const std::uint32_t tag = tagOf(&trans);
  const bool write = trans.is_write();
  const bool entered = m_core.submit(tag, write, trans.get_address(), trans.get_data_length(), at.value());
  FTSIM_TRACE(m_log, "{} {} B at {:#x}, DDR cycle {}{}", write ? "WR" : "RD", trans.get_data_length(),
              trans.get_address(), at.value(), entered ? "" : " (waits for queue entries)");
  if (!entered) {
    // The request channel is this transaction's until its END_REQ, so no
    // other request can arrive before it is taken: the core decides up to
    // that cycle now. A read's END_REQ goes back at once, annotated with
    // that cycle (the request channel does not wait for the response
    // channel); a write's, which is also its completion, at that cycle,
    // when the data it writes lands.
    m_core.advanceUntilTaken();
    Ddr4ControllerTiming::Event e;
    if (!write && m_core.takeEvent(tag, Ddr4ControllerTiming::EventKind::Accepted, e)) {
      if (m_answerAhead) answer(UINT64_MAX, tag);
      schedule();
      delay = psTime(m_clock.edgePs(Cycles(e.cycle)) - nowPs());
      phase = tlm::END_REQ;
      return tlm::TLM_UPDATED;
    }
    if (write && m_core.takeEvent(tag, Ddr4ControllerTiming::EventKind::Completed, e)) {
      // Its END_REQ, at that cycle, is also its completion.
      if (m_answerAhead) answer(UINT64_MAX, tag);
      schedule();
      m_freeTags.push_back(tag);
      delay = psTime(m_clock.edgePs(Cycles(e.cycle)) - nowPs());
      trans.set_response_status(tlm::TLM_OK_RESPONSE);
      phase = tlm::END_RESP;
      return tlm::TLM_COMPLETED;
    }
    schedule();
    return tlm::TLM_ACCEPTED;
  }
  if (m_answerAhead) answer(UINT64_MAX, tag);
  schedule();
  delay = psTime(m_clock.edgePs(at) - nowPs());
  if (write) {
    m_freeTags.push_back(tag);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
  }
  phase = tlm::END_REQ;
  return tlm::TLM_UPDATED;
}

void Ddr4Controller::wake() {
  m_wakePs = UINT64_MAX;  // (the notification that ran)
  ++m_wakeUps;
  const std::uint64_t n = nowCycle(m_clock).value();
  m_core.advance(n);
  answer(m_answerAhead ? UINT64_MAX : n, UINT32_MAX);
  schedule();
}

void Ddr4Controller::answer(std::uint64_t upTo, std::uint32_t keep) {
  Ddr4ControllerTiming::Event e;
  while (!m_respBusy && m_core.popEvent(upTo, e, keep)) {
    tlm::tlm_generic_payload& trans = *m_byTag[e.tag];
    const Picoseconds at = m_clock.edgePs(Cycles(e.cycle));
    sc_core::sc_time delay = psTime(at > nowPs() ? at - nowPs() : 0);
    tlm::tlm_phase phase = tlm::END_REQ;
    FTSIM_TRACE(m_log, "{} of {:#x} at DDR cycle {}",
                e.kind == Ddr4ControllerTiming::EventKind::Completed ? "response" : "END_REQ", trans.get_address(),
                e.cycle);
    if (e.kind == Ddr4ControllerTiming::EventKind::Completed) {
      trans.set_response_status(tlm::TLM_OK_RESPONSE);
      phase = tlm::BEGIN_RESP;
      m_freeTags.push_back(e.tag);
    }
    const tlm::tlm_sync_enum s = socket->nb_transport_bw(trans, phase, delay);
    if (e.kind == Ddr4ControllerTiming::EventKind::Completed && s == tlm::TLM_ACCEPTED) m_respBusy = true;
  }
}

void Ddr4Controller::schedule() {
  const std::uint64_t bound = m_respBusy ? UINT64_MAX : m_core.nextEventBound();  // END_RESP wakes the module
  const Picoseconds at = bound == UINT64_MAX ? UINT64_MAX : m_clock.edgePs(Cycles(bound));
  const Picoseconds now = nowPs();
  if (at > now && at == m_wakePs) return;  // already due then
  m_wakeEv.cancel();
  m_wakePs = UINT64_MAX;
  if (bound == UINT64_MAX) return;
  if (at <= now) {
    m_wakeEv.notify(sc_core::SC_ZERO_TIME);
  } else {
    m_wakeEv.notify(psTime(at - now));
    m_wakePs = at;
  }
}

}  // namespace ftsim::models

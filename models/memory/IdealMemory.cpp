#include "models/memory/IdealMemory.h"

#include "models/common/SimTime.h"
#include "sim/core/Error.h"
#include "sim/functional/BackingStore.h"

namespace ftsim::models {

IdealMemory::IdealMemory(sc_core::sc_module_name name, const IdealMemoryConfig& cfg, const Clock& clock)
    : sc_module(name), socket("socket"), m_cfg(cfg), m_clock(clock) {
  socket.register_nb_transport_fw(this, &IdealMemory::nb_transport_fw);
  socket.register_b_transport(this, &IdealMemory::b_transport);
  socket.register_transport_dbg(this, &IdealMemory::transport_dbg);
}

void IdealMemory::moveData(tlm::tlm_generic_payload& trans) {
  // The request is served whole when it is accepted: its data moves then.
  if (!m_store) return;
  if (trans.is_write()) m_store->write(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
  else m_store->read(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
}

unsigned int IdealMemory::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  if (!m_store || (!trans.is_read() && !trans.is_write())) return 0;
  moveData(trans);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return trans.get_data_length();
}

Picoseconds IdealMemory::serve(int port, Picoseconds arrivalPs, std::uint64_t bytes) {
  if (static_cast<std::size_t>(port) >= m_portFree.size()) m_portFree.resize(port + 1);
  const Cycles arrival = m_clock.edgeAtOrAfter(arrivalPs);
  const Cycles start = max(arrival, m_portFree[port]);
  const Cycles beats(ceilDiv(bytes, static_cast<std::uint64_t>(m_cfg.bytesPerCycle)));
  m_portFree[port] = start + beats;
  return m_clock.edgePs(start + Cycles(m_cfg.latencyCycles) + beats);
}

tlm::tlm_sync_enum IdealMemory::nb_transport_fw(int port, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                sc_core::sc_time& delay) {
  FTSIM_ASSERT(phase == tlm::BEGIN_REQ, "ideal memory only receives BEGIN_REQ");
  const Picoseconds arrival = nowPs() + delay.value();
  const Picoseconds done = serve(port, arrival, trans.get_data_length());
  (trans.is_read() ? m_bytesRead : m_bytesWritten) += trans.get_data_length();
  moveData(trans);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  delay = psTime(done - nowPs());
  phase = tlm::END_RESP;
  return tlm::TLM_COMPLETED;
}

void IdealMemory::b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const Picoseconds arrival = nowPs() + delay.value();
  const Picoseconds done = serve(port, arrival, trans.get_data_length());
  (trans.is_read() ? m_bytesRead : m_bytesWritten) += trans.get_data_length();
  moveData(trans);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  delay = psTime(done - nowPs());
}

}  // namespace ftsim::models

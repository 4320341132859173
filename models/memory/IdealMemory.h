#pragma once
// The ideal memory: a TLM-2.0 target with one port per DMA stream. Each port
// serves its requests in order with a fixed latency and a fixed number of
// bytes per accelerator cycle; ports never interfere, there are no banks and
// no refresh. It completes every request on BEGIN_REQ (TLM_COMPLETED with the
// delay to the last beat), as the base protocol allows.

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <vector>

#include "models/memory/MemoryConfig.h"
#include "models/memory/MemoryIF.h"
#include "sim/core/Units.h"

namespace ftsim::models {

class IdealMemory : public sc_core::sc_module, public MemoryIF {
 public:
  tlm_utils::multi_passthrough_target_socket<IdealMemory> socket;

  IdealMemory(sc_core::sc_module_name name, const IdealMemoryConfig& cfg, const Clock& clock);

  void bindStream(tlm::tlm_initiator_socket<>& s) override { s.bind(socket); }
  stats::DdrCounters counters() override { return {}; }
  void attachStore(functional::BackingStore* store) override { m_store = store; }
  void finish(stats::MemoryRunStats&) override {}

  std::uint64_t bytesRead() const { return m_bytesRead; }
  std::uint64_t bytesWritten() const { return m_bytesWritten; }

 private:
  tlm::tlm_sync_enum nb_transport_fw(int port, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int port, tlm::tlm_generic_payload& trans);
  /// Functional mode: move the payload's bytes to or from the store.
  void moveData(tlm::tlm_generic_payload& trans);
  /// Time (ps) the last beat of a request arriving at `arrivalPs` on `port` leaves.
  Picoseconds serve(int port, Picoseconds arrivalPs, std::uint64_t bytes);

  IdealMemoryConfig m_cfg;
  Clock m_clock;
  std::vector<Cycles> m_portFree;  ///< first cycle each port's data path is free
  std::uint64_t m_bytesRead = 0, m_bytesWritten = 0;
  functional::BackingStore* m_store = nullptr;
};

}  // namespace ftsim::models

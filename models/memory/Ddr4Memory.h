#pragma once
// The DDR4 memory system: the AXI ports (`interconnect`) in front of the
// command-level controller (`ddr4`), wired by TLM-2.0 AT.

#include <systemc>

#include "models/ddr/Ddr4Controller.h"
#include "models/interconnect/AxiInterconnect.h"
#include "models/memory/MemoryIF.h"

namespace ftsim::models {

class Ddr4Memory : public sc_core::sc_module, public MemoryIF {
 public:
  Ddr4Memory(sc_core::sc_module_name name, const MemoryConfig& cfg, int dmaMaxOutstanding);

  void bindStream(tlm::tlm_initiator_socket<>& socket) override { socket.bind(m_interconnect.target); }
  stats::DdrCounters counters() override;
  void finish(stats::MemoryRunStats& out) override;
  void setTimeline(stats::SimObserver* timeline) override { m_controller.setTimeline(timeline); }
  /// The controller models the commands' timing; the bytes of each burst
  /// move at the interconnect when the controller answers it.
  void attachStore(functional::BackingStore* store) override { m_interconnect.setStore(store); }

  AxiInterconnect& interconnect() { return m_interconnect; }
  Ddr4Controller& controller() { return m_controller; }

 private:
  AxiInterconnect m_interconnect;
  Ddr4Controller m_controller;
};

}  // namespace ftsim::models

#pragma once
// The DDR4 memory system: the AXI ports (`interconnect`) in front of the
// command-level controller (`ddr4`), wired by TLM-2.0 AT. With
// `memory.ddr4.channels` = N > 1, N identical channels, each its own
// controller and device (`ddr4`, `ddr4_1`, …), the interconnect routing each
// burst by its address (channel interleave); the run's DRAM statistics are
// the channels' sums (banks listed channel after channel).
//
// In timing mode without a timeline, one channel and the controller's fast
// path on (`memory.ddr4.fast_path`), the interconnect drives the
// controller's core by plain calls (AxiInterconnect::driveDirectly): the
// same cycles, without a SystemC event per AXI burst. `fast_path: false`
// keeps the TLM path, the reference it is tested against.

#include <systemc>

#include <memory>
#include <vector>

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
  /// Every channel's banks, refresh and data bus: channel 0's under `ddr4`,
  /// channel k's under its instance name `ddr4_k`.
  void setTimeline(stats::SimObserver* timeline) override;
  /// The controller models the commands' timing; the bytes of each burst
  /// move at the interconnect when the controller answers it.
  /// The controllers then answer each transaction at its time, not ahead.
  void attachStore(functional::BackingStore* store) override {
    m_interconnect.setStore(store);
    m_hasStore = store != nullptr;
    answerAhead();
  }

  void setRequestLead(Picoseconds lead) override { m_interconnect.setLead(lead); }
  AxiInterconnect& interconnect() { return m_interconnect; }
  /// The interconnect drives the controller's core directly (decided when
  /// the simulation starts).
  bool direct() const { return m_interconnect.direct(); }
  Ddr4Controller& controller(int channel = 0) { return *m_controllers[channel]; }
  int channels() const { return static_cast<int>(m_controllers.size()); }

 private:
  /// The controllers answer ahead (Ddr4Controller::answerAhead) in timing
  /// mode without a timeline: with a backing store a read's bytes must be
  /// taken at its time, and a timeline lists the records in the order the
  /// models make them, which answering ahead changes (not their times).
  void answerAhead() {
    for (auto& c : m_controllers) c->answerAhead(!m_hasStore && !m_hasTimeline);
  }

  void start_of_simulation() override;

  AxiInterconnect m_interconnect;
  bool m_fastPath = true;
  std::vector<std::unique_ptr<Ddr4Controller>> m_controllers;
  bool m_hasStore = false, m_hasTimeline = false;
};

}  // namespace ftsim::models

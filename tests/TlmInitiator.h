#pragma once
// A TLM-2.0 AT initiator for tests of the interconnect and the memories: it
// issues its transfers one after the other like a DMA engine and records
// when each was answered.

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <vector>

#include "models/common/SimTime.h"

namespace ftsim::test {

/// Issues its transfers one after the other like a DMA engine (BEGIN_REQ
/// with the start time as annotated delay, then waits for BEGIN_RESP) and
/// records when each was answered.
struct Initiator : sc_core::sc_module {
  struct Job {
    ftsim::Picoseconds at;
    bool write;
    std::uint64_t addr, bytes;
  };
  tlm_utils::simple_initiator_socket<Initiator> socket;
  std::vector<Job> jobs;
  /// Each transfer is sent at least this long before it arrives (a DMA's
  /// start cost): the annotated delay is never shorter.
  ftsim::Picoseconds lead = 0;
  std::vector<ftsim::Picoseconds> done;
  sc_core::sc_event resp;
  tlm::tlm_generic_payload trans;

  Initiator(sc_core::sc_module_name n, std::vector<Job> j) : sc_module(n), socket("socket"), jobs(std::move(j)) {
    socket.register_nb_transport_bw(this, &Initiator::bw);
    SC_HAS_PROCESS(Initiator);
    SC_THREAD(run);
  }
  tlm::tlm_sync_enum bw(tlm::tlm_generic_payload&, tlm::tlm_phase& ph, sc_core::sc_time& d) {
    if (ph == tlm::BEGIN_RESP) {
      resp.notify(d);
      ph = tlm::END_RESP;
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_ACCEPTED;
  }
  void run() {
    for (const Job& j : jobs) {
      trans.set_command(j.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      trans.set_address(j.addr);
      trans.set_data_length(static_cast<unsigned>(j.bytes));
      trans.set_data_ptr(nullptr);
      tlm::tlm_phase ph = tlm::BEGIN_REQ;
      const ftsim::Picoseconds now = ftsim::models::nowPs();
      sc_core::sc_time d = ftsim::models::psTime(j.at > now + lead ? j.at - now : lead);
      if (socket->nb_transport_fw(trans, ph, d) == tlm::TLM_COMPLETED) sc_core::wait(d);
      else sc_core::wait(resp);
      done.push_back(ftsim::models::nowPs());
    }
  }
};

}  // namespace ftsim::test

#include "models/dma/DmaEngine.h"

#include <algorithm>

#include "sim/core/Error.h"

namespace ftsim::models {

DmaEngine::DmaEngine(sc_core::sc_module_name name, const DmaConfig& cfg, const Clock& clock,
                     schedule::Stream stream, const std::vector<schedule::TensorDesc>& tensors, Join& join)
    : sc_module(name), socket("socket"), m_cfg(cfg), m_clock(clock), m_stream(stream), m_tensors(tensors),
      m_join(join), m_log(log::get(this->name())) {
  socket.register_nb_transport_bw(this, &DmaEngine::nb_transport_bw);
  m_trans.set_command(schedule::isWrite(stream) ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  // Base protocol: no byte enables (every byte is written), no streaming
  // (the width equals each transaction's length, set per segment).
  m_trans.set_byte_enable_ptr(nullptr);
  m_trans.set_byte_enable_length(0);
  SC_HAS_PROCESS(DmaEngine);
  SC_THREAD(run);
}

void DmaEngine::start(const schedule::DmaOp& op, Cycles notBefore, std::vector<std::uint8_t>* data) {
  FTSIM_ASSERT(!m_busy, std::string(name()) + " started while busy");
  m_op = op;
  m_notBefore = notBefore;
  m_data = data;
  m_busy = true;
  m_startEv.notify();
}

void DmaEngine::setTimeline(stats::SimObserver* timeline) {
  m_timeline = timeline;
  if (m_timeline) m_track = m_timeline->track("accelerator", basename());
}

tlm::tlm_sync_enum DmaEngine::nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase& phase,
                                              sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_RESP) {
    m_respEv.notify(delay);
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
  }
  return tlm::TLM_ACCEPTED;  // END_REQ: the response follows
}

void DmaEngine::run() {
  const std::uint64_t streamBytes = static_cast<std::uint64_t>(m_cfg.bytesPerCycle());
  for (;;) {
    sc_core::wait(m_startEv);
    const Cycles begin = nowCycle(m_clock);
    std::uint64_t ideal = 0;
    if (m_notBefore > begin) {
      ideal = (m_notBefore - begin).value();
      sc_core::wait(cyclesFromNow(m_clock, m_notBefore - begin));
    }
    const Picoseconds transferPs = nowPs();
    tileSegments(m_tensors[m_op.tile.tensor], m_op.tile, m_segments);
    FTSIM_TRACE(m_log, "{}: {} segment(s) of {}", m_tensors[m_op.tile.tensor].name, m_segments.size(),
                schedule::toString(m_tensors[m_op.tile.tensor].layout));
    std::uint64_t total = 0, largest = 0;
    for (const Segment& seg : m_segments) {
      total += seg.bytes;
      largest = std::max(largest, seg.bytes);
    }
    std::uint8_t* bytes = nullptr;
    if (m_data) {
      // The tile's bytes in stream order: segment k at the sum of the earlier ones.
      if (!schedule::isWrite(m_stream)) m_data->resize(total);
      FTSIM_ASSERT(m_data->size() == total, std::string(name()) + ": a store of " + std::to_string(total) +
                                                " bytes was handed " + std::to_string(m_data->size()));
      bytes = m_data->data();
    } else {
      if (m_scratch.size() < largest) m_scratch.resize(largest);
      bytes = m_scratch.data();
    }
    std::uint64_t offset = 0;
    for (const Segment& seg : m_segments) {
      const Cycles issue = nowCycle(m_clock) + Cycles(m_cfg.startCycles);
      m_trans.set_address(seg.addr);
      m_trans.set_data_length(static_cast<unsigned int>(seg.bytes));
      m_trans.set_streaming_width(static_cast<unsigned int>(seg.bytes));
      m_trans.set_data_ptr(bytes + (m_data ? offset : 0));
      offset += seg.bytes;
      m_trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      sc_core::sc_time delay = psTime(m_clock.edgePs(issue) - nowPs());
      const tlm::tlm_sync_enum status = socket->nb_transport_fw(m_trans, phase, delay);
      Picoseconds respPs;
      if (status == tlm::TLM_COMPLETED) {
        respPs = nowPs() + delay.value();
      } else {
        sc_core::wait(m_respEv);
        respPs = nowPs();
      }
      FTSIM_ASSERT(m_trans.is_response_ok(), std::string(name()) + ": memory returned an error response");
      // The stream side moves streamWidthBits per cycle from the issue edge.
      const Cycles streamDone = issue + Cycles(ceilDiv(seg.bytes, streamBytes));
      ideal += m_cfg.startCycles + ceilDiv(seg.bytes, streamBytes);
      const Cycles done = max(streamDone, m_clock.edgeAtOrAfter(respPs));
      sc_core::wait(psTime(m_clock.edgePs(done) - nowPs()));
      m_counters.bytes += seg.bytes;
      ++m_counters.transfers;
    }
    m_counters.busyCycles += (nowCycle(m_clock) - begin).value();
    m_lastIdealCycles = ideal;
    if (m_timeline) {
      std::uint64_t bytes = 0;
      for (const Segment& seg : m_segments) bytes += seg.bytes;
      m_timeline->dmaSpan(m_track, transferPs, nowPs(), m_tensors[m_op.tile.tensor], m_op.tile, m_segments.size(),
                          bytes);
    }
    m_data = nullptr;
    m_busy = false;
    m_join.arrive();
  }
}

}  // namespace ftsim::models

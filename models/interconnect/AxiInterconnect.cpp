#include "models/interconnect/AxiInterconnect.h"

#include <algorithm>

#include "models/common/SimTime.h"
#include "models/ddr/Ddr4ControllerTiming.h"
#include "models/interconnect/AxiBurst.h"
#include "sim/core/Error.h"

namespace ftsim::models {

struct AxiInterconnect::Burst {
  tlm::tlm_generic_payload trans;
  int port = 0;
  std::uint32_t tag = 0;  ///< its index among every port's bursts (direct mode)
  std::uint32_t beats = 0;
  std::uint64_t wEnd = 0;     ///< writes: the cycle its last beat has crossed the port
  std::uint64_t resp = kNever;  ///< the cycle the controller's response arrived
  std::uint64_t done = kNever;  ///< the cycle its slot frees
  std::uint64_t globalAddr = 0;  ///< its address before the channel's own (the backing store's)
  int channel = 0;               ///< the DRAM channel it goes to
  bool write = false;
  bool requested = false;
  bool last = false;  ///< the last burst of its DMA transaction
};

namespace {
/// Finds the burst a payload belongs to when the controller answers.
struct BurstRef : tlm::tlm_extension<BurstRef> {
  void* burst = nullptr;
  tlm::tlm_extension_base* clone() const override { return new BurstRef(*this); }
  void copy_from(const tlm::tlm_extension_base& o) override { burst = static_cast<const BurstRef&>(o).burst; }
};
}  // namespace

AxiInterconnect::AxiInterconnect(sc_core::sc_module_name name, const InterconnectConfig& cfg, int maxOutstanding)
    : sc_module(name), target("target"), initiator("initiator"), m_cfg(cfg), m_clock(cfg.clock),
      m_maxOutstanding(maxOutstanding), m_log(log::get(this->name())) {
  FTSIM_ASSERT(maxOutstanding >= 1, "at least one burst in flight per port");
  FTSIM_ASSERT(cfg.channels >= 1, "at least one DRAM channel");
  target.register_nb_transport_fw(this, &AxiInterconnect::nb_transport_fw);
  target.register_transport_dbg(this, &AxiInterconnect::transport_dbg);
  initiator.register_nb_transport_bw(this, &AxiInterconnect::nb_transport_bw, 0);
  m_channels.resize(static_cast<std::size_t>(cfg.channels));
  for (int c = 1; c < cfg.channels; ++c) {
    m_extraSockets.push_back(std::make_unique<InitiatorSocket>(("initiator_" + std::to_string(c)).c_str()));
    m_extraSockets.back()->register_nb_transport_bw(this, &AxiInterconnect::nb_transport_bw, c);
  }
  SC_HAS_PROCESS(AxiInterconnect);
  SC_METHOD(update);
  sensitive << m_wakeEv;
  dont_initialize();
  SC_METHOD(directWake);
  sensitive << m_directEv;
  dont_initialize();
}

AxiInterconnect::~AxiInterconnect() = default;

void AxiInterconnect::end_of_elaboration() {
  m_ports = std::vector<Port>(target.size());
  for (std::size_t p = 0; p < m_ports.size(); ++p) {
    Port& port = m_ports[p];
    for (int i = 0; i < m_maxOutstanding; ++i) {
      port.pool.push_back(std::make_unique<Burst>());
      Burst* b = port.pool.back().get();
      b->port = static_cast<int>(p);
      b->tag = static_cast<std::uint32_t>(m_byTag.size());
      m_byTag.push_back(b);
      auto* ref = new BurstRef;
      ref->burst = b;
      b->trans.set_extension(ref);
      b->trans.set_byte_enable_ptr(nullptr);  // base protocol: every byte enabled
      b->trans.set_byte_enable_length(0);
      port.free.push_back(b);
    }
  }
}

void AxiInterconnect::driveDirectly(Ddr4ControllerTiming& core, const Clock& ddrClock) {
  FTSIM_ASSERT(m_cfg.channels == 1, std::string(name()) + ": direct mode drives one DRAM channel");
  FTSIM_ASSERT(m_store == nullptr, std::string(name()) + ": direct mode is for timing only");
  m_core = &core;
  m_ddrClock = ddrClock;
}

void AxiInterconnect::wakeAt(std::uint64_t cycle) {
  if (m_core) {
    // As the event's notification: the earliest pending one holds, and one
    // at or before the present means the present cycle.
    m_nextWake = std::min(m_nextWake, std::max(cycle, m_cycle));
    return;
  }
  const Picoseconds at = m_clock.edgePs(Cycles(cycle));
  const Picoseconds now = nowPs();
  m_wakeEv.notify(at > now ? psTime(at - now) : sc_core::SC_ZERO_TIME);
}

tlm::tlm_sync_enum AxiInterconnect::nb_transport_fw(int port, tlm::tlm_generic_payload& trans,
                                                    tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  if (phase == tlm::END_RESP) return tlm::TLM_COMPLETED;
  FTSIM_ASSERT(phase == tlm::BEGIN_REQ, std::string(name()) + ": unexpected phase from a DMA");
  FTSIM_ASSERT(trans.get_data_length() > 0, std::string(name()) + ": empty DMA transaction");
  const Picoseconds now = nowPs();
  if (m_core) {
    // Every port cycle before this call, and the one now unless an arrival
    // now has already asked for it (the TLM path computes that one after
    // every arrival of this delta cycle, from its zero-time notification).
    // With a lead, every port cycle before it: no arrival can come earlier.
    FTSIM_ASSERT(delay.value() >= m_lead, std::string(name()) + ": a DMA transaction sent with less than its lead");
    advanceTo(m_lead > 0 ? now + m_lead - 1 : m_zeroPending ? now - 1 : now);
    m_cycle = m_clock.edgeAtOrAfter(now).value();
  }
  DmaTxn t;
  t.trans = &trans;
  t.arrival = m_clock.edgeAtOrAfter(now + delay.value()).value();
  t.nextAddr = trans.get_address();
  t.end = t.nextAddr + trans.get_data_length();
  m_ports[port].txns.push_back(t);
  wakeAt(t.arrival);
  if (m_core) {
    if (m_clock.edgePs(Cycles(t.arrival)) <= now) {
      if (!m_zeroPending) {
        m_directEv.cancel();
        m_directEv.notify(sc_core::SC_ZERO_TIME);
        m_zeroPending = true;
      }
    } else {
      scheduleDirect();
    }
  }
  phase = tlm::END_REQ;  // accepted at its arrival (the annotated delay)
  return tlm::TLM_UPDATED;
}

AxiInterconnect::Burst* AxiInterconnect::takeBurst(int port) {
  Port& p = m_ports[port];
  DmaTxn& t = p.txns[p.split];
  Burst* b = p.free.back();
  p.free.pop_back();
  const std::uint64_t g = m_cfg.channelInterleaveBytes;
  const auto nch = static_cast<std::uint64_t>(m_cfg.channels);
  // With several channels a burst stays within one interleave block.
  const std::uint64_t end = nch > 1 ? std::min(t.end, (t.nextAddr / g + 1) * g) : t.end;
  const AxiBurst a = nextAxiBurst(t.nextAddr, end, static_cast<std::uint32_t>(m_cfg.beatBytes()),
                                  static_cast<std::uint32_t>(m_cfg.maxBurstBeats));
  t.nextAddr += a.bytes;
  b->globalAddr = a.addr;
  b->channel = static_cast<int>((a.addr / g) % nch);
  b->beats = a.beats;
  b->write = t.trans->is_write();
  b->requested = false;
  b->resp = kNever;
  b->done = kNever;
  b->last = t.nextAddr == t.end;
  if (b->last) ++p.split;
  b->trans.set_command(b->write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  b->trans.set_address(nch > 1 ? a.addr / (g * nch) * g + a.addr % g : a.addr);
  b->trans.set_data_length(static_cast<unsigned int>(a.bytes));
  b->trans.set_streaming_width(static_cast<unsigned int>(a.bytes));
  // The burst's bytes are its window of the DMA transaction's data.
  unsigned char* const data = t.trans->get_data_ptr();
  b->trans.set_data_ptr(data ? data + (a.addr - t.trans->get_address()) : nullptr);
  b->trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  p.inflight.push_back(b);
  p.peak = std::max(p.peak, static_cast<int>(p.inflight.size()));
  return b;
}

/// The burst `port` would request at cycle `t`, taking a slot for a new
/// read burst; nullptr if none is ready.
AxiInterconnect::Burst* AxiInterconnect::candidate(int port, std::uint64_t t) {
  Port& p = m_ports[port];
  // A port's bursts are requested in order: its oldest unrequested one (a
  // read taken for a channel that was busy, or a write with all its beats).
  if (p.requested < p.inflight.size()) {
    Burst* b = p.inflight[p.requested];
    return !b->write || b->wEnd <= t ? b : nullptr;
  }
  if (p.split < p.txns.size() && p.txns[p.split].arrival <= t && !p.txns[p.split].trans->is_write() &&
      !p.free.empty())
    return takeBurst(port);
  return nullptr;
}

void AxiInterconnect::send(Burst* b) {
  FTSIM_TRACE(m_log, "port {}: {} burst of {} beats at {:#x}", b->port, b->write ? "write" : "read", b->beats,
              b->trans.get_address());
  b->requested = true;
  ++m_ports[b->port].requested;
  ++m_axiBursts;
  if (m_core) {
    sendDirect(b);
    return;
  }
  Channel& ch = m_channels[b->channel];
  ch.reqBusy = true;
  ch.reqTrans = &b->trans;
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const tlm::tlm_sync_enum s = channel(b->channel)->nb_transport_fw(b->trans, phase, delay);
  const Picoseconds at = nowPs() + delay.value();
  if (s == tlm::TLM_UPDATED) {
    FTSIM_ASSERT(phase == tlm::END_REQ, std::string(name()) + ": the controller answered BEGIN_REQ with " +
                                            phase.get_name());
    endRequest(b->channel, at);
  } else if (s == tlm::TLM_COMPLETED) {
    endRequest(b->channel, at);
    response(*b, at);
  }
}

void AxiInterconnect::endRequest(int channel, Picoseconds at) {
  Channel& ch = m_channels[channel];
  ch.reqBusy = false;
  ch.reqTrans = nullptr;
  // The handshake takes the port cycle it happens in.
  ch.nextReq = m_clock.edgeAtOrAfter(at + 1).value();
}

std::uint64_t AxiInterconnect::response(Burst& b, Picoseconds at) {
  FTSIM_ASSERT(b.trans.is_response_ok(), std::string(name()) + ": the controller returned an error response");
  b.resp = m_clock.edgeAtOrAfter(at).value();
  if (m_store) {
    tlm::tlm_generic_payload& t = b.trans;
    if (b.write) m_store->write(b.globalAddr, t.get_data_ptr(), t.get_data_length());
    else m_store->read(b.globalAddr, t.get_data_ptr(), t.get_data_length());
  }
  Port& p = m_ports[b.port];
  if (b.write) {
    b.done = b.resp;
    if (b.last) answerDma(b.port, b.done);
    return b.done;
  }
  // Read data crosses the port in order, one beat per cycle.
  std::uint64_t first = kNever;
  for (std::size_t i = 0; i < p.inflight.size(); ++i) {
    Burst* r = p.inflight[i];
    if (r->write || r->done != kNever) continue;
    if (r->resp == kNever) break;
    const std::uint64_t start = std::max(r->resp, p.rFree);
    r->done = start + r->beats;
    p.rFree = r->done;
    first = std::min(first, r->done);
    if (r->last) answerDma(b.port, r->done);
  }
  return first;
}

void AxiInterconnect::answerDma(int port, std::uint64_t cycle) {
  Port& p = m_ports[port];
  FTSIM_ASSERT(!p.txns.empty() && p.split > 0, std::string(name()) + ": response without a DMA transaction");
  tlm::tlm_generic_payload* trans = p.txns.front().trans;
  p.txns.pop_front();
  --p.split;
  trans->set_response_status(tlm::TLM_OK_RESPONSE);
  tlm::tlm_phase phase = tlm::BEGIN_RESP;
  const Picoseconds at = m_clock.edgePs(Cycles(cycle));
  FTSIM_ASSERT(!m_core || at >= nowPs(), std::string(name()) + ": a DMA answered after its time");
  sc_core::sc_time delay = psTime(at > nowPs() ? at - nowPs() : 0);
  target[port]->nb_transport_bw(*trans, phase, delay);
}

tlm::tlm_sync_enum AxiInterconnect::nb_transport_bw(int channel, tlm::tlm_generic_payload& trans,
                                                    tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  const Picoseconds at = nowPs() + delay.value();
  Channel& ch = m_channels[channel];
  if (phase == tlm::END_REQ) {
    FTSIM_ASSERT(ch.reqBusy && &trans == ch.reqTrans, std::string(name()) + ": END_REQ for a request not in flight");
    endRequest(channel, at);
    // Nothing else changed: the next request can go at nextReq.
    wakeAt(ch.nextReq);
    return tlm::TLM_ACCEPTED;
  }
  FTSIM_ASSERT(phase == tlm::BEGIN_RESP, std::string(name()) + ": unexpected phase from the controller");
  const bool ended = ch.reqBusy && &trans == ch.reqTrans;
  if (ended) endRequest(channel, at);  // BEGIN_RESP implies END_REQ
  auto* ref = trans.get_extension<BurstRef>();
  FTSIM_ASSERT(ref != nullptr, std::string(name()) + ": a response for a payload it did not send");
  Burst& b = *static_cast<Burst*>(ref->burst);
  const std::uint64_t freed = response(b, at);
  // What the answer changes takes effect when a slot frees, for a port
  // with bytes left to split (every other state change has its wake-up
  // already), or when the request channel frees.
  const Port& p = m_ports[b.port];
  if (freed != kNever && p.split < p.txns.size()) wakeAt(freed);
  if (ended) wakeAt(ch.nextReq);
  phase = tlm::END_RESP;
  return tlm::TLM_COMPLETED;
}

unsigned int AxiInterconnect::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  if (!m_store) return 0;
  const unsigned int n = trans.get_data_length();
  if (trans.is_write()) m_store->write(trans.get_address(), trans.get_data_ptr(), n);
  else if (trans.is_read()) m_store->read(trans.get_address(), trans.get_data_ptr(), n);
  else return 0;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return n;
}

void AxiInterconnect::update() {
  ++m_wakeUps;
  const Picoseconds now = nowPs();
  const std::uint64_t t = m_clock.edgeAtOrAfter(now).value();
  if (m_clock.edgePs(Cycles(t)) != now) {
    wakeAt(t);
    return;
  }
  updateAt(t);
}

void AxiInterconnect::updateAt(std::uint64_t t) {
  const int n = static_cast<int>(m_ports.size());
  for (Port& p : m_ports) {
    while (!p.inflight.empty() && p.inflight.front()->done <= t) {
      p.free.push_back(p.inflight.front());
      p.inflight.pop_front();
      --p.requested;
    }
    // Write data crosses the port while a slot is free.
    if (p.split < p.txns.size() && p.txns[p.split].trans->is_write() && p.txns[p.split].arrival <= t &&
        p.wFree <= t && !p.free.empty()) {
      Burst* b = takeBurst(static_cast<int>(&p - m_ports.data()));
      b->wEnd = t + b->beats;
      p.wFree = b->wEnd;
    }
  }
  // Per channel whose request channel is free, the first port in round-
  // robin order whose next burst goes there; a port sends one per cycle.
  const bool several = m_channels.size() > 1;
  std::uint64_t sent = 0;  // ports that sent this cycle (several channels)
  for (std::size_t c = 0; c < m_channels.size(); ++c) {
    Channel& ch = m_channels[c];
    if (ch.reqBusy || ch.nextReq > t) continue;
    for (int k = 0, port = ch.rr; k < n; ++k, port = port + 1 == n ? 0 : port + 1) {
      if (several && ((sent >> port) & 1)) continue;
      Burst* b = candidate(port, t);
      if (b && b->channel == static_cast<int>(c)) {
        ch.rr = port + 1 == n ? 0 : port + 1;
        sent |= 1ULL << port;
        send(b);
        break;
      }
    }
  }
  // Next cycle anything can change: a slot frees, a DMA transaction
  // arrives, a write's data is in, a channel frees, or the request channel
  // can take another request.
  std::uint64_t next = kNever;
  auto consider = [&](std::uint64_t c) {
    if (c > t && c < next) next = c;
  };
  bool waiting = false;
  for (Port& p : m_ports) {
    // Slots free in order: the oldest burst's end frees the next one, which
    // matters when the port has bytes left to split (else the update a new
    // transaction brings frees it first).
    if (p.split < p.txns.size() && !p.inflight.empty() && p.inflight.front()->done != kNever)
      consider(p.inflight.front()->done);
    // Bursts are requested in order: the oldest unrequested one goes next
    // (a write once its data is in; a read was taken while its channel was
    // busy).
    if (p.requested < p.inflight.size()) {
      const Burst* b = p.inflight[p.requested];
      if (b->write) consider(b->wEnd);
      waiting = waiting || !b->write || b->wEnd <= t;
    }
    if (p.split < p.txns.size()) {
      const DmaTxn& s = p.txns[p.split];
      consider(s.arrival);
      if (s.arrival <= t && !p.free.empty()) {
        if (s.trans->is_write()) consider(p.wFree);
        else waiting = true;
      }
    }
  }
  if (waiting)
    for (const Channel& ch : m_channels)
      if (!ch.reqBusy) consider(std::max(ch.nextReq, t + 1));
  if (next != kNever) wakeAt(next);
}

// ---------------------------------------------------------------- direct mode

void AxiInterconnect::sendDirect(Burst* b) {
  using Kind = Ddr4ControllerTiming::EventKind;
  // As the controller's TLM socket does: the request enters at the DDR edge
  // at or after this port edge; END_REQ (a write's completion too) is at
  // once or when its last burst is taken.
  const std::uint64_t at = m_ddrClock.edgeAtOrAfter(m_clock.edgePs(Cycles(m_cycle))).value();
  Picoseconds end = m_ddrClock.edgePs(Cycles(at));
  if (!m_core->submit(b->tag, b->write, b->trans.get_address(), b->trans.get_data_length(), at)) {
    m_core->advanceUntilTaken();
    Ddr4ControllerTiming::Event e;
    const bool taken = m_core->takeEvent(b->tag, b->write ? Kind::Completed : Kind::Accepted, e);
    FTSIM_ASSERT(taken, std::string(name()) + ": a request the controller took without END_REQ");
    end = m_ddrClock.edgePs(Cycles(e.cycle));
  }
  takeAnswers(b->tag);
  endRequest(0, end);
  b->trans.set_response_status(tlm::TLM_OK_RESPONSE);
  if (b->write) response(*b, end);
}

void AxiInterconnect::takeAnswers(std::uint32_t skipTag) {
  Ddr4ControllerTiming::Event e;
  while (m_core->popEvent(UINT64_MAX, e, skipTag)) {
    FTSIM_ASSERT(e.kind == Ddr4ControllerTiming::EventKind::Completed,
                 std::string(name()) + ": END_REQ of a request not in flight");
    Burst& b = *m_byTag[e.tag];
    b.trans.set_response_status(tlm::TLM_OK_RESPONSE);
    const std::uint64_t freed = response(b, m_ddrClock.edgePs(Cycles(e.cycle)));
    const Port& p = m_ports[b.port];
    if (freed != kNever && p.split < p.txns.size()) wakeAt(freed);
  }
}

void AxiInterconnect::advanceTo(Picoseconds until) {
  // (Again at a time already reached: an arrival now asks for this cycle.)
  if (m_advancing) return;
  m_advancing = true;
  // In time order: the controller's answers (at a lower bound of the next
  // one the core advances to, deciding it or moving the bound), then the
  // port cycle; on a tie the answers first (a port cycle sees every answer
  // up to its edge).
  std::uint64_t c = m_core->nextEventBound();
  while (true) {
    const Picoseconds cPs = c == UINT64_MAX ? UINT64_MAX : m_ddrClock.edgePs(Cycles(c));
    const Picoseconds uPs = m_nextWake == kNever ? UINT64_MAX : m_clock.edgePs(Cycles(m_nextWake));
    if (std::min(cPs, uPs) > until) break;
    if (cPs <= uPs) {
      m_cycle = m_clock.edgeAtOrAfter(cPs).value();
      m_core->advance(c);
      takeAnswers(UINT32_MAX);
      const std::uint64_t next = m_core->nextEventBound();
      FTSIM_ASSERT(next > c, std::string(name()) + ": the controller's next answer did not move");
      c = next;
      continue;
    }
    m_cycle = m_nextWake;
    m_nextWake = kNever;
    updateAt(m_cycle);
    c = m_core->nextEventBound();  // (its requests moved it)
  }
  m_doneUpTo = std::max(m_doneUpTo, until);
  m_advancing = false;
}

void AxiInterconnect::sync() {
  // The port cycles before now: the controller's state before the DDR
  // cycle now depends on nothing later.
  const Picoseconds now = nowPs();
  if (m_core && now > 0) advanceTo(now - 1);
}

std::uint64_t AxiInterconnect::answerBound(const Port& p, std::uint64_t t) const {
  if (p.txns.empty()) return kNever;
  const DmaTxn& f = p.txns[0];
  const std::uint64_t beat = m_cfg.beatBytes();
  const std::uint64_t unsplit = p.split == 0 ? f.end - f.nextAddr : 0;
  if (f.trans->is_write()) {
    // Its last burst goes once its beats have crossed the port; END_REQ,
    // which completes it, is no earlier.
    if (unsplit > 0) return std::max({p.wFree, f.arrival, t}) + ceilDiv(unsplit, beat);
    for (std::size_t i = p.requested; i < p.inflight.size(); ++i)
      if (p.inflight[i]->last) return std::max(t, p.inflight[i]->wEnd);
    return t;
  }
  // Its bursts' data crosses the port after the data already timed, one
  // beat per cycle, and none has its answer before t.
  std::uint64_t beats = ceilDiv(unsplit, beat);
  for (std::size_t i = 0; i < p.inflight.size(); ++i) {
    const Burst* r = p.inflight[i];
    if (r->write || r->done != kNever) continue;
    beats += r->beats;
    if (r->last) break;
  }
  return std::max(t, p.rFree) + beats;
}

void AxiInterconnect::scheduleDirect() {
  if (m_zeroPending) return;  // its wake-up schedules the next one
  const std::uint64_t t = m_clock.edgeAtOrAfter(m_doneUpTo + 1).value();
  std::uint64_t first = kNever;
  for (const Port& p : m_ports) first = std::min(first, answerBound(p, t));
  m_directEv.cancel();
  if (first == kNever) return;
  const Picoseconds at = m_clock.edgePs(Cycles(first));
  const Picoseconds now = nowPs();
  m_directEv.notify(psTime(at > now ? at - now : 0));
}

void AxiInterconnect::directWake() {
  ++m_wakeUps;
  m_zeroPending = false;
  advanceTo(nowPs() + (m_lead > 0 ? m_lead - 1 : 0));
  scheduleDirect();
}

}  // namespace ftsim::models

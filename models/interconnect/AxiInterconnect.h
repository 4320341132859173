#pragma once
// The AXI ports between the DMA streams and the DDR controller, as TLM-2.0
// AT: one target port per DMA stream (bind order = port index), one
// initiator towards the controller.
//
// A DMA transaction (one contiguous segment) is accepted at once and split
// into AXI bursts (AxiBurst.h). Per port, in order:
//   read:  a burst is requested when the port has a free slot
//          (`max_outstanding`); the controller's BEGIN_RESP means its data is
//          in the controller's read buffer, then the beats cross the port,
//          one per port cycle, after the previous burst's beats;
//   write: a burst's beats cross the port first (one per cycle, when a slot
//          is free) and the burst is requested once its last beat is in; it
//          completes with the controller's response.
// The controller takes one request at a time (END_REQ frees the request
// channel, at most one request per port cycle); the ports with a burst
// ready compete for it round-robin. The DMA gets BEGIN_RESP when the last
// burst of its transaction is done. All state changes happen at port clock
// edges; the module wakes only when one is due.
//
// Several DRAM channels (`channels` > 1): one initiator socket per channel
// (`channel(c)`; `initiator` is channel 0), each with its own request
// channel. A burst never crosses a channel-interleave block (as a NoC in
// front of interleaved controllers divides AXI requests into block-sized
// parts) and goes to its block's channel with the channel's own address;
// per channel the ports compete round robin, a port sends at most one
// burst per cycle, and a port's bursts are requested in order.
//
// Direct mode (driveDirectly; one channel, timing only): the same ports and
// arbitration call the controller's core in plain C++ instead of through
// the TLM socket, lazily, as the core itself works. The ports' and the
// core's state is brought up to the present only when a DMA transaction
// arrives, and the module wakes only at a lower bound of the next answer a
// DMA can get (its oldest transaction's remaining beats cross the port one
// per cycle), not per burst. Every port cycle the TLM path would act on is
// still computed, in the same order, with the same answers: a port cycle
// depends only on the arrivals before it and on the controller's answers
// before it, which the core has decided by then.

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "models/interconnect/InterconnectConfig.h"
#include "sim/functional/BackingStore.h"
#include "sim/core/Log.h"

namespace ftsim::models {

class Ddr4ControllerTiming;

class AxiInterconnect : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<AxiInterconnect> target;
  using InitiatorSocket = tlm_utils::simple_initiator_socket_tagged<AxiInterconnect>;
  InitiatorSocket initiator;  ///< channel 0

  /// The initiator socket of DRAM channel `c` (0: `initiator`).
  InitiatorSocket& channel(int c) { return c == 0 ? initiator : *m_extraSockets[c - 1]; }
  int channels() const { return m_cfg.channels; }

  /// `maxOutstanding` is the effective per-port limit (the port's and the
  /// DMA's, whichever is smaller).
  AxiInterconnect(sc_core::sc_module_name name, const InterconnectConfig& cfg, int maxOutstanding);
  ~AxiInterconnect() override;

  std::uint64_t axiBursts() const { return m_axiBursts; }
  /// Functional mode: the DRAM's contents. Each burst's bytes move between
  /// its payload (a window of its DMA transaction's data) and the store when
  /// the controller answers it: a read's data is what the DRAM holds then, a
  /// write lands then. Debug transport (transport_dbg) reads and writes it
  /// without time.
  void setStore(functional::BackingStore* store) { m_store = store; }
  /// Most bursts a port has had in flight at once (tests).
  int peakOutstanding(int port) const { return m_ports[port].peak; }
  /// Direct mode: drive `core`, the controller of the only DRAM channel
  /// (clock `ddrClock`), by plain calls instead of the initiator socket,
  /// which then carries nothing. Only without a backing store: its bytes
  /// must move at each answer's time. Call before the simulation starts.
  void driveDirectly(Ddr4ControllerTiming& core, const Clock& ddrClock);
  bool direct() const { return m_core != nullptr; }
  /// Direct mode: every DMA transaction arrives at least `lead` ps after
  /// the call that sends it (the DMAs' start cost), so the port cycles
  /// that far ahead are computed at each call and wake-up (0: none).
  void setLead(Picoseconds lead) { m_lead = lead; }
  Picoseconds lead() const { return m_lead; }
  /// Direct mode: compute the ports and the controller up to the present
  /// (before reading the controller's state); a no-op otherwise.
  void sync();
  /// Times the module's processes ran (benchmarks, tests).
  std::uint64_t wakeUps() const { return m_wakeUps; }

 private:
  static constexpr std::uint64_t kNever = UINT64_MAX;
  struct Burst;
  struct DmaTxn {
    tlm::tlm_generic_payload* trans = nullptr;
    std::uint64_t arrival = 0;  ///< port cycle
    std::uint64_t nextAddr = 0, end = 0;
  };
  /// A FIFO on a ring of a power-of-two size that doubles when full:
  /// update() reads the ports' queues by index on every wake-up, where
  /// std::deque pays a division per access.
  template <typename T>
  class Fifo {
   public:
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    T& operator[](std::size_t i) { return m_buf[(m_head + i) & m_mask]; }
    const T& operator[](std::size_t i) const { return m_buf[(m_head + i) & m_mask]; }
    T& front() { return (*this)[0]; }
    void push_back(const T& v) {
      if (m_size == m_buf.size()) grow();
      m_buf[(m_head + m_size++) & m_mask] = v;
    }
    void pop_front() {
      m_head = (m_head + 1) & m_mask;
      --m_size;
    }

   private:
    void grow() {
      std::vector<T> b(std::max<std::size_t>(8, 2 * m_buf.size()));
      for (std::size_t i = 0; i < m_size; ++i) b[i] = (*this)[i];
      m_buf.swap(b);
      m_head = 0;
      m_mask = m_buf.size() - 1;
    }
    std::vector<T> m_buf;
    std::size_t m_head = 0, m_size = 0, m_mask = 0;
  };
  struct Port {
    Fifo<DmaTxn> txns;             ///< not yet answered, oldest first
    std::size_t split = 0;         ///< first of txns with bytes left to split
    Fifo<Burst*> inflight;         ///< bursts holding a slot, in order
    std::size_t requested = 0;     ///< of those, the first ones, sent to the controller
    std::vector<Burst*> free;
    std::vector<std::unique_ptr<Burst>> pool;
    std::uint64_t rFree = 0, wFree = 0;  ///< first cycle the R / W channel is free
    int peak = 0;
  };

  void end_of_elaboration() override;
  tlm::tlm_sync_enum nb_transport_fw(int port, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int channel, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned int transport_dbg(int port, tlm::tlm_generic_payload& trans);
  void update();
  /// Everything the ports do at port cycle `t`.
  void updateAt(std::uint64_t t);
  Burst* takeBurst(int port);
  Burst* candidate(int port, std::uint64_t t);
  void send(Burst* b);
  void endRequest(int channel, Picoseconds at);
  /// Returns the first cycle a slot it gives an end to frees (kNever: none).
  std::uint64_t response(Burst& b, Picoseconds at);
  void answerDma(int port, std::uint64_t cycle);
  void wakeAt(std::uint64_t cycle);
  // Direct mode.
  void sendDirect(Burst* b);
  /// Take every answer the core has decided, in its order, but `skipTag`'s.
  void takeAnswers(std::uint32_t skipTag);
  /// Compute every port cycle and controller answer at or before `until` (ps).
  void advanceTo(Picoseconds until);
  /// The first port cycle the oldest transaction of port `p` can be
  /// answered at, when nothing at or before port cycle `t` - 1 is left to
  /// compute (kNever: it has none).
  std::uint64_t answerBound(const Port& p, std::uint64_t t) const;
  /// Wake at the first answer bound (after advanceTo(now)).
  void scheduleDirect();
  void directWake();

  InterconnectConfig m_cfg;
  Clock m_clock;
  int m_maxOutstanding;
  std::vector<Port> m_ports;
  /// Per DRAM channel: its request channel.
  struct Channel {
    int rr = 0;                  ///< port that has priority next
    bool reqBusy = false;        ///< waiting for the controller's END_REQ
    tlm::tlm_generic_payload* reqTrans = nullptr;
    std::uint64_t nextReq = 0;   ///< first cycle the request channel is free
  };
  std::vector<Channel> m_channels;
  std::vector<std::unique_ptr<InitiatorSocket>> m_extraSockets;  ///< channels 1..
  std::uint64_t m_axiBursts = 0;
  std::uint64_t m_wakeUps = 0;
  functional::BackingStore* m_store = nullptr;
  sc_core::sc_event m_wakeEv;
  // Direct mode.
  Ddr4ControllerTiming* m_core = nullptr;
  Clock m_ddrClock;
  std::vector<Burst*> m_byTag;        ///< the core's tags: every port's bursts
  std::uint64_t m_nextWake = kNever;  ///< the port cycle update() runs at next
  std::uint64_t m_cycle = 0;          ///< the port cycle being computed
  Picoseconds m_doneUpTo = 0;         ///< computed at and before this time
  Picoseconds m_lead = 0;
  bool m_advancing = false;
  bool m_zeroPending = false;  ///< a zero-time wake-up is due (an arrival now)
  sc_core::sc_event m_directEv;
  std::shared_ptr<spdlog::logger> m_log;
};

}  // namespace ftsim::models

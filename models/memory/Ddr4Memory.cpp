#include "models/memory/Ddr4Memory.h"

#include <algorithm>

namespace ftsim::models {

Ddr4Memory::Ddr4Memory(sc_core::sc_module_name name, const MemoryConfig& cfg, int dmaMaxOutstanding)
    : sc_module(name),
      m_interconnect("interconnect", cfg.interconnect, std::min(cfg.interconnect.maxOutstanding, dmaMaxOutstanding)),
      m_controller("ddr4", cfg.device, cfg.ddr4) {
  m_interconnect.initiator.bind(m_controller.socket);
}

stats::DdrCounters Ddr4Memory::counters() {
  stats::DdrCounters c = m_controller.counters();
  c.axiBursts = m_interconnect.axiBursts();
  return c;
}

void Ddr4Memory::finish(stats::MemoryRunStats& out) {
  m_controller.drain();
  const Ddr4ControllerTiming& core = m_controller.core();
  out.total = core.counters();
  out.total.axiBursts = m_interconnect.axiBursts();
  out.ddrClockMhz = m_controller.clock().freqMhz();
  out.peakBytesPerSecond = core.device().config().peakBytesPerSecond();
  out.addressMapping = core.config().mapping.text();
  out.pagePolicy = toString(core.config().pagePolicy);
  out.banks = core.bankCounters();
  out.readLatencyHistogram = core.readLatencyHistogram();
  while (!out.readLatencyHistogram.empty() && out.readLatencyHistogram.back() == 0) out.readLatencyHistogram.pop_back();
  out.readTransactions = core.readTransactions();
  out.readLatencySumCycles = core.readLatencySumCycles();
}

}  // namespace ftsim::models

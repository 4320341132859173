#include "models/memory/Ddr4Memory.h"

#include <algorithm>

namespace ftsim::models {

Ddr4Memory::Ddr4Memory(sc_core::sc_module_name name, const MemoryConfig& cfg, int dmaMaxOutstanding)
    : sc_module(name),
      m_interconnect("interconnect", cfg.interconnect, std::min(cfg.interconnect.maxOutstanding, dmaMaxOutstanding)) {
  for (int c = 0; c < cfg.ddr4.channels; ++c) {
    const std::string n = c == 0 ? std::string("ddr4") : "ddr4_" + std::to_string(c);
    m_controllers.push_back(std::make_unique<Ddr4Controller>(n.c_str(), cfg.device, cfg.ddr4));
    m_interconnect.channel(c).bind(m_controllers.back()->socket);
  }
  m_fastPath = cfg.ddr4.fastPath;
  answerAhead();
}

void Ddr4Memory::start_of_simulation() {
  // Without a lead it would wake at loose bounds of the next answer, more
  // often than the TLM path.
  if (m_fastPath && !m_hasStore && !m_hasTimeline && m_controllers.size() == 1 && m_interconnect.lead() > 0)
    m_interconnect.driveDirectly(m_controllers[0]->core(), m_controllers[0]->clock());
}

void Ddr4Memory::setTimeline(stats::SimObserver* timeline) {
  for (auto& c : m_controllers) c->setTimeline(timeline ? timeline->ddrChannel(c->basename()) : nullptr);
  m_hasTimeline = timeline != nullptr;
  answerAhead();
}

stats::DdrCounters Ddr4Memory::counters() {
  m_interconnect.sync();
  stats::DdrCounters c = m_controllers[0]->counters();
  for (std::size_t k = 1; k < m_controllers.size(); ++k) c += m_controllers[k]->counters();
  c.axiBursts = m_interconnect.axiBursts();
  return c;
}

void Ddr4Memory::finish(stats::MemoryRunStats& out) {
  m_interconnect.sync();
  for (auto& c : m_controllers) c->drain();
  const Ddr4ControllerTiming& core = m_controllers[0]->core();
  out.total = core.counters();
  out.banks = core.bankCounters();
  out.readLatencyHistogram = core.readLatencyHistogram();
  out.readTransactions = core.readTransactions();
  out.readLatencySumCycles = core.readLatencySumCycles();
  for (std::size_t k = 1; k < m_controllers.size(); ++k) {
    const Ddr4ControllerTiming& other = m_controllers[k]->core();
    out.total += other.counters();
    const auto banks = other.bankCounters();
    out.banks.insert(out.banks.end(), banks.begin(), banks.end());
    const auto& h = other.readLatencyHistogram();
    if (h.size() > out.readLatencyHistogram.size()) out.readLatencyHistogram.resize(h.size(), 0);
    for (std::size_t i = 0; i < h.size(); ++i) out.readLatencyHistogram[i] += h[i];
    out.readTransactions += other.readTransactions();
    out.readLatencySumCycles += other.readLatencySumCycles();
  }
  out.total.axiBursts = m_interconnect.axiBursts();
  out.ddrClockMhz = m_controllers[0]->clock().freqMhz();
  // Every channel's peak: the bandwidth utilisation is over all of them.
  out.peakBytesPerSecond = core.device().config().peakBytesPerSecond() * static_cast<double>(m_controllers.size());
  out.addressMapping = core.config().mapping.text();
  out.pagePolicy = toString(core.config().pagePolicy);
  while (!out.readLatencyHistogram.empty() && out.readLatencyHistogram.back() == 0) out.readLatencyHistogram.pop_back();
}

}  // namespace ftsim::models

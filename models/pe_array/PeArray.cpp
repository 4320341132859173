#include "models/pe_array/PeArray.h"

#include "sim/core/Error.h"

namespace ftsim::models {

PeArray::PeArray(sc_core::sc_module_name name, const PeArrayConfig& cfg, int vectorPipelineCycles,
                 const Clock& clock, Join& join)
    : sc_module(name), m_timing(cfg, vectorPipelineCycles), m_clock(clock), m_join(join) {
  SC_HAS_PROCESS(PeArray);
  SC_THREAD(run);
}

void PeArray::start(const schedule::Step& step) {
  FTSIM_ASSERT(m_step == nullptr, "pe_array started while busy");
  m_step = &step;
  const Cycles now = nowCycle(m_clock);
  m_resultsReady = now + m_timing.occupancyCycles(step) + m_timing.drainCycles(step);
  m_startEv.notify();
}

void PeArray::run() {
  for (;;) {
    sc_core::wait(m_startEv);
    const Cycles c = m_timing.occupancyCycles(*m_step);
    sc_core::wait(cyclesFromNow(m_clock, c));
    m_busyCycles += c.value();
    m_macs += m_step->macs;
    m_step = nullptr;
    m_join.arrive();
  }
}

}  // namespace ftsim::models

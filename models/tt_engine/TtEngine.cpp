#include "models/tt_engine/TtEngine.h"

#include "sim/core/Error.h"

namespace ftsim::models {

TtEngine::TtEngine(sc_core::sc_module_name name, const TtEngineConfig& cfg, const tt::TtProgram& program,
                   TtDatapath* datapath, Join& join)
    : sc_module(name), m_timing(cfg.peArray, cfg.vector), m_cfg(cfg), m_program(program), m_datapath(datapath),
      m_join(join) {
  SC_HAS_PROCESS(TtEngine);
  SC_THREAD(run);
}

Cycles TtEngine::opCycles(const tt::ProgOp& op) const {
  switch (op.kind) {
    case tt::OpKind::Contract: return m_timing.contractionCycles(op.gemm);
    case tt::OpKind::Update: return m_timing.updateCycles(op.elements, m_cfg.optimizer.kind);
    case tt::OpKind::LoadInput: return Cycles(0);  // the DMA carried it; the engine only takes the buffer
    default: return m_timing.vectorCycles(op.elements, op.passes);
  }
}

void TtEngine::start(std::size_t opIndex) {
  FTSIM_ASSERT(!m_busy, "tt_engine started while busy");
  m_busy = true;
  m_op = opIndex;
  m_startEv.notify();
}

void TtEngine::run() {
  for (;;) {
    sc_core::wait(m_startEv);
    const tt::ProgOp& op = m_program.ops[m_op];
    const Cycles c = opCycles(op);
    sc_core::wait(cyclesFromNow(m_cfg.clock, c));
    if (op.kind == tt::OpKind::Contract) {
      m_peBusy += c.value();
      m_macs += op.gemm.macs();
    } else {
      m_vectorBusy += c.value();
    }
    if (m_datapath) m_datapath->execute(m_op);
    m_busy = false;
    m_join.arrive();
  }
}

}  // namespace ftsim::models

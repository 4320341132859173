#include "models/accel/TtSystem.h"

#include <chrono>
#include <cstdio>

#include "models/accel/SimulationLoop.h"
#include "sim/core/Error.h"

namespace ftsim::models {

TtSystem::TtSystem(sc_core::sc_module_name name, const TtEngineConfig& cfg, const MemoryConfig& memory,
                   const tt::TtProgram& program, TtDatapath* datapath, tt::TtRunResult& result,
                   const SimOptions& opts)
    : sc_module(name), m_cfg(cfg), m_program(program), m_result(result), m_opts(opts) {
  std::uint64_t bytes = 0;
  for (const auto& op : program.ops)
    if (op.kind == tt::OpKind::LoadInput) bytes = std::max(bytes, op.bytes);
  schedule::TensorDesc batch;
  batch.name = "input_batch";
  batch.layout = schedule::Layout::Flat;
  batch.dims = {1, static_cast<std::int32_t>(ceilDiv(bytes, 4)), 1, 1};
  batch.bytes = ceilDiv(bytes, 4) * 4;
  m_tensors.push_back(batch);
  m_engine = std::make_unique<TtEngine>("tt_engine", cfg, program, datapath, m_join);
  m_dma = std::make_unique<DmaEngine>("dma_in", cfg.dma, cfg.clock, schedule::Stream::In, m_tensors, m_join);
  FTSIM_ASSERT(memory.model == "ideal", "unknown memory model " + memory.model);
  m_ideal = std::make_unique<IdealMemory>("memory", memory.ideal, cfg.clock);
  m_dma->socket.bind(m_ideal->socket);
  SC_HAS_PROCESS(TtSystem);
  SC_THREAD(control);
}

void TtSystem::control() {
  // One delta cycle lets the engine and the DMA reach their first wait
  // before anything is started (see EfTrainSystem::control); no time passes.
  sc_core::wait(sc_core::SC_ZERO_TIME);
  double lastWall = -1;
  const auto wall0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < m_program.ops.size(); ++i) {
    const tt::ProgOp& op = m_program.ops[i];
    tt::TtOpResult r;
    const Cycles start = nowCycle(m_cfg.clock);
    r.startCycle = start.value();
    m_join.expect(1);
    if (op.kind == tt::OpKind::LoadInput) {
      const stats::StreamCounters before = m_dma->counters();
      schedule::DmaOp d;
      d.tile.tensor = 0;
      d.tile.lo = {0, 0, 0, 0};
      d.tile.hi = m_tensors[0].dims;
      d.kind = schedule::OpKind::Ifm;
      m_dma->start(d);
      sc_core::wait(m_join.done());
      r.bytesRead = m_dma->counters().bytes - before.bytes;
      r.transfers = m_dma->counters().transfers - before.transfers;
      m_result.dmaBusyCycles += m_dma->counters().busyCycles - before.busyCycles;
      // The batch is in its buffer now: functional mode fills it.
      m_engine->start(i);
      m_join.expect(1);
      sc_core::wait(m_join.done());
    } else {
      m_engine->start(i);
      sc_core::wait(m_join.done());
    }
    r.cycles = (nowCycle(m_cfg.clock) - start).value();
    m_result.ops.push_back(r);
    if (m_opts.progress) {
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
      if (t - lastWall >= 0.25) {
        lastWall = t;
        std::fprintf(stderr, "\r\033[Kftsim: op %zu/%zu  %s", i + 1, m_program.ops.size(), op.label.c_str());
        std::fflush(stderr);
      }
    }
  }
  if (m_opts.progress) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  m_result.totalCycles = nowCycle(m_cfg.clock).value();
  m_result.peBusyCycles = m_engine->peBusyCycles();
  m_result.vectorBusyCycles = m_engine->vectorBusyCycles();
  m_result.macs = m_engine->macs();
  m_finished = m_join.pending() == 0;
}

tt::TtRunResult simulateTt(const TtEngineConfig& cfg, const MemoryConfig& memory, const tt::TtProgram& program,
                           TtDatapath* datapath, const SimOptions& opts) {
  tt::TtRunResult result;
  result.memoryModel = memory.model;
  result.clockMhz = cfg.clock.freqMhz();
  result.functional = datapath != nullptr;
  const auto t0 = std::chrono::steady_clock::now();
  TtSystem top("tt", cfg, memory, program, datapath, result, opts);
  runToEnd();
  FTSIM_ASSERT(top.finished(), "the TT controller stopped at cycle " + std::to_string(nowCycle(cfg.clock).value()) +
                                   " after " + std::to_string(result.ops.size()) + " of " +
                                   std::to_string(program.ops.size()) + " operations (a unit never reported back)");
  result.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (datapath) {
    result.loss = datapath->lastLoss();
    result.weightChecksum = datapath->weightChecksum();
  }
  return result;
}

}  // namespace ftsim::models

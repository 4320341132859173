#include "models/accel/EfTrainSystem.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "models/accel/SimulationLoop.h"
#include "sim/core/Error.h"
#include "sim/schedule/StepGen.h"

namespace ftsim::models {

using schedule::Stream;

namespace {
double wallNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
const char* unitName(schedule::Unit u) {
  switch (u) {
    case schedule::Unit::PeArray: return "pe_array";
    case schedule::Unit::Vector: return "vector";
    case schedule::Unit::Host: return "host";
  }
  return "?";
}
}  // namespace

EfTrainSystem::EfTrainSystem(sc_core::sc_module_name name, const EfTrainConfig& accel, const MemoryConfig& memory,
                             const schedule::Program& program, stats::RunResult& result, const SimOptions& opts)
    : sc_module(name), m_cfg(accel), m_program(program), m_result(result), m_opts(opts),
      m_inputBuffer("input_buffer", static_cast<std::uint64_t>(accel.buffers.input.depthWords)),
      m_outputBuffer("output_buffer", static_cast<std::uint64_t>(accel.buffers.output.depthWords)),
      m_log(log::get(this->name())) {
  m_pe = std::make_unique<PeArray>("pe_array", accel.peArray, accel.vector.pipelineCycles, accel.clock, m_join);
  for (int s = 0; s < schedule::kNumStreams; ++s)
    m_dma[s] = std::make_unique<DmaEngine>(schedule::toString(static_cast<Stream>(s)), accel.dma, accel.clock,
                                           static_cast<Stream>(s), program.tensors, m_join);
  m_memory = MemoryIF::create("memory", memory, accel.clock, accel.dma.maxOutstanding);
  for (auto& d : m_dma) m_memory->bindStream(d->socket);
  // A DMA sends each transaction `startCycles` accelerator edges ahead of
  // its arrival: more than startCycles periods - 1 ps, so at least
  // edgePs(startCycles) - 2 ps (edges are rounded up to the ps).
  const Picoseconds startPs = accel.clock.edgePs(Cycles(accel.dma.startCycles));
  m_memory->setRequestLead(startPs > 2 ? startPs - 2 : 0);
  m_datapath = opts.datapath;
  if (m_datapath) m_memory->attachStore(&m_datapath->store());
  if (stats::SimObserver* tl = m_opts.observer) {
    m_peTrack = tl->track("accelerator", "pe_array");
    m_vectorTrack = tl->track("accelerator", "vector");
    m_hostTrack = tl->track("accelerator", "host");
    for (auto& d : m_dma) d->setTimeline(tl);
    m_memory->setTimeline(tl);
  }
  SC_HAS_PROCESS(EfTrainSystem);
  SC_THREAD(control);
}

void EfTrainSystem::control() {
  // The PE array and the DMAs wait for their start events in threads of
  // their own; an immediate notification before a thread reached its first
  // wait would be lost. One delta cycle lets every thread of the
  // initialisation phase reach it, whatever order the kernel ran them in;
  // simulated time does not move.
  sc_core::wait(sc_core::SC_ZERO_TIME);
  for (std::size_t i = 0; i < m_program.phases.size(); ++i) {
    if (m_opts.progress) progress(i, m_program.phases[i], false);
    runPhase(m_program.phases[i]);
  }
  m_result.totalCycles = nowCycle(m_cfg.clock).value();
  m_memory->finish(m_result.memory);
  if (m_opts.progress) progress(m_program.phases.size(), m_program.phases.back(), true);
  m_finished = m_join.pending() == 0;
  // Returning leaves no pending event: sc_start() returns.
}

void EfTrainSystem::runPhase(const schedule::PhasePlan& plan) {
  const bool hls = m_cfg.overlap == EfTrainConfig::Overlap::Hls && plan.unit == schedule::Unit::PeArray;
  schedule::generateSteps(m_program, plan, m_steps, hls ? schedule::LoadPlan::Hls : schedule::LoadPlan::PerTile);
  stats::PhaseResult r;
  r.layer = plan.layer;
  r.name = plan.name;
  r.phase = plan.phase;
  r.unit = plan.unit;
  r.flops = plan.flops;
  r.steps = m_steps.size();
  r.tiling = plan.tiling;
  r.hasTiling = plan.unit == schedule::Unit::PeArray;
  std::array<stats::StreamCounters, schedule::kNumStreams> before;
  for (int s = 0; s < schedule::kNumStreams; ++s) before[s] = m_dma[s]->counters();
  const std::uint64_t busyBefore = m_pe->busyCycles();
  const std::uint64_t macsBefore = m_pe->macs();
  const stats::DdrCounters ddrBefore = m_memory->counters();
  const Cycles start = nowCycle(m_cfg.clock);
  stats::SimObserver* const tl = m_opts.observer;
  if (tl) tl->phaseBegin(plan.name, plan.phase, unitName(plan.unit), nowPs());
  if (m_datapath) {
    m_datapath->beginPhase(plan);
    m_writers.clear();
    m_stored.assign(m_steps.size(), false);
    for (std::size_t j = 0; j < m_steps.size(); ++j)
      for (int s = 0; s < schedule::kNumStreams; ++s)
        if (m_steps[j].post[s].valid() && schedule::isWrite(static_cast<Stream>(s)))
          m_writers[m_steps[j].post[s].tile.tensor].push_back(j);
  }

  Breakdown b;
  if (hls)
    runHlsLoops(plan, b);
  else
    runLockstep(plan, b);
  // Results without a store (reductions) still drain before the phase ends.
  const Cycles now = nowCycle(m_cfg.clock);
  if (m_pe->resultsReadyCycle() > now) {
    b.computeCycles += (m_pe->resultsReadyCycle() - now).value();
    sc_core::wait(cyclesFromNow(m_cfg.clock, m_pe->resultsReadyCycle() - now));
  }

  if (m_datapath) {
    m_datapath->endPhase(plan);
    FTSIM_ASSERT(m_loadBytes.empty() && m_storeBytes.empty(), plan.name + ": loads or stores left over at the phase's end");
  }
  r.startCycle = start.value();
  r.cycles = (nowCycle(m_cfg.clock) - start).value();
  FTSIM_ASSERT(b.computeCycles + b.dmaWaitCycles + b.ddrStallCycles == r.cycles,
               plan.name + ": stall breakdown does not add up to the phase's cycles");
  r.computeCycles = b.computeCycles;
  r.dmaWaitCycles = b.dmaWaitCycles;
  r.ddrStallCycles = b.ddrStallCycles;
  if (tl) tl->phaseEnd(nowPs(), r.cycles);
  m_log->debug("{} {}: {} steps, {} cycles", plan.name, schedule::toString(plan.phase), m_steps.size(), r.cycles);
  for (int s = 0; s < schedule::kNumStreams; ++s) {
    const auto& now = m_dma[s]->counters();
    r.streams[s].bytes = now.bytes - before[s].bytes;
    r.streams[s].transfers = now.transfers - before[s].transfers;
    r.streams[s].busyCycles = now.busyCycles - before[s].busyCycles;
  }
  r.computeBusyCycles = m_pe->busyCycles() - busyBefore;
  r.macs = m_pe->macs() - macsBefore;
  r.ddr = m_memory->counters();
  r.ddr -= ddrBefore;
  m_result.phases.push_back(std::move(r));
}

void EfTrainSystem::runLockstep(const schedule::PhasePlan& plan, Breakdown& b) {
  // Iteration k: the loads of step k, the compute of step k−1 and the stores
  // of step k−2, which wait for step k−2's results to drain.
  const std::size_t n = m_steps.size();
  for (std::size_t k = 0; k < n + 2; ++k) {
    Slot slot;
    if (k < n) slot.load = k;
    if (k >= 1 && k <= n && m_steps[k - 1].iterations > 0) slot.compute = k - 1;
    // A step without datapath iterations takes no slot, but its values still flow.
    if (k >= 1 && k <= n && m_steps[k - 1].iterations == 0 && m_datapath) computeValues(plan, k - 1);
    if (k >= 2) slot.stores.push_back({k - 2, m_pe->resultsReadyCycle()});
    runSlot(plan, slot, b);
  }
}

void EfTrainSystem::runHlsLoops(const schedule::PhasePlan& plan, Breakdown& b) {
  // acc() in EF-Train's HLS/hls_main6.cpp. Each ping-pong loop (FP/BP: the
  // Tn loop of a strip; WU: the row loop of a (Tm, Tn) pair, or the Tn loop
  // of a Tm group when one strip covers the map) runs as
  //   LOAD(0);  LOAD(i) ‖ FIRE(i−1) for i ≥ 1;  FIRE(last) ‖ STORE(previous loop)
  // and after the last loop of an image (WU: of a Tm group) the store still
  // waiting runs alone. WU with one strip stores each (Tm, Tn) pair right
  // after its FIRE, from the same weight bank.
  const std::size_t n = m_steps.size();
  std::vector<PendingStore> pending;
  for (std::size_t first = 0; first < n;) {
    std::size_t last = first;
    while (last + 1 < n && !m_steps[last + 1].groupStart) ++last;
    Slot head;
    head.load = first;
    runSlot(plan, head, b);
    for (std::size_t i = first + 1; i <= last; ++i) {
      Slot body;
      body.load = i;
      body.compute = i - 1;
      body.storeAfterCompute = m_steps[i - 1].storeAfterCompute;
      runSlot(plan, body, b);
    }
    Slot tail;
    tail.compute = last;
    tail.storeAfterCompute = m_steps[last].storeAfterCompute;
    tail.stores.swap(pending);
    const Cycles drained = runSlot(plan, tail, b);
    pending.clear();
    const schedule::Step& step = m_steps[last];
    bool stores = false;
    for (const auto& op : step.post) stores |= op.valid();
    if (stores && !step.storeAfterCompute) pending.push_back({last, drained});
    if (step.scopeEnd && !pending.empty()) {
      Slot flush;
      flush.stores.swap(pending);
      runSlot(plan, flush, b);
      pending.clear();
    }
    first = last + 1;
  }
  if (!pending.empty()) {
    Slot flush;
    flush.stores.swap(pending);
    runSlot(plan, flush, b);
  }
}

Cycles EfTrainSystem::runSlot(const schedule::PhasePlan& plan, const Slot& slot, Breakdown& b) {
  // Stall breakdown of a slot of D cycles: compute = the datapath's
  // occupancy (or the stores' wait for results to drain, if longer); ideal =
  // the longest of that and each DMA operation's duration at the stream
  // rate with its start costs; DMA wait = ideal − compute; DDR stall =
  // D − ideal.
  int issued = 0;
  const schedule::Step* load = slot.load != kNone ? &m_steps[slot.load] : nullptr;
  const schedule::Step* comp = slot.compute != kNone ? &m_steps[slot.compute] : nullptr;
  if (load)
    for (const auto& op : load->pre) issued += op.valid();
  if (comp) {
    ++issued;
    if (slot.storeAfterCompute)
      for (const auto& op : comp->post) issued += op.valid();
  }
  for (const PendingStore& st : slot.stores)
    for (const auto& op : m_steps[st.step].post) issued += op.valid();
  if (issued == 0) return m_pe->resultsReadyCycle();
  if (load) occupyBuffers(*load, static_cast<unsigned>(slot.load));
  m_join.expect(issued);
  const Cycles t0 = nowCycle(m_cfg.clock);
  std::array<bool, schedule::kNumStreams> started{};
  std::uint64_t busy = 0;
  const auto startStores = [&](std::size_t index, Cycles drained) {
    const schedule::Step& step = m_steps[index];
    StepBytes* bytes = m_datapath ? &m_storeBytes[index] : nullptr;
    for (int s = 0; s < schedule::kNumStreams; ++s)
      if (step.post[s].valid()) {
        if (bytes && schedule::isWrite(static_cast<Stream>(s))) m_datapath->storeBytes(index, step.post[s], (*bytes)[s]);
        m_dma[s]->start(step.post[s], drained, bytes ? &(*bytes)[s] : nullptr);
        started[s] = true;
        if (drained > t0) busy = std::max(busy, (drained - t0).value());
      }
  };
  if (load) {
    if (m_datapath) checkLoadAfterStores(plan, slot.load);
    StepBytes* bytes = m_datapath ? &m_loadBytes[slot.load] : nullptr;
    for (int s = 0; s < schedule::kNumStreams; ++s)
      if (load->pre[s].valid()) {
        m_dma[s]->start(load->pre[s], Cycles(0), bytes ? &(*bytes)[s] : nullptr);
        started[s] = true;
      }
  }
  Cycles drained = m_pe->resultsReadyCycle();
  if (comp) {
    m_pe->start(*comp);
    if (m_datapath) computeValues(plan, slot.compute);
    drained = m_pe->resultsReadyCycle();
    busy = std::max(busy, m_pe->timing().occupancyCycles(*comp).value());
    stats::SimObserver* const tl = m_opts.observer;
    if (tl && tl->inWindow(nowPs())) {
      const stats::SimObserver::TrackId track = comp->mode == schedule::ComputeMode::Vector ? m_vectorTrack
                                              : comp->mode == schedule::ComputeMode::Host ? m_hostTrack
                                                                                          : m_peTrack;
      tl->span(track, nowPs(), m_cfg.clock.edgePs(t0 + Cycles(busy)), plan.name,
               {stats::SimObserver::Arg("step", static_cast<std::uint64_t>(slot.compute)),
                stats::SimObserver::Arg("iterations", comp->iterations)});
    }
    if (slot.storeAfterCompute) startStores(slot.compute, drained);
  }
  for (const PendingStore& st : slot.stores) startStores(st.step, st.drained);
  sc_core::wait(m_join.done());
  if (m_datapath) {
    // Every DMA of the slot is done: the stores' bytes are in DRAM.
    if (comp && slot.storeAfterCompute) {
      m_storeBytes.erase(slot.compute);
      m_stored[slot.compute] = true;
    }
    for (const PendingStore& st : slot.stores) {
      m_storeBytes.erase(st.step);
      m_stored[st.step] = true;
    }
  }
  const std::uint64_t d = (nowCycle(m_cfg.clock) - t0).value();
  std::uint64_t ideal = busy;
  for (int s = 0; s < schedule::kNumStreams; ++s)
    if (started[s]) ideal = std::max(ideal, m_dma[s]->lastIdealCycles());
  ideal = std::min(ideal, d);
  busy = std::min(busy, ideal);
  b.computeCycles += busy;
  b.dmaWaitCycles += ideal - busy;
  b.ddrStallCycles += d - ideal;
  return drained;
}

void EfTrainSystem::checkLoadAfterStores(const schedule::PhasePlan& plan, std::size_t index) {
  // A load that reads what an earlier step of the phase stores (a vector
  // pass reading the previous pass's output) must start after that store
  // is done, or its bytes would be stale. The controller's slots keep that
  // order for the programs the scheduler builds; this says so if one does not.
  const auto overlaps = [](const schedule::TileRef& a, const schedule::TileRef& b) {
    for (int i = 0; i < 4; ++i)
      if (a.hi[i] <= b.lo[i] || b.hi[i] <= a.lo[i]) return false;
    return true;
  };
  for (const auto& op : m_steps[index].pre) {
    if (!op.valid()) continue;
    const auto w = m_writers.find(op.tile.tensor);
    if (w == m_writers.end()) continue;
    for (const std::size_t j : w->second) {
      if (j >= index || m_stored[j]) continue;
      for (int s = 0; s < schedule::kNumStreams; ++s) {
        const auto& st = m_steps[j].post[s];
        FTSIM_ASSERT(!(st.valid() && schedule::isWrite(static_cast<Stream>(s)) && overlaps(st.tile, op.tile)),
                     plan.name + ": functional mode: step " + std::to_string(index) + " loads " +
                         m_program.tensors[op.tile.tensor].name + " before step " + std::to_string(j) +
                         "'s store of it is done; the loaded values would be stale");
      }
    }
  }
}

void EfTrainSystem::computeValues(const schedule::PhasePlan& plan, std::size_t index) {
  static const StepBytes kNothing{};
  const auto it = m_loadBytes.find(index);
  m_datapath->compute(plan, index, m_steps[index], it != m_loadBytes.end() ? it->second : kNothing);
  if (it != m_loadBytes.end()) m_loadBytes.erase(it);
}

void EfTrainSystem::occupyBuffers(const schedule::Step& step, unsigned bank) {
  using schedule::OpKind;
  using schedule::Stream;
  if (step.mode == schedule::ComputeMode::Vector || step.mode == schedule::ComputeMode::Host) return;
  // MAC steps: the input window (padded, as the load unit writes it) goes to
  // the input buffer; the WU's output-gradient tile and the FP/BP output tile
  // to the output buffer.
  const auto& in = step.pre[static_cast<int>(Stream::In)];
  if (in.valid()) m_inputBuffer.fill(bank, in.modelPixels);
  const auto& dy = step.pre[static_cast<int>(Stream::In2)];
  if (dy.valid() && dy.kind == OpKind::OutGrad) m_outputBuffer.fill(bank, dy.modelPixels);
  const auto& out = step.post[static_cast<int>(Stream::Out)];
  if (out.valid()) m_outputBuffer.fill(bank, out.modelPixels);
}

void EfTrainSystem::progress(std::size_t index, const schedule::PhasePlan& plan, bool final) {
  const double t = wallNow();
  if (!final && m_lastProgressWall >= 0 && t - m_lastProgressWall < 0.25) return;
  m_lastProgressWall = t;
  if (final) {
    std::fprintf(stderr, "\r\033[K");
  } else {
    std::fprintf(stderr, "\r\033[Kftsim: phase %zu/%zu  %-14s %s  cycle %llu", index + 1, m_program.phases.size(),
                 plan.name.c_str(), schedule::toString(plan.phase),
                 static_cast<unsigned long long>(nowCycle(m_cfg.clock).value()));
  }
  std::fflush(stderr);
}

stats::RunResult simulate(const EfTrainConfig& accel, const MemoryConfig& memory, const schedule::Program& program,
                          const SimOptions& opts) {
  stats::RunResult result;
  result.memoryModel = memory.model;
  result.clockMhz = accel.clock.freqMhz();
  const auto t0 = std::chrono::steady_clock::now();
  log::setTimeSource([] { return sc_core::sc_time_stamp().to_string(); });
  EfTrainSystem top("eftrain", accel, memory, program, result, opts);
  runToEnd();
  FTSIM_ASSERT(top.finished(), "the EF-Train controller stopped at cycle " +
                                   std::to_string(nowCycle(accel.clock).value()) + " after " +
                                   std::to_string(result.phases.size()) + " of " +
                                   std::to_string(program.phases.size()) + " phases (a unit never reported back)");
  result.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace ftsim::models

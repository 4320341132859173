#include "tests/CycleOracle.h"

#include <deque>

#include "models/dma/TensorLayout.h"
#include "sim/schedule/StepGen.h"

namespace ftsim::test {

namespace {

using schedule::ComputeMode;

/// One DMA channel ticking cycle by cycle: for each segment, the start cost,
/// then the memory latency, then min(memory, stream) bytes per cycle.
struct OracleDma {
  std::deque<std::uint64_t> segments;  // bytes
  std::uint64_t waitUntil = 0;         // absolute cycle before which nothing happens
  std::uint64_t startLeft = 0, latencyLeft = 0, bytesLeft = 0;
  bool inSegment = false;

  bool busy() const { return inSegment || !segments.empty(); }
  void tick(std::uint64_t now, std::uint64_t start, std::uint64_t latency, std::uint64_t rate) {
    if (now < waitUntil) return;
    if (!inSegment) {
      if (segments.empty()) return;
      bytesLeft = segments.front();
      segments.pop_front();
      startLeft = start;
      latencyLeft = latency;
      inSegment = true;
    }
    if (startLeft > 0) { --startLeft; }
    else if (latencyLeft > 0) { --latencyLeft; }
    else { bytesLeft = bytesLeft > rate ? bytesLeft - rate : 0; }
    if (startLeft == 0 && latencyLeft == 0 && bytesLeft == 0) inSegment = false;
  }
};

std::uint64_t fill(const models::EfTrainConfig& a, ComputeMode mode) {
  const auto& p = a.peArray;
  int levels = 0;
  for (int w = 1; w < p.tn; w *= 2) ++levels;
  const std::uint64_t io = static_cast<std::uint64_t>(p.bufferReadLatencyCycles + p.bufferWriteLatencyCycles);
  switch (mode) {
    case ComputeMode::Fp:
    case ComputeMode::Bp: return io + p.mulLatencyCycles + static_cast<std::uint64_t>(levels + 1) * p.addLatencyCycles;
    case ComputeMode::Wu: return io + p.mulLatencyCycles + p.addLatencyCycles;
    case ComputeMode::Vector: return static_cast<std::uint64_t>(a.vector.pipelineCycles);
    default: return 0;
  }
}

}  // namespace

std::vector<std::uint64_t> oraclePhaseCycles(const schedule::Program& prog, const models::EfTrainConfig& accel,
                                             const models::IdealMemoryConfig& mem) {
  std::vector<std::uint64_t> out;
  std::vector<schedule::Step> steps;
  std::vector<models::Segment> segs;
  const bool perTile = accel.peArray.pipeline == models::PeArrayConfig::Pipeline::PerTile;
  const std::uint64_t rate =
      std::min<std::uint64_t>(static_cast<std::uint64_t>(mem.bytesPerCycle), accel.dma.bytesPerCycle());
  std::uint64_t now = 0;
  for (const auto& plan : prog.phases) {
    schedule::generateSteps(prog, plan, steps);
    const std::uint64_t phaseStart = now;
    const std::size_t n = steps.size();
    std::uint64_t resultsReady = now;  // of the last step that computed
    for (std::size_t k = 0; k < n + 2; ++k) {
      OracleDma dma[schedule::kNumStreams];
      std::uint64_t peLeft = 0;
      const auto enqueue = [&](const schedule::DmaOp& op, OracleDma& d, std::uint64_t notBefore) {
        if (!op.valid()) return;
        models::tileSegments(prog.tensors[op.tile.tensor], op.tile, segs);
        for (const auto& s : segs) d.segments.push_back(s.bytes);
        d.waitUntil = notBefore;
      };
      const std::uint64_t drained = resultsReady;
      bool any = false;
      if (k < n)
        for (int s = 0; s < schedule::kNumStreams; ++s) { enqueue(steps[k].pre[s], dma[s], now); any |= steps[k].pre[s].valid(); }
      if (k >= 1 && k <= n && steps[k - 1].iterations > 0) {
        const auto& st = steps[k - 1];
        std::uint64_t ii = 1;
        const auto add = static_cast<std::uint64_t>(accel.peArray.addLatencyCycles);
        if (st.mode != ComputeMode::Host && st.dependenceDistance > 0 && st.dependenceDistance < add)
          ii = (add + st.dependenceDistance - 1) / st.dependenceDistance;
        const std::uint64_t issue = st.iterations * ii;
        const std::uint64_t f = st.mode == ComputeMode::Host ? 0 : fill(accel, st.mode);
        peLeft = perTile ? issue + f : issue;
        resultsReady = now + peLeft + (perTile ? 0 : f);
        any = true;
      }
      if (k >= 2)
        for (int s = 0; s < schedule::kNumStreams; ++s) {
          enqueue(steps[k - 2].post[s], dma[s], drained);
          any |= steps[k - 2].post[s].valid();
        }
      if (!any) continue;
      // Tick until every unit of the iteration is idle.
      for (;;) {
        bool busy = peLeft > 0;
        for (auto& d : dma) busy |= d.busy();
        if (!busy) break;
        for (auto& d : dma) d.tick(now, accel.dma.startCycles, mem.latencyCycles, rate);
        if (peLeft > 0) --peLeft;
        ++now;
      }
    }
    if (resultsReady > now) now = resultsReady;
    out.push_back(now - phaseStart);
  }
  return out;
}

}  // namespace ftsim::test

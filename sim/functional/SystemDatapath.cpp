#include "sim/functional/SystemDatapath.h"

#include <cstring>

#include "models/dma/TensorLayout.h"
#include "sim/core/Error.h"

namespace ftsim::functional {

namespace {
bool sameTile(const schedule::TileRef& a, const schedule::TileRef& b) {
  return a.tensor == b.tensor && a.lo == b.lo && a.hi == b.hi;
}
bool inside(const schedule::TileRef& inner, const schedule::TileRef& outer) {
  if (inner.tensor != outer.tensor) return false;
  for (int i = 0; i < 4; ++i)
    if (inner.lo[i] < outer.lo[i] || inner.hi[i] > outer.hi[i]) return false;
  return true;
}
}  // namespace

void SystemDatapath::beginPhase(const schedule::PhasePlan& plan) {
  m_plan = &plan;
  m_step.beginPhase(plan);
}

void SystemDatapath::compute(const schedule::PhasePlan& plan, std::size_t index, const schedule::Step& step,
                             const models::StepBytes& loads) {
  StepBuffers b;
  for (int s = 0; s < schedule::kNumStreams; ++s)
    if (step.pre[s].valid()) {
      b.loads.push_back({step.pre[s].tile, &loads[s]});
      m_bytesLoaded += loads[s].size();
    }
  std::vector<StepBuffers::Result> results;
  b.results = &results;
  struct Unfeed {
    TileIo& io;
    ~Unfeed() { io.feed(nullptr); }
  } unfeed{m_step.io()};
  m_step.io().feed(&b);
  m_step.computeStep(plan, index, step);
  if (!results.empty()) {
    auto& r = m_results[index];
    for (auto& x : results) r.push_back(std::move(x));
  }
}

void SystemDatapath::storeBytes(std::size_t index, const schedule::DmaOp& op, std::vector<std::uint8_t>& bytes) {
  const auto it = m_results.find(index);
  FTSIM_ASSERT(it != m_results.end(), "functional datapath: a store of step " + std::to_string(index) +
                                          " that computed nothing to store");
  auto& results = it->second;
  const schedule::TensorDesc& t = m_step.program().tensors[op.tile.tensor];
  bytes.resize(op.tile.elements() * 4);
  bool found = false;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!sameTile(results[i].tile, op.tile)) continue;
    std::memcpy(bytes.data(), results[i].words.data(), bytes.size());
    results.erase(results.begin() + static_cast<std::ptrdiff_t>(i));
    found = true;
    break;
  }
  if (!found) {
    // The step wrote the store's tile in parts (a pooling step, one image at
    // a time): place them at their DDR addresses in a scratch store (the
    // output buffer) and read the store's segments in order.
    BackingStore scratch;
    std::vector<models::Segment> segs;
    std::uint64_t covered = 0;
    for (std::size_t i = 0; i < results.size();) {
      if (!inside(results[i].tile, op.tile)) {
        ++i;
        continue;
      }
      models::tileSegments(t, results[i].tile, segs);
      const auto* src = reinterpret_cast<const std::uint8_t*>(results[i].words.data());
      for (const auto& s : segs) {
        scratch.write(s.addr, src, s.bytes);
        src += s.bytes;
      }
      covered += results[i].tile.elements();
      results.erase(results.begin() + static_cast<std::ptrdiff_t>(i));
    }
    FTSIM_ASSERT(covered == op.tile.elements(), "functional datapath: step " + std::to_string(index) + " of " +
                                                    (m_plan ? m_plan->name : std::string("?")) + " wrote " +
                                                    std::to_string(covered) + " of the " +
                                                    std::to_string(op.tile.elements()) + " words its store of " +
                                                    t.name + " carries");
    models::tileSegments(t, op.tile, segs);
    std::uint8_t* dst = bytes.data();
    for (const auto& s : segs) {
      scratch.read(s.addr, dst, s.bytes);
      dst += s.bytes;
    }
  }
  if (results.empty()) m_results.erase(it);
  m_bytesStored += bytes.size();
}

void SystemDatapath::endPhase(const schedule::PhasePlan& plan) {
  m_step.endPhase(plan);
  FTSIM_ASSERT(m_results.empty(), "functional datapath: " + plan.name + " computed results that no DMA stored");
  m_plan = nullptr;
}

}  // namespace ftsim::functional

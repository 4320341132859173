#include "tests/HlsLoopReference.h"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace ftsim::test::hlsref {

namespace {

constexpr std::uint64_t kWordBytes = 4;  // fp32 throughout (source.h: typedef float FPGA_DATA)

// The five AXI-Stream ports of top(): dma_IFM, the second input (dma_OFM:
// the output gradient in WU), dma_Weights, dma_Output, dma_Weightsout.
enum Port { kIfm = 0, kIfm2, kWeightsIn, kOutput, kWeightsOut, kPorts };

/// Bytes of each contiguous run of one transfer the host starts; none if empty.
using Transfer = std::optional<std::vector<std::uint64_t>>;

Transfer oneRun(std::uint64_t words) { return std::vector<std::uint64_t>{words * kWordBytes}; }

/// A strip of channels [c0, c1) of a feature map in [C/G][H][W][G] with G =
/// gcd(Tm, Tn) (docs/reshaping.md): each channel group's rows are one run;
/// a strip of every row of the map is the groups' planes back to back, one
/// run. `rowWords` is the words of one row of one channel.
Transfer featureRuns(int c0, int c1, int group, int rows, bool allRows, std::uint64_t rowWords) {
  if (allRows) return oneRun(static_cast<std::uint64_t>(c1 - c0) * rows * rowWords);
  std::vector<std::uint64_t> runs;
  for (int g = c0 / group * group; g < c1; g += group)
    runs.push_back(static_cast<std::uint64_t>(std::min(c1, g + group) - std::max(c0, g)) * rows * rowWords *
                   kWordBytes);
  return runs;
}

int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }

/// One FIRE call and the transfers around it.
struct Fire {
  std::array<Transfer, kPorts> load, store;
  std::uint64_t iterations = 0;    // pixels × taps, one per cycle at II = 1
  std::uint64_t reuseDistance = 0; // iterations between two updates of one accumulator
  bool wu = false;
  bool loopStart = false;   // first call of a ping-pong loop
  bool scopeEnd = false;    // after it, a store still waiting runs alone
  bool storeAfter = false;  // its stores follow it on the same weight bank
};

int floorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int ceilDivI(int a, int b) { return -floorDiv(-a, b); }
int outExtent(int in, const Layer& l) { return (in + 2 * l.pad - l.kernel) / l.stride + 1; }

/// The FIRE calls of a phase in acc()'s order with their transfers.
std::vector<Fire> loopNest(const Layer& l, Phase ph, const Tiling& t, int tm, int tn, bool hlsLoads) {
  if (tm != tn && ph == Phase::BP)
    throw std::invalid_argument("the reference models BP's transposed weight tiles only for Tm = Tn");
  const int k2 = l.kernel * l.kernel;
  // The feature maps' channel group: every Tn-channel load and Tm-channel
  // store covers whole groups (FC maps are 1×1: the batch is one run).
  const int group = l.fc ? tn : gcd(tm, tn);
  const int outH = l.fc ? 1 : outExtent(l.inH, l);
  const int outW = l.fc ? 1 : outExtent(l.inW, l);
  // The phase's output and input channels, the map it iterates over (rows ×
  // width) and the images in the loop (FC: the batch is the width).
  const bool bp = ph == Phase::BP, wu = ph == Phase::WU;
  const int oc = bp ? l.inCh : l.outCh;
  const int ic = bp ? l.outCh : l.inCh;
  const int images = l.fc ? 1 : l.batch;
  const int rows = l.fc ? 1 : (bp ? l.inH : outH);
  const int width = l.fc ? l.batch : (bp ? l.inW : outW);
  // Input rows [lo, hi) a strip of output rows [r0, r1) reads from DDR.
  const auto inputRows = [&](int r0, int r1) -> std::pair<int, int> {
    if (l.fc) return {0, 1};
    if (bp) {  // dX[h] gathers dY[r] with r·S − P + kh = h
      const int lo = std::max(0, ceilDivI(r0 + l.pad - l.kernel + 1, l.stride));
      const int hi = std::min(outH, floorDiv(r1 - 1 + l.pad, l.stride) + 1);
      return {lo, std::max(lo, hi)};
    }
    const int lo = std::max(0, r0 * l.stride - l.pad);
    const int hi = std::min(l.inH, (r1 - 1) * l.stride - l.pad + l.kernel);
    return {lo, std::max(lo, hi)};
  };
  // Words per input row: whole rows of the phase's input map (FC: all images).
  const int inputRowWords = l.fc ? l.batch : (bp ? outW : l.inW);
  const int inputRowsAll = l.fc ? 1 : (bp ? outH : l.inH);
  // A load of input rows [lo, hi) of channels [n0, n1); a store (or WU's
  // output-gradient load) of output rows [r0, r1) of channels [g0, g1).
  const auto inputRuns = [&](int n0, int n1, int lo, int hi) {
    return featureRuns(n0, n1, group, hi - lo, lo == 0 && hi == inputRowsAll, static_cast<std::uint64_t>(inputRowWords));
  };
  const auto outputRuns = [&](int g0, int g1, int r0, int r1) {
    return featureRuns(g0, g1, l.fc ? tm : group, r1 - r0, r0 == 0 && r1 == rows, static_cast<std::uint64_t>(width));
  };

  std::vector<Fire> out;
  for (int c0 = 0; c0 < oc; c0 += t.mOn) {
    const int c1 = std::min(oc, c0 + t.mOn);
    for (int img = 0; img < images; ++img) {
      for (int g0 = c0; g0 < c1; g0 += tm) {
        const int g1 = std::min(c1, g0 + tm);
        const std::uint64_t gm = static_cast<std::uint64_t>(g1 - g0);
        if (!wu) {
          for (int r0 = 0; r0 < rows; r0 += t.tr) {
            const int r1 = std::min(rows, r0 + t.tr);
            const auto [lo, hi] = inputRows(r0, r1);
            for (int n0 = 0; n0 < ic; n0 += tn) {
              const int n1 = std::min(ic, n0 + tn);
              const std::uint64_t gn = static_cast<std::uint64_t>(n1 - n0);
              Fire f;
              f.load[kIfm] = inputRuns(n0, n1, lo, hi);
              // Weights [M/Tm][N/Tn][Tm×Tn×K×K]: one run per tile; BP's slab of
              // one input group over the chunk's outputs is consecutive tiles.
              if (img == 0 && r0 == 0) {
                if (hlsLoads && bp) {
                  if (g0 == c0) f.load[kWeightsIn] = oneRun(static_cast<std::uint64_t>(c1 - c0) * gn * k2);
                } else {
                  f.load[kWeightsIn] = oneRun(gm * gn * k2);
                }
              }
              f.iterations = static_cast<std::uint64_t>(r1 - r0) * width * k2;
              f.reuseDistance = static_cast<std::uint64_t>(r1 - r0) * width;
              if (n1 == ic) f.store[kOutput] = outputRuns(g0, g1, r0, r1);
              f.loopStart = n0 == 0;
              f.scopeEnd = n1 == ic && g1 == c1 && r1 == rows;
              out.push_back(f);
            }
          }
        } else {
          const bool oneStrip = t.tr >= rows;
          for (int n0 = 0; n0 < ic; n0 += tn) {
            const int n1 = std::min(ic, n0 + tn);
            const std::uint64_t gn = static_cast<std::uint64_t>(n1 - n0);
            for (int r0 = 0; r0 < rows; r0 += t.tr) {
              const int r1 = std::min(rows, r0 + t.tr);
              const auto [lo, hi] = inputRows(r0, r1);
              Fire f;
              f.wu = true;
              f.load[kIfm] = inputRuns(n0, n1, lo, hi);
              if (!(hlsLoads && oneStrip && n0 > 0)) f.load[kIfm2] = outputRuns(g0, g1, r0, r1);
              f.iterations = static_cast<std::uint64_t>(r1 - r0) * width * k2;
              f.reuseDistance = static_cast<std::uint64_t>(k2);
              if (img == images - 1 && r1 == rows) {
                f.store[kWeightsIn] = oneRun(gm * gn * k2);   // old weights in
                f.store[kWeightsOut] = oneRun(gm * gn * k2);  // w − lr·ΣdW out
              }
              f.loopStart = oneStrip ? n0 == 0 : r0 == 0;
              f.storeAfter = oneStrip;
              f.scopeEnd = n1 == ic && r1 == rows;
              out.push_back(f);
            }
          }
        }
      }
    }
  }
  return out;
}

/// The datapath and the five ports, advanced one cycle at a time.
class Machine {
 public:
  Machine(const models::EfTrainConfig& a, const models::IdealMemoryConfig& m) : m_accel(a) {
    m_startCycles = a.dma.startCycles;
    m_latency = m.latencyCycles;
    m_bytesPerCycle = std::min<std::uint64_t>(static_cast<std::uint64_t>(m.bytesPerCycle),
                                              static_cast<std::uint64_t>(a.dma.streamWidthBits / 8));
    int levels = 0;
    for (int w = 1; w < a.peArray.tn; w *= 2) ++levels;
    const std::uint64_t io =
        static_cast<std::uint64_t>(a.peArray.bufferReadLatencyCycles + a.peArray.bufferWriteLatencyCycles);
    m_depthConv = io + a.peArray.mulLatencyCycles + static_cast<std::uint64_t>(levels + 1) * a.peArray.addLatencyCycles;
    m_depthWu = io + a.peArray.mulLatencyCycles + a.peArray.addLatencyCycles;
  }

  std::uint64_t now() const { return m_now; }
  std::uint64_t lastResult() const { return m_lastResult; }

  struct WaitingStore {
    const Fire* fire;
    std::uint64_t resultsAt;
  };

  /// Start the loads of `load`, the FIRE of `fire` (and its stores after
  /// it, with `storesAfterFire`) and `stores` together; tick until all are done.
  /// Returns when `fire`'s results are all written.
  std::uint64_t slot(const Fire* load, const Fire* fire, const std::vector<WaitingStore>& stores,
                     bool storesAfterFire = false) {
    std::array<Channel, kPorts> ch{};
    bool any = false;
    const auto use = [&](int p, const Transfer& tr, std::uint64_t notBefore) {
      if (!tr) return;
      if (ch[p].active) throw std::logic_error("two transfers on one port in one slot");
      ch[p].runs = *tr;
      ch[p].waitUntil = notBefore;
      ch[p].active = true;
      any = true;
    };
    if (load)
      for (int p = 0; p < kPorts; ++p) use(p, load->load[p], m_now);
    std::uint64_t fireLeft = 0;
    std::uint64_t resultsAt = m_lastResult;
    if (fire) {
      std::uint64_t ii = 1;
      const auto add = static_cast<std::uint64_t>(m_accel.peArray.addLatencyCycles);
      if (fire->reuseDistance > 0 && fire->reuseDistance < add) ii = (add + fire->reuseDistance - 1) / fire->reuseDistance;
      const std::uint64_t issue = fire->iterations * ii;
      const std::uint64_t depth = fire->wu ? m_depthWu : m_depthConv;
      const bool perTile = m_accel.peArray.pipeline == models::PeArrayConfig::Pipeline::PerTile;
      fireLeft = perTile ? issue + depth : issue;
      resultsAt = m_now + issue + depth;
      m_lastResult = resultsAt;
      any = true;
      if (storesAfterFire)
        for (int p = 0; p < kPorts; ++p) use(p, fire->store[p], resultsAt);
    }
    for (const WaitingStore& w : stores)
      for (int p = 0; p < kPorts; ++p) use(p, w.fire->store[p], w.resultsAt);
    if (!any) return resultsAt;
    for (;;) {
      bool busy = fireLeft > 0;
      for (const Channel& c : ch) busy |= c.busy(m_now);
      if (!busy) break;
      if (fireLeft > 0) --fireLeft;
      for (Channel& c : ch) c.tick(m_now, m_startCycles + m_latency, m_bytesPerCycle);
      ++m_now;
    }
    return resultsAt;
  }

  void drain() { m_now = std::max(m_now, m_lastResult); }

 private:
  /// One port: per run, the host's start cost and the memory's latency,
  /// then the bytes at the slower of the memory and the stream.
  struct Channel {
    std::vector<std::uint64_t> runs;
    std::size_t next = 0;
    std::uint64_t waitUntil = 0;
    std::uint64_t left = 0;  // cycles of the current run
    bool active = false;
    bool busy(std::uint64_t now) const { return active && (now < waitUntil || left > 0 || next < runs.size()); }
    void tick(std::uint64_t now, std::uint64_t setup, std::uint64_t bytesPerCycle) {
      if (!busy(now) || now < waitUntil) return;
      if (left == 0) left = setup + (runs[next++] + bytesPerCycle - 1) / bytesPerCycle;
      --left;
    }
  };

  const models::EfTrainConfig& m_accel;
  std::uint64_t m_startCycles = 0, m_latency = 0, m_bytesPerCycle = 16;
  std::uint64_t m_depthConv = 0, m_depthWu = 0;
  std::uint64_t m_now = 0;
  std::uint64_t m_lastResult = 0;
};

}  // namespace

std::uint64_t phaseCycles(const Layer& layer, Phase phase, const Tiling& tiling, const models::EfTrainConfig& accel,
                          const models::IdealMemoryConfig& memory) {
  const bool hls = accel.overlap == models::EfTrainConfig::Overlap::Hls;
  const std::vector<Fire> fires = loopNest(layer, phase, tiling, accel.peArray.tm, accel.peArray.tn, hls);
  Machine m(accel, memory);
  const std::size_t n = fires.size();
  if (!hls) {
    // A lock-step over every loop boundary: loads of call k, FIRE k−1 and
    // the stores of call k−2.
    for (std::size_t k = 0; k < n + 2; ++k) {
      std::vector<Machine::WaitingStore> stores;
      if (k >= 2) stores.push_back({&fires[k - 2], m.lastResult()});
      m.slot(k < n ? &fires[k] : nullptr, k >= 1 && k <= n ? &fires[k - 1] : nullptr, stores);
    }
    m.drain();
    return m.now();
  }
  // acc(): every ping-pong loop runs as
  //   LOAD(0);  LOAD(i) ‖ FIRE(i−1) …;  FIRE(last) ‖ STORE(previous loop's results)
  // (WU with one strip: FIRE(i−1) then its Weights_STORE, both beside LOAD(i));
  // at the end of an image (WU: of a Tm group) the waiting store runs alone.
  std::vector<Machine::WaitingStore> waiting;
  std::size_t i = 0;
  while (i < n) {
    std::size_t last = i;
    while (last + 1 < n && !fires[last + 1].loopStart) ++last;
    m.slot(&fires[i], nullptr, {});
    for (std::size_t j = i + 1; j <= last; ++j) m.slot(&fires[j], &fires[j - 1], {}, fires[j - 1].storeAfter);
    const std::uint64_t results = m.slot(nullptr, &fires[last], waiting, fires[last].storeAfter);
    waiting.clear();
    bool stores = false;
    for (const Transfer& tr : fires[last].store) stores |= tr.has_value();
    if (stores && !fires[last].storeAfter) waiting.push_back({&fires[last], results});
    if (fires[last].scopeEnd && !waiting.empty()) {
      m.slot(nullptr, nullptr, waiting);
      waiting.clear();
    }
    i = last + 1;
  }
  if (!waiting.empty()) m.slot(nullptr, nullptr, waiting);
  m.drain();
  return m.now();
}

}  // namespace ftsim::test::hlsref

#include "sim/functional/FunctionalStep.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>

#include "models/kernels/Clip.h"
#include "models/kernels/Dropout.h"
#include "models/kernels/GroupWeights.h"
#include "models/kernels/MacTile.h"
#include "models/kernels/VectorKernels.h"
#include "models/kernels/WeightLoader.h"
#include "sim/core/Error.h"
#include "sim/core/SplitMix.h"
#include "sim/schedule/StepGen.h"

namespace ftsim::functional {

using schedule::ComputeMode;
using schedule::Layout;
using schedule::MacCoord;
using schedule::MacProblem;
using schedule::Phase;
using schedule::PhasePlan;
using schedule::Step;
using schedule::Stream;
using schedule::TensorDesc;
using schedule::TileRef;
using schedule::VecOp;
using schedule::VecPass;
using workload::LayerType;

namespace {

constexpr int kVecLanes = 32;     ///< vector tiles: up to 32 channels (the DDR channel group)
constexpr int kVecWords = 8192;   ///< words per lane of a vector tile (the buffers hold ≤ 2486)
constexpr int kMaxChannels = 1 << 20;

int S(Stream s) { return static_cast<int>(s); }

/// Position of element (i0, i2, i3) in a lane of a box-shaped tile.
int boxPos(const TileRef& b, int i0, int i2, int i3) {
  const int h = b.hi[2] - b.lo[2], w = b.hi[3] - b.lo[3];
  return ((i0 - b.lo[0]) * h + (i2 - b.lo[2])) * w + (i3 - b.lo[3]);
}

template <int Lanes, int Words>
struct LaneBuffer {
  std::unique_ptr<float[]> data{new float[static_cast<std::size_t>(Lanes) * Words]()};
  float (*get())[Words] { return reinterpret_cast<float(*)[Words]>(data.get()); }
};

/// Uniform in [−1, 1) from 24 random bits of splitmix64.
float symmetric(SplitMix& rng) {
  return static_cast<float>(static_cast<std::int64_t>(rng.next() >> 40) - (1 << 23)) / (1 << 23);
}

}  // namespace

// ---------------------------------------------------------------------------
// The PE array: one Tm × Tn MAC engine (kernels instantiated for the array
// shape and the largest kernel size of the phase).

class MacEngineIF {
 public:
  virtual ~MacEngineIF() = default;
  virtual void beginPhase(const PhasePlan& plan) = 0;
  virtual void step(const PhasePlan& plan, const Step& step, bool reluOnStore, float lr) = 0;
};

namespace {

template <int Tm, int Tn, int KMax>
class MacEngine final : public MacEngineIF {
 public:
  static constexpr int kIn = 8192, kOut = 8192, kKK = KMax * KMax;
  using WTile = float[Tn][kKK];

  MacEngine(const schedule::Program& prog, TileIo& io) : m_prog(prog), m_io(io) {}

  void beginPhase(const PhasePlan& plan) override {
    const MacProblem& m = plan.mac;
    m_mGroups = (m.outCh + Tm - 1) / Tm;
    m_nGroups = (m.inCh + Tn - 1) / Tn;
    const std::size_t words = static_cast<std::size_t>(m_mGroups) * m_nGroups * Tm * Tn * kKK;
    m_slab.reset(new float[words]());  // weights (FP/BP) or dW accumulators (WU), zeroed
  }

  void step(const PhasePlan& plan, const Step& s, bool reluOnStore, float lr) override {
    const MacProblem& m = plan.mac;
    const MacCoord& c = s.coord;
    const bool bp = plan.phase == Phase::BP, wu = plan.phase == Phase::WU;
    WTile* w = tile(c.m0 / Tm, c.n0 / Tn);
    if (!wu && s.pre[S(Stream::WeightIn)].valid()) loadWeights(plan, s.pre[S(Stream::WeightIn)].tile, bp);

    // Input window: FP and WU read X (stride S); BP reads dY zero-dilated.
    const int K = m.kernel, St = m.stride;
    int rows = c.r1 - c.r0, cols = c.x1 - c.x0, padRows = 1, padCols = cols, rowOrigin = 0, colOrigin = 0;
    int dil = 1, kernelStride = St;
    if (m.batchAsWidth) {
      rows = 1;
      kernelStride = 1;
    } else if (bp) {
      padRows = schedule::rowWindow(m, true, c.r0, c.r1).padded;
      padCols = schedule::columnWindow(m, true, c.x0, c.x1).padded;
      rowOrigin = c.r0 - (K - 1 - m.padTop);
      colOrigin = c.x0 - (K - 1 - m.padLeft);
      dil = St;
      kernelStride = 1;
    } else {
      padRows = schedule::rowWindow(m, false, c.r0, c.r1).padded;
      padCols = schedule::columnWindow(m, false, c.x0, c.x1).padded;
      rowOrigin = c.r0 * St - m.padTop;
      colOrigin = c.x0 * St - m.padLeft;
    }
    FTSIM_ASSERT(padRows * padCols <= kIn && rows * cols <= kOut, "tile of " + plan.name + " exceeds the kernel buffers");
    auto in = m_in.get();
    kernels::clearLanes<Tn, kIn>(in, padRows * padCols);
    const TileRef& inTile = s.pre[S(Stream::In)].tile;
    m_io.readTile(m_prog.tensors[inTile.tensor], inTile, [&](int i0, int i1, int i2, int i3, float v) {
      const int lane = i1 - inTile.lo[1];
      if (m.batchAsWidth) {
        in[lane][i0 - c.x0] = v;
        return;
      }
      const int r = i2 * dil - rowOrigin, col = i3 * dil - colOrigin;
      if (r < 0 || r >= padRows || col < 0 || col >= padCols) return;
      in[lane][r * padCols + col] = v;
    });
    const kernels::MacTile mt{rows, cols, padCols, m.batchAsWidth ? 1 : K, kernelStride};
    const auto outPos = [&](int i0, int i2, int i3) {
      return m.batchAsWidth ? i0 - c.x0 : (i2 - c.r0) * cols + (i3 - c.x0);
    };

    if (wu) {
      // The output gradient of a Tm group stays in the buffer while the Tn
      // groups of a one-strip map go by (LoadPlan::Hls brings it once).
      auto dy = m_dy.get();
      if (s.pre[S(Stream::In2)].valid()) {
        kernels::clearLanes<Tm, kOut>(dy, rows * cols);
        const TileRef& dyTile = s.pre[S(Stream::In2)].tile;
        m_io.readTile(m_prog.tensors[dyTile.tensor], dyTile, [&](int i0, int i1, int i2, int i3, float v) {
          dy[i1 - dyTile.lo[1]][outPos(i0, i2, i3)] = v;
        });
      }
      kernels::macTileWeightGrad<Tm, Tn, KMax, kIn, kOut>(in, dy, w, mt);
      if (s.post[S(Stream::WeightOut)].valid()) writeBack(plan, s.post[S(Stream::WeightOut)].tile, w, lr, c);
      return;
    }

    auto out = m_out.get();
    if (c.n0 == schedule::inputSpan(m, c.m0, c.m1, Tn).lo) kernels::clearLanes<Tm, kOut>(out, rows * cols);
    kernels::macTile<Tm, Tn, KMax, kIn, kOut>(in, w, out, mt);
    if (s.post[S(Stream::Out)].valid()) {
      const TileRef& o = s.post[S(Stream::Out)].tile;
      m_io.writeTile(m_prog.tensors[o.tensor], o, [&](int i0, int i1, int i2, int i3) {
        const float v = out[i1 - o.lo[1]][outPos(i0, i2, i3)];
        return reluOnStore ? kernels::relu(v) : v;
      });
    }
  }

 private:
  WTile* tile(int mg, int ng) {
    return reinterpret_cast<WTile*>(m_slab.get() + (static_cast<std::size_t>(mg) * m_nGroups + ng) * Tm * Tn * kKK);
  }

  /// Visit the blocks of a weight box in stream order: f(block, first word).
  template <typename F>
  void forEachBlock(const TensorDesc& t, const TileRef& box, F&& f) {
    const int K = t.dims[2];
    if (t.layout == Layout::WeightsPlain) {
      kernels::WeightBlock b;
      b.mCount = box.hi[0] - box.lo[0];
      b.nCount = box.hi[1] - box.lo[1];
      b.kernel = K;
      b.reshaped = false;
      f(b, std::size_t{0});
      return;
    }
    forEachWeightPart(t, box, f);
  }

  /// A grouped conv's box of weights against the tile at (c.m0, c.n0).
  static kernels::GroupTile groupTile(const PhasePlan& plan, const TileRef& box, const MacCoord& c, bool bp) {
    const MacProblem& m = plan.mac;
    kernels::GroupTile g;
    g.layerOut0 = box.lo[0];
    g.localIn0 = box.lo[1];
    g.outPerGroup = bp ? m.inPerGroup : m.outPerGroup;
    g.inPerGroup = bp ? m.outPerGroup : m.inPerGroup;
    g.tileOut0 = c.m0;
    g.tileIn0 = c.n0;
    g.flipTranspose = bp;
    return g;
  }

  /// A grouped conv's box of weights: each block's words go to the tiles of
  /// the phase's channels they meet (a slab may cover several), the others
  /// of a tile stay 0 (kernels/GroupWeights.h). The tiles are not cleared
  /// here: a box can hold only part of a tile another step's box filled,
  /// and the schedule reuses the tile for the next images without a reload
  /// (BP of a 2-group conv on 4x16: the box of Tm group 2's step meets
  /// group 1's tile at its outputs 12..15 only). No clear is
  /// needed either: beginPhase zeroes the slab, a tile's origin is fixed for
  /// the phase, so a lane only ever receives the same word, and lanes where
  /// outputs and inputs belong to different groups are never written.
  void loadGroupWeights(const PhasePlan& plan, const TileRef& box, bool bp) {
    const TensorDesc& t = m_prog.tensors[box.tensor];
    FTSIM_ASSERT(t.dims[2] <= KMax, "weight tile of " + plan.name + " exceeds the kernel size bound");
    kernels::GroupTile g = groupTile(plan, box, MacCoord{}, bp);
    // Layer channels the box touches: outputs [lo0, hi0), inputs of their groups.
    const int mo0 = box.lo[0], mo1 = box.hi[0];
    const int ni0 = (mo0 / g.outPerGroup) * g.inPerGroup + box.lo[1];
    const int ni1 = ((mo1 - 1) / g.outPerGroup) * g.inPerGroup + box.hi[1];
    const int pm0 = bp ? ni0 : mo0, pm1 = bp ? ni1 : mo1;  // phase outputs
    const int pn0 = bp ? mo0 : ni0, pn1 = bp ? mo1 : ni1;  // phase inputs
    // A Tm group's Tn steps start at its input span's first channel
    // (schedule::inputSpan), not on a multiple of Tn: each step's tile has
    // its first input lane there.
    const auto forEachStepTile = [&](auto&& f) {
      for (int mg = pm0 / Tm; mg * Tm < pm1; ++mg) {
        const int lo = schedule::inputSpan(plan.mac, mg * Tm, std::min(plan.mac.outCh, mg * Tm + Tm), Tn).lo;
        for (int n0 = lo; n0 < pn1; n0 += Tn)
          if (n0 + Tn > pn0) f(mg, n0);
      }
    };
    m_io.readStream(t, box, m_words);
    forEachBlock(t, box, [&](kernels::WeightBlock b, std::size_t first) {
      b.flipTranspose = bp;
      forEachStepTile([&](int mg, int n0) {
        g.tileOut0 = mg * Tm;
        g.tileIn0 = n0;
        kernels::loadGroupWeightBlock<Tm, Tn, KMax>(m_words.data() + first, b, g, tile(mg, n0 / Tn));
      });
    });
  }

  /// Bring a box of weights into the slab: one (Tm, Tn) tile, or (BP with
  /// LoadPlan::Hls) the M_on×Tn slab of an input group, each block to the
  /// tile of the phase's channels it holds.
  void loadWeights(const PhasePlan& plan, const TileRef& box, bool bp) {
    if (plan.mac.groups > 1) return loadGroupWeights(plan, box, bp);
    const TensorDesc& t = m_prog.tensors[box.tensor];
    const int K = t.dims[2];
    FTSIM_ASSERT(K <= KMax, "weight tile of " + plan.name + " exceeds the kernel size bound");
    // The box in the phase's channels: BP's outputs are the layer's inputs.
    const int pm0 = box.lo[bp ? 1 : 0], pm1 = box.hi[bp ? 1 : 0];
    const int pn0 = box.lo[bp ? 0 : 1], pn1 = box.hi[bp ? 0 : 1];
    for (int mg = pm0 / Tm; mg * Tm < pm1; ++mg)
      for (int ng = pn0 / Tn; ng * Tn < pn1; ++ng) kernels::clearWeightTile<Tm, Tn, KMax>(tile(mg, ng));
    m_io.readStream(t, box, m_words);
    // A block (or the part of it the box holds) whose origin is at layer
    // channels (lm, ln) → every (Tm, Tn) tile of the phase's channels the
    // part meets, with the block's origin relative to the tile (the kernel's
    // convention: FP w[mOffset + m][nOffset + n], BP w[nOffset + n][mOffset + m];
    // words outside the tile are another tile's). With Tm ≠ Tn a BP tile
    // cuts the Tm×Tn blocks, and BP's slab meets a block in several tiles.
    const auto place = [&](kernels::WeightBlock b, int lm, int ln, const float* words) {
      const int mEnd = b.mEnd < 0 ? b.mCount : b.mEnd, nEnd = b.nEnd < 0 ? b.nCount : b.nEnd;
      const int lm0 = lm + b.mBegin, lm1 = lm + mEnd, ln0 = ln + b.nBegin, ln1 = ln + nEnd;
      const int po0 = bp ? ln0 : lm0, po1 = bp ? ln1 : lm1;  // phase outputs
      const int pi0 = bp ? lm0 : ln0, pi1 = bp ? lm1 : ln1;  // phase inputs
      b.flipTranspose = bp;
      for (int mg = po0 / Tm; mg * Tm < po1; ++mg)
        for (int ng = pi0 / Tn; ng * Tn < pi1; ++ng) {
          b.mOffset = lm - (bp ? ng * Tn : mg * Tm);
          b.nOffset = ln - (bp ? mg * Tm : ng * Tn);
          kernels::loadWeightBlock<Tm, Tn, KMax>(words, b, tile(mg, ng));
        }
    };
    if (t.layout == Layout::WeightsPlain) {
      // [M][N][K][K] over the box: the part of each tile is gathered from
      // the stream in the same order.
      const int boxN = box.hi[1] - box.lo[1], kk = K * K;
      const int tm = bp ? Tn : Tm, tn = bp ? Tm : Tn;  // tile extents in layer (m, n)
      for (int m0 = box.lo[0]; m0 < box.hi[0]; m0 = (m0 / tm + 1) * tm)
        for (int n0 = box.lo[1]; n0 < box.hi[1]; n0 = (n0 / tn + 1) * tn) {
          const int m1 = std::min(box.hi[0], (m0 / tm + 1) * tm), n1 = std::min(box.hi[1], (n0 / tn + 1) * tn);
          m_part.clear();
          for (int m = m0; m < m1; ++m)
            for (int n = n0; n < n1; ++n)
              for (int tap = 0; tap < kk; ++tap)
                m_part.push_back(m_words[(static_cast<std::size_t>(m - box.lo[0]) * boxN + (n - box.lo[1])) * kk + tap]);
          kernels::WeightBlock b;
          b.mCount = m1 - m0;
          b.nCount = n1 - n0;
          b.kernel = K;
          b.reshaped = false;
          place(b, m0, n0, m_part.data());
        }
      return;
    }
    forEachBlock(t, box, [&](const kernels::WeightBlock& b, std::size_t first) {
      place(b, box.lo[0] + b.mOffset, box.lo[1] + b.nOffset, m_words.data() + first);
    });
  }

  void writeBack(const PhasePlan& plan, const TileRef& box, WTile* dw, float lr, const MacCoord& c) {
    const TensorDesc& t = m_prog.tensors[box.tensor];
    {
      // The old weights stream in word for word while the new ones stream
      // out (Weights_STORE); two transactions cannot interleave per word,
      // so the datapath takes the old words from DDR directly
      // (docs/functional.md) and the WeightIn DMA moves them in time.
      TileIo::Direct direct(m_io);
      m_io.readStream(t, box, m_words);
    }
    m_newWords.assign(m_words.size(), 0.0f);
    const bool grouped = plan.mac.groups > 1;
    const kernels::GroupTile g = groupTile(plan, box, c, false);
    forEachBlock(t, box, [&](const kernels::WeightBlock& b, std::size_t first) {
      if (grouped)
        kernels::writeBackGroupWeightBlock<Tm, Tn, KMax>(dw, m_words.data() + first, m_newWords.data() + first, b,
                                                         g, lr);
      else
        kernels::writeBackWeightBlock<Tm, Tn, KMax>(dw, m_words.data() + first, m_newWords.data() + first, b, lr);
    });
    m_io.writeStream(t, box, m_newWords);
  }

  const schedule::Program& m_prog;
  TileIo& m_io;
  LaneBuffer<Tn, kIn> m_in;
  LaneBuffer<Tm, kOut> m_out, m_dy;
  std::unique_ptr<float[]> m_slab;
  int m_mGroups = 0, m_nGroups = 0;
  std::vector<float> m_words, m_newWords, m_part;
};

template <int Tm, int Tn>
std::unique_ptr<MacEngineIF> makeEngine(int kMax, const schedule::Program& prog, TileIo& io) {
  switch (kMax) {
    case 1: return std::make_unique<MacEngine<Tm, Tn, 1>>(prog, io);
    case 3: return std::make_unique<MacEngine<Tm, Tn, 3>>(prog, io);
    default: return std::make_unique<MacEngine<Tm, Tn, 11>>(prog, io);
  }
}

std::unique_ptr<MacEngineIF> makeEngine(int tm, int tn, int kMax, const schedule::Program& prog, TileIo& io) {
  if (tm == 16 && tn == 16) return makeEngine<16, 16>(kMax, prog, io);
  if (tm == 8 && tn == 16) return makeEngine<8, 16>(kMax, prog, io);
  if (tm == 16 && tn == 8) return makeEngine<16, 8>(kMax, prog, io);
  if (tm == 32 && tn == 16) return makeEngine<32, 16>(kMax, prog, io);
  if (tm == 16 && tn == 4) return makeEngine<16, 4>(kMax, prog, io);
  if (tm == 4 && tn == 16) return makeEngine<4, 16>(kMax, prog, io);
  if (tm == 64 && tn == 7) return makeEngine<64, 7>(kMax, prog, io);  // configs/accelerators/eftrain-64x7.yaml
  throw UserError("functional mode: a " + std::to_string(tm) + "x" + std::to_string(tn) +
                  " MAC array has no kernel instance (supported Tm x Tn: 16x16, 8x16, 16x8, 32x16, 16x4, 4x16, 64x7)");
}

/// The activations' channel group in DDR: gcd(Tm, Tn) (sim/schedule's group()).
int channelGroup(const models::EfTrainConfig& accel) { return std::gcd(accel.peArray.tm, accel.peArray.tn); }

/// An FC layer fed by the input image flattens it as (c/G, h, w, c%G); the
/// scheduler checks a producer layer's map, the image has none.
std::string imageFcRule(const workload::Layer& l, const models::EfTrainConfig& accel) {
  const int G = channelGroup(accel);
  if (l.inputs[0] >= 0 || l.in.h * l.in.w == 1 || l.in.c % G == 0) return "";
  return "layer " + l.name + ": functional mode cannot flatten a " + std::to_string(l.in.c) +
         "-channel input image into an FC layer: the channels must be a multiple of " + std::to_string(G) +
         " (the DDR layout's channel group, gcd(Tm, Tn))";
}

int kernelBound(int k) {
  if (k == 1) return 1;
  if (k <= 3) return 3;
  if (k <= 11) return 11;
  throw UserError("functional mode: kernels up to 11x11 are instantiated; this layer has " + std::to_string(k) + "x" +
                  std::to_string(k));
}

}  // namespace

// ---------------------------------------------------------------------------

/// The vector path's on-chip tiles (lane-major), and the argmax of a pooling window.
struct FunctionalStep::VecBuffers {
  LaneBuffer<kVecLanes, kVecWords> a, b, c, d;
  std::unique_ptr<std::uint16_t[]> arg{new std::uint16_t[static_cast<std::size_t>(kVecLanes) * kVecWords]()};
  std::uint16_t (*argmax())[kVecWords] { return reinterpret_cast<std::uint16_t(*)[kVecWords]>(arg.get()); }
};

struct FunctionalStep::LayerState {
  // Batch norm: statistics and gradients per channel, γ and β.
  std::vector<float> sum, sumSq, mean, invStd, sumDy, sumDyXhat, gamma, beta;
  float count = 0.0f;
  /// Inference: the host's γ, β, running mean and running variance, which it
  /// folds into the per-channel scale and shift the design stores.
  std::array<std::vector<float>, 4> host;
};

namespace {
/// Which of a batch norm's parameters a name is: 0 γ, 1 β, 2 running mean, 3 running variance.
int bnParamIndex(const std::string& name) {
  const auto ends = [&](const char* suffix) {
    const std::string x(suffix);
    return name.size() > x.size() && name.compare(name.size() - x.size(), x.size(), x) == 0;
  };
  return ends(".bias") ? 1 : ends(".running_mean") ? 2 : ends(".running_var") ? 3 : 0;
}
}  // namespace

FunctionalStep::FunctionalStep(const schedule::Program& program, const workload::Network& net,
                               const models::EfTrainConfig& accel, FunctionalOptions options)
    : m_prog(program),
      m_net(net),
      m_accel(accel),
      m_opt(options),
      m_io(std::make_unique<TileIo>(m_store)),
      m_vec(std::make_unique<VecBuffers>()) {
  const int n = static_cast<int>(net.layers.size());
  m_act.assign(n, -1);
  m_fusedRelu.assign(n, false);
  m_state.resize(n);
  for (const PhasePlan& p : m_prog.phases) {
    if (p.layer < 0 || p.phase != Phase::FP) continue;
    const workload::Layer& l = net.layers[p.layer];
    if (l.type == LayerType::Concat) {
      m_act[p.layer] = tensorId(l.name + ".y");
    } else if (p.unit == schedule::Unit::PeArray) {
      m_act[p.layer] = p.tOut;
    } else if (!p.vec.passes.empty()) {
      m_act[p.layer] = p.vec.passes.back().out;
    } else {
      // A fused ReLU (its producer's store rectifies) or, in inference, a
      // dropout (the identity): the output is the input's tensor.
      const bool inferenceDropout = l.type == LayerType::Dropout && !net.training();
      FTSIM_ASSERT((l.type == LayerType::Relu || inferenceDropout) && l.inputs[0] >= 0,
                   "FP phase without passes: " + l.name);
      m_act[p.layer] = m_act[l.inputs[0]];
      if (!inferenceDropout) m_fusedRelu[l.inputs[0]] = true;
    }
  }
  for (int i = 0; i < n; ++i) {
    const workload::Layer& l = net.layers[i];
    if (l.type == LayerType::Conv) {
      m_params.push_back({l.name + ".weight", {l.out.c, l.in.c / l.groups, l.kernel, l.kernel}, i});
    } else if (l.type == LayerType::Fc) {
      // The scheduler checks this for a producer layer; the image has none.
      const std::string why = imageFcRule(l, accel);
      if (!why.empty()) throw UserError(why);
      m_params.push_back({l.name + ".weight", {l.out.c, static_cast<std::int64_t>(l.in.elements())}, i});
    } else if (l.type == LayerType::BatchNorm) {
      m_params.push_back({l.name + ".weight", {l.in.c}, i});
      m_params.push_back({l.name + ".bias", {l.in.c}, i});
      if (!net.training()) {
        m_params.push_back({l.name + ".running_mean", {l.in.c}, i});
        m_params.push_back({l.name + ".running_var", {l.in.c}, i});
      }
      LayerState& s = m_state[i];
      for (auto* v : {&s.sum, &s.sumSq, &s.mean, &s.invStd, &s.sumDy, &s.sumDyXhat, &s.gamma, &s.beta})
        v->assign(static_cast<std::size_t>(l.in.c) + kVecLanes, 0.0f);
      s.host[0].assign(l.in.c, 1.0f);  // PyTorch's defaults: γ = 1, β = 0, mean 0, var 1
      s.host[1].assign(l.in.c, 0.0f);
      s.host[2].assign(l.in.c, 0.0f);
      s.host[3].assign(l.in.c, 1.0f);
    }
  }
}

FunctionalStep::~FunctionalStep() = default;

std::string FunctionalStep::unsupported(const workload::Network& net, const models::EfTrainConfig& accel) {
  try {
    BackingStore store;
    TileIo io(store);
    const schedule::Program none;
    makeEngine(accel.peArray.tm, accel.peArray.tn, 1, none, io);
    for (const workload::Layer& l : net.layers) {
      if (l.type == LayerType::Conv) kernelBound(l.kernel);
      if (l.type == LayerType::Fc && !imageFcRule(l, accel).empty()) return imageFcRule(l, accel);
      // The pooling kernels take one square K×K window, K the map's height:
      // another map would be averaged over pixels that are not its own.
      if (l.type == LayerType::GlobalAvgPool && l.in.h != l.in.w)
        return "layer " + l.name + ": functional mode averages a global average pool's map in one square window; " +
               "its input is " + std::to_string(l.in.h) + "x" + std::to_string(l.in.w);
    }
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

int FunctionalStep::tensorId(const std::string& name) const {
  for (std::size_t i = 0; i < m_prog.tensors.size(); ++i)
    if (m_prog.tensors[i].name == name) return static_cast<int>(i);
  FTSIM_ASSERT(false, "no tensor named " + name);
  return -1;
}

int FunctionalStep::fcFeature(int layer, int layoutFeature) const {
  // The FC's input in DDR orders its features (c/G, h, w, c%G); PyTorch
  // flattens (c, h, w).
  const workload::Layer& l = m_net.layers[layer];
  const int hw = l.in.h * l.in.w;
  if (hw == 1) return layoutFeature;
  const int G = channelGroup(m_accel);  // every activation tensor's channel group
  const int cg = layoutFeature / (hw * G), pix = (layoutFeature / G) % hw, cl = layoutFeature % G;
  return (cg * G + cl) * hw + pix;
}

void FunctionalStep::setParameter(const std::string& name, const std::vector<float>& v) {
  for (const ParamInfo& p : m_params) {
    if (p.name != name) continue;
    std::uint64_t n = 1;
    for (auto e : p.shape) n *= static_cast<std::uint64_t>(e);
    if (v.size() != n)
      throw UserError("parameter " + name + ": " + std::to_string(v.size()) + " values given, its shape needs " +
                      std::to_string(n));
    const workload::Layer& l = m_net.layers[p.layer];
    if (l.type == LayerType::BatchNorm) {
      const int t = tensorId(l.name + ".gamma_beta");
      TileRef box = wholeTensor(t, m_prog.tensors[t]);
      if (!m_net.training()) {
        // Inference: the design stores 2C words per batch norm; the host
        // folds γ, β and the running statistics into scale s = γ/√(var + ε)
        // and shift β − mean·s, and the vector unit applies x·s + shift.
        auto& h = m_state[p.layer].host;
        if (bnParamIndex(name) == 3)
          for (std::size_t c = 0; c < v.size(); ++c)
            if (!(v[c] >= 0.0f))
              throw UserError("parameter " + name + ": channel " + std::to_string(c) + " has variance " +
                              std::to_string(v[c]) + ", must be >= 0");
        h[bnParamIndex(name)] = v;
        m_io->writeTile(m_prog.tensors[t], box, [&](int, int i, int, int) {
          const int c = i % l.in.c;
          const float scale = h[0][c] / std::sqrt(h[3][c] + m_opt.bnEps);
          return i < l.in.c ? scale : h[1][c] - h[2][c] * scale;
        });
        return;
      }
      const int off = bnParamIndex(name) == 1 ? l.in.c : 0;
      box.lo[1] = off;
      box.hi[1] = off + l.in.c;
      m_io->writeTile(m_prog.tensors[t], box, [&](int, int i, int, int) { return v[i - off]; });
      return;
    }
    const int t = tensorId(l.name + ".w");
    const TensorDesc& d = m_prog.tensors[t];
    const int N = d.dims[1], K = d.dims[2];
    m_io->writeTile(d, wholeTensor(t, d), [&](int mo, int ni, int kh, int kw) {
      if (l.type == LayerType::Fc) return v[static_cast<std::size_t>(mo) * N + fcFeature(p.layer, ni)];
      return v[((static_cast<std::size_t>(mo) * N + ni) * K + kh) * K + kw];
    });
    return;
  }
  throw UserError("no parameter named " + name + " in workload " + m_net.name);
}

std::vector<float> FunctionalStep::parameter(const std::string& name) const {
  for (const ParamInfo& p : m_params) {
    if (p.name != name) continue;
    std::uint64_t n = 1;
    for (auto e : p.shape) n *= static_cast<std::uint64_t>(e);
    const workload::Layer& l = m_net.layers[p.layer];
    if (l.type == LayerType::BatchNorm && !m_net.training()) return m_state[p.layer].host[bnParamIndex(name)];
    std::vector<float> v(n);
    if (l.type == LayerType::BatchNorm) {
      const int t = tensorId(l.name + ".gamma_beta");
      const int off = bnParamIndex(name) == 1 ? l.in.c : 0;
      TileRef box = wholeTensor(t, m_prog.tensors[t]);
      box.lo[1] = off;
      box.hi[1] = off + l.in.c;
      m_io->readTile(m_prog.tensors[t], box, [&](int, int i, int, int, float x) { v[i - off] = x; });
      return v;
    }
    const int t = tensorId(l.name + ".w");
    const TensorDesc& d = m_prog.tensors[t];
    const int N = d.dims[1], K = d.dims[2];
    m_io->readTile(d, wholeTensor(t, d), [&](int mo, int ni, int kh, int kw, float x) {
      if (l.type == LayerType::Fc) v[static_cast<std::size_t>(mo) * N + fcFeature(p.layer, ni)] = x;
      else v[((static_cast<std::size_t>(mo) * N + ni) * K + kh) * K + kw] = x;
    });
    return v;
  }
  throw UserError("no parameter named " + name + " in workload " + m_net.name);
}

void FunctionalStep::initParameters(std::uint64_t seed) {
  SplitMix rng{seed};
  for (const ParamInfo& p : m_params) {
    std::uint64_t n = 1;
    for (auto e : p.shape) n *= static_cast<std::uint64_t>(e);
    std::vector<float> v(n);
    const workload::Layer& l = m_net.layers[p.layer];
    if (l.type == LayerType::BatchNorm && !m_net.training()) {
      // A trained network's statistics are not PyTorch's defaults (which
      // would make the layer nearly the identity): γ, var U[0.5, 1.5),
      // β, mean U[−0.5, 0.5).
      const int k = bnParamIndex(p.name);
      for (float& x : v) x = (k == 0 || k == 3 ? 1.0f : 0.0f) + 0.5f * symmetric(rng);
    } else if (l.type == LayerType::BatchNorm) {
      std::fill(v.begin(), v.end(), bnParamIndex(p.name) == 1 ? 0.0f : 1.0f);
    } else {
      const float bound = 1.0f / std::sqrt(static_cast<float>(n / static_cast<std::uint64_t>(p.shape[0])));
      for (float& x : v) x = bound * symmetric(rng);
    }
    setParameter(p.name, v);
  }
}

void FunctionalStep::setBatch(const std::vector<float>& images, const std::vector<std::int64_t>& labels) {
  const auto& in = m_net.input;
  const std::uint64_t n = static_cast<std::uint64_t>(m_net.batch) * in.c * in.h * in.w;
  if (images.size() != n)
    throw UserError("batch: " + std::to_string(images.size()) + " input values, the workload needs " +
                    std::to_string(n) + " (batch " + std::to_string(m_net.batch) + " x " + std::to_string(in.c) + "x" +
                    std::to_string(in.h) + "x" + std::to_string(in.w) + ")");
  if (m_net.training() && labels.size() != static_cast<std::size_t>(m_net.batch))
    throw UserError("batch: " + std::to_string(labels.size()) + " labels, the workload's batch is " +
                    std::to_string(m_net.batch));
  for (auto y : labels)
    if (y < 0 || y >= m_net.numClasses)
      throw UserError("batch: label " + std::to_string(y) + " is outside [0, " + std::to_string(m_net.numClasses) + ")");
  m_labels = labels;
  const int t = tensorId("image");
  const TensorDesc& d = m_prog.tensors[t];
  m_io->writeTile(d, wholeTensor(t, d), [&](int b, int c, int h, int w) {
    return images[((static_cast<std::size_t>(b) * in.c + c) * in.h + h) * in.w + w];
  });
}

std::vector<std::int64_t> FunctionalStep::activationShape(int layer) const {
  const auto& o = m_net.layers[layer].out;
  return {m_net.batch, o.c, o.h, o.w};
}

std::vector<float> FunctionalStep::activation(int layer) const {
  const auto& o = m_net.layers[layer].out;
  std::vector<float> v(static_cast<std::size_t>(m_net.batch) * o.elements());
  const int t = m_act[layer];
  m_io->readTile(m_prog.tensors[t], wholeTensor(t, m_prog.tensors[t]), [&](int b, int c, int h, int w, float x) {
    v[((static_cast<std::size_t>(b) * o.c + c) * o.h + h) * o.w + w] = x;
  });
  return v;
}

float FunctionalStep::run() {
  FTSIM_ASSERT(!m_labels.empty() || !m_net.training(), "run() before setBatch()");
  std::vector<Step> steps;
  for (const PhasePlan& p : m_prog.phases) {
    schedule::generateSteps(m_prog, p, steps, loadPlan(p));
    beginPhase(p);
    for (std::size_t i = 0; i < steps.size(); ++i) computeStep(p, i, steps[i]);
    endPhase(p);
  }
  return m_loss;
}

schedule::LoadPlan FunctionalStep::loadPlan(const PhasePlan& plan) const {
  // The loads the controller's overlap brings (EfTrainSystem::runPhase).
  const bool hls = m_accel.overlap == models::EfTrainConfig::Overlap::Hls && plan.unit == schedule::Unit::PeArray;
  return hls ? schedule::LoadPlan::Hls : schedule::LoadPlan::PerTile;
}

void FunctionalStep::beginPhase(const PhasePlan& plan) {
  m_passEnds.clear();
  m_pass = -1;
  switch (plan.unit) {
    case schedule::Unit::PeArray: {
      const int kMax = kernelBound(plan.mac.kernel);
      m_mac = makeEngine(plan.tiling.tm, plan.tiling.tn, kMax, m_prog, *m_io);
      m_mac->beginPhase(plan);
      break;
    }
    case schedule::Unit::Vector: {
      const workload::Layer& l = m_net.layers[plan.layer];
      if (l.type == LayerType::BatchNorm && !isGradientSum(plan)) {
        TileIo::Direct direct(*m_io);  // γ, β at the phase's start (docs/functional.md)
        loadBnParams(plan.layer);
      }
      // Which steps belong to which pass (vecSteps emits them pass by pass).
      std::vector<Step> one;
      std::size_t end = 0;
      for (const VecPass& pass : plan.vec.passes) {
        PhasePlan p1 = plan;
        p1.vec.passes = {pass};
        schedule::generateSteps(m_prog, p1, one);
        end += one.size();
        m_passEnds.push_back(end);
      }
      break;
    }
    case schedule::Unit::Host:
      break;
  }
}

void FunctionalStep::computeStep(const PhasePlan& plan, std::size_t index, const Step& step) {
  switch (plan.unit) {
    case schedule::Unit::PeArray:
      macStep(plan, step);
      return;
    case schedule::Unit::Host: {
      TileIo::Direct direct(*m_io);  // the host reads the logits and writes the gradient in DDR
      hostLoss();
      return;
    }
    case schedule::Unit::Vector:
      break;
  }
  int pass = 0;
  while (pass < static_cast<int>(m_passEnds.size()) && index >= m_passEnds[pass]) ++pass;
  FTSIM_ASSERT(pass < static_cast<int>(m_passEnds.size()), "step " + std::to_string(index) + " of " + plan.name +
                                                               " belongs to no pass");
  while (m_pass < pass) {
    if (m_pass >= 0) endPass(plan, m_pass);
    beginPass(plan, ++m_pass);
  }
  const VecPass& p = plan.vec.passes[pass];
  if (p.op == VecOp::ParamUpdate) paramUpdate(plan, p);
  else vecStep(plan, p, pass, step);
}

void FunctionalStep::endPhase(const PhasePlan& plan) {
  if (plan.unit == schedule::Unit::Vector && m_pass >= 0) endPass(plan, m_pass);
  m_pass = -1;
}

void FunctionalStep::beginPass(const PhasePlan& plan, int index) {
  const workload::Layer& l = m_net.layers[plan.layer];
  const VecPass& pass = plan.vec.passes[index];
  if (l.type != LayerType::BatchNorm || isGradientSum(plan) || pass.op != VecOp::Reduce) return;
  LayerState& st = m_state[plan.layer];
  auto& a = plan.phase == Phase::FP ? st.sum : st.sumDy;
  auto& b = plan.phase == Phase::FP ? st.sumSq : st.sumDyXhat;
  std::fill(a.begin(), a.end(), 0.0f);
  std::fill(b.begin(), b.end(), 0.0f);
}

void FunctionalStep::endPass(const PhasePlan& plan, int index) {
  const workload::Layer& l = m_net.layers[plan.layer];
  const VecPass& pass = plan.vec.passes[index];
  if (l.type != LayerType::BatchNorm || isGradientSum(plan) || pass.op != VecOp::Reduce || plan.phase != Phase::FP)
    return;
  LayerState& st = m_state[plan.layer];
  for (int c = 0; c < l.in.c; ++c)
    kernels::bnFinalizeStats(st.sum[c], st.sumSq[c], st.count, m_opt.bnEps, st.mean[c], st.invStd[c]);
}

void FunctionalStep::macStep(const PhasePlan& plan, const Step& step) {
  const bool relu = plan.phase == Phase::FP && m_fusedRelu[plan.layer];
  m_mac->step(plan, step, relu, m_opt.learningRate);
}

bool FunctionalStep::isGradientSum(const PhasePlan& plan) const {
  if (plan.phase == Phase::FP || plan.vec.passes.empty()) return false;
  const VecPass& p = plan.vec.passes.front();
  return p.op == VecOp::Copy && p.out >= 0 && m_prog.tensors[p.out].name == m_net.layers[plan.layer].name + ".dy";
}

void FunctionalStep::loadBnParams(int layer) {
  LayerState& s = m_state[layer];
  const workload::Layer& l = m_net.layers[layer];
  const int t = tensorId(l.name + ".gamma_beta");
  m_io->readTile(m_prog.tensors[t], wholeTensor(t, m_prog.tensors[t]), [&](int, int i, int, int, float x) {
    if (i < l.in.c) s.gamma[i] = x;
    else s.beta[i - l.in.c] = x;
  });
  const bool vec = l.in.h * l.in.w == 1;
  s.count = static_cast<float>(m_net.batch) * static_cast<float>(vec ? 1 : l.in.h * l.in.w);
  if (!m_net.training()) {
    // The stored words are the folded scale and shift (setParameter): the
    // apply kernel's (x − 0)·1·scale + shift.
    std::fill(s.mean.begin(), s.mean.end(), 0.0f);
    std::fill(s.invStd.begin(), s.invStd.end(), 1.0f);
  }
}

void FunctionalStep::vecStep(const PhasePlan& plan, const VecPass& pass, int passIndex, const Step& step) {
  switch (pass.op) {
    case VecOp::Copy:
    case VecOp::Reduce: elementwiseStep(plan, pass, passIndex, step); break;
    case VecOp::Pool: poolStep(plan, pass, step); break;
    case VecOp::PoolGrad: poolGradStep(plan, pass, step); break;
    case VecOp::ParamUpdate: paramUpdate(plan, pass); break;
  }
}

void FunctionalStep::elementwiseStep(const PhasePlan& plan, const VecPass& pass, int passIndex, const Step& step) {
  auto A = m_vec->a.get(), B = m_vec->b.get(), Out = m_vec->c.get();
  const TileRef& ta = step.pre[S(Stream::In)].tile;
  const int lanes = ta.hi[1] - ta.lo[1];
  const int words = static_cast<int>(ta.elements() / static_cast<std::uint64_t>(lanes));
  FTSIM_ASSERT(lanes <= kVecLanes && words <= kVecWords, "vector tile of " + plan.name + " exceeds the kernel buffers");
  m_io->readTile(m_prog.tensors[ta.tensor], ta,
                 [&](int i0, int i1, int i2, int i3, float v) { A[i1 - ta.lo[1]][boxPos(ta, i0, i2, i3)] = v; });
  if (step.pre[S(Stream::In2)].valid()) {
    const TileRef& tb = step.pre[S(Stream::In2)].tile;
    m_io->readTile(m_prog.tensors[tb.tensor], tb,
                   [&](int i0, int i1, int i2, int i3, float v) { B[i1 - tb.lo[1]][boxPos(tb, i0, i2, i3)] = v; });
  }
  const workload::Layer& l = m_net.layers[plan.layer];
  const bool fp = plan.phase == Phase::FP;
  const bool lastPass = passIndex + 1 == static_cast<int>(plan.vec.passes.size());
  const bool relu = fp && m_fusedRelu[plan.layer] && lastPass;
  LayerState& st = m_state[plan.layer];
  const int c0 = ta.lo[1];
  if (isGradientSum(plan) || l.type == LayerType::Add) {
    kernels::addTiles<kVecLanes, kVecWords>(A, B, Out, lanes, words, relu);
  } else if (l.type == LayerType::Relu) {
    if (fp) kernels::reluForward<kVecLanes, kVecWords>(A, Out, lanes, words);
    else kernels::reluBackward<kVecLanes, kVecWords>(A, B, Out, lanes, words);
  } else if (l.type == LayerType::Relu6) {
    if (fp) kernels::relu6Forward<kVecLanes, kVecWords>(A, Out, lanes, words);
    else kernels::relu6Backward<kVecLanes, kVecWords>(A, B, Out, lanes, words);
  } else if (l.type == LayerType::Concat) {
    kernels::copyLanes<kVecLanes, kVecWords>(A, Out, lanes, words);
  } else if (l.type == LayerType::Dropout) {
    kernels::DropoutTile t;
    t.seed = l.dropSeed;
    t.dropBelow = static_cast<std::uint32_t>(std::lround(l.dropP * 16777216.0f));
    t.scale = 1.0f / (1.0f - l.dropP);
    t.channels = l.in.c;
    t.height = l.in.h;
    t.width = l.in.w;
    t.c0 = ta.lo[1];
    t.img0 = ta.lo[0];
    t.row0 = ta.lo[2];
    t.col0 = ta.lo[3];
    t.rows = ta.hi[2] - ta.lo[2];
    t.cols = ta.hi[3] - ta.lo[3];
    kernels::dropoutApply<kVecLanes, kVecWords>(A, Out, t, lanes, words);
  } else if (l.type == LayerType::BatchNorm) {
    if (fp && pass.op == VecOp::Reduce) {
      kernels::bnAccumulateStats<kVecLanes, kVecWords>(A, &st.sum[c0], &st.sumSq[c0], lanes, words);
    } else if (fp) {
      kernels::bnApply<kVecLanes, kVecWords>(A, Out, &st.mean[c0], &st.invStd[c0], &st.gamma[c0], &st.beta[c0], lanes,
                                             words, relu);
    } else if (pass.op == VecOp::Reduce) {
      kernels::bnAccumulateGrad<kVecLanes, kVecWords>(A, B, &st.mean[c0], &st.invStd[c0], &st.sumDy[c0],
                                                      &st.sumDyXhat[c0], lanes, words);
    } else {
      kernels::bnBackward<kVecLanes, kVecWords>(A, B, Out, &st.mean[c0], &st.invStd[c0], &st.gamma[c0], &st.sumDy[c0],
                                                &st.sumDyXhat[c0], st.count, lanes, words);
    }
  } else {
    FTSIM_ASSERT(false, "no functional rule for an elementwise pass of layer " + l.name);
  }
  if (step.post[S(Stream::Out)].valid()) {
    const TileRef& to = step.post[S(Stream::Out)].tile;
    m_io->writeTile(m_prog.tensors[to.tensor], to,
                    [&](int i0, int i1, int i2, int i3) { return Out[i1 - to.lo[1]][boxPos(to, i0, i2, i3)]; });
  }
}

namespace {

/// The pooling geometry of a window whose buffer origin is input row
/// `rowOrigin`, column −padLeft.
kernels::PoolTile poolTile(const schedule::VecProblem& v, int rows, int rowOrigin, int inRowLo, int inRowHi,
                           int padCols) {
  kernels::PoolTile t;
  t.rows = rows;
  t.cols = v.outW;
  t.inCols = padCols;
  t.kernel = v.kernel;
  t.stride = v.stride;
  t.rowLo = inRowLo - rowOrigin;
  t.rowHi = inRowHi - rowOrigin;
  t.colLo = v.padLeft;
  t.colHi = v.padLeft + v.inW;
  return t;
}

}  // namespace

void FunctionalStep::poolStep(const PhasePlan& plan, const VecPass& pass, const Step& step) {
  auto In = m_vec->a.get(), Out = m_vec->b.get();
  auto Arg = m_vec->argmax();
  const schedule::VecProblem& v = plan.vec;
  const TileRef& ti = step.pre[S(Stream::In)].tile;
  const TileRef& to = step.post[S(Stream::Out)].tile;
  const int r0 = to.lo[2], r1 = to.hi[2];
  const int rowOrigin = r0 * v.stride - v.padTop;
  const auto rw = schedule::forwardWindow(r0, r1, v.stride, v.padTop, v.kernel, v.inH);
  const int padRows = rw.padded;
  const int padCols = (v.outW - 1) * v.stride + v.kernel;
  const int padColsBuf = std::max(padCols, v.inW + v.padLeft);
  const int lanes = ti.hi[1] - ti.lo[1];
  FTSIM_ASSERT(padRows * padColsBuf <= kVecWords && lanes <= kVecLanes, "pool tile of " + plan.name + " too large");
  const bool isMax = m_net.layers[plan.layer].type == LayerType::MaxPool;
  const bool relu = m_fusedRelu[plan.layer];
  // One image at a time (a step may carry several where the output is an FC tensor).
  m_io->readStream(m_prog.tensors[ti.tensor], ti, m_streamA);
  for (int img = ti.lo[0]; img < ti.hi[0]; ++img) {
    kernels::clearLanes<kVecLanes, kVecWords>(In, padRows * padColsBuf);
    std::size_t k = 0;
    forEachInStreamOrder(m_prog.tensors[ti.tensor], ti, [&](int i0, int i1, int i2, int i3) {
      const float x = m_streamA[k++];
      if (i0 == img) In[i1 - ti.lo[1]][(i2 - rowOrigin) * padColsBuf + i3 + v.padLeft] = x;
    });
    const kernels::PoolTile pt = poolTile(v, r1 - r0, rowOrigin, rw.lo, rw.hi, padColsBuf);
    if (isMax) kernels::maxPoolForward<kVecLanes, kVecWords, kVecWords>(In, Out, Arg, pt, lanes);
    else kernels::avgPoolForward<kVecLanes, kVecWords, kVecWords>(In, Out, pt, lanes);
    TileRef one = to;
    one.lo[0] = img;
    one.hi[0] = img + 1;
    m_io->writeTile(m_prog.tensors[to.tensor], one, [&](int, int i1, int i2, int i3) {
      const float y = Out[i1 - to.lo[1]][(i2 - r0) * v.outW + i3];
      return relu ? kernels::relu(y) : y;
    });
  }
  (void)pass;
}

void FunctionalStep::poolGradStep(const PhasePlan& plan, const VecPass& pass, const Step& step) {
  auto X = m_vec->a.get(), Dy = m_vec->b.get(), Dx = m_vec->c.get(), Tmp = m_vec->d.get();
  auto Arg = m_vec->argmax();
  const schedule::VecProblem& v = plan.vec;
  const TileRef& to = step.post[S(Stream::Out)].tile;  // dX rows [d0, d1)
  const int d0 = to.lo[2], d1 = to.hi[2];
  // Every dY row whose window touches [d0, d1): with overlapping windows
  // (K > S) that is more than the strip's own rows, and the matching X rows.
  const auto ceilDiv = [](int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); };
  const int rA = std::max(0, ceilDiv(d0 + v.padTop - v.kernel + 1, v.stride));
  const int rB = std::min(v.outH, (d1 - 1 + v.padTop) / v.stride + 1);
  const bool isMax = m_net.layers[plan.layer].type == LayerType::MaxPool;
  const int lanes = to.hi[1] - to.lo[1];
  const int rowOrigin = rA * v.stride - v.padTop;
  const auto rw = schedule::forwardWindow(rA, std::max(rB, rA + 1), v.stride, v.padTop, v.kernel, v.inH);
  const int padRows = rw.padded;
  const int padColsBuf = std::max((v.outW - 1) * v.stride + v.kernel, v.inW + v.padLeft);
  FTSIM_ASSERT(padRows * padColsBuf <= kVecWords && lanes <= kVecLanes, "pool-gradient tile of " + plan.name + " too large");
  TileRef dyBox = to, xBox = to;
  dyBox.tensor = pass.in;
  dyBox.lo[2] = rA;
  dyBox.hi[2] = std::max(rB, rA);
  dyBox.lo[3] = 0;
  dyBox.hi[3] = v.outW;
  xBox.tensor = pass.in2;
  xBox.lo[2] = rw.lo;
  xBox.hi[2] = rw.hi;
  // An overlapping window (K > S) reads the neighbouring strips' rows too,
  // which the schedule's tile does not bring (docs/functional.md).
  TileIo::Halo halo(*m_io);
  for (int img = to.lo[0]; img < to.hi[0]; ++img) {
    TileRef dyOne = dyBox, xOne = xBox, dxOne = to;
    dyOne.lo[0] = xOne.lo[0] = dxOne.lo[0] = img;
    dyOne.hi[0] = xOne.hi[0] = dxOne.hi[0] = img + 1;
    kernels::clearLanes<kVecLanes, kVecWords>(Dx, padRows * padColsBuf);
    const kernels::PoolTile pt = poolTile(v, rB - rA, rowOrigin, rw.lo, rw.hi, padColsBuf);
    if (rB > rA) {
      m_io->readTile(m_prog.tensors[dyOne.tensor], dyOne, [&](int, int i1, int i2, int i3, float x) {
        Dy[i1 - to.lo[1]][(i2 - rA) * v.outW + i3] = x;
      });
      if (isMax) {
        kernels::clearLanes<kVecLanes, kVecWords>(X, padRows * padColsBuf);
        m_io->readTile(m_prog.tensors[xOne.tensor], xOne, [&](int, int i1, int i2, int i3, float x) {
          X[i1 - to.lo[1]][(i2 - rowOrigin) * padColsBuf + i3 + v.padLeft] = x;
        });
        kernels::maxPoolForward<kVecLanes, kVecWords, kVecWords>(X, Tmp, Arg, pt, lanes);
        kernels::maxPoolBackward<kVecLanes, kVecWords, kVecWords>(Dy, Arg, Dx, pt, lanes);
      } else {
        kernels::avgPoolBackward<kVecLanes, kVecWords, kVecWords>(Dy, Dx, pt, lanes);
      }
    }
    m_io->writeTile(m_prog.tensors[to.tensor], dxOne, [&](int, int i1, int i2, int i3) {
      const int r = i2 - rowOrigin;
      if (r < 0 || r >= padRows) return 0.0f;
      return Dx[i1 - to.lo[1]][r * padColsBuf + i3 + v.padLeft];
    });
  }
}

void FunctionalStep::paramUpdate(const PhasePlan& plan, const VecPass& pass) {
  const workload::Layer& l = m_net.layers[plan.layer];
  LayerState& st = m_state[plan.layer];
  const TensorDesc& d = m_prog.tensors[pass.in];
  const TileRef box = wholeTensor(pass.in, d);
  m_io->readStream(d, box, m_streamA);  // γ then β
  std::vector<float> gamma(m_streamA.begin(), m_streamA.begin() + l.in.c);
  std::vector<float> beta(m_streamA.begin() + l.in.c, m_streamA.end());
  kernels::bnParamUpdate<kMaxChannels>(gamma.data(), beta.data(), st.sumDyXhat.data(), st.sumDy.data(),
                                       m_opt.learningRate, l.in.c);
  std::copy(gamma.begin(), gamma.end(), m_streamA.begin());
  std::copy(beta.begin(), beta.end(), m_streamA.begin() + l.in.c);
  m_io->writeStream(m_prog.tensors[pass.out], wholeTensor(pass.out, m_prog.tensors[pass.out]), m_streamA);
}

void FunctionalStep::hostLoss() {
  const int last = static_cast<int>(m_net.layers.size()) - 1;
  const int classes = m_net.numClasses, B = m_net.batch;
  const std::vector<float> logits = activation(last);
  std::vector<float> grad(logits.size());
  double total = 0.0;
  for (int b = 0; b < B; ++b) {
    const float* z = &logits[static_cast<std::size_t>(b) * classes];
    double mx = z[0];
    for (int k = 1; k < classes; ++k) mx = std::max(mx, static_cast<double>(z[k]));
    double sum = 0.0;
    for (int k = 0; k < classes; ++k) sum += std::exp(static_cast<double>(z[k]) - mx);
    const double logSum = mx + std::log(sum);
    total += logSum - z[m_labels[b]];
    for (int k = 0; k < classes; ++k) {
      const double p = std::exp(static_cast<double>(z[k]) - logSum);
      grad[static_cast<std::size_t>(b) * classes + k] = static_cast<float>((p - (k == m_labels[b] ? 1.0 : 0.0)) / B);
    }
  }
  m_loss = static_cast<float>(total / B);
  const int t = tensorId(m_net.layers[last].name + ".dy");
  const auto& o = m_net.layers[last].out;
  m_io->writeTile(m_prog.tensors[t], wholeTensor(t, m_prog.tensors[t]), [&](int b, int c, int h, int w) {
    return grad[((static_cast<std::size_t>(b) * o.c + c) * o.h + h) * o.w + w];
  });
}

}  // namespace ftsim::functional

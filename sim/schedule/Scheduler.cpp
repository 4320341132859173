#include "sim/schedule/Scheduler.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "sim/analytical/EfTrainAnalytical.h"
#include "sim/core/Error.h"
#include "sim/schedule/StepGen.h"

namespace ftsim::schedule {

using workload::Layer;
using workload::LayerType;

const char* toString(Phase p) {
  switch (p) {
    case Phase::FP: return "FP";
    case Phase::BP: return "BP";
    case Phase::WU: return "WU";
  }
  return "?";
}

const char* toString(Layout l) {
  switch (l) {
    case Layout::Reshaped: return "reshaped";
    case Layout::Fc: return "fc";
    case Layout::WeightsReshaped: return "weights_reshaped";
    case Layout::Plain: return "plain";
    case Layout::WeightsPlain: return "weights_plain";
    case Layout::Flat: return "flat";
  }
  return "?";
}

const char* toString(Stream s) {
  switch (s) {
    case Stream::In: return "dma_in";
    case Stream::In2: return "dma_in2";
    case Stream::WeightIn: return "dma_w_in";
    case Stream::Out: return "dma_out";
    case Stream::WeightOut: return "dma_w_out";
  }
  return "?";
}

const char* toString(ComputeMode m) {
  switch (m) {
    case ComputeMode::None: return "none";
    case ComputeMode::Fp: return "FP";
    case ComputeMode::Bp: return "BP";
    case ComputeMode::Wu: return "WU";
    case ComputeMode::Vector: return "vector";
    case ComputeMode::Host: return "host";
  }
  return "?";
}

namespace {

constexpr std::uint64_t kAlign = 4096;
constexpr double kTieTolerance = 1e-3;

std::uint64_t alignUp(std::uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }
int roundUp(int v, int m) { return (v + m - 1) / m * m; }

/// Builds the tensor table and the phases of one training step.
class ProgramBuilder {
 public:
  ProgramBuilder(const Scheduler& sched, const SchedulerInputs& in) : m_sched(sched), m_in(in), m_net(*in.net) {
    const int n = static_cast<int>(m_net.layers.size());
    m_consumers.resize(n);
    for (int i = 0; i < n; ++i)
      for (int p : m_net.layers[i].inputs)
        if (p >= 0) m_consumers[p].push_back(i);
    m_act.assign(n, -1);
    m_weights.assign(n, -1);
    m_grad.assign(n, -1);
    m_contribs.resize(n);
  }

  Program build() {
    createStaticTensors();
    for (int i = 0; i < static_cast<int>(m_net.layers.size()); ++i) forward(i);
    // Inference ends with the last layer's output: no loss on the host, no
    // gradients, no weight update.
    if (m_net.training()) {
      loss();
      for (int i = static_cast<int>(m_net.layers.size()) - 1; i >= 0; --i) backward(i);
    }
    for (PhasePlan& p : m_prog.phases)
      if (p.unit == Unit::PeArray) m_sched.chooseTiling(m_prog, p);
    checkPinsMatched();
    assignAddresses();
    return std::move(m_prog);
  }

 private:
  /// The activations' channel group: whole groups for the Tn-channel loads
  /// and the Tm-channel stores alike (TensorDesc::group).
  int group() const { return std::gcd(m_in.accel->peArray.tm, m_in.accel->peArray.tn); }

  Layout actLayout(const workload::Shape& s, bool feedsFc) const {
    if (s.h * s.w == 1 || feedsFc) return Layout::Fc;
    return m_in.plainLayout ? Layout::Plain : Layout::Reshaped;
  }

  int addTensor(const std::string& name, Layout layout, std::array<std::int32_t, 4> dims, bool transient) {
    TensorDesc t;
    t.name = name;
    t.layout = layout;
    t.dims = dims;
    const bool weights = layout == Layout::WeightsReshaped || layout == Layout::WeightsPlain;
    t.group = weights ? m_in.accel->peArray.tm : group();
    t.groupN = weights ? m_in.accel->peArray.tn : group();
    t.bytes = 4ULL * static_cast<std::uint64_t>(dims[0]) * dims[1] * dims[2] * dims[3];
    m_prog.tensors.push_back(t);
    m_transient.push_back(transient);
    m_firstUse.push_back(INT32_MAX);
    m_lastUse.push_back(-1);
    return static_cast<int>(m_prog.tensors.size()) - 1;
  }

  int actTensorLike(const std::string& name, int producer, bool transient) {
    const workload::Shape s = producer < 0 ? m_net.input : m_net.layers[producer].out;
    const bool feedsFc = producer < 0 ? m_net.inputFeedsFc : m_net.layers[producer].feedsFc;
    const Layout layout = actLayout(s, feedsFc);
    if (layout == Layout::Fc && s.h * s.w > 1 && s.c % group() != 0 && producer >= 0)
      throw UserError("layer " + m_net.layers[producer].name + ": flattening a " + std::to_string(s.c) +
                      "-channel map into an FC layer needs the channels to be a multiple of " +
                      std::to_string(group()) + " (the DDR layout's channel group)");
    return addTensor(name, layout, {m_net.batch, s.c, s.h, s.w}, transient);
  }

  /// The flat alias of a map in the FC layout (TensorDesc::flatOf), made
  /// once; a tensor that is already flat is its own.
  int flat(int t) {
    if (t < 0) return t;
    const TensorDesc d = m_prog.tensors[t];
    if (d.layout != Layout::Fc || d.dims[2] * d.dims[3] == 1 || d.isView()) return t;
    for (std::size_t a = 0; a < m_prog.tensors.size(); ++a)
      if (m_prog.tensors[a].flatOf == t) return static_cast<int>(a);
    const int a = addTensor(d.name + ".flat", Layout::Fc, {d.dims[0], d.dims[1] * d.dims[2] * d.dims[3], 1, 1},
                            m_transient[t]);
    m_prog.tensors[a].flatOf = t;
    m_prog.tensors[a].bytes = 0;
    return a;
  }

  void createStaticTensors() {
    m_image = actTensorLike("image", -1, false);
    for (int i = 0; i < static_cast<int>(m_net.layers.size()); ++i) {
      const Layer& l = m_net.layers[i];
      m_act[i] = actTensorLike(l.name + ".y", i, false);
      if (l.isMac()) {
        const int n = static_cast<int>(l.type == LayerType::Fc ? l.in.elements() : l.in.c / l.groups);
        m_weights[i] = addTensor(l.name + ".w", m_in.plainLayout ? Layout::WeightsPlain : Layout::WeightsReshaped,
                                 {l.out.c, n, l.kernel, l.kernel}, false);
      } else if (l.type == LayerType::BatchNorm) {
        m_weights[i] = addTensor(l.name + ".gamma_beta", Layout::Flat, {1, 2 * l.in.c, 1, 1}, false);
      }
    }
    // A concat's inputs write straight into its output where the layout lets
    // a channel range be addressed as a tensor of its own (docs/layers.md).
    for (int i = 0; i < static_cast<int>(m_net.layers.size()); ++i) {
      const Layer& l = m_net.layers[i];
      if (l.type != LayerType::Concat) continue;
      int offset = 0;
      for (int p : l.inputs) {
        if (p >= 0 && !m_prog.tensors[m_act[p]].isView() && canView(m_act[p], m_act[i]))
          makeView(m_act[p], m_act[i], offset);
        offset += p < 0 ? m_net.input.c : m_net.layers[p].out.c;
      }
    }
  }

  /// Tensor `t` (same extents but channels) can be channels [offset, …) of
  /// `parent` when both have the same layout. An offset off a channel-group
  /// boundary of the reshaped layout is allowed but costs: the producer's
  /// stores split into one transfer per pixel (docs/layers.md).
  bool canView(int t, int parent) const {
    return m_prog.tensors[t].layout == m_prog.tensors[parent].layout;
  }

  /// Turn tensor `t` into a view of `parent` at channel `offset` (a view of a
  /// view is a view of the root).
  void makeView(int t, int parent, int offset) {
    TensorDesc& d = m_prog.tensors[t];
    const TensorDesc& root = m_prog.tensors[parent];
    d.viewParent = root.isView() ? root.viewParent : parent;
    d.channelOffset = offset + (root.isView() ? root.channelOffset : 0);
    d.parentChannels = root.isView() ? root.parentChannels : root.dims[1];
    d.bytes = 0;
    // Views made earlier of `t` now point through it to the root.
    for (TensorDesc& o : m_prog.tensors)
      if (o.viewParent == t) {
        o.viewParent = d.viewParent;
        o.channelOffset += d.channelOffset;
        o.parentChannels = d.parentChannels;
      }
  }

  /// A new view of channels [offset, offset + channels) of `parent`.
  int addView(const std::string& name, int parent, int offset, int channels) {
    const TensorDesc& p = m_prog.tensors[parent];
    const int t = addTensor(name, p.layout, {p.dims[0], channels, p.dims[2], p.dims[3]}, m_transient[parent]);
    makeView(t, parent, offset);
    return t;
  }

  int act(int producer) const { return producer < 0 ? m_image : m_act[producer]; }

  /// dY of a layer's output (the summed gradient), created on first use.
  int grad(int layer) {
    if (m_grad[layer] < 0) m_grad[layer] = actTensorLike(m_net.layers[layer].name + ".dy", layer, true);
    return m_grad[layer];
  }

  /// Where `consumer`'s BP writes the gradient for its input `producer`.
  int contributionTarget(int consumer, int producer) {
    if (m_consumers[producer].size() == 1) {
      m_contribs[producer].push_back(grad(producer));
      return grad(producer);
    }
    const int t = actTensorLike(m_net.layers[producer].name + ".dy_from_" + m_net.layers[consumer].name,
                                producer, true);
    m_contribs[producer].push_back(t);
    return t;
  }

  bool needsGrad(int producer) const {
    if (producer < 0) return false;
    const Layer& l = m_net.layers[producer];
    return l.hasWeights() || l.needsInputGrad;
  }

  PhasePlan& addPhase(int layer, Phase ph, Unit unit) {
    PhasePlan p;
    p.layer = layer;
    p.name = layer >= 0 ? m_net.layers[layer].name : "loss";
    p.phase = ph;
    p.unit = unit;
    m_prog.phases.push_back(p);
    return m_prog.phases.back();
  }

  void touch(int tensor) {
    if (tensor < 0) return;
    if (m_prog.tensors[tensor].isView()) touch(m_prog.tensors[tensor].viewParent);
    if (m_prog.tensors[tensor].flatOf >= 0) touch(m_prog.tensors[tensor].flatOf);
    const int idx = static_cast<int>(m_prog.phases.size()) - 1;
    m_firstUse[tensor] = std::min(m_firstUse[tensor], idx);
    m_lastUse[tensor] = std::max(m_lastUse[tensor], idx);
  }

  void addMacPhase(int i, Phase ph, int tIn, int tIn2, int tOut) {
    const Layer& l = m_net.layers[i];
    // An FC layer's phases see a flattened map as features (its BP writes
    // the map's gradient as features too).
    if (l.type == LayerType::Fc) {
      tIn = flat(tIn);
      tIn2 = flat(tIn2);
      tOut = flat(tOut);
    }
    PhasePlan& p = addPhase(i, ph, Unit::PeArray);
    p.mac = Scheduler::macProblem(l, ph, m_net.batch);
    if (tIn >= 0) p.mac.inChannelGroup = m_prog.tensors[tIn].group;
    p.tIn = tIn;
    p.tIn2 = tIn2;
    p.tOut = tOut;
    p.tWeights = m_weights[i];
    p.flops = 2ULL * l.macsPerImage() * static_cast<std::uint64_t>(m_net.batch);
    p.dilated = ph == Phase::BP && l.stride > 1;
    for (int t : {tIn, tIn2, tOut, m_weights[i]}) touch(t);
  }

  PhasePlan& addVecPhase(int i, Phase ph, const workload::Shape& in, const workload::Shape& out,
                         std::vector<VecPass> passes, bool vectorTensors) {
    const Layer& l = m_net.layers[i];
    PhasePlan& p = addPhase(i, ph, Unit::Vector);
    VecProblem& v = p.vec;
    v.channels = in.c;
    v.lanes = m_in.accel->vector.lanes;
    v.kernel = l.kernel;
    v.stride = l.stride;
    v.padTop = l.padTop;
    v.padLeft = l.padLeft;
    if (vectorTensors) {
      v.batchAsWidth = true;
      v.images = 1;
      v.channels = static_cast<int>(in.elements());
      v.inH = v.outH = 1;
      v.inW = v.outW = m_net.batch;
    } else {
      v.images = m_net.batch;
      v.inH = in.h;
      v.inW = in.w;
      v.outH = out.h;
      v.outW = out.w;
    }
    v.passes = std::move(passes);
    for (const VecPass& ps : v.passes)
      for (int t : {ps.in, ps.in2, ps.out}) touch(t);
    chooseVecRows(p);
    return p;
  }

  /// The largest strip height whose tiles fit the buffers.
  void chooseVecRows(PhasePlan& p) {
    VecProblem& v = p.vec;
    if (v.passes.empty() || v.batchAsWidth || v.passes[0].op == VecOp::ParamUpdate) { v.tr = 1; return; }
    const auto& bufs = m_in.accel->buffers;
    const std::int64_t cap = std::min(bufs.input.depthWords, bufs.output.depthWords);
    const bool pool = v.passes[0].op == VecOp::Pool || v.passes[0].op == VecOp::PoolGrad;
    const auto need = [&](int tr) {
      std::int64_t words = static_cast<std::int64_t>(tr) * v.outW;
      if (pool) {
        const std::int64_t win = static_cast<std::int64_t>((tr - 1) * v.stride + v.kernel) *
                                 ((v.outW - 1) * v.stride + v.kernel);
        const std::int64_t dx = static_cast<std::int64_t>(std::max(tr * v.stride, v.kernel)) * v.inW;
        words = std::max({words, win, dx});
      }
      return words;
    };
    // Where a map meets a flat FC tensor, tiles of whole maps of several
    // images make the flat side contiguous.
    bool touchesFlat = false;
    for (const VecPass& ps : v.passes)
      for (int t : {ps.in, ps.in2, ps.out})
        if (t >= 0 && m_prog.tensors[t].layout == Layout::Fc) touchesFlat = true;
    if (touchesFlat && need(v.outH) <= cap) {
      v.tr = v.outH;
      v.imagesPerStep = static_cast<int>(std::min<std::int64_t>(v.images, cap / need(v.outH)));
      return;
    }
    int best = 0;
    for (int tr = 1; tr <= v.outH; ++tr) {
      if (need(tr) > cap) break;
      best = tr;
    }
    if (best == 0)
      throw UserError("layer " + p.name + " (" + toString(p.phase) + "): one row of " + std::to_string(v.outW) +
                      " pixels does not fit the " + std::to_string(cap) +
                      "-word feature buffers (pooling windows and full-width rows must fit)");
    v.tr = best;
  }

  void forward(int i) {
    const Layer& l = m_net.layers[i];
    const int x = act(l.inputs[0]);
    const bool vec = l.in.h * l.in.w == 1 && l.out.h * l.out.w == 1;
    switch (l.type) {
      case LayerType::Conv:
      case LayerType::Fc:
        addMacPhase(i, Phase::FP, x, -1, m_act[i]);
        break;
      case LayerType::BatchNorm:
        // Training normalises with the batch's statistics (a reduction pass
        // first); inference applies the stored running statistics.
        if (m_net.training())
          addVecPhase(i, Phase::FP, l.in, l.out,
                      {VecPass{VecOp::Reduce, x, -1, -1}, VecPass{VecOp::Copy, x, -1, m_act[i]}}, vec);
        else
          addVecPhase(i, Phase::FP, l.in, l.out, {VecPass{VecOp::Copy, x, -1, m_act[i]}}, vec);
        break;
      case LayerType::Relu:
        if (m_in.accel->vector.fuseRelu && l.inputs[0] >= 0 && m_consumers[l.inputs[0]].size() == 1) {
          // The producer's store rectifies its output on the way to DDR: the
          // ReLU's output is the producer's tensor and its FP moves nothing.
          m_act[i] = x;
          addVecPhase(i, Phase::FP, l.in, l.out, {}, vec);
        } else {
          addVecPhase(i, Phase::FP, l.in, l.out, {VecPass{VecOp::Copy, x, -1, m_act[i]}}, vec);
        }
        break;
      case LayerType::MaxPool:
      case LayerType::AvgPool:
      case LayerType::GlobalAvgPool:
        addVecPhase(i, Phase::FP, l.in, l.out, {VecPass{VecOp::Pool, x, -1, m_act[i]}}, false);
        break;
      case LayerType::Relu6:
        addVecPhase(i, Phase::FP, l.in, l.out, {VecPass{VecOp::Copy, x, -1, m_act[i]}}, vec);
        break;
      case LayerType::Dropout:
        if (!m_net.training()) {
          // Inference: dropout is the identity; its output is its input
          // tensor and it moves nothing.
          m_act[i] = x;
          addVecPhase(i, Phase::FP, l.in, l.out, {}, vec);
          break;
        }
        // The mask pass: the mask comes from a seeded hash on chip, so BP can
        // regenerate it instead of storing it.
        addVecPhase(i, Phase::FP, l.in, l.out, {VecPass{VecOp::Copy, x, -1, m_act[i]}}, vec);
        break;
      case LayerType::Concat: {
        // Inputs already stored in place cost nothing; the others (the image,
        // a tensor already placed in another concat, a layout that cannot
        // be viewed) are copied into their channels.
        std::vector<VecPass> passes;
        int offset = 0;
        for (int p : l.inputs) {
          const TensorDesc& d = m_prog.tensors[act(p)];
          const TensorDesc& o = m_prog.tensors[m_act[i]];
          const bool inPlace = d.isView() && d.viewParent == (o.isView() ? o.viewParent : m_act[i]) &&
                               d.channelOffset == offset + (o.isView() ? o.channelOffset : 0);
          const int c = d.dims[1];
          if (!inPlace)
            passes.push_back(VecPass{VecOp::Copy, act(p),  -1,
                                     addView(l.name + ".y_from_" + (p < 0 ? std::string("image") : m_net.layers[p].name),
                                             m_act[i], offset, c)});
          offset += c;
        }
        addVecPhase(i, Phase::FP, l.in, l.out, passes, vec);
        break;
      }
      case LayerType::Add: {
        std::vector<VecPass> passes{VecPass{VecOp::Copy, x, act(l.inputs[1]), m_act[i]}};
        for (std::size_t k = 2; k < l.inputs.size(); ++k)
          passes.push_back(VecPass{VecOp::Copy, m_act[i], act(l.inputs[k]), m_act[i]});
        addVecPhase(i, Phase::FP, l.in, l.out, passes, vec);
        break;
      }
      case LayerType::TtLinear:
      case LayerType::TtEmbedding:
      case LayerType::Attention:
      case LayerType::LayerNorm:
      case LayerType::Gelu:
        FTSIM_ASSERT(false, "layer " + l.name + " needs the tt accelerator (the design loader rejects it)");
        break;
    }
  }

  void loss() {
    const int last = static_cast<int>(m_net.layers.size()) - 1;
    PhasePlan& p = addPhase(-1, Phase::FP, Unit::Host);
    const double ns = static_cast<double>(m_net.batch) * m_net.numClasses * m_in.host->lossNsPerElement;
    p.hostCycles = m_in.accel->clock.cyclesForNs(ns);
    touch(act(last));
    touch(grad(last));
  }

  void backward(int i) {
    const Layer& l = m_net.layers[i];
    if (!needsGrad(i)) return;
    const bool vec = l.in.h * l.in.w == 1 && l.out.h * l.out.w == 1;
    // Sum the gradients of a tensor read by several layers.
    const std::vector<int>& contribs = m_contribs[i];
    if (contribs.size() > 1) {
      std::vector<VecPass> passes{VecPass{VecOp::Copy, contribs[0], contribs[1], grad(i)}};
      for (std::size_t k = 2; k < contribs.size(); ++k)
        passes.push_back(VecPass{VecOp::Copy, grad(i), contribs[k], grad(i)});
      addVecPhase(i, l.needsInputGrad ? Phase::BP : Phase::WU, l.out, l.out, passes,
                  l.out.h * l.out.w == 1);
    }
    const int dy = grad(i);
    const int x = act(l.inputs[0]);
    if (l.needsInputGrad) {
      switch (l.type) {
        case LayerType::Conv:
        case LayerType::Fc:
          addMacPhase(i, Phase::BP, dy, -1, contributionTarget(i, l.inputs[0]));
          break;
        case LayerType::BatchNorm: {
          const int dx = contributionTarget(i, l.inputs[0]);
          addVecPhase(i, Phase::BP, l.in, l.out,
                      {VecPass{VecOp::Reduce, dy, x, -1}, VecPass{VecOp::Copy, dy, x, dx}}, vec);
          break;
        }
        case LayerType::Relu:
        case LayerType::Relu6:
          addVecPhase(i, Phase::BP, l.in, l.out,
                      {VecPass{VecOp::Copy, dy, m_act[i], contributionTarget(i, l.inputs[0])}}, vec);
          break;
        case LayerType::Dropout:
          addVecPhase(i, Phase::BP, l.in, l.out, {VecPass{VecOp::Copy, dy, -1, contributionTarget(i, l.inputs[0])}},
                      vec);
          break;
        case LayerType::Concat: {
          // Each input's gradient is its channels of dY: a view, no pass.
          int offset = 0;
          for (int p : l.inputs) {
            const int c = p < 0 ? m_net.input.c : m_net.layers[p].out.c;
            if (needsGrad(p)) {
              const int view = addView(m_net.layers[p].name + ".dy_from_" + l.name, dy, offset, c);
              if (m_consumers[p].size() == 1) m_grad[p] = view;
              m_contribs[p].push_back(view);
            }
            offset += c;
          }
          addVecPhase(i, Phase::BP, l.in, l.out, {}, vec);
          break;
        }
        case LayerType::MaxPool:
          addVecPhase(i, Phase::BP, l.in, l.out,
                      {VecPass{VecOp::PoolGrad, dy, x, contributionTarget(i, l.inputs[0])}}, false);
          break;
        case LayerType::AvgPool:
        case LayerType::GlobalAvgPool:
          addVecPhase(i, Phase::BP, l.in, l.out,
                      {VecPass{VecOp::PoolGrad, dy, -1, contributionTarget(i, l.inputs[0])}}, false);
          break;
        case LayerType::Add:
          // The gradient passes through to every input unchanged: alias it.
          for (int p : l.inputs) {
            if (!needsGrad(p)) continue;
            if (m_consumers[p].size() == 1) m_grad[p] = dy;
            m_contribs[p].push_back(dy);
          }
          addVecPhase(i, Phase::BP, l.in, l.out, {}, vec);
          break;
        case LayerType::TtLinear:
        case LayerType::TtEmbedding:
        case LayerType::Attention:
        case LayerType::LayerNorm:
        case LayerType::Gelu:
          FTSIM_ASSERT(false, "layer " + l.name + " needs the tt accelerator (the design loader rejects it)");
          break;
      }
    }
    if (l.type == LayerType::Conv || l.type == LayerType::Fc) {
      addMacPhase(i, Phase::WU, x, dy, -1);
    } else if (l.type == LayerType::BatchNorm) {
      std::vector<VecPass> passes;
      if (!l.needsInputGrad) passes.push_back(VecPass{VecOp::Reduce, dy, x, -1});
      passes.push_back(VecPass{VecOp::ParamUpdate, m_weights[i], -1, m_weights[i]});
      addVecPhase(i, Phase::WU, l.in, l.out, passes, vec);
    }
  }

  /// A pin that names no conv/FC layer × phase of the workload is an error.
  void checkPinsMatched() const {
    for (const models::TilingPin& pin : m_in.accel->tiling.pins) {
      bool found = false;
      for (const PhasePlan& p : m_prog.phases)
        found = found || (p.unit == Unit::PeArray && p.name == pin.layer && toString(p.phase) == pin.phase);
      if (found) continue;
      bool layerExists = false;
      for (const Layer& l : m_net.layers) layerExists = layerExists || (l.name == pin.layer && l.isMac());
      throw ConfigError(pin.loc, pin.keyPath, "",
                        layerExists ? "layer " + pin.layer + " has no " + pin.phase +
                                          (m_net.training()
                                               ? " phase (BP exists only where the layer's input needs a gradient)"
                                               : " phase (workload.mode: inference runs FP only)")
                                    : "workload " + m_net.name + " has no conv/FC layer named " + pin.layer);
    }
  }

  /// Activations and weights live for the whole step; gradients only from
  /// their first to their last use, so their DDR space is reused (first fit).
  void assignAddresses() {
    std::uint64_t next = 0;
    for (std::size_t t = 0; t < m_prog.tensors.size(); ++t) {
      if (m_transient[t] || m_prog.tensors[t].aliasesAnother()) continue;
      m_prog.tensors[t].baseAddr = next;
      next = alignUp(next + m_prog.tensors[t].bytes);
    }
    const std::uint64_t gradBase = next;
    std::vector<std::size_t> placed;
    std::uint64_t gradEnd = gradBase;
    for (std::size_t t = 0; t < m_prog.tensors.size(); ++t) {
      if (!m_transient[t] || m_prog.tensors[t].aliasesAnother()) continue;
      TensorDesc& d = m_prog.tensors[t];
      std::uint64_t addr = gradBase;
      bool moved = true;
      while (moved) {
        moved = false;
        for (std::size_t o : placed) {
          const bool liveTogether = !(m_lastUse[o] < m_firstUse[t] || m_lastUse[t] < m_firstUse[o]);
          const TensorDesc& od = m_prog.tensors[o];
          const bool overlap = addr < od.baseAddr + od.bytes && od.baseAddr < addr + d.bytes;
          if (liveTogether && overlap) {
            addr = alignUp(od.baseAddr + od.bytes);
            moved = true;
          }
        }
      }
      d.baseAddr = addr;
      gradEnd = std::max(gradEnd, alignUp(addr + d.bytes));
      placed.push_back(t);
    }
    for (TensorDesc& d : m_prog.tensors) {
      if (d.isView()) d.baseAddr = m_prog.tensors[d.viewParent].baseAddr;
      if (d.flatOf >= 0) d.baseAddr = m_prog.tensors[d.flatOf].baseAddr;
    }
    m_prog.ddrBytes = gradEnd;
    if (m_in.ddrCapacityBytes > 0 && gradEnd > m_in.ddrCapacityBytes)
      throw UserError("workload " + m_net.name + " (batch " + std::to_string(m_net.batch) + ") needs " +
                      std::to_string(gradEnd) + " bytes of DDR for its tensors; the board has " +
                      std::to_string(m_in.ddrCapacityBytes));
  }

  const Scheduler& m_sched;
  const SchedulerInputs& m_in;
  const workload::Network& m_net;
  Program m_prog;
  int m_image = -1;
  std::vector<std::vector<int>> m_consumers;
  std::vector<int> m_act, m_weights, m_grad;
  std::vector<std::vector<int>> m_contribs;
  std::vector<bool> m_transient;
  std::vector<int> m_firstUse, m_lastUse;
};

}  // namespace

Scheduler::Scheduler(const SchedulerInputs& in) : m_in(in) {
  FTSIM_ASSERT(in.accel && in.host && in.net, "scheduler inputs incomplete");
}

Program Scheduler::build() const { return ProgramBuilder(*this, m_in).build(); }

StepCostParams Scheduler::stepCostParams() const {
  StepCostParams p;
  p.tstartCycles = m_in.accel->dma.startCycles;
  p.dmaWordsPerCycle = m_in.accel->dma.wordsPerCycle(m_in.accel->wordBits);
  return p;
}

MacProblem Scheduler::macProblem(const Layer& l, Phase ph, int batch) {
  MacProblem m;
  if (l.type == LayerType::Fc) {
    const int f = static_cast<int>(l.in.elements());
    m.batchAsWidth = true;
    m.images = 1;
    m.outH = m.inH = 1;
    m.outW = m.inW = batch;
    m.kernel = 1;
    m.stride = 1;
    m.outCh = ph == Phase::BP ? f : l.out.c;
    m.inCh = ph == Phase::BP ? l.out.c : f;
    return m;
  }
  m.kernel = l.kernel;
  m.stride = l.stride;
  m.padTop = l.padTop;
  m.padLeft = l.padLeft;
  m.images = batch;
  if (ph == Phase::BP) {
    m.outCh = l.in.c;
    m.inCh = l.out.c;
    m.outH = l.in.h;
    m.outW = l.in.w;
    m.inH = l.out.h;
    m.inW = l.out.w;
  } else {
    m.outCh = l.out.c;
    m.inCh = l.in.c;
    m.outH = l.out.h;
    m.outW = l.out.w;
    m.inH = l.in.h;
    m.inW = l.in.w;
  }
  if (l.isGrouped()) {
    m.groups = l.groups;
    m.outPerGroup = m.outCh / l.groups;
    m.inPerGroup = m.inCh / l.groups;
  }
  return m;
}

std::int64_t Scheduler::slabSlots(int mOn, int inCh, int kernel) const {
  const auto& w = m_in.accel->buffers.weight;
  const std::int64_t groups = ceilDiv(static_cast<std::uint64_t>(inCh), w.tn);
  // A last Tm group narrower than Tm still takes a whole [Tm][Tn] slot.
  return static_cast<std::int64_t>(ceilDiv(static_cast<std::uint64_t>(mOn), w.tm)) *
         static_cast<std::int64_t>(ceilDiv(groups, w.banks)) *
         static_cast<std::int64_t>(ceilDiv(static_cast<std::uint64_t>(kernel) * kernel, w.kernelWords));
}

namespace {

analytical::Pass passOf(Phase p) {
  switch (p) {
    case Phase::FP: return analytical::Pass::FP;
    case Phase::BP: return analytical::Pass::BP;
    case Phase::WU: return analytical::Pass::WU;
  }
  return analytical::Pass::FP;
}

std::string whereOf(const PhasePlan& plan) { return "layer " + plan.name + " (" + toString(plan.phase) + ")"; }

}  // namespace

bool Scheduler::fitsBuffers(const PhasePlan& plan, int tr, int tc) const {
  const auto& bufs = m_in.accel->buffers;
  return static_cast<std::int64_t>(tr) * tc <= bufs.output.depthWords &&
         inputWindowWords(plan.mac, plan.phase == Phase::BP, tr, tc) <= bufs.input.depthWords;
}

void Scheduler::chooseTiling(const Program& prog, PhasePlan& plan) const {
  const models::TilingConfig& cfg = m_in.accel->tiling;
  MacTiling t = cfg.policy == models::TilingConfig::Policy::EfTrain ? authorsTiling(plan) : simulatedTiling(prog, plan);
  for (const models::TilingPin& pin : cfg.pins)
    if (pin.layer == plan.name && pin.phase == toString(plan.phase)) applyPin(pin, plan, t);
  plan.tiling = t;
}

MacTiling Scheduler::authorsTiling(const PhasePlan& plan) const {
  const auto& acc = *m_in.accel;
  const analytical::EfTrainParams params = analytical::EfTrainParams::fromConfig(acc);
  const analytical::Pass pass = passOf(plan.phase);
  const analytical::ConvShape shape = analytical::shapeOf(m_in.net->layers[plan.layer], pass, m_in.net->batch, params.tm, params.tn);
  const analytical::EfTrainTiling a = analytical::chooseTiling(shape, pass, params, whereOf(plan));
  MacTiling t;
  t.tm = acc.peArray.tm;
  t.tn = acc.peArray.tn;
  t.mOn = a.mOn;
  t.tr = a.tr;
  t.tc = a.tc;
  // The script's bounds are the buffers' (TrTc_bound, TrTc_in_bound); a
  // shape outside its domain must still fit the buffers the simulator models.
  if (!fitsBuffers(plan, t.tr, t.tc))
    throw UserError(whereOf(plan) + ": the authors' tiling Tr=" + std::to_string(t.tr) + ", Tc=" +
                    std::to_string(t.tc) + " does not fit the feature buffers; use accelerator.tiling.policy: "
                    "simulated or pin a tiling (accelerator.tiling.pin)");
  // The slab stays on chip when the script's slot count fits (it packs
  // ⌊K_bound/K⌋² kernels per slot, as the HLS's custom_kb does).
  t.weightsResident = plan.mac.images == 1 || analytical::slabFits(shape, t.mOn, params);
  return t;
}

void Scheduler::applyPin(const models::TilingPin& pin, const PhasePlan& plan, MacTiling& t) const {
  const MacProblem& m = plan.mac;
  const auto bad = [&](const char* key, int v, const std::string& rule) {
    throw ConfigError(pin.loc, pin.keyPath + "." + key, std::to_string(v), rule);
  };
  if (pin.tr > 0) {
    if (pin.tr > m.outH) bad("tr", pin.tr, "must be <= the phase's " + std::to_string(m.outH) + " output rows");
    t.tr = pin.tr;
  }
  if (pin.tc > 0) {
    if (pin.tc > m.outW) bad("tc", pin.tc, "must be <= the phase's " + std::to_string(m.outW) + " output columns");
    t.tc = pin.tc;
  }
  if (pin.mOn > 0) {
    if (pin.mOn % t.tm != 0 && pin.mOn != m.outCh)
      bad("m_on", pin.mOn, "must be a multiple of pe_array.tm (" + std::to_string(t.tm) + ") or the phase's " +
                               std::to_string(m.outCh) + " output channels");
    if (pin.mOn > roundUp(m.outCh, t.tm))
      bad("m_on", pin.mOn, "must be <= the phase's " + std::to_string(m.outCh) + " output channels");
    t.mOn = pin.mOn;
    t.weightsResident = m.images == 1 || slabSlots(t.mOn, slabInputChannels(m, t.tm, t.tn), m.kernel) <= m_in.accel->buffers.weight.slots;
  }
  if (!fitsBuffers(plan, t.tr, t.tc)) {
    const auto& bufs = m_in.accel->buffers;
    const std::string rule = "a " + std::to_string(t.tr) + "x" + std::to_string(t.tc) + " tile needs " +
                             std::to_string(static_cast<std::int64_t>(t.tr) * t.tc) + " output and " +
                             std::to_string(inputWindowWords(m, plan.phase == Phase::BP, t.tr, t.tc)) +
                             " input words per lane; the buffers hold " + std::to_string(bufs.output.depthWords) +
                             " and " + std::to_string(bufs.input.depthWords);
    if (pin.tr > 0) bad("tr", pin.tr, rule);
    bad("tc", pin.tc, rule);
  }
}

MacTiling Scheduler::simulatedTiling(const Program& prog, const PhasePlan& plan) const {
  const MacProblem& m = plan.mac;
  const auto& acc = *m_in.accel;
  const auto& bufs = acc.buffers;
  MacTiling t;
  t.tm = acc.peArray.tm;
  t.tn = acc.peArray.tn;
  const std::string where = whereOf(plan);

  // Weight slab: the largest multiple of Tm that fits.
  const int maxOn = roundUp(m.outCh, t.tm);
  if (m.images == 1) {
    t.mOn = maxOn;  // each weight is used once per batch: nothing to keep
  } else {
    t.mOn = 0;
    for (int on = t.tm; on <= maxOn; on += t.tm)
      if (slabSlots(on, slabInputChannels(m, t.tm, t.tn), m.kernel) <= bufs.weight.slots) t.mOn = on;
    if (t.mOn == 0) {
      if (plan.phase == Phase::WU)
        throw UserError(where + ": the dW slab of one Tm group (" +
                        std::to_string(slabSlots(t.tm, slabInputChannels(m, t.tm, t.tn), m.kernel)) + " slots) exceeds the weight buffer (" +
                        std::to_string(bufs.weight.slots) + " slots per bank); dW must stay on chip for the batch");
      if (ceilDiv(static_cast<std::uint64_t>(m.kernel) * m.kernel, bufs.weight.kernelWords) >
          static_cast<std::uint64_t>(bufs.weight.slots))
        throw UserError(where + ": one " + std::to_string(m.kernel) + "x" + std::to_string(m.kernel) +
                        " weight tile does not fit the weight buffer");
      t.mOn = maxOn;
      t.weightsResident = false;
    }
  }

  // Row strips and column tiles under the feature-buffer bounds.
  const bool bp = plan.phase == Phase::BP;
  int tc = m.outW;
  while (tc > 0 && !fitsBuffers(plan, 1, tc)) --tc;
  if (tc == 0)
    throw UserError(where + ": even a 1x1 output tile needs " + std::to_string(inputWindowWords(m, bp, 1, 1)) +
                    " input words per lane, more than the input buffer's " +
                    std::to_string(bufs.input.depthWords) + " words per lane");
  t.tc = tc;

  // Least cost of the simulator's steps; the batch is extrapolated from one
  // and two images (every image after the first costs the same).
  const StepCostModel model(stepCostParams());
  // Reused across calls: a phase can have tens of thousands of steps.
  static thread_local std::vector<Step> steps;
  const auto modelled = [&](int tr) {
    PhasePlan trial = plan;
    trial.tiling = t;
    trial.tiling.tr = tr;
    const int images = m.images;
    if (images <= 2) {
      generateSteps(prog, trial, steps);
      return static_cast<double>(model.estimate(steps).cycles.value());
    }
    trial.mac.images = 1;
    generateSteps(prog, trial, steps);
    const double one = static_cast<double>(model.estimate(steps).cycles.value());
    trial.mac.images = 2;
    generateSteps(prog, trial, steps);
    const double two = static_cast<double>(model.estimate(steps).cycles.value());
    return one + (two - one) * (images - 1);
  };
  // Ties (within 0.1 %) go to the taller strip: fewer transfers, and more
  // slack between compute and loads when the memory is slower than modelled.
  std::vector<double> cost;
  for (int tr = 1; tr <= m.outH && fitsBuffers(plan, tr, tc); ++tr) cost.push_back(modelled(tr));
  const double best = *std::min_element(cost.begin(), cost.end());
  for (std::size_t i = 0; i < cost.size(); ++i)
    if (cost[i] <= best * (1.0 + kTieTolerance)) t.tr = static_cast<int>(i) + 1;
  return t;
}

}  // namespace ftsim::schedule

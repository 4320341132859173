#include "sim/tt/TtProgram.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>

#include "sim/core/Error.h"

namespace ftsim::tt {

using schedule::Phase;
using workload::Layer;
using workload::LayerType;
using workload::Network;

const char* toString(TensorRole r) {
  switch (r) {
    case TensorRole::Input: return "input";
    case TensorRole::Labels: return "labels";
    case TensorRole::Weight: return "weight";
    case TensorRole::WeightGrad: return "weight_grad";
    case TensorRole::OptState: return "optimizer_state";
    case TensorRole::Activation: return "activation";
    case TensorRole::Mask: return "mask";
    case TensorRole::Intermediate: return "intermediate";
    case TensorRole::Gradient: return "gradient";
  }
  return "?";
}

const char* toString(MemoryComponent c) {
  switch (c) {
    case MemoryComponent::Weights: return "weights";
    case MemoryComponent::WeightGradients: return "weight_gradients";
    case MemoryComponent::OptimizerState: return "optimizer_state";
    case MemoryComponent::Activations: return "activations";
    case MemoryComponent::ContractionIntermediates: return "contraction_intermediates";
    case MemoryComponent::BackwardBuffers: return "backward_buffers";
  }
  return "?";
}

MemoryComponent componentOf(TensorRole r) {
  switch (r) {
    case TensorRole::Weight: return MemoryComponent::Weights;
    case TensorRole::WeightGrad: return MemoryComponent::WeightGradients;
    case TensorRole::OptState: return MemoryComponent::OptimizerState;
    case TensorRole::Intermediate: return MemoryComponent::ContractionIntermediates;
    case TensorRole::Gradient: return MemoryComponent::BackwardBuffers;
    default: return MemoryComponent::Activations;
  }
}

const char* toString(OpKind k) {
  switch (k) {
    case OpKind::LoadInput: return "load_input";
    case OpKind::Contract: return "contract";
    case OpKind::Relu: return "relu";
    case OpKind::ReluGrad: return "relu_grad";
    case OpKind::Gelu: return "gelu";
    case OpKind::GeluGrad: return "gelu_grad";
    case OpKind::LayerNorm: return "layernorm";
    case OpKind::LayerNormGrad: return "layernorm_grad";
    case OpKind::Softmax: return "softmax";
    case OpKind::SoftmaxGrad: return "softmax_grad";
    case OpKind::Add: return "add";
    case OpKind::Loss: return "loss";
    case OpKind::Gather: return "gather";
    case OpKind::ScatterAdd: return "scatter_add";
    case OpKind::Update: return "update";
  }
  return "?";
}

std::uint64_t TtProgram::flops() const {
  std::uint64_t f = 0;
  for (const auto& op : ops) f += op.flops;
  return f;
}

TtMatrix effectiveMatrix(const Layer& l, const ProgramOptions& opts) {
  TtMatrix t;
  if (l.type == LayerType::Fc) {
    t = TtMatrix::dense(static_cast<std::uint64_t>(l.out.c), l.in.elements());
  } else {
    t = opts.maxRank > 0 ? l.tt.withMaxRank(opts.maxRank) : l.tt;
    if (opts.dense) t = TtMatrix::dense(t.rows(), t.cols());
  }
  return t;
}

namespace {

/// Legs of one layer; legs of extent 1 are left out (they carry nothing).
struct LegTable {
  std::vector<PlanLeg> legs;
  int add(const std::string& name, std::uint64_t dim) {
    if (dim <= 1) return -1;
    legs.push_back(PlanLeg{name, static_cast<std::uint32_t>(dim)});
    return static_cast<int>(legs.size()) - 1;
  }
  std::vector<std::uint32_t> dims() const {
    std::vector<std::uint32_t> d;
    for (const auto& l : legs) d.push_back(l.dim);
    return d;
  }
};

LegMask bit(int leg) { return leg < 0 ? 0 : (1ULL << leg); }

std::vector<int> legsOf(LegMask m) {
  std::vector<int> v;
  for (int l = 0; l < 64; ++l)
    if (m >> l & 1) v.push_back(l);
  return v;
}

/// A tensor-train layer's planning state, kept from its forward to its backward pass.
struct TtLayerState {
  std::unique_ptr<ContractionPlanner> planner;
  LegTable legs;
  TtMatrix matrix;
  bool embedding = false;
  int fpNetwork = -1;
  int dyLeaf = -1;
  std::vector<int> weights;           ///< weight tensors, one per core
  std::vector<int> sliceTensors;      ///< embedding: gathered core slices
  std::map<int, int> nodeTensor;      ///< planner node → program tensor
  LegMask outLegs = 0, inLegs = 0;    ///< (b, i…) and (b, j…)
  std::vector<LegMask> coreLegs;
  std::vector<int> treeLeaves;        ///< leaves of the forward network
};

class Builder {
 public:
  Builder(const Network& net, const ProgramOptions& o) : m_net(net), m_o(o) {}

  TtProgram build() {
    const int n = static_cast<int>(m_net.layers.size());
    m_act.assign(static_cast<std::size_t>(n), -1);
    m_tt.resize(static_cast<std::size_t>(n));
    m_p.layerWeights.resize(static_cast<std::size_t>(n));
    loadInput();
    for (int i = 0; i < n; ++i) forward(i);
    loss();
    for (int i = n - 1; i >= 0; --i) backward(i);
    for (auto& op : m_deferredUpdates) m_p.ops.push_back(std::move(op));
    for (const auto& t : m_p.tensors)
      if (t.role == TensorRole::Weight) m_p.params += t.elements;
    return std::move(m_p);
  }

 private:
  // ---- tensors -----------------------------------------------------------
  int tensor(const std::string& name, TensorRole role, int layer, std::uint64_t elements,
             bool gradientSide = false) {
    ProgTensor t;
    t.name = name;
    t.role = role;
    t.layer = layer;
    t.elements = elements;
    const TtFormats& f = m_o.formats;
    switch (role) {
      case TensorRole::Weight: t.format = f.weights; break;
      case TensorRole::WeightGrad:
      case TensorRole::Gradient: t.format = f.gradients; break;
      case TensorRole::OptState: t.format = f.optimizerState; break;
      case TensorRole::Intermediate: t.format = gradientSide ? f.gradients : f.activations; break;
      case TensorRole::Labels: t.format = kernels::NumberFormat::fp32(); break;  // int32 class ids
      default: t.format = f.activations;
    }
    t.bytes = role == TensorRole::Mask ? (elements + 7) / 8 : t.format.bytesFor(elements);
    m_p.tensors.push_back(t);
    return static_cast<int>(m_p.tensors.size()) - 1;
  }

  int rows(const Layer& l) const {
    return l.perPosition ? m_net.batch * l.in.h * l.in.w : m_net.batch;
  }
  int actOf(int producer) const { return producer < 0 ? m_p.inputTensor : m_act[producer]; }

  ProgOp& op(OpKind kind, int layer, Phase phase, const std::string& label) {
    ProgOp o;
    o.kind = kind;
    o.layer = layer;
    o.phase = phase;
    o.label = label;
    m_p.ops.push_back(std::move(o));
    return m_p.ops.back();
  }

  ProgOp& vectorOp(OpKind kind, int layer, Phase phase, const std::string& label, std::vector<int> reads,
                   std::vector<int> writes, std::uint64_t elements, int passes) {
    ProgOp& o = op(kind, layer, phase, label);
    o.reads = std::move(reads);
    o.writes = std::move(writes);
    o.elements = elements;
    o.passes = passes;
    return o;
  }

  void contract(int layer, Phase phase, const std::string& label, const LegTable& legs, Operand a, Operand b,
                Operand c) {
    ProgOp& o = op(OpKind::Contract, layer, phase, label);
    LegMask ma = 0, mb = 0, mc = 0;
    for (int l : a.legs) ma |= bit(l);
    for (int l : b.legs) mb |= bit(l);
    for (int l : c.legs) mc |= bit(l);
    o.gemm = gemmShapeOf(legs.legs, ma, mb, mc);
    o.flops = o.gemm.flops();
    o.legDims = legs.dims();
    o.reads = {a.tensor, b.tensor};
    o.writes = {c.tensor};
    o.a = std::move(a);
    o.b = std::move(b);
    o.c = std::move(c);
  }

  // ---- gradients -----------------------------------------------------------
  void contribute(int act, int grad) { m_contrib[act].push_back(grad); }

  int gradFor(int act, int layer) {
    auto& c = m_contrib[act];
    FTSIM_ASSERT(!c.empty(), "no gradient reaches " + m_p.tensors[act].name);
    if (c.size() > 1) {
      const int g = tensor("d" + m_p.tensors[act].name, TensorRole::Gradient, layer, m_p.tensors[act].elements);
      vectorOp(OpKind::Add, layer, Phase::BP, "sum of gradients of " + m_p.tensors[act].name, c, {g},
               m_p.tensors[act].elements, static_cast<int>(c.size()) - 1);
      c = {g};
    }
    return c[0];
  }

  int inputGradTensor(const Layer& l, int layer) {
    const int x = actOf(l.inputs[0]);
    const int g = tensor("d" + m_p.tensors[x].name + "@" + l.name, TensorRole::Gradient, layer,
                         m_p.tensors[x].elements);
    contribute(x, g);
    return g;
  }

  void update(int layer, int weight, int grad) {
    ProgOp o;
    o.kind = OpKind::Update;
    o.layer = layer;
    o.phase = Phase::WU;
    o.label = "update " + m_p.tensors[weight].name;
    o.reads = {weight, grad};
    o.writes = {weight};
    if (m_o.optimizer == Optimizer::Adam) {
      const auto e = m_p.tensors[weight].elements;
      const int mom = tensor(m_p.tensors[weight].name + ".m", TensorRole::OptState, layer, e);
      const int var = tensor(m_p.tensors[weight].name + ".v", TensorRole::OptState, layer, e);
      o.reads.push_back(mom);
      o.reads.push_back(var);
      o.writes.push_back(mom);
      o.writes.push_back(var);
    }
    o.elements = m_p.tensors[weight].elements;
    o.passes = 1;
    m_p.layerWeights[static_cast<std::size_t>(layer)].push_back(weight);
    m_p.layerWeights[static_cast<std::size_t>(layer)].push_back(grad);
    if (m_o.dense) m_deferredUpdates.push_back(std::move(o));
    else m_p.ops.push_back(std::move(o));
  }

  // ---- input and loss --------------------------------------------------------
  void loadInput() {
    bool tokens = false;
    for (const Layer& l : m_net.layers)
      if (l.type == LayerType::TtEmbedding) tokens = true;
    const std::uint64_t inElems = static_cast<std::uint64_t>(m_net.batch) * m_net.input.elements();
    m_p.inputTensor = tensor("input", TensorRole::Input, -1, inElems);
    if (tokens) {  // token ids are 32-bit integers
      m_p.tensors[m_p.inputTensor].format = kernels::NumberFormat::fp32();
      m_p.tensors[m_p.inputTensor].bytes = 4 * inElems;
    }
    const Layer& last = m_net.layers.back();
    const std::uint64_t labels = static_cast<std::uint64_t>(m_net.batch) * last.out.h * last.out.w;
    m_p.labelsTensor = tensor("labels", TensorRole::Labels, -1, labels);
    m_p.batchRows = static_cast<int>(labels);
    ProgOp& o = op(OpKind::LoadInput, -1, Phase::FP, "input batch");
    o.writes = {m_p.inputTensor, m_p.labelsTensor};
    o.bytes = m_p.tensors[m_p.inputTensor].bytes + m_p.tensors[m_p.labelsTensor].bytes;
  }

  void loss() {
    const int last = static_cast<int>(m_net.layers.size()) - 1;
    const int y = m_act[last];
    const int g = tensor("d" + m_p.tensors[y].name, TensorRole::Gradient, -1, m_p.tensors[y].elements);
    vectorOp(OpKind::Loss, -1, Phase::FP, "softmax_loss", {y, m_p.labelsTensor}, {g}, m_p.tensors[y].elements, 3);
    contribute(y, g);
  }

  // ---- forward ---------------------------------------------------------------
  void forward(int i) {
    const Layer& l = m_net.layers[static_cast<std::size_t>(i)];
    const int x = actOf(l.inputs[0]);
    const std::uint64_t outElems = static_cast<std::uint64_t>(m_net.batch) * l.out.elements();
    switch (l.type) {
      case LayerType::Fc:
      case LayerType::TtLinear:
        ttForward(i, false);
        return;
      case LayerType::TtEmbedding:
        if (m_o.dense) {
          const TtMatrix t = effectiveMatrix(l, m_o);
          const int w = tensor(l.name + ".W", TensorRole::Weight, i, t.rows() * t.cols());
          m_tt[i].weights = {w};
          m_act[i] = tensor(l.name, TensorRole::Activation, i, outElems);
          vectorOp(OpKind::Gather, i, Phase::FP, "gather rows of " + l.name, {w, x}, {m_act[i]}, outElems, 1);
        } else {
          ttForward(i, true);
        }
        return;
      case LayerType::Relu: {
        m_act[i] = tensor(l.name, TensorRole::Activation, i, outElems);
        std::vector<int> writes{m_act[i]};
        if (!m_o.dense && l.needsInputGrad) {
          m_mask[i] = tensor(l.name + ".mask", TensorRole::Mask, i, outElems);
          writes.push_back(m_mask[i]);
        }
        vectorOp(OpKind::Relu, i, Phase::FP, l.name, {x}, writes, outElems, 1);
        return;
      }
      case LayerType::Gelu:
        m_act[i] = tensor(l.name, TensorRole::Activation, i, outElems);
        vectorOp(OpKind::Gelu, i, Phase::FP, l.name, {x}, {m_act[i]}, outElems, 1);
        return;
      case LayerType::LayerNorm: {
        const auto c = static_cast<std::uint64_t>(l.in.c);
        const int gamma = tensor(l.name + ".gamma", TensorRole::Weight, i, c);
        const int beta = tensor(l.name + ".beta", TensorRole::Weight, i, c);
        m_tt[i].weights = {gamma, beta};
        m_act[i] = tensor(l.name, TensorRole::Activation, i, outElems);
        // Mean and 1/σ per row (each position of each image: the norm is over
        // the channels), fp32, kept for the backward pass.
        const std::uint64_t normRows = static_cast<std::uint64_t>(m_net.batch) * l.in.h * l.in.w;
        const int stats = tensor(l.name + ".stats", TensorRole::Activation, i, 2 * normRows);
        m_p.tensors[stats].format = kernels::NumberFormat::fp32();
        m_p.tensors[stats].bytes = 8 * normRows;
        m_stats[i] = stats;
        vectorOp(OpKind::LayerNorm, i, Phase::FP, l.name, {x, gamma, beta}, {m_act[i], stats}, outElems, 3)
            .rowElements = c;
        return;
      }
      case LayerType::Add: {
        m_act[i] = tensor(l.name, TensorRole::Activation, i, outElems);
        std::vector<int> reads;
        for (int p : l.inputs) reads.push_back(actOf(p));
        vectorOp(OpKind::Add, i, Phase::FP, l.name, reads, {m_act[i]}, outElems,
                 static_cast<int>(l.inputs.size()) - 1);
        return;
      }
      case LayerType::Attention:
        attentionForward(i);
        return;
      default:
        throw UserError("layer " + l.name + ": a " + workload::toString(l.type) +
                        " layer does not run on the TT engine (it runs tt_linear, tt_embedding, fc, relu, gelu, "
                        "layernorm, add and attention layers)");
    }
  }

  void ttForward(int i, bool embedding) {
    const Layer& l = m_net.layers[static_cast<std::size_t>(i)];
    TtLayerState& st = m_tt[static_cast<std::size_t>(i)];
    st.embedding = embedding;
    st.matrix = effectiveMatrix(l, m_o);
    const TtMatrix& t = st.matrix;
    const int d = t.cores();
    const int b = st.legs.add("b", static_cast<std::uint64_t>(rows(l)));
    std::vector<int> iLeg(d), jLeg(d), aLeg(d, -1);
    for (int k = 0; k < d; ++k) {
      iLeg[k] = st.legs.add("i" + std::to_string(k + 1), static_cast<std::uint64_t>(t.outModes[k]));
      jLeg[k] = embedding ? -1 : st.legs.add("j" + std::to_string(k + 1), static_cast<std::uint64_t>(t.inModes[k]));
      if (k + 1 < d) aLeg[k] = st.legs.add("r" + std::to_string(k + 1), static_cast<std::uint64_t>(t.ranks[k + 1]));
    }
    st.outLegs = bit(b);
    st.inLegs = bit(b);
    for (int k = 0; k < d; ++k) {
      st.outLegs |= bit(iLeg[k]);
      st.inLegs |= bit(jLeg[k]);
      LegMask core = bit(iLeg[k]) | bit(jLeg[k]) | bit(aLeg[k]) | (k > 0 ? bit(aLeg[k - 1]) : 0);
      // An embedding's gathered slice carries the row leg instead of the vocabulary leg.
      if (embedding) core |= bit(b);
      st.coreLegs.push_back(core);
    }
    std::vector<PlanLeaf> leaves;
    leaves.push_back(PlanLeaf{"X", st.inLegs});
    leaves.push_back(PlanLeaf{"dY", st.outLegs});
    for (int k = 0; k < d; ++k)
      leaves.push_back(PlanLeaf{(embedding ? "S" : "G") + std::to_string(k + 1), st.coreLegs[k]});
    st.dyLeaf = 1;
    st.planner = std::make_unique<ContractionPlanner>(st.legs.legs, leaves, m_o.cost, m_o.memoryFirst);

    const int x = actOf(l.inputs[0]);
    for (int k = 0; k < d; ++k)
      st.weights.push_back(tensor(l.name + ".G" + std::to_string(k + 1), TensorRole::Weight, i, t.coreElements(k)));
    if (embedding) {
      for (int k = 0; k < d; ++k) {
        const std::uint64_t e = static_cast<std::uint64_t>(rows(l)) * t.ranks[k] * t.outModes[k] * t.ranks[k + 1];
        const int s = tensor(l.name + ".S" + std::to_string(k + 1), TensorRole::Intermediate, i, e);
        st.sliceTensors.push_back(s);
        vectorOp(OpKind::Gather, i, Phase::FP, "gather " + m_p.tensors[s].name, {st.weights[k], x}, {s}, e, 1).core = k;
        st.nodeTensor[2 + k] = s;
      }
    } else {
      st.nodeTensor[0] = x;
      for (int k = 0; k < d; ++k) st.nodeTensor[2 + k] = st.weights[k];
    }
    if (!embedding) st.treeLeaves.push_back(0);
    for (int k = 0; k < d; ++k) st.treeLeaves.push_back(2 + k);
    m_act[i] = tensor(l.name, TensorRole::Activation, i, static_cast<std::uint64_t>(m_net.batch) * l.out.elements());
    st.fpNetwork = st.planner->plan("forward", st.treeLeaves, st.outLegs, [](int) { return true; });
    emitNetwork(i, st, st.fpNetwork, Phase::FP, m_act[i]);

    LayerPlanReport rep;
    rep.layer = i;
    rep.name = l.name;
    rep.shape = (l.type == LayerType::Fc || m_o.dense) ? "dense " + std::to_string(t.rows()) + "x" +
                                                             std::to_string(t.cols())
                                                       : t.describe();
    rep.params = t.paramCount();
    rep.matrix = t;
    m_planIndex[i] = static_cast<int>(m_p.plans.size());
    m_p.plans.push_back(rep);
  }

  /// Emit the contractions of planner network `net`; its result goes to `result`.
  void emitNetwork(int layer, TtLayerState& st, int net, Phase phase, int result) {
    const ContractionPlanner& pl = *st.planner;
    const PlannedNetwork& pn = pl.networks()[static_cast<std::size_t>(net)];
    for (int r : pn.reused) {
      const int t = st.nodeTensor.at(r);
      if (pl.nodes()[static_cast<std::size_t>(r)].network == st.fpNetwork && net != st.fpNetwork)
        m_p.tensors[t].keptForBackward = true;
    }
    const std::string& lname = m_net.layers[static_cast<std::size_t>(layer)].name;
    for (int s : pn.steps) {
      const PlanStep& step = pl.steps()[static_cast<std::size_t>(s)];
      const PlanNode& out = pl.nodes()[static_cast<std::size_t>(step.out)];
      int t;
      if (step.out == pn.result) {
        t = result;
      } else {
        const bool gradSide = (out.leaves >> st.dyLeaf) & 1;
        t = tensor(lname + "." + out.expr, TensorRole::Intermediate, layer, out.elements, gradSide);
      }
      st.nodeTensor[step.out] = t;
      auto operand = [&](int node) {
        return Operand{st.nodeTensor.at(node), legsOf(pl.nodes()[static_cast<std::size_t>(node)].legs)};
      };
      contract(layer, phase, lname + " " + out.expr, st.legs, operand(step.lhs), operand(step.rhs),
               Operand{t, legsOf(out.legs)});
    }
  }

  void attentionForward(int i) {
    const Layer& l = m_net.layers[static_cast<std::size_t>(i)];
    TtLayerState& st = m_tt[static_cast<std::size_t>(i)];
    const std::uint64_t S = static_cast<std::uint64_t>(l.in.h) * l.in.w;
    const std::uint64_t H = static_cast<std::uint64_t>(l.heads), E = static_cast<std::uint64_t>(l.in.c) / H;
    // Every leg is kept (even of extent 1) so the operand orders below hold.
    auto add = [&](const std::string& n, std::uint64_t dim) {
      st.legs.legs.push_back(PlanLeg{n, static_cast<std::uint32_t>(dim)});
      return static_cast<int>(st.legs.legs.size()) - 1;
    };
    const int bb = add("b", static_cast<std::uint64_t>(m_net.batch)), s = add("s", S), t = add("t", S),
              h = add("h", H), e = add("e", E);
    m_att[i] = {bb, s, t, h, e};
    const int q = actOf(l.inputs[0]), k = actOf(l.inputs[1]), v = actOf(l.inputs[2]);
    const std::uint64_t scoreElems = static_cast<std::uint64_t>(m_net.batch) * H * S * S;
    const int sc = tensor(l.name + ".scores", TensorRole::Intermediate, i, scoreElems);
    const int p = tensor(l.name + ".probs", TensorRole::Activation, i, scoreElems);
    m_probs[i] = p;
    m_act[i] = tensor(l.name, TensorRole::Activation, i, static_cast<std::uint64_t>(m_net.batch) * l.out.elements());
    contract(i, Phase::FP, l.name + " Q·K", st.legs, Operand{q, {bb, s, h, e}}, Operand{k, {bb, t, h, e}},
             Operand{sc, {bb, h, s, t}});
    // The scores are scaled by 1/√E on their way into the softmax (scaled dot-product attention).
    ProgOp& sm = vectorOp(OpKind::Softmax, i, Phase::FP, l.name + " softmax", {sc}, {p}, scoreElems, 3);
    sm.rowElements = S;
    sm.scale = 1.0 / std::sqrt(static_cast<double>(E));
    contract(i, Phase::FP, l.name + " P·V", st.legs, Operand{p, {bb, h, s, t}}, Operand{v, {bb, t, h, e}},
             Operand{m_act[i], {bb, s, h, e}});
  }

  // ---- backward --------------------------------------------------------------
  void backward(int i) {
    const Layer& l = m_net.layers[static_cast<std::size_t>(i)];
    if (!l.hasWeights() && !l.needsInputGrad) return;
    const int y = m_act[static_cast<std::size_t>(i)];
    const int dy = gradFor(y, i);
    const std::uint64_t inElems = static_cast<std::uint64_t>(m_net.batch) * l.in.elements();
    switch (l.type) {
      case LayerType::Fc:
      case LayerType::TtLinear:
        ttBackward(i, dy);
        return;
      case LayerType::TtEmbedding:
        if (m_o.dense) {
          TtLayerState& st = m_tt[static_cast<std::size_t>(i)];
          const int g = tensor(l.name + ".dW", TensorRole::WeightGrad, i, m_p.tensors[st.weights[0]].elements);
          vectorOp(OpKind::ScatterAdd, i, Phase::WU, "scatter " + l.name, {dy, m_p.inputTensor}, {g},
                   m_p.tensors[dy].elements, 1);
          update(i, st.weights[0], g);
        } else {
          ttBackward(i, dy);
        }
        return;
      case LayerType::Relu: {
        const int dx = inputGradTensor(l, i);
        const int keep = m_o.dense ? y : m_mask[i];
        vectorOp(OpKind::ReluGrad, i, Phase::BP, l.name, {dy, keep}, {dx}, inElems, 1);
        return;
      }
      case LayerType::Gelu: {
        const int dx = inputGradTensor(l, i);
        vectorOp(OpKind::GeluGrad, i, Phase::BP, l.name, {dy, actOf(l.inputs[0])}, {dx}, inElems, 1);
        return;
      }
      case LayerType::LayerNorm: {
        const TtLayerState& st = m_tt[static_cast<std::size_t>(i)];
        const int dg = tensor(l.name + ".dgamma", TensorRole::WeightGrad, i, m_p.tensors[st.weights[0]].elements);
        const int db = tensor(l.name + ".dbeta", TensorRole::WeightGrad, i, m_p.tensors[st.weights[1]].elements);
        std::vector<int> writes{dg, db};
        if (l.needsInputGrad) writes.insert(writes.begin(), inputGradTensor(l, i));
        vectorOp(OpKind::LayerNormGrad, i, Phase::BP, l.name, {dy, actOf(l.inputs[0]), st.weights[0], m_stats[i]},
                 writes, inElems, 3)
            .rowElements = static_cast<std::uint64_t>(l.in.c);
        update(i, st.weights[0], dg);
        update(i, st.weights[1], db);
        return;
      }
      case LayerType::Add:
        for (int p : l.inputs) {
          const int x = actOf(p);
          if (p >= 0 && (m_net.layers[static_cast<std::size_t>(p)].hasWeights() ||
                         m_net.layers[static_cast<std::size_t>(p)].needsInputGrad))
            contribute(x, dy);
        }
        return;
      case LayerType::Attention:
        attentionBackward(i, dy);
        return;
      default:
        FTSIM_ASSERT(false, "forward accepted a layer the backward pass cannot run");
    }
  }

  void ttBackward(int i, int dy) {
    const Layer& l = m_net.layers[static_cast<std::size_t>(i)];
    TtLayerState& st = m_tt[static_cast<std::size_t>(i)];
    const int d = st.matrix.cores();
    const bool needDx = l.needsInputGrad && !st.embedding;
    st.nodeTensor[st.dyLeaf] = dy;

    // Networks: the input gradient, then each core's (or slice's) gradient.
    struct Net {
      std::string name;
      std::vector<int> leaves;
      LegMask open;
      bool isDx;
      int core;
    };
    std::vector<Net> dg;
    for (int k = 0; k < d; ++k) {
      Net n{"grad_G" + std::to_string(k + 1), {}, st.coreLegs[k], false, k};
      if (!st.embedding) n.leaves.push_back(0);
      n.leaves.push_back(st.dyLeaf);
      for (int m = 0; m < d; ++m)
        if (m != k) n.leaves.push_back(2 + m);
      dg.push_back(n);
    }
    Net dx{"input_grad", {st.dyLeaf}, st.inLegs, true, -1};
    for (int k = 0; k < d; ++k) dx.leaves.push_back(2 + k);

    // Candidate orders; the least total cost wins (ties: the first).
    std::vector<std::vector<Net>> candidates;
    std::vector<Net> up = dg, down(dg.rbegin(), dg.rend());
    auto with = [&](std::vector<Net> v, bool dxFirst) {
      if (needDx) {
        if (dxFirst) v.insert(v.begin(), dx);
        else v.push_back(dx);
      }
      return v;
    };
    candidates.push_back(with(up, true));
    candidates.push_back(with(down, true));
    if (needDx) {
      candidates.push_back(with(up, false));
      candidates.push_back(with(down, false));
    }
    const int fp = st.fpNetwork;
    const bool reuseFp = m_o.reuseForwardIntermediates;
    auto reuse = [fp, reuseFp](int net) { return net != fp || reuseFp; };
    std::size_t best = 0;
    std::uint64_t bestCost = 0;
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      ContractionPlanner trial = *st.planner;
      const std::uint64_t before = trial.totalCost();
      for (const Net& n : candidates[c]) trial.plan(n.name, n.leaves, n.open, reuse);
      std::uint64_t cost = trial.totalCost() - before;
      if (m_o.memoryFirst) {
        cost = 0;
        for (std::size_t s = 0; s < trial.nodes().size(); ++s)
          if (trial.nodes()[s].network > fp) cost += trial.nodes()[s].elements;
      }
      if (c == 0 || cost < bestCost) {
        best = c;
        bestCost = cost;
      }
    }

    std::vector<int> grads(static_cast<std::size_t>(d), -1);
    for (const Net& n : candidates[best]) {
      const int net = st.planner->plan(n.name, n.leaves, n.open, reuse);
      int result;
      if (n.isDx) {
        result = inputGradTensor(l, i);
      } else if (st.embedding) {
        result = tensor(l.name + ".dS" + std::to_string(n.core + 1), TensorRole::Intermediate, i,
                        st.planner->elementsOf(n.open), true);
      } else {
        result = tensor(l.name + ".dG" + std::to_string(n.core + 1), TensorRole::WeightGrad, i,
                        st.matrix.coreElements(n.core));
        grads[static_cast<std::size_t>(n.core)] = result;
      }
      emitNetwork(i, st, net, n.isDx ? Phase::BP : Phase::WU, result);
      if (st.embedding) {
        const int g = tensor(l.name + ".dG" + std::to_string(n.core + 1), TensorRole::WeightGrad, i,
                             st.matrix.coreElements(n.core));
        grads[static_cast<std::size_t>(n.core)] = g;
        vectorOp(OpKind::ScatterAdd, i, Phase::WU, "scatter " + m_p.tensors[result].name,
                 {result, m_p.inputTensor}, {g}, m_p.tensors[result].elements, 1)
            .core = n.core;
      }
    }
    for (int k = 0; k < d; ++k) update(i, st.weights[static_cast<std::size_t>(k)], grads[static_cast<std::size_t>(k)]);
    report(i, st);
  }

  void report(int i, const TtLayerState& st) {
    LayerPlanReport& rep = m_p.plans[static_cast<std::size_t>(m_planIndex.at(i))];
    const ContractionPlanner& pl = *st.planner;
    for (const PlannedNetwork& pn : pl.networks()) {
      NetworkReport nr;
      nr.name = pn.name;
      nr.order = pl.nodes()[static_cast<std::size_t>(pn.result)].expr;
      nr.flops = pn.flops;
      nr.cost = pn.cost;
      for (int s : pn.steps) {
        const PlanStep& step = pl.steps()[static_cast<std::size_t>(s)];
        const PlanNode& out = pl.nodes()[static_cast<std::size_t>(step.out)];
        const int t = st.nodeTensor.at(step.out);
        nr.steps.push_back(NetworkReport::Step{out.expr, step.gemm, out.elements, m_p.tensors[t].bytes});
      }
      for (int r : pn.reused) nr.reused.push_back(pl.nodes()[static_cast<std::size_t>(r)].expr);
      rep.networks.push_back(nr);
    }
    for (const auto& [node, t] : st.nodeTensor)
      if (m_p.tensors[t].keptForBackward) rep.keptForBackwardBytes += m_p.tensors[t].bytes;
  }

  void attentionBackward(int i, int dO) {
    const Layer& l = m_net.layers[static_cast<std::size_t>(i)];
    TtLayerState& st = m_tt[static_cast<std::size_t>(i)];
    const auto [bb, s, t, h, e] = m_att.at(i);
    const int q = actOf(l.inputs[0]), k = actOf(l.inputs[1]), v = actOf(l.inputs[2]);
    const int p = m_probs.at(i);
    const std::uint64_t scoreElems = m_p.tensors[p].elements;
    const int dP = tensor(l.name + ".dprobs", TensorRole::Intermediate, i, scoreElems, true);
    const int dS = tensor(l.name + ".dscores", TensorRole::Intermediate, i, scoreElems, true);
    auto inGrad = [&](int which) {
      const int x = actOf(l.inputs[static_cast<std::size_t>(which)]);
      const int g = tensor("d" + m_p.tensors[x].name + "@" + l.name, TensorRole::Gradient, i, m_p.tensors[x].elements);
      contribute(x, g);
      return g;
    };
    contract(i, Phase::BP, l.name + " dO·V", st.legs, Operand{dO, {bb, s, h, e}}, Operand{v, {bb, t, h, e}},
             Operand{dP, {bb, h, s, t}});
    contract(i, Phase::BP, l.name + " P·dO", st.legs, Operand{p, {bb, h, s, t}}, Operand{dO, {bb, s, h, e}},
             Operand{inGrad(2), {bb, t, h, e}});
    ProgOp& smg = vectorOp(OpKind::SoftmaxGrad, i, Phase::BP, l.name + " softmax_grad", {p, dP}, {dS}, scoreElems, 2);
    smg.rowElements = static_cast<std::uint64_t>(l.in.h) * l.in.w;
    smg.scale = 1.0 / std::sqrt(static_cast<double>(l.in.c / l.heads));
    contract(i, Phase::BP, l.name + " dS·K", st.legs, Operand{dS, {bb, h, s, t}}, Operand{k, {bb, t, h, e}},
             Operand{inGrad(0), {bb, s, h, e}});
    contract(i, Phase::BP, l.name + " dS·Q", st.legs, Operand{dS, {bb, h, s, t}}, Operand{q, {bb, s, h, e}},
             Operand{inGrad(1), {bb, t, h, e}});
  }

  const Network& m_net;
  const ProgramOptions& m_o;
  TtProgram m_p;
  std::vector<int> m_act;
  std::vector<TtLayerState> m_tt;
  std::map<int, int> m_mask, m_stats, m_probs, m_planIndex;
  std::map<int, std::array<int, 5>> m_att;
  std::map<int, std::vector<int>> m_contrib;
  std::vector<ProgOp> m_deferredUpdates;
};

}  // namespace

TtProgram buildProgram(const Network& net, const ProgramOptions& opts) {
  FTSIM_ASSERT(static_cast<bool>(opts.cost), "buildProgram needs a cost function");
  return Builder(net, opts).build();
}

}  // namespace ftsim::tt

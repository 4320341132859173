#include "models/tt_engine/TtDatapath.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "models/tt_engine/Quantizer.h"
#include "sim/core/Error.h"
#include "sim/core/SplitMix.h"

namespace ftsim::models {

using kernels::NumberFormat;
using tt::OpKind;
using tt::TensorRole;

namespace {

/// Uniform in [0, 1) from 53 random bits of splitmix64.
double uniform(SplitMix& rng) { return static_cast<double>(rng.next() >> 11) * (1.0 / 9007199254740992.0); }

}  // namespace

TtDatapath::TtDatapath(const tt::TtProgram& program, const TtEngineConfig& cfg, std::uint64_t seed, Kernel kernel)
    : m_p(program), m_cfg(cfg), m_kernel(kernel), m_rng(seed, cfg.roundingLanes) {
  m_data.resize(m_p.tensors.size());
  for (std::size_t t = 0; t < m_p.tensors.size(); ++t) m_data[t].assign(m_p.tensors[t].elements, 0.0f);
  m_tables.resize(m_p.ops.size());
  for (std::size_t i = 0; i < m_p.ops.size(); ++i)
    if (m_p.ops[i].kind == OpKind::Update) m_lastUpdate = i;
}

std::vector<float>& TtDatapath::out(int id) { return m_data[static_cast<std::size_t>(id)]; }

void TtDatapath::round(std::vector<std::int64_t>& acc, int id) {
  const tt::ProgTensor& t = m_p.tensors[static_cast<std::size_t>(id)];
  kernels::quantizeAcc(acc.data(), acc.size(), t.format, m_cfg.rounding, m_rng, out(id).data());
}

void TtDatapath::initWeights(std::uint64_t seed) {
  SplitMix rng{seed ^ 0x5EED5EED5EEDull};
  kernels::LaneRandom nearest(seed, 1);
  std::vector<float> v;
  for (std::size_t layer = 0; layer < m_p.layerWeights.size(); ++layer) {
    const auto& wl = m_p.layerWeights[layer];  // (weight, gradient) pairs
    if (wl.empty()) continue;
    // TT cores: Var(W) = Π Var(G_k) · Π inner ranks; equal core variances
    // with Var(W) = 2/N (He). Other weights (layer norm): γ = 1, β = 0.
    double coreVar = 0;
    for (const tt::LayerPlanReport& rep : m_p.plans) {
      if (rep.layer != static_cast<int>(layer)) continue;
      const tt::TtMatrix& t = rep.matrix;
      double inner = 1;
      for (int k = 1; k < t.cores(); ++k) inner *= t.ranks[static_cast<std::size_t>(k)];
      coreVar = std::pow(2.0 / static_cast<double>(t.cols()) / inner, 1.0 / t.cores());
    }
    const double a = std::sqrt(3.0 * coreVar);
    for (std::size_t i = 0; i < wl.size(); i += 2) {
      const int c = wl[i];
      const tt::ProgTensor& t = m_p.tensors[static_cast<std::size_t>(c)];
      v.resize(t.elements);
      const bool gamma = t.name.size() > 6 && t.name.compare(t.name.size() - 6, 6, ".gamma") == 0;
      for (auto& x : v) x = coreVar > 0 ? static_cast<float>((2.0 * uniform(rng) - 1.0) * a) : (gamma ? 1.0f : 0.0f);
      kernels::quantizeValues(v.data(), v.size(), t.format, kernels::Rounding::NearestEven, nearest, out(c).data());
    }
  }
}

void TtDatapath::synthesizeBatch(std::uint64_t seed, int classes) {
  SplitMix rng{seed ^ 0xBA7C4ull};
  std::vector<float> x(m_p.tensors[static_cast<std::size_t>(m_p.inputTensor)].elements);
  for (auto& v : x) v = static_cast<float>(uniform(rng));
  std::vector<int> labels(m_p.tensors[static_cast<std::size_t>(m_p.labelsTensor)].elements);
  for (auto& l : labels) l = static_cast<int>(rng.next() % static_cast<std::uint64_t>(classes));
  setBatch(x, labels);
}

void TtDatapath::setBatch(const std::vector<float>& input, const std::vector<int>& labels) {
  FTSIM_ASSERT(input.size() == m_p.tensors[static_cast<std::size_t>(m_p.inputTensor)].elements, "input size");
  FTSIM_ASSERT(labels.size() == m_p.tensors[static_cast<std::size_t>(m_p.labelsTensor)].elements, "labels size");
  m_batchInput = input;
  m_batchLabels = labels;
}

void TtDatapath::runStep() {
  for (std::size_t i = 0; i < m_p.ops.size(); ++i) execute(i);
}

void TtDatapath::execute(std::size_t index) {
  const tt::ProgOp& op = m_p.ops[index];
  switch (op.kind) {
    case OpKind::LoadInput: {
      // The host quantizes the batch into the activation format before the DMA moves it.
      const tt::ProgTensor& in = m_p.tensors[static_cast<std::size_t>(m_p.inputTensor)];
      kernels::LaneRandom host(0, 1);
      kernels::quantizeValues(m_batchInput.data(), m_batchInput.size(), in.format, kernels::Rounding::NearestEven,
                              host, out(m_p.inputTensor).data());
      auto& lab = out(m_p.labelsTensor);
      for (std::size_t i = 0; i < lab.size(); ++i) lab[i] = static_cast<float>(m_batchLabels[i]);
      return;
    }
    case OpKind::Contract:
      contract(op, index);
      return;
    case OpKind::Relu: {
      const auto& x = m_data[static_cast<std::size_t>(op.reads[0])];
      auto& y = out(op.writes[0]);
      for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
      if (op.writes.size() > 1) {
        auto& mask = out(op.writes[1]);
        for (std::size_t i = 0; i < x.size(); ++i) mask[i] = x[i] > 0.0f ? 1.0f : 0.0f;
      }
      return;
    }
    case OpKind::ReluGrad: {
      const auto& dy = m_data[static_cast<std::size_t>(op.reads[0])];
      const auto& keep = m_data[static_cast<std::size_t>(op.reads[1])];
      auto& dx = out(op.writes[0]);
      for (std::size_t i = 0; i < dy.size(); ++i) dx[i] = keep[i] > 0.0f ? dy[i] : 0.0f;
      return;
    }
    case OpKind::Loss:
      loss(op);
      return;
    case OpKind::Update:
      update(op);
      return;
    case OpKind::Add:
      add(op);
      return;
    default:
      FTSIM_ASSERT(false, std::string("functional mode does not compute ") + tt::toString(op.kind) +
                              " (the design loader refuses it)");
  }
}

void TtDatapath::contract(const tt::ProgOp& op, std::size_t index) {
  kernels::LegContraction lc;
  auto strides = [&](const tt::Operand& o, int leg, std::uint64_t& stride) {
    std::uint64_t s = 1;
    for (int i = static_cast<int>(o.legs.size()) - 1; i >= 0; --i) {
      if (o.legs[static_cast<std::size_t>(i)] == leg) {
        stride = s;
        return true;
      }
      s *= op.legDims[static_cast<std::size_t>(o.legs[static_cast<std::size_t>(i)])];
    }
    return false;
  };
  for (std::size_t leg = 0; leg < op.legDims.size(); ++leg) {
    std::uint64_t sa = 0, sb = 0, sc = 0;
    const bool a = strides(op.a, static_cast<int>(leg), sa);
    const bool b = strides(op.b, static_cast<int>(leg), sb);
    const bool c = strides(op.c, static_cast<int>(leg), sc);
    if (a || b || c) lc.add(op.legDims[leg], a, sa, b, sb, c, sc);
  }
  const auto& A = m_data[static_cast<std::size_t>(op.a.tensor)];
  const auto& B = m_data[static_cast<std::size_t>(op.b.tensor)];
  auto& C = out(op.c.tensor);
  const bool isFloat = m_cfg.floatDatapath();
  if (m_kernel == Kernel::Naive) {
    if (isFloat) {
      m_accDouble.resize(C.size());
      kernels::contractNaive(lc, A.data(), B.data(), C.size(), m_accDouble.data(), nullptr);
      for (std::size_t i = 0; i < C.size(); ++i) C[i] = static_cast<float>(m_accDouble[i]);
    } else {
      m_acc.resize(C.size());
      kernels::contractNaive(lc, A.data(), B.data(), C.size(), nullptr, m_acc.data());
      round(m_acc, op.c.tensor);
    }
    return;
  }
  if (!m_tables[index]) m_tables[index] = std::make_unique<kernels::GemmTables>(kernels::GemmTables::build(lc));
  const kernels::GemmView v = kernels::GemmView::of(*m_tables[index]);
  if (isFloat) {
    kernels::gemmTiledFloat(m_cfg.peArray.rows, m_cfg.peArray.depth, v, A.data(), B.data(), C.data());
  } else {
    m_acc.resize(C.size());
    kernels::gemmTiledInt(m_cfg.peArray.rows, m_cfg.peArray.depth, v, A.data(), B.data(), m_acc.data());
    round(m_acc, op.c.tensor);
  }
}

void TtDatapath::loss(const tt::ProgOp& op) {
  const auto& y = m_data[static_cast<std::size_t>(op.reads[0])];
  const auto& labels = m_data[static_cast<std::size_t>(op.reads[1])];
  const std::size_t rows = labels.size();
  const std::size_t classes = y.size() / rows;
  std::vector<float> g(y.size());
  double total = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    double mx = y[r * classes];
    for (std::size_t c = 1; c < classes; ++c) mx = std::max(mx, static_cast<double>(y[r * classes + c]));
    double sum = 0;
    for (std::size_t c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(y[r * classes + c]) - mx);
    const auto label = static_cast<std::size_t>(labels[r]);
    total += -(static_cast<double>(y[r * classes + label]) - mx - std::log(sum));
    for (std::size_t c = 0; c < classes; ++c) {
      const double p = std::exp(static_cast<double>(y[r * classes + c]) - mx) / sum;
      g[r * classes + c] = static_cast<float>((p - (c == label ? 1.0 : 0.0)) / static_cast<double>(rows));
    }
  }
  m_loss = total / static_cast<double>(rows);
  const tt::ProgTensor& t = m_p.tensors[static_cast<std::size_t>(op.writes[0])];
  kernels::quantizeValues(g.data(), g.size(), t.format, m_cfg.rounding, m_rng, out(op.writes[0]).data());
}

void TtDatapath::add(const tt::ProgOp& op) {
  auto& y = out(op.writes[0]);
  if (m_cfg.floatDatapath()) {
    std::fill(y.begin(), y.end(), 0.0f);
    for (int r : op.reads) {
      const auto& x = m_data[static_cast<std::size_t>(r)];
      for (std::size_t i = 0; i < y.size(); ++i) y[i] += x[i];
    }
    return;
  }
  m_acc.assign(y.size(), 0);
  for (int r : op.reads) {
    const auto& x = m_data[static_cast<std::size_t>(r)];
    for (std::size_t i = 0; i < y.size(); ++i) m_acc[i] += kernels::toAcc(static_cast<double>(x[i]));
  }
  round(m_acc, op.writes[0]);
}

void TtDatapath::update(const tt::ProgOp& op) {
  const int w = op.reads[0];
  auto& W = out(w);
  const auto& G = m_data[static_cast<std::size_t>(op.reads[1])];
  const tt::ProgTensor& wt = m_p.tensors[static_cast<std::size_t>(w)];
  const double lr = m_cfg.floatDatapath() ? m_cfg.optimizer.learningRate
                                          : std::round(m_cfg.optimizer.learningRate * 65536.0) / 65536.0;
  std::vector<float> step(G.size());
  if (m_cfg.optimizer.kind == tt::Optimizer::Adam) {
    auto& M = out(op.reads[2]);
    auto& V = out(op.reads[3]);
    const tt::ProgTensor& st = m_p.tensors[static_cast<std::size_t>(op.reads[2])];
    const double b1 = m_cfg.optimizer.beta1, b2 = m_cfg.optimizer.beta2;
    std::vector<float> m(G.size()), v(G.size());
    for (std::size_t i = 0; i < G.size(); ++i) {
      m[i] = static_cast<float>(b1 * M[i] + (1 - b1) * G[i]);
      v[i] = static_cast<float>(b2 * V[i] + (1 - b2) * static_cast<double>(G[i]) * G[i]);
    }
    kernels::quantizeValues(m.data(), m.size(), st.format, m_cfg.rounding, m_rng, M.data());
    kernels::quantizeValues(v.data(), v.size(), st.format, m_cfg.rounding, m_rng, V.data());
    const double t = static_cast<double>(m_steps + 1);
    const double c1 = 1 - std::pow(b1, t), c2 = 1 - std::pow(b2, t);
    for (std::size_t i = 0; i < G.size(); ++i)
      step[i] = static_cast<float>(lr * (M[i] / c1) / (std::sqrt(V[i] / c2) + m_cfg.optimizer.epsilon));
  } else {
    for (std::size_t i = 0; i < G.size(); ++i) step[i] = static_cast<float>(lr * static_cast<double>(G[i]));
  }
  if (m_cfg.floatDatapath()) {
    for (std::size_t i = 0; i < W.size(); ++i) W[i] -= step[i];
  } else {
    m_acc.resize(W.size());
    for (std::size_t i = 0; i < W.size(); ++i)
      m_acc[i] = kernels::toAcc(static_cast<double>(W[i])) - kernels::toAcc(static_cast<double>(step[i]));
    kernels::quantizeAcc(m_acc.data(), m_acc.size(), wt.format, m_cfg.rounding, m_rng, W.data());
  }
  // The step counter (Adam's bias correction) advances after the last update.
  if (&op == &m_p.ops[m_lastUpdate]) ++m_steps;
}

std::uint64_t TtDatapath::weightChecksum() const {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t t = 0; t < m_p.tensors.size(); ++t) {
    if (m_p.tensors[t].role != TensorRole::Weight) continue;
    for (float v : m_data[t]) {
      std::uint32_t bits;
      std::memcpy(&bits, &v, 4);
      for (int b = 0; b < 4; ++b) {
        h ^= (bits >> (8 * b)) & 0xFF;
        h *= 1099511628211ull;
      }
    }
  }
  return h;
}

}  // namespace ftsim::models

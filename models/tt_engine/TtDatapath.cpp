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
  const std::uint64_t vocab = vocabulary();
  for (auto& v : x) v = vocab ? static_cast<float>(rng.next() % vocab) : static_cast<float>(uniform(rng));
  std::vector<int> labels(m_p.tensors[static_cast<std::size_t>(m_p.labelsTensor)].elements);
  for (auto& l : labels) l = static_cast<int>(rng.next() % static_cast<std::uint64_t>(classes));
  setBatch(x, labels);
}

std::uint64_t TtDatapath::vocabulary() const {
  for (const tt::ProgOp& op : m_p.ops)
    if (op.kind == OpKind::Gather)
      for (const tt::LayerPlanReport& rep : m_p.plans)
        if (rep.layer == op.layer) return rep.matrix.cols();
  return 0;
}

int TtDatapath::lossClasses() const {
  const auto y = m_p.tensors[static_cast<std::size_t>(lossOp().reads[0])].elements;
  return static_cast<int>(y / m_p.tensors[static_cast<std::size_t>(m_p.labelsTensor)].elements);
}

const tt::ProgOp& TtDatapath::lossOp() const {
  for (const tt::ProgOp& op : m_p.ops)
    if (op.kind == OpKind::Loss) return op;
  FTSIM_ASSERT(false, "a training program without a loss");
  return m_p.ops.front();
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
    case OpKind::Gelu:
    case OpKind::GeluGrad:
      gelu(op);
      return;
    case OpKind::LayerNorm:
      layerNorm(op);
      return;
    case OpKind::LayerNormGrad:
      layerNormGrad(op);
      return;
    case OpKind::Softmax:
      softmax(op);
      return;
    case OpKind::SoftmaxGrad:
      softmaxGrad(op);
      return;
    case OpKind::Gather:
      gather(op);
      return;
    case OpKind::ScatterAdd:
      scatterAdd(op);
      return;
  }
}

void TtDatapath::roundInto(const std::vector<float>& v, int id) {
  const tt::ProgTensor& t = m_p.tensors[static_cast<std::size_t>(id)];
  kernels::quantizeValues(v.data(), v.size(), t.format, m_cfg.rounding, m_rng, out(id).data());
}

namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

}  // namespace

void TtDatapath::gelu(const tt::ProgOp& op) {
  // Exact GELU, x·Φ(x) (PyTorch's default); its derivative Φ(x) + x·φ(x).
  const bool grad = op.kind == OpKind::GeluGrad;
  const auto& x = m_data[static_cast<std::size_t>(op.reads[grad ? 1 : 0])];
  m_stage.resize(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    const double cdf = 0.5 * (1.0 + std::erf(v * kInvSqrt2));
    if (grad) {
      const double dy = m_data[static_cast<std::size_t>(op.reads[0])][i];
      m_stage[i] = static_cast<float>(dy * (cdf + v * kInvSqrt2Pi * std::exp(-0.5 * v * v)));
    } else {
      m_stage[i] = static_cast<float>(v * cdf);
    }
  }
  roundInto(m_stage, op.writes[0]);
}

void TtDatapath::layerNorm(const tt::ProgOp& op) {
  // Per row (position) over its channels: y = (x − μ)/√(σ² + ε)·γ + β, the
  // biased variance, ε = 1e-5 (PyTorch's default); μ and 1/√(σ² + ε) are
  // kept in fp32 for the backward pass, and y is computed from the kept values.
  const auto& x = m_data[static_cast<std::size_t>(op.reads[0])];
  const auto& gamma = m_data[static_cast<std::size_t>(op.reads[1])];
  const auto& beta = m_data[static_cast<std::size_t>(op.reads[2])];
  auto& stats = out(op.writes[1]);
  const std::size_t c = op.rowElements, rows = x.size() / c;
  FTSIM_ASSERT(c > 0 && rows * c == x.size() && stats.size() == 2 * rows && gamma.size() == c,
               "layer norm " + op.label + ": rows, channels and statistics disagree");
  m_stage.resize(x.size());
  for (std::size_t r = 0; r < rows; ++r) {
    const float* xr = x.data() + r * c;
    double mean = 0;
    for (std::size_t k = 0; k < c; ++k) mean += xr[k];
    mean /= static_cast<double>(c);
    double var = 0;
    for (std::size_t k = 0; k < c; ++k) var += (xr[k] - mean) * (xr[k] - mean);
    var /= static_cast<double>(c);
    stats[2 * r] = static_cast<float>(mean);
    stats[2 * r + 1] = static_cast<float>(1.0 / std::sqrt(var + kLayerNormEps));
    const double mu = stats[2 * r], rstd = stats[2 * r + 1];
    for (std::size_t k = 0; k < c; ++k)
      m_stage[r * c + k] = static_cast<float>((xr[k] - mu) * rstd * gamma[k] + beta[k]);
  }
  roundInto(m_stage, op.writes[0]);
}

void TtDatapath::layerNormGrad(const tt::ProgOp& op) {
  // x̂ = (x − μ)/σ; dγ = Σ_rows dy·x̂, dβ = Σ_rows dy; with g = dy·γ,
  // dx = (g − mean(g) − x̂·mean(g·x̂))/σ per row.
  const auto& dy = m_data[static_cast<std::size_t>(op.reads[0])];
  const auto& x = m_data[static_cast<std::size_t>(op.reads[1])];
  const auto& gamma = m_data[static_cast<std::size_t>(op.reads[2])];
  const auto& stats = m_data[static_cast<std::size_t>(op.reads[3])];
  const bool needDx = op.writes.size() == 3;
  const std::size_t c = op.rowElements, rows = x.size() / c;
  std::vector<double> dgamma(c, 0.0), dbeta(c, 0.0);
  if (needDx) m_stage.resize(x.size());
  for (std::size_t r = 0; r < rows; ++r) {
    const double mu = stats[2 * r], rstd = stats[2 * r + 1];
    double meanG = 0, meanGx = 0;
    for (std::size_t k = 0; k < c; ++k) {
      const std::size_t e = r * c + k;
      const double xhat = (x[e] - mu) * rstd;
      dgamma[k] += dy[e] * xhat;
      dbeta[k] += dy[e];
      const double g = dy[e] * static_cast<double>(gamma[k]);
      meanG += g;
      meanGx += g * xhat;
    }
    if (!needDx) continue;
    meanG /= static_cast<double>(c);
    meanGx /= static_cast<double>(c);
    for (std::size_t k = 0; k < c; ++k) {
      const std::size_t e = r * c + k;
      const double xhat = (x[e] - mu) * rstd;
      m_stage[e] = static_cast<float>((dy[e] * static_cast<double>(gamma[k]) - meanG - xhat * meanGx) * rstd);
    }
  }
  if (needDx) roundInto(m_stage, op.writes[0]);
  std::vector<float> g(dgamma.begin(), dgamma.end()), b(dbeta.begin(), dbeta.end());
  roundInto(g, op.writes[needDx ? 1 : 0]);
  roundInto(b, op.writes[needDx ? 2 : 1]);
}

void TtDatapath::softmax(const tt::ProgOp& op) {
  // Row-wise over the key positions of the scaled scores.
  const auto& s = m_data[static_cast<std::size_t>(op.reads[0])];
  const std::size_t n = op.rowElements, rows = s.size() / n;
  FTSIM_ASSERT(n > 0 && rows * n == s.size(), "softmax " + op.label + ": rows of " + std::to_string(n) + "?");
  m_stage.resize(s.size());
  for (std::size_t r = 0; r < rows; ++r) {
    const float* sr = s.data() + r * n;
    double mx = op.scale * sr[0];
    for (std::size_t t = 1; t < n; ++t) mx = std::max(mx, op.scale * sr[t]);
    double sum = 0;
    for (std::size_t t = 0; t < n; ++t) sum += std::exp(op.scale * sr[t] - mx);
    for (std::size_t t = 0; t < n; ++t) m_stage[r * n + t] = static_cast<float>(std::exp(op.scale * sr[t] - mx) / sum);
  }
  roundInto(m_stage, op.writes[0]);
}

void TtDatapath::softmaxGrad(const tt::ProgOp& op) {
  // dS = scale·P ⊙ (dP − Σ_t P·dP), the gradient of the unscaled scores.
  const auto& p = m_data[static_cast<std::size_t>(op.reads[0])];
  const auto& dp = m_data[static_cast<std::size_t>(op.reads[1])];
  const std::size_t n = op.rowElements, rows = p.size() / n;
  m_stage.resize(p.size());
  for (std::size_t r = 0; r < rows; ++r) {
    double dot = 0;
    for (std::size_t t = 0; t < n; ++t) dot += static_cast<double>(p[r * n + t]) * dp[r * n + t];
    for (std::size_t t = 0; t < n; ++t) {
      const std::size_t e = r * n + t;
      m_stage[e] = static_cast<float>(op.scale * p[e] * (dp[e] - dot));
    }
  }
  roundInto(m_stage, op.writes[0]);
}

TtDatapath::EmbeddingCore TtDatapath::embeddingCore(const tt::ProgOp& op) const {
  EmbeddingCore e;
  for (const tt::LayerPlanReport& rep : m_p.plans)
    if (rep.layer == op.layer) e.matrix = &rep.matrix;
  FTSIM_ASSERT(e.matrix != nullptr && op.core >= 0, "a gather or scatter without its embedding's cores");
  const tt::TtMatrix& t = *e.matrix;
  const auto k = static_cast<std::size_t>(op.core);
  e.left = static_cast<std::uint64_t>(t.ranks[k]);
  e.modes = static_cast<std::uint64_t>(t.outModes[k]);
  e.vocabModes = static_cast<std::uint64_t>(t.inModes[k]);
  e.right = static_cast<std::uint64_t>(t.ranks[k + 1]);
  // Token ids are mixed-radix over the vocabulary modes, the first mode most
  // significant (the TT-matrix column order): j_k = ⌊token / Π_{m>k} n_m⌋ mod n_k.
  e.radix = 1;
  for (std::size_t m = k + 1; m < t.inModes.size(); ++m) e.radix *= static_cast<std::uint64_t>(t.inModes[m]);
  return e;
}

void TtDatapath::gather(const tt::ProgOp& op) {
  // S[b, a, i, a'] = G[a, i, j_k(token_b), a'] (core storage [r_{k−1}, m_k, n_k, r_k]).
  const EmbeddingCore e = embeddingCore(op);
  const auto& g = m_data[static_cast<std::size_t>(op.reads[0])];
  const auto& tokens = m_data[static_cast<std::size_t>(op.reads[1])];
  auto& sl = out(op.writes[0]);
  std::size_t o = 0;
  for (float tok : tokens) {
    const std::uint64_t j = static_cast<std::uint64_t>(tok) / e.radix % e.vocabModes;
    for (std::uint64_t a = 0; a < e.left; ++a)
      for (std::uint64_t i = 0; i < e.modes; ++i)
        for (std::uint64_t a2 = 0; a2 < e.right; ++a2)
          sl[o++] = g[((a * e.modes + i) * e.vocabModes + j) * e.right + a2];
  }
}

void TtDatapath::scatterAdd(const tt::ProgOp& op) {
  // dG[a, i, j_k(token_b), a'] += dS[b, a, i, a'] over the batch's tokens, in
  // token order (fp32), or exactly on the accumulator grid and rounded once.
  const EmbeddingCore e = embeddingCore(op);
  const auto& ds = m_data[static_cast<std::size_t>(op.reads[0])];
  const auto& tokens = m_data[static_cast<std::size_t>(op.reads[1])];
  auto& dg = out(op.writes[0]);
  const bool isFloat = m_cfg.floatDatapath();
  if (isFloat) std::fill(dg.begin(), dg.end(), 0.0f);
  else m_acc.assign(dg.size(), 0);
  std::size_t o = 0;
  for (float tok : tokens) {
    const std::uint64_t j = static_cast<std::uint64_t>(tok) / e.radix % e.vocabModes;
    for (std::uint64_t a = 0; a < e.left; ++a)
      for (std::uint64_t i = 0; i < e.modes; ++i)
        for (std::uint64_t a2 = 0; a2 < e.right; ++a2) {
          const std::uint64_t d = ((a * e.modes + i) * e.vocabModes + j) * e.right + a2;
          if (isFloat) dg[d] += ds[o++];
          else m_acc[d] += kernels::ttToAcc(ds[o++]);
        }
  }
  if (!isFloat) round(m_acc, op.writes[0]);
}

kernels::LegContraction legContraction(const tt::ProgOp& op) {
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
  return lc;
}

void TtDatapath::contract(const tt::ProgOp& op, std::size_t index) {
  const kernels::LegContraction lc = legContraction(op);
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
    for (std::size_t i = 0; i < y.size(); ++i) m_acc[i] += kernels::ttToAcc(x[i]);
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
      m_acc[i] = kernels::ttToAcc(W[i]) - kernels::ttToAcc(step[i]);
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

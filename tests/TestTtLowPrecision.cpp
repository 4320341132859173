// The TT engine's low-precision arithmetic against an independent reference
// (tests/LowPrecisionReference: exact 128-bit integer arithmetic of the
// formats from their definitions, its own LFSR lanes; no code shared with
// the rounding unit or the contraction kernels):
//  - the random stream and the rounding of single tensors, bit for bit, for
//    fixed and bfp formats of several widths and both roundings;
//  - every operation of whole training steps (input load, contractions,
//    ReLU, residual adds, loss gradient, TT-embedding gather and scatter,
//    attention's softmax and its gradient, GELU, layer norm, SGD and Adam
//    updates), bit for bit, op by op, with the random stream carried from op
//    to op and step to step (the vector unit's double arithmetic is
//    restated from its definition; what is checked is the rounding of it);
//  - stochastic rounding is unbiased: the mean of many roundings of one
//    value is the value, to a few standard errors.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "models/kernels/Lfsr.h"
#include "models/tt_engine/Quantizer.h"
#include "models/tt_engine/TtDatapath.h"
#include "models/tt_engine/TtEngineTiming.h"
#include "sim/config/ConfigNode.h"
#include "sim/tt/TtProgram.h"
#include "sim/workload/Network.h"
#include "tests/LowPrecisionReference.h"
#include "tests/TtTestWorkloads.h"

using namespace ftsim;
using kernels::NumberFormat;
using kernels::Rounding;
using reference::Exact;
using reference::RefLanes;

namespace {

std::uint32_t bitsOf(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

/// Deterministic test values spanning several binades, both signs, some exact.
std::vector<float> testValues(std::size_t n, std::uint32_t seed, float scale) {
  std::vector<float> v(n);
  std::uint32_t s = seed * 2654435761u + 7;
  for (std::size_t i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    const float u = static_cast<float>(s >> 8) / 16777216.0f * 2.0f - 1.0f;
    const float mag = std::ldexp(1.0f, static_cast<int>(s % 7) - 3);
    v[i] = i % 13 == 0 ? std::round(u * 64) / 64 : scale * u * mag;
  }
  return v;
}

void expectSameBits(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(bitsOf(got[i]), bitsOf(want[i])) << what << " element " << i << ": engine " << got[i]
                                                << ", reference " << want[i];
}

}  // namespace

TEST(TtLowPrecision, RandomStreamMatchesItsDefinition) {
  for (int lanes : {1, 4, 16}) {
    kernels::LaneRandom engine(12345, lanes);
    RefLanes ref(12345, lanes);
    for (std::uint64_t e = 0; e < 5000; ++e) ASSERT_EQ(engine.draw16(e * 7), ref.draw16(e * 7)) << "draw " << e;
  }
}

TEST(TtLowPrecision, RoundingMatchesExactReference) {
  const NumberFormat formats[] = {NumberFormat::fixed(8, 6), NumberFormat::fixed(4, 2), NumberFormat::fixed(16, 12),
                                  NumberFormat::fixed(8, 0), NumberFormat::bfp(8, 16), NumberFormat::bfp(6, 8),
                                  NumberFormat::bfp(4, 1), NumberFormat::bfp(16, 48)};
  for (const NumberFormat& f : formats) {
    for (Rounding r : {Rounding::NearestEven, Rounding::Stochastic}) {
      const std::vector<float> in = testValues(10000, static_cast<std::uint32_t>(f.bits * 31 + f.blockSize), 3.0f);
      std::vector<float> got(in.size());
      kernels::LaneRandom engine(99, 8);
      kernels::quantizeValues(in.data(), in.size(), f, r, engine, got.data());
      RefLanes ref(99, 8);
      expectSameBits(got, reference::roundValues(in, f, r, ref), f.name() + " " + kernels::toString(r));
      if (r == Rounding::Stochastic) {
        EXPECT_GT(ref.draws(), 5000u) << f.name();  // most values are inexact
      }
    }
  }
}

TEST(TtLowPrecision, ProductsOnTheGridMatchExactReference) {
  const std::vector<float> a = testValues(4000, 3, 2.0f), b = testValues(4000, 4, 0.01f);
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(static_cast<Exact>(kernels::ttProductToAcc(a[i], b[i])), reference::gridOfProduct(a[i], b[i]))
        << a[i] << " * " << b[i];
    ASSERT_EQ(static_cast<Exact>(kernels::ttToAcc(b[i])), reference::gridOf(b[i])) << b[i];
  }
  // Values below the grid floor to 0 or −1 grid step; values beyond 2^30 saturate.
  EXPECT_EQ(kernels::ttProductToAcc(1e-20f, 1e-20f), 0);
  EXPECT_EQ(kernels::ttProductToAcc(-1e-20f, 1e-20f), -1);
  EXPECT_EQ(kernels::ttToAcc(3e9f), std::int64_t(1) << 62);
  EXPECT_EQ(kernels::ttToAcc(-3e9f), -(std::int64_t(1) << 62));
  EXPECT_EQ(reference::gridOf(-3e9f), -(Exact(1) << 62));
}

namespace {

/// The expected values of one operation from the tensors before it, by the
/// reference's arithmetic. Returns the written tensors in `writes` order.
class OpReference {
 public:
  OpReference(const tt::TtProgram& p, const models::TtEngineConfig& cfg, std::uint64_t seed)
      : m_p(p), m_cfg(cfg), m_lanes(seed, cfg.roundingLanes) {}

  std::uint64_t draws() const { return m_lanes.draws(); }

  std::vector<std::vector<float>> run(const tt::ProgOp& op, const std::vector<std::vector<float>>& t,
                                      const std::vector<float>& batch, const std::vector<int>& labels) {
    switch (op.kind) {
      case tt::OpKind::LoadInput: {
        RefLanes host(0, 1);  // nearest-even on the host: no draws
        std::vector<float> lab(labels.begin(), labels.end());
        return {reference::roundValues(batch, fmt(m_p.inputTensor), Rounding::NearestEven, host), lab};
      }
      case tt::OpKind::Contract: return {contract(op, t)};
      case tt::OpKind::Relu: {
        const auto& x = t[op.reads[0]];
        std::vector<float> y(x.size()), mask(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
          y[i] = x[i] > 0 ? x[i] : 0.0f;
          mask[i] = x[i] > 0 ? 1.0f : 0.0f;
        }
        if (op.writes.size() > 1) return {y, mask};
        return {y};
      }
      case tt::OpKind::ReluGrad: {
        const auto &dy = t[op.reads[0]], &keep = t[op.reads[1]];
        std::vector<float> dx(dy.size());
        for (std::size_t i = 0; i < dy.size(); ++i) dx[i] = keep[i] > 0 ? dy[i] : 0.0f;
        return {dx};
      }
      case tt::OpKind::Add: {
        std::vector<Exact> s(t[op.writes[0]].size(), 0);
        for (int r : op.reads)
          for (std::size_t i = 0; i < s.size(); ++i) s[i] += reference::gridOf(t[r][i]);
        return {reference::roundGrid(s, fmt(op.writes[0]), m_cfg.rounding, m_lanes)};
      }
      case tt::OpKind::Loss: return {loss(op, t)};
      case tt::OpKind::Update: {
        auto r = m_cfg.optimizer.kind == tt::Optimizer::Adam ? adam(op, t) : std::vector<std::vector<float>>{sgd(op, t)};
        if (&op == lastUpdate()) ++m_steps;
        return r;
      }
      case tt::OpKind::Gelu:
      case tt::OpKind::GeluGrad: return {gelu(op, t)};
      case tt::OpKind::LayerNorm: return layerNorm(op, t);
      case tt::OpKind::LayerNormGrad: return layerNormGrad(op, t);
      case tt::OpKind::Softmax: return {softmax(op, t)};
      case tt::OpKind::SoftmaxGrad: return {softmaxGrad(op, t)};
      case tt::OpKind::Gather:
      case tt::OpKind::ScatterAdd: return {embedding(op, t)};
      default: ADD_FAILURE() << "the reference does not compute " << tt::toString(op.kind); return {};
    }
  }

 private:
  const NumberFormat& fmt(int id) const { return m_p.tensors[static_cast<std::size_t>(id)].format; }

  /// Σ over every index combination of A·B, each product floored onto the grid.
  std::vector<float> contract(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    std::vector<int> legs;
    for (const tt::Operand* o : {&op.a, &op.b, &op.c})
      for (int l : o->legs)
        if (std::find(legs.begin(), legs.end(), l) == legs.end()) legs.push_back(l);
    auto offset = [&](const tt::Operand& o, const std::vector<std::uint32_t>& idx) {
      std::uint64_t off = 0;
      for (int l : o.legs) {
        const auto pos = static_cast<std::size_t>(std::find(legs.begin(), legs.end(), l) - legs.begin());
        off = off * op.legDims[static_cast<std::size_t>(l)] + idx[pos];
      }
      return off;
    };
    const auto &A = t[op.a.tensor], &B = t[op.b.tensor];
    std::vector<Exact> c(t[op.c.tensor].size(), 0);
    std::vector<std::uint32_t> idx(legs.size(), 0);
    for (;;) {
      c[offset(op.c, idx)] += reference::gridOfProduct(A[offset(op.a, idx)], B[offset(op.b, idx)]);
      std::size_t l = 0;
      for (; l < legs.size(); ++l) {
        if (++idx[l] < op.legDims[static_cast<std::size_t>(legs[l])]) break;
        idx[l] = 0;
      }
      if (l == legs.size()) break;
    }
    return reference::roundGrid(c, fmt(op.c.tensor), m_cfg.rounding, m_lanes);
  }

  /// Softmax cross-entropy gradient (p − onehot)/rows in double, held in fp32.
  std::vector<float> loss(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    const auto &y = t[op.reads[0]], &labels = t[op.reads[1]];
    const std::size_t rows = labels.size(), classes = y.size() / rows;
    std::vector<float> g(y.size());
    for (std::size_t r = 0; r < rows; ++r) {
      const float* yr = y.data() + r * classes;
      double mx = *std::max_element(yr, yr + classes);
      double sum = 0;
      for (std::size_t c = 0; c < classes; ++c) sum += std::exp(yr[c] - mx);
      for (std::size_t c = 0; c < classes; ++c) {
        const double p = std::exp(yr[c] - mx) / sum;
        const double hot = c == static_cast<std::size_t>(labels[r]) ? 1.0 : 0.0;
        g[r * classes + c] = static_cast<float>((p - hot) / static_cast<double>(rows));
      }
    }
    return reference::roundValues(g, fmt(op.writes[0]), m_cfg.rounding, m_lanes);
  }

  /// w − lr·g: lr to 16 fractional bits, the step lr·g in fp32, the difference exact on the grid.
  std::vector<float> sgd(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    const auto &w = t[op.reads[0]], &g = t[op.reads[1]];
    const double lr = std::nearbyint(m_cfg.optimizer.learningRate * 65536.0) / 65536.0;
    std::vector<Exact> s(w.size());
    for (std::size_t i = 0; i < w.size(); ++i)
      s[i] = reference::gridOf(w[i]) - reference::gridOf(static_cast<float>(lr * g[i]));
    return reference::roundGrid(s, fmt(op.reads[0]), m_cfg.rounding, m_lanes);
  }

  const tt::ProgOp* lastUpdate() const {
    const tt::ProgOp* last = nullptr;
    for (const auto& o : m_p.ops)
      if (o.kind == tt::OpKind::Update) last = &o;
    return last;
  }

  // The vector unit's operations in double, as docs/tt-engine.md defines
  // them, each result held in fp32 and rounded by the reference.
  std::vector<float> gelu(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    const bool grad = op.kind == tt::OpKind::GeluGrad;
    const auto& x = t[op.reads[grad ? 1 : 0]];
    std::vector<float> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double v = x[i];
      const double cdf = 0.5 * (1.0 + std::erf(v * 0.70710678118654752440));  // Φ(v)
      y[i] = grad ? static_cast<float>(t[op.reads[0]][i] *
                                       (cdf + v * 0.39894228040143267794 * std::exp(-0.5 * v * v)))  // φ(v) = e^(−v²/2)/√(2π)
                  : static_cast<float>(v * cdf);
    }
    return reference::roundValues(y, fmt(op.writes[0]), m_cfg.rounding, m_lanes);
  }

  std::vector<std::vector<float>> layerNorm(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    const auto &x = t[op.reads[0]], &gamma = t[op.reads[1]], &beta = t[op.reads[2]];
    const std::size_t c = gamma.size(), rows = x.size() / c;
    std::vector<float> y(x.size()), stats(2 * rows);
    for (std::size_t r = 0; r < rows; ++r) {
      double mean = 0, var = 0;
      for (std::size_t k = 0; k < c; ++k) mean += x[r * c + k];
      mean /= static_cast<double>(c);
      for (std::size_t k = 0; k < c; ++k) var += (x[r * c + k] - mean) * (x[r * c + k] - mean);
      var /= static_cast<double>(c);
      stats[2 * r] = static_cast<float>(mean);
      stats[2 * r + 1] = static_cast<float>(1.0 / std::sqrt(var + 1e-5));
      for (std::size_t k = 0; k < c; ++k)
        y[r * c + k] = static_cast<float>((x[r * c + k] - static_cast<double>(stats[2 * r])) * stats[2 * r + 1] *
                                              gamma[k] + beta[k]);
    }
    return {reference::roundValues(y, fmt(op.writes[0]), m_cfg.rounding, m_lanes), stats};
  }

  std::vector<std::vector<float>> layerNormGrad(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    const auto &dy = t[op.reads[0]], &x = t[op.reads[1]], &gamma = t[op.reads[2]], &stats = t[op.reads[3]];
    const std::size_t c = gamma.size(), rows = x.size() / c;
    const bool needDx = op.writes.size() == 3;
    std::vector<double> dg(c, 0.0), db(c, 0.0);
    std::vector<float> dx(x.size());
    for (std::size_t r = 0; r < rows; ++r) {
      const double mu = stats[2 * r], rstd = stats[2 * r + 1];
      double mg = 0, mgx = 0;
      for (std::size_t k = 0; k < c; ++k) {
        const double xhat = (x[r * c + k] - mu) * rstd, g = dy[r * c + k] * static_cast<double>(gamma[k]);
        dg[k] += dy[r * c + k] * xhat;
        db[k] += dy[r * c + k];
        mg += g;
        mgx += g * xhat;
      }
      mg /= static_cast<double>(c);
      mgx /= static_cast<double>(c);
      for (std::size_t k = 0; k < c; ++k) {
        const double xhat = (x[r * c + k] - mu) * rstd;
        dx[r * c + k] = static_cast<float>((dy[r * c + k] * static_cast<double>(gamma[k]) - mg - xhat * mgx) * rstd);
      }
    }
    std::vector<std::vector<float>> out;
    if (needDx) out.push_back(reference::roundValues(dx, fmt(op.writes[0]), m_cfg.rounding, m_lanes));
    out.push_back(reference::roundValues(std::vector<float>(dg.begin(), dg.end()), fmt(op.writes[needDx ? 1 : 0]),
                                         m_cfg.rounding, m_lanes));
    out.push_back(reference::roundValues(std::vector<float>(db.begin(), db.end()), fmt(op.writes[needDx ? 2 : 1]),
                                         m_cfg.rounding, m_lanes));
    return out;
  }

  std::vector<float> softmax(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    const auto& s = t[op.reads[0]];
    const std::size_t n = op.rowElements;
    std::vector<float> p(s.size());
    for (std::size_t r = 0; r < s.size() / n; ++r) {
      double mx = op.scale * s[r * n];
      for (std::size_t j = 1; j < n; ++j) mx = std::max(mx, op.scale * s[r * n + j]);
      double sum = 0;
      for (std::size_t j = 0; j < n; ++j) sum += std::exp(op.scale * s[r * n + j] - mx);
      for (std::size_t j = 0; j < n; ++j) p[r * n + j] = static_cast<float>(std::exp(op.scale * s[r * n + j] - mx) / sum);
    }
    return reference::roundValues(p, fmt(op.writes[0]), m_cfg.rounding, m_lanes);
  }

  std::vector<float> softmaxGrad(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    const auto &p = t[op.reads[0]], &dp = t[op.reads[1]];
    const std::size_t n = op.rowElements;
    std::vector<float> ds(p.size());
    for (std::size_t r = 0; r < p.size() / n; ++r) {
      double dot = 0;
      for (std::size_t j = 0; j < n; ++j) dot += static_cast<double>(p[r * n + j]) * dp[r * n + j];
      for (std::size_t j = 0; j < n; ++j) ds[r * n + j] = static_cast<float>(op.scale * p[r * n + j] * (dp[r * n + j] - dot));
    }
    return reference::roundValues(ds, fmt(op.writes[0]), m_cfg.rounding, m_lanes);
  }

  /// Adam: moments in fp32 rounded into their format, bias-corrected step in
  /// fp32, the weight's difference exact on the grid.
  std::vector<std::vector<float>> adam(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    const auto &w = t[op.reads[0]], &g = t[op.reads[1]], &m0 = t[op.reads[2]], &v0 = t[op.reads[3]];
    const double b1 = m_cfg.optimizer.beta1, b2 = m_cfg.optimizer.beta2;
    const double lr = std::nearbyint(m_cfg.optimizer.learningRate * 65536.0) / 65536.0;
    std::vector<float> m(g.size()), v(g.size());
    for (std::size_t i = 0; i < g.size(); ++i) {
      m[i] = static_cast<float>(b1 * m0[i] + (1 - b1) * g[i]);
      v[i] = static_cast<float>(b2 * v0[i] + (1 - b2) * static_cast<double>(g[i]) * g[i]);
    }
    m = reference::roundValues(m, fmt(op.reads[2]), m_cfg.rounding, m_lanes);
    v = reference::roundValues(v, fmt(op.reads[3]), m_cfg.rounding, m_lanes);
    const double c1 = 1 - std::pow(b1, static_cast<double>(m_steps + 1));
    const double c2 = 1 - std::pow(b2, static_cast<double>(m_steps + 1));
    std::vector<Exact> s(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
      const auto step = static_cast<float>(lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + m_cfg.optimizer.epsilon));
      s[i] = reference::gridOf(w[i]) - reference::gridOf(step);
    }
    return {reference::roundGrid(s, fmt(op.reads[0]), m_cfg.rounding, m_lanes), m, v};
  }

  /// Core k's slices of the batch's tokens, or their gradients summed back into the core.
  std::vector<float> embedding(const tt::ProgOp& op, const std::vector<std::vector<float>>& t) {
    const tt::TtMatrix* m = nullptr;
    for (const auto& rep : m_p.plans)
      if (rep.layer == op.layer) m = &rep.matrix;
    const auto k = static_cast<std::size_t>(op.core);
    const std::uint64_t r0 = m->ranks[k], mk = m->outModes[k], nk = m->inModes[k], r1 = m->ranks[k + 1];
    std::uint64_t later = 1;
    for (std::size_t j = k + 1; j < m->inModes.size(); ++j) later *= m->inModes[j];
    const auto& tokens = t[op.reads[1]];
    const bool gather = op.kind == tt::OpKind::Gather;
    std::vector<float> slices(gather ? t[op.writes[0]].size() : 0);
    std::vector<Exact> core(gather ? 0 : t[op.writes[0]].size(), 0);
    std::uint64_t s = 0;
    for (float tok : tokens) {
      const std::uint64_t j = static_cast<std::uint64_t>(tok) / later % nk;
      for (std::uint64_t a = 0; a < r0; ++a)
        for (std::uint64_t i = 0; i < mk; ++i)
          for (std::uint64_t b = 0; b < r1; ++b, ++s) {
            const std::uint64_t c = ((a * mk + i) * nk + j) * r1 + b;
            if (gather) slices[s] = t[op.reads[0]][c];
            else core[c] += reference::gridOf(t[op.reads[0]][s]);
          }
    }
    if (gather) return slices;
    return reference::roundGrid(core, fmt(op.writes[0]), m_cfg.rounding, m_lanes);
  }

  const tt::TtProgram& m_p;
  const models::TtEngineConfig& m_cfg;
  RefLanes m_lanes;
  std::uint64_t m_steps = 0;
};

workload::Network network(const std::string& yaml) {
  return workload::Network::fromYaml(config::ConfigNode::loadString(yaml, "test").at("workload"));
}

models::TtEngineConfig engine(NumberFormat w, NumberFormat a, NumberFormat g, Rounding r) {
  models::TtEngineConfig c;
  c.clock = Clock::fromMhz(100);
  c.peArray.rows = 4;
  c.peArray.depth = 8;
  c.formats = tt::TtFormats{w, a, g, NumberFormat::fp32()};
  c.rounding = r;
  c.roundingLanes = 4;
  c.optimizer.learningRate = 0.25;
  c.vector.lanes = 4;
  return c;
}

/// Three training steps, every operation checked against the reference.
void checkEveryOp(const std::string& yaml, const models::TtEngineConfig& cfg, bool tokens) {
  const workload::Network net = network(yaml);
  const tt::TtProgram p = tt::buildProgram(net, models::programOptions(cfg, 0));
  const std::uint64_t seed = 2024;
  models::TtDatapath dp(p, cfg, seed);
  dp.initWeights(5);
  OpReference ref(p, cfg, seed);
  const int classes = dp.lossClasses();
  std::uint64_t nonZero = 0;
  for (int step = 0; step < 3; ++step) {
    const std::size_t inElems = p.tensors[static_cast<std::size_t>(p.inputTensor)].elements;
    std::vector<float> batch = testValues(inElems, 40 + static_cast<std::uint32_t>(step), 1.0f);
    for (auto& v : batch) v = tokens ? std::floor(std::fabs(v) * 8 * static_cast<float>(dp.vocabulary())) : std::fabs(v);
    if (tokens)
      for (auto& v : batch) v = std::fmod(v, static_cast<float>(dp.vocabulary()));
    std::vector<int> labels(p.tensors[static_cast<std::size_t>(p.labelsTensor)].elements);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int>((i * 7 + step) % classes);
    dp.setBatch(batch, labels);
    for (std::size_t i = 0; i < p.ops.size(); ++i) {
      std::vector<std::vector<float>> before;
      for (std::size_t t = 0; t < p.tensors.size(); ++t) before.push_back(dp.tensor(static_cast<int>(t)));
      dp.execute(i);
      const std::vector<std::vector<float>> want = ref.run(p.ops[i], before, batch, labels);
      ASSERT_EQ(want.size(), p.ops[i].writes.size()) << p.ops[i].label;
      for (std::size_t w = 0; w < want.size(); ++w) {
        const int id = p.ops[i].writes[w];
        expectSameBits(dp.tensor(id), want[w],
                       "step " + std::to_string(step) + " op " + std::to_string(i) + " (" + p.ops[i].label +
                           ") tensor " + p.tensors[static_cast<std::size_t>(id)].name);
        if (::testing::Test::HasFatalFailure()) return;
        for (float v : want[w]) nonZero += v != 0.0f;
      }
    }
  }
  EXPECT_GT(nonZero, 2000u);                                                       // real values were compared
  if (cfg.rounding == Rounding::Stochastic) {
    EXPECT_GT(ref.draws(), 1000u);  // and the random stream used
  }
}

const char* kMlp = R"(workload:
  name: mlp
  batch: 5
  input: {channels: 1, height: 4, width: 6}
  layers:
    - {name: tt1, type: tt_linear, in_modes: [4, 6], out_modes: [4, 4], rank: 3}
    - {name: relu1, type: relu}
    - {name: tt2, type: tt_linear, in_modes: [4, 4], out_modes: [4, 4], rank: 3}
    - {name: res, type: add, inputs: [tt2, relu1]}
    - {name: fc, type: fc, out_features: 10}
)";

// Token ids at 6 positions, a TT embedding (vocabulary 4·6 = 24, 8 = 2·4
// dimensions), a per-position TT layer, a residual add.
const char* kEmbedding = R"(workload:
  name: emb
  batch: 2
  input: {channels: 1, height: 1, width: 6}
  layers:
    - {name: emb, type: tt_embedding, vocab_modes: [4, 6], dim_modes: [2, 4], rank: 3}
    - {name: proj, type: tt_linear, tt_format: tt, out_modes: [2, 4], in_modes: [4, 2], rank: 2}
    - {name: res, type: add, inputs: [proj, emb]}
)";

// A small encoder layer: TT projections, two-head attention, residual adds,
// layer norms, GELU, TT feed-forward.
const char* const kEncoder = test::kTtEncoder;  // tests/TtTestWorkloads.h

}  // namespace

TEST(TtLowPrecision, EveryOpOfATransformerStepWithAdamMatchesReference) {
  models::TtEngineConfig cfg = engine(NumberFormat::fixed(8, 6), NumberFormat::fixed(12, 8), NumberFormat::bfp(8, 16),
                                      Rounding::Stochastic);
  cfg.optimizer.kind = tt::Optimizer::Adam;
  cfg.optimizer.learningRate = 0.01;
  cfg.formats.optimizerState = NumberFormat::bfp(12, 16);
  checkEveryOp(kEncoder, cfg, false);
}

TEST(TtLowPrecision, EveryOpOfAFixedPointStepMatchesReference) {
  checkEveryOp(kMlp, engine(NumberFormat::fixed(8, 6), NumberFormat::fixed(8, 6), NumberFormat::bfp(8, 16),
                            Rounding::Stochastic), false);
}

TEST(TtLowPrecision, EveryOpOfANarrowFixedPointStepMatchesReference) {
  checkEveryOp(kMlp, engine(NumberFormat::fixed(4, 2), NumberFormat::fixed(8, 4), NumberFormat::fixed(8, 7),
                            Rounding::Stochastic), false);
}

TEST(TtLowPrecision, EveryOpOfABlockFloatingPointStepMatchesReference) {
  checkEveryOp(kMlp, engine(NumberFormat::bfp(8, 4), NumberFormat::bfp(6, 8), NumberFormat::bfp(8, 16),
                            Rounding::Stochastic), false);
}

TEST(TtLowPrecision, EveryOpOfANearestEvenStepMatchesReference) {
  checkEveryOp(kMlp, engine(NumberFormat::fixed(8, 6), NumberFormat::fixed(8, 6), NumberFormat::bfp(8, 16),
                            Rounding::NearestEven), false);
}

TEST(TtLowPrecision, EveryOpOfAnEmbeddingStepMatchesReference) {
  checkEveryOp(kEmbedding, engine(NumberFormat::fixed(8, 6), NumberFormat::fixed(8, 5), NumberFormat::bfp(8, 16),
                                  Rounding::Stochastic), true);
}

TEST(TtLowPrecision, StochasticRoundingIsUnbiased) {
  // N roundings of x, between grid points lo and lo + u, are lo + u·Bernoulli(p)
  // with p = ⌊frac·2^16⌋/2^16 (the fraction read to 16 bits), so the mean is x
  // less at most 2^−16·u, with standard error u·√(p(1−p)/N). Allowed: 5
  // standard errors plus that bias.
  struct Case {
    NumberFormat f;
    float x;
  };
  const Case cases[] = {{NumberFormat::fixed(8, 6), 0.3017f}, {NumberFormat::fixed(8, 6), -1.1234f},
                        {NumberFormat::fixed(4, 2), 0.6f},    {NumberFormat::fixed(16, 12), 1.00005f},
                        {NumberFormat::bfp(8, 16), 0.0123f},  {NumberFormat::bfp(8, 16), -37.77f}};
  const int n = 1 << 16;
  for (const Case& c : cases) {
    std::vector<float> in(n, c.x), out(n);
    kernels::LaneRandom lanes(31, 16);
    kernels::quantizeValues(in.data(), in.size(), c.f, Rounding::Stochastic, lanes, out.data());
    const float lo = *std::min_element(out.begin(), out.end()), hi = *std::max_element(out.begin(), out.end());
    ASSERT_LE(lo, c.x);
    ASSERT_GE(hi, c.x);
    const double u = static_cast<double>(hi) - lo;
    ASSERT_GT(u, 0.0) << c.f.name() << " " << c.x << ": every rounding went the same way";
    double sum = 0;
    for (float v : out) sum += v;
    const double mean = sum / n, p = (static_cast<double>(c.x) - lo) / u;
    const double se = u * std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(mean, static_cast<double>(c.x), 5 * se + u / 65536) << c.f.name() << " " << c.x;
    // Round to nearest would give a mean off by min(p, 1−p)·u: far outside the band.
    EXPECT_GT(std::min(p, 1 - p) * u, 5 * se + u / 65536) << "the case cannot tell stochastic from nearest";
  }
}

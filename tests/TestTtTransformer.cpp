// The TT engine's functional mode on a transformer encoder layer (TT
// projections, multi-head attention, residual adds, layer norm, GELU, TT
// feed-forward), fp32:
//  - forward: the loss and the last layer's output against a dense
//    reference in double written from the layers' definitions (PyTorch's
//    semantics: scaled dot-product attention, LayerNorm with ε = 1e-5 and
//    the biased variance, exact GELU, mean cross-entropy over positions);
//    it shares no code with the program builder or the engine's datapath;
//  - backward: every weight gradient (TT cores, γ and β) against central
//    finite differences of the engine's own loss, which checks that the
//    backward pass and the update the engine schedules differentiate its
//    forward pass;
//  - the shipped U50 design runs in functional mode.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "models/tt_engine/TtDatapath.h"
#include "models/tt_engine/TtEngineTiming.h"
#include "sim/config/ConfigNode.h"
#include "sim/functional/Npy.h"
#include "sim/tt/TtProgram.h"
#include "sim/workload/Network.h"
#include "tests/DenseTtReference.h"
#include "tests/Harness.h"
#include "tests/TtTestWorkloads.h"

using namespace ftsim;
using kernels::NumberFormat;

namespace {

// d_model 8 = 2·4 (two heads of 4), 4 positions, FFN 16; batch 1.
const char* const kEncoder = test::kTtEncoder;  // tests/TtTestWorkloads.h
constexpr int kPositions = 4, kModel = 8, kHeads = 2;

models::TtEngineConfig fp32Engine() {
  models::TtEngineConfig c;
  c.clock = Clock::fromMhz(100);
  c.peArray.rows = 4;
  c.peArray.depth = 4;
  const auto f = NumberFormat::fp32();
  c.formats = tt::TtFormats{f, f, f, f};
  c.rounding = kernels::Rounding::NearestEven;
  c.roundingLanes = 1;
  c.optimizer.learningRate = 1e-3;
  c.vector.lanes = 4;
  return c;
}

int tensorNamed(const tt::TtProgram& p, const std::string& name) {
  for (std::size_t i = 0; i < p.tensors.size(); ++i)
    if (p.tensors[i].name == name) return static_cast<int>(i);
  throw std::runtime_error("no tensor " + name);
}

struct Fixture {
  workload::Network net;
  models::TtEngineConfig cfg = fp32Engine();
  tt::TtProgram p;
  std::vector<float> x;
  std::vector<int> labels;

  Fixture() {
    net = workload::Network::fromYaml(config::ConfigNode::loadString(kEncoder, "test").at("workload"));
    p = tt::buildProgram(net, models::programOptions(cfg, 0));
    x.resize(kPositions * kModel);
    std::uint32_t s = 17;
    for (auto& v : x) {
      s = s * 1664525u + 1013904223u;
      v = static_cast<float>(s >> 8) / 16777216.0f * 2.0f - 1.0f;
    }
    labels = {3, 0, 7, 5};
  }

  models::TtDatapath fresh() const {
    models::TtDatapath dp(p, cfg, 1);
    dp.initWeights(77);
    dp.setBatch(x, labels);
    return dp;
  }
};

/// Run the forward pass and the loss only; the loss.
double forwardLoss(const tt::TtProgram& p, models::TtDatapath& dp) {
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    dp.execute(i);
    if (p.ops[i].kind == tt::OpKind::Loss) break;
  }
  return dp.lastLoss();
}

using Mat = std::vector<double>;  // [positions][features], row-major

Mat ttLayer(const tt::TtProgram& p, const models::TtDatapath& dp, const std::string& name, const Mat& in) {
  for (const auto& rep : p.plans) {
    if (rep.name != name) continue;
    const tt::TtMatrix& t = rep.matrix;
    std::vector<std::vector<double>> cores;
    for (int k = 0; k < t.cores(); ++k) {
      const auto& g = dp.tensor(tensorNamed(p, name + ".G" + std::to_string(k + 1)));
      cores.emplace_back(g.begin(), g.end());
    }
    return kernels::DenseTtReference(t.outModes, t.inModes, t.ranks, cores).forward(in, kPositions);
  }
  throw std::runtime_error("no TT layer " + name);
}

Mat layerNorm(const Mat& in, const std::vector<float>& gamma, const std::vector<float>& beta) {
  const std::size_t c = gamma.size();
  Mat out(in.size());
  for (std::size_t r = 0; r < in.size() / c; ++r) {
    double mean = 0, var = 0;
    for (std::size_t k = 0; k < c; ++k) mean += in[r * c + k] / static_cast<double>(c);
    for (std::size_t k = 0; k < c; ++k) var += (in[r * c + k] - mean) * (in[r * c + k] - mean) / static_cast<double>(c);
    for (std::size_t k = 0; k < c; ++k)
      out[r * c + k] = (in[r * c + k] - mean) / std::sqrt(var + 1e-5) * gamma[k] + beta[k];
  }
  return out;
}

/// softmax(Q_h K_hᵀ/√E) V_h per head h; channel = h·E + e.
Mat attention(const Mat& q, const Mat& k, const Mat& v) {
  const int e = kModel / kHeads;
  Mat out(q.size(), 0.0);
  for (int h = 0; h < kHeads; ++h)
    for (int s = 0; s < kPositions; ++s) {
      std::vector<double> w(kPositions);
      for (int t = 0; t < kPositions; ++t) {
        double dot = 0;
        for (int c = 0; c < e; ++c) dot += q[s * kModel + h * e + c] * k[t * kModel + h * e + c];
        w[t] = dot / std::sqrt(static_cast<double>(e));
      }
      const double mx = *std::max_element(w.begin(), w.end());
      double sum = 0;
      for (double& z : w) sum += (z = std::exp(z - mx));
      for (int t = 0; t < kPositions; ++t)
        for (int c = 0; c < e; ++c) out[s * kModel + h * e + c] += w[t] / sum * v[t * kModel + h * e + c];
    }
  return out;
}

Mat add(Mat a, const Mat& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  return a;
}

}  // namespace

TEST(TtTransformer, ForwardMatchesDenseReference) {
  const Fixture f;
  models::TtDatapath dp = f.fresh();
  const double loss = forwardLoss(f.p, dp);

  const Mat x(f.x.begin(), f.x.end());
  const Mat att = attention(ttLayer(f.p, dp, "q", x), ttLayer(f.p, dp, "k", x), ttLayer(f.p, dp, "v", x));
  const Mat ln1 = layerNorm(add(ttLayer(f.p, dp, "o", att), x), dp.tensor(tensorNamed(f.p, "ln1.gamma")),
                            dp.tensor(tensorNamed(f.p, "ln1.beta")));
  Mat h = ttLayer(f.p, dp, "ffn1", ln1);
  for (double& z : h) z = 0.5 * z * (1.0 + std::erf(z / std::sqrt(2.0)));
  const Mat y = layerNorm(add(ttLayer(f.p, dp, "ffn2", h), ln1), dp.tensor(tensorNamed(f.p, "ln2.gamma")),
                          dp.tensor(tensorNamed(f.p, "ln2.beta")));
  double want = 0;
  for (int s = 0; s < kPositions; ++s) {
    const double* r = y.data() + s * kModel;
    const double mx = *std::max_element(r, r + kModel);
    double sum = 0;
    for (int c = 0; c < kModel; ++c) sum += std::exp(r[c] - mx);
    want += (std::log(sum) + mx - r[f.labels[static_cast<std::size_t>(s)]]) / kPositions;
  }
  const auto& got = dp.tensor(tensorNamed(f.p, "ln2"));
  ASSERT_EQ(got.size(), y.size());
  for (std::size_t i = 0; i < y.size(); ++i) ASSERT_NEAR(got[i], y[i], 1e-5) << "ln2 output element " << i;
  // The attention output is not uniform (the check would be weak if softmax were flat).
  const auto& a = dp.tensor(tensorNamed(f.p, "attn"));
  for (std::size_t i = 0; i < att.size(); ++i) ASSERT_NEAR(a[i], att[i], 1e-5) << "attention output element " << i;
  EXPECT_NEAR(loss, want, 1e-5);
}

TEST(TtTransformer, WeightGradientsMatchFiniteDifferences) {
  const Fixture f;
  models::TtDatapath dp = f.fresh();
  dp.runStep();
  // Central differences of the engine's own loss, h = 2^-8, for a spread of
  // elements of every weight. The loss's fp32 noise (~1e-6) over 2h is
  // ~1e-4, the curvature term (h^2 times the third derivative / 6) smaller
  // still: allowed 1e-3 + 2 %.
  int checked = 0;
  for (std::size_t layer = 0; layer < f.p.layerWeights.size(); ++layer) {
    const auto& wl = f.p.layerWeights[layer];
    for (std::size_t i = 0; i < wl.size(); i += 2) {
      const int w = wl[i], g = wl[i + 1];
      const std::vector<float> grad = dp.tensor(g);
      double scale = 0;
      for (float v : grad) scale = std::max(scale, std::fabs(static_cast<double>(v)));
      ASSERT_GT(scale, 1e-6) << f.p.tensors[static_cast<std::size_t>(g)].name << " is all zeros";
      const std::size_t n = grad.size(), stride = std::max<std::size_t>(1, n / 5);
      for (std::size_t e = 0; e < n; e += stride) {
        const float h = 1.0f / 256;
        auto lossAt = [&](float delta) {
          models::TtDatapath probe = f.fresh();
          probe.tensor(w)[e] += delta;
          return forwardLoss(f.p, probe);
        };
        const double fd = (lossAt(h) - lossAt(-h)) / (2.0 * h);
        EXPECT_NEAR(grad[e], fd, 1e-3 + 0.02 * std::fabs(fd))
            << f.p.tensors[static_cast<std::size_t>(g)].name << " element " << e;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 50);
}

TEST(TtTransformer, ShippedDesignRunsFunctional) {
  // ftsim run … --functional on the U50 encoder layer: the loss of a
  // 768-way softmax over layer-normed outputs starts near ln 768 = 6.64; the
  // cycles are those of the timing-only run; the same seed gives the same
  // weights, another seed others.
  using nlohmann::json;
  const std::string designFile = test::sourceDir() + "/configs/designs/tt-transformer-u50.yaml";
  const std::string a = test::tempDir("a"), b = test::tempDir("b"), c = test::tempDir("c"), t = test::tempDir("t");
  for (const auto& [dir, extra] : {std::pair<std::string, std::string>{a, " --functional"}, {b, " --functional"},
                                   {c, " --functional --seed 9"}, {t, ""}}) {
    const test::Result r = test::runFtsim("run " + designFile + " --quiet --out " + dir + extra);
    ASSERT_EQ(r.code, 0) << r.out;
  }
  const json ja = json::parse(test::readText(a + "/summary.json"));
  const json jb = json::parse(test::readText(b + "/summary.json"));
  const json jc = json::parse(test::readText(c + "/summary.json"));
  const json jt = json::parse(test::readText(t + "/summary.json"));
  ASSERT_TRUE(ja.contains("functional"));
  EXPECT_FALSE(jt.contains("functional"));
  const double loss = ja["functional"]["loss"].get<double>();
  EXPECT_GT(loss, 5.0);
  EXPECT_LT(loss, 9.0);
  EXPECT_EQ(ja["functional"]["weight_checksum"], jb["functional"]["weight_checksum"]);
  EXPECT_NE(ja["functional"]["weight_checksum"], jc["functional"]["weight_checksum"]);
  EXPECT_EQ(ja["total"]["cycles"], jt["total"]["cycles"]);
  EXPECT_TRUE(test::readText(a + "/layers.csv") == test::readText(t + "/layers.csv"));
}

namespace {

/// Write the engine's initial weights, batch, loss, gradients and updated
/// weights of one fp32 SGD step of `yaml` and run tools/tt_torch_reference.py
/// on them; its output.
test::Result torchStep(const std::string& yaml, const std::vector<float>& input, std::int64_t channels,
                       const std::vector<int>& labels) {
  const std::string dir = test::tempDir("torch");
  test::writeText(dir + "/workload.yaml", yaml);
  const workload::Network net =
      workload::Network::fromYaml(config::ConfigNode::loadString(yaml, "test").at("workload"));
  const models::TtEngineConfig cfg = fp32Engine();
  const tt::TtProgram p = tt::buildProgram(net, models::programOptions(cfg, 0));
  models::TtDatapath dp(p, cfg, 1);
  dp.initWeights(77);
  dp.setBatch(input, labels);
  auto npy = [&](const std::string& name, const std::vector<std::int64_t>& shape, const std::vector<float>& v) {
    functional::writeNpy(dir + "/" + name + ".npy", shape, v.data());
  };
  npy("input", {static_cast<std::int64_t>(input.size()) / channels, channels}, input);
  std::vector<std::int64_t> lab(labels.begin(), labels.end());
  functional::writeNpyInt(dir + "/labels.npy", {static_cast<std::int64_t>(lab.size())}, lab.data());
  for (const auto& rep : p.plans) {
    const tt::TtMatrix& t = rep.matrix;
    for (int k = 0; k < t.cores(); ++k) {
      const auto ku = static_cast<std::size_t>(k);
      const std::string name = rep.name + ".G" + std::to_string(k + 1);
      npy(name, {t.ranks[ku], t.outModes[ku], t.inModes[ku], t.ranks[ku + 1]}, dp.tensor(tensorNamed(p, name)));
    }
  }
  for (std::size_t i = 0; i < p.tensors.size(); ++i) {
    const std::string& name = p.tensors[i].name;
    const bool lnParam = p.tensors[i].role == tt::TensorRole::Weight &&
                         (name.find(".gamma") != std::string::npos || name.find(".beta") != std::string::npos);
    if (lnParam) npy(name, {static_cast<std::int64_t>(p.tensors[i].elements)}, dp.tensor(static_cast<int>(i)));
  }
  dp.runStep();
  npy("loss", {1}, {static_cast<float>(dp.lastLoss())});
  int weights = 0;
  for (const auto& wl : p.layerWeights)
    for (std::size_t i = 0; i < wl.size(); i += 2, ++weights) {
      const std::string& name = p.tensors[static_cast<std::size_t>(wl[i])].name;
      npy(name + ".updated", {static_cast<std::int64_t>(dp.tensor(wl[i]).size())}, dp.tensor(wl[i]));
      npy(name + ".grad", {static_cast<std::int64_t>(dp.tensor(wl[i + 1]).size())}, dp.tensor(wl[i + 1]));
    }
  test::Result r = test::shell("/usr/bin/python3 " + test::sourceDir() + "/tools/tt_torch_reference.py --workload " +
                               dir + "/workload.yaml --dir " + dir + " --lr 0.001 2>&1");
  r.out += "\n(" + std::to_string(weights) + " weights written)";
  return r;
}

}  // namespace

TEST(TtTransformer, PyTorchReferenceAgrees) {
  // tools/tt_torch_reference.py rebuilds the encoder in PyTorch (float64,
  // autograd through the dense weights rebuilt from the cores) from the
  // engine's initial weights and batch and compares the loss, every weight
  // gradient and every updated weight of one SGD step: 6 TT layers of 4
  // cores and 2 layer norms of γ and β are 28 weights.
  const Fixture f;
  const test::Result r = torchStep(kEncoder, f.x, kModel, f.labels);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("28 weights compared: agree"), std::string::npos) << r.out;
}

TEST(TtTransformer, PyTorchReferenceAgreesOnATtEmbedding) {
  // Token ids → TT embedding (vocabulary 4·6, dimension 2·4) → TT projection
  // → residual add → layer norm, batch 2 of 6 tokens: 2 + 4 cores and γ, β
  // are 8 weights.
  const char* yaml = R"(workload:
  name: emb
  batch: 2
  input: {channels: 1, height: 1, width: 6}
  layers:
    - {name: emb, type: tt_embedding, vocab_modes: [4, 6], dim_modes: [2, 4], rank: 3}
    - {name: proj, type: tt_linear, tt_format: tt, out_modes: [2, 4], in_modes: [4, 2], rank: 2}
    - {name: res, type: add, inputs: [proj, emb]}
    - {name: ln, type: layernorm}
)";
  const std::vector<float> tokens = {3, 17, 0, 23, 9, 9, 12, 5, 20, 1, 14, 7};
  const test::Result r = torchStep(yaml, tokens, 1, {1, 0, 7, 5, 2, 2, 6, 3, 4, 1, 0, 7});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("8 weights compared: agree"), std::string::npos) << r.out;
}

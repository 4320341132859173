// Functional checks of the TT engine's arithmetic (models/tt_engine/TtDatapath
// over models/kernels):
//  - fp32: the forward output, the input gradient and every core gradient
//    match the dense reference (W rebuilt from the cores, y = Wx, dx = Wᵀdy,
//    dG_k = dW projected onto core k) to 1e-5 of the reference's largest
//    magnitude (fp32 sums of a few hundred terms are good to ~1e-6);
//  - fixed point and bfp: the tiled PE-array kernels are bit-exact against
//    the naive loop over every index combination, with the same contraction
//    order, formats and LFSR stream, over several training steps;
//  - stochastic rounding: the same seed reproduces the weights bit for bit,
//    another seed does not.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tests/DenseTtReference.h"
#include "models/tt_engine/TtDatapath.h"
#include "sim/config/ConfigNode.h"
#include "models/tt_engine/TtEngineTiming.h"
#include "sim/tt/TtProgram.h"
#include "sim/workload/Network.h"

using namespace ftsim;
using kernels::NumberFormat;

namespace {

workload::Network network(const std::string& yaml) {
  return workload::Network::fromYaml(config::ConfigNode::loadString(yaml, "test").at("workload"));
}

models::TtEngineConfig engine(NumberFormat w, NumberFormat a, NumberFormat g, kernels::Rounding r, int rows = 4,
                              int depth = 4) {
  models::TtEngineConfig c;
  c.clock = Clock::fromMhz(100);
  c.peArray.rows = rows;
  c.peArray.depth = depth;
  c.formats = tt::TtFormats{w, a, g, NumberFormat::fp32()};
  c.rounding = r;
  c.roundingLanes = 4;
  c.optimizer.learningRate = 0.25;
  c.vector.lanes = 4;
  return c;
}

int tensorNamed(const tt::TtProgram& p, const std::string& name) {
  for (std::size_t i = 0; i < p.tensors.size(); ++i)
    if (p.tensors[i].name == name) return static_cast<int>(i);
  throw std::runtime_error("no tensor " + name);
}

std::vector<float> pseudoRandom(std::size_t n, std::uint32_t seed, float scale) {
  std::vector<float> v(n);
  std::uint32_t s = seed * 2654435761u + 1;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = scale * (static_cast<float>(s >> 8) / 16777216.0f * 2.0f - 1.0f);
  }
  return v;
}

double maxAbs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

void expectClose(const std::vector<float>& got, const std::vector<double>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  const double tol = 1e-5 * maxAbs(want);
  ASSERT_GT(maxAbs(want), 0.0) << what << ": the reference is all zeros, the check would be empty";
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol) << what << " element " << i;
}

/// Run one fp32 step of a one-layer network whose layer also produces its
/// input gradient, with a chosen output gradient, and check every result
/// against the dense reference.
void checkAgainstDense(const std::string& layerYaml, int batch, int maxRank = 0) {
  workload::Network net = network("workload:\n  name: t\n  batch: " + std::to_string(batch) +
                                  "\n  input: {channels: 24, height: 1, width: 1}\n  layers:\n    - " + layerYaml + "\n");
  net.layers[0].needsInputGrad = true;  // as if a trainable layer came before it
  const auto f32 = NumberFormat::fp32();
  const models::TtEngineConfig cfg = engine(f32, f32, f32, kernels::Rounding::NearestEven);
  const tt::TtProgram p = tt::buildProgram(net, models::programOptions(cfg, maxRank));
  models::TtDatapath dp(p, cfg, 1);
  dp.initWeights(11);
  const std::vector<float> x = pseudoRandom(static_cast<std::size_t>(batch) * 24, 3, 1.0f);
  dp.setBatch(x, std::vector<int>(static_cast<std::size_t>(batch), 0));

  const tt::TtMatrix& t = p.plans[0].matrix;
  std::vector<std::vector<double>> cores;
  for (int k = 0; k < t.cores(); ++k) {
    const auto& g = dp.tensor(tensorNamed(p, "tt.G" + std::to_string(k + 1)));
    cores.emplace_back(g.begin(), g.end());
  }
  std::size_t i = 0;
  for (; p.ops[i].kind != tt::OpKind::Loss; ++i) dp.execute(i);
  dp.execute(i++);
  // Replace the loss gradient by an arbitrary one: the check is about the layer.
  const int dyT = p.ops[i - 1].writes[0];
  dp.tensor(dyT) = pseudoRandom(dp.tensor(dyT).size(), 5, 0.5f);
  const std::vector<double> dy(dp.tensor(dyT).begin(), dp.tensor(dyT).end());
  for (; i < p.ops.size(); ++i) dp.execute(i);

  const kernels::DenseTtReference ref(t.outModes, t.inModes, t.ranks, cores);
  const std::vector<double> xd(x.begin(), x.end());
  expectClose(dp.tensor(tensorNamed(p, "tt")), ref.forward(xd, batch), "forward output");
  expectClose(dp.tensor(tensorNamed(p, "dinput@tt")), ref.inputGrad(dy, batch), "input gradient");
  const std::vector<double> dW = ref.weightGrad(xd, dy, batch);
  for (int k = 0; k < t.cores(); ++k)
    expectClose(dp.tensor(tensorNamed(p, "tt.dG" + std::to_string(k + 1))), ref.coreGrad(k, dW),
                "gradient of core " + std::to_string(k + 1));
}

}  // namespace

TEST(TtFunctional, Fp32TtMatrixMatchesDenseReference) {
  // 24 = 2*3*4 -> 12 = 3*2*2, ranks 1-3-4-1, batch 3.
  checkAgainstDense("{name: tt, type: tt_linear, in_modes: [2, 3, 4], out_modes: [3, 2, 2], ranks: [1, 3, 4, 1]}", 3);
}

TEST(TtFunctional, Fp32TtFormatMatchesDenseReference) {
  // TT format: output cores {3,4} then input cores {4,6}, rank 3: four cores r x mode x r.
  checkAgainstDense("{name: tt, type: tt_linear, tt_format: tt, out_modes: [3, 4], in_modes: [4, 6], rank: 3}", 2);
}

TEST(TtFunctional, Fp32PrunedRanksMatchDenseReference) {
  // Rank schedule clip to 2: ranks 1-2-2-1.
  checkAgainstDense("{name: tt, type: tt_linear, in_modes: [2, 3, 4], out_modes: [3, 2, 2], rank: 5}", 2, 2);
}

TEST(TtFunctional, Fp32DenseLayerMatchesDenseReference) {
  // A dense 24 -> 10 layer is a one-core TT-matrix.
  checkAgainstDense("{name: tt, type: fc, out_features: 10}", 4);
}

namespace {

const char* kMlp = R"(workload:
  name: mlp
  batch: 5
  input: {channels: 1, height: 4, width: 6}
  layers:
    - {name: tt1, type: tt_linear, in_modes: [4, 6], out_modes: [4, 4], rank: 3}
    - {name: relu1, type: relu}
    - {name: tt2, type: tt_linear, in_modes: [4, 4], out_modes: [2, 5], rank: 3}
)";

/// `steps` training steps from seed-determined weights and batches.
models::TtDatapath train(const tt::TtProgram& p, const models::TtEngineConfig& cfg, std::uint64_t seed, int steps,
                         models::TtDatapath::Kernel kernel) {
  models::TtDatapath dp(p, cfg, seed, kernel);
  dp.initWeights(42);
  for (int s = 0; s < steps; ++s) {
    dp.synthesizeBatch(100 + static_cast<std::uint64_t>(s), 10);
    dp.runStep();
  }
  return dp;
}

void expectBitExact(const NumberFormat& w, const NumberFormat& a, const NumberFormat& g) {
  const workload::Network net = network(kMlp);
  const models::TtEngineConfig cfg = engine(w, a, g, kernels::Rounding::Stochastic);
  const tt::TtProgram p = tt::buildProgram(net, models::programOptions(cfg, 0));
  const auto tiled = train(p, cfg, 7, 3, models::TtDatapath::Kernel::Tiled);
  const auto naive = train(p, cfg, 7, 3, models::TtDatapath::Kernel::Naive);
  int nonZero = 0;
  for (std::size_t t = 0; t < p.tensors.size(); ++t) {
    const auto& x = tiled.tensor(static_cast<int>(t));
    const auto& y = naive.tensor(static_cast<int>(t));
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(x[i], y[i]) << p.tensors[t].name << " element " << i;
      nonZero += x[i] != 0.0f;
    }
  }
  EXPECT_GT(nonZero, 100);  // the comparison covers real values, not zeros
  EXPECT_EQ(tiled.weightChecksum(), naive.weightChecksum());
}

}  // namespace

TEST(TtFunctional, Fixed8BitExactAgainstNaiveReference) {
  expectBitExact(NumberFormat::fixed(8, 6), NumberFormat::fixed(8, 6), NumberFormat::bfp(8, 16));
}

TEST(TtFunctional, Fixed4BitExactAgainstNaiveReference) {
  expectBitExact(NumberFormat::fixed(4, 2), NumberFormat::fixed(8, 4), NumberFormat::fixed(8, 7));
}

TEST(TtFunctional, BlockFloatingPointBitExactAgainstNaiveReference) {
  expectBitExact(NumberFormat::bfp(8, 4), NumberFormat::bfp(6, 8), NumberFormat::bfp(8, 16));
}

TEST(TtFunctional, StochasticRoundingReproducesWithTheSeed) {
  const workload::Network net = network(kMlp);
  const models::TtEngineConfig cfg =
      engine(NumberFormat::fixed(8, 6), NumberFormat::fixed(8, 6), NumberFormat::bfp(8, 16), kernels::Rounding::Stochastic);
  const tt::TtProgram p = tt::buildProgram(net, models::programOptions(cfg, 0));
  const auto start = train(p, cfg, 1, 0, models::TtDatapath::Kernel::Tiled);
  const auto a = train(p, cfg, 1, 4, models::TtDatapath::Kernel::Tiled);
  const auto b = train(p, cfg, 1, 4, models::TtDatapath::Kernel::Tiled);
  const auto c = train(p, cfg, 2, 4, models::TtDatapath::Kernel::Tiled);
  EXPECT_NE(a.weightChecksum(), start.weightChecksum());  // training moved the weights
  EXPECT_EQ(a.weightChecksum(), b.weightChecksum());
  EXPECT_NE(a.weightChecksum(), c.weightChecksum());
  EXPECT_TRUE(std::isfinite(a.lastLoss()));
}

TEST(TtFunctional, NearestEvenRoundingIgnoresTheSeed) {
  // The seed feeds only the LFSR lanes: with nearest-even rounding two seeds agree.
  const workload::Network net = network(kMlp);
  const models::TtEngineConfig cfg =
      engine(NumberFormat::fixed(8, 6), NumberFormat::fixed(8, 6), NumberFormat::bfp(8, 16), kernels::Rounding::NearestEven);
  const tt::TtProgram p = tt::buildProgram(net, models::programOptions(cfg, 0));
  EXPECT_EQ(train(p, cfg, 1, 3, models::TtDatapath::Kernel::Tiled).weightChecksum(),
            train(p, cfg, 2, 3, models::TtDatapath::Kernel::Tiled).weightChecksum());
}

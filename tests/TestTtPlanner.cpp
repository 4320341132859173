// The contraction-order planner, the TT program and its training memory:
// chosen orders and their FLOPs with the arithmetic written out, reuse of
// intermediates between the forward pass, the input gradient and the core
// gradients, parameter counts of the reference workload, and the liveness
// accounting of the memory report byte by byte.

#include <gtest/gtest.h>

#include "sim/config/ConfigNode.h"
#include "sim/tt/TrainingMemory.h"
#include "families/tt/TtDesign.h"
#include "sim/tt/TtProgram.h"
#include "sim/workload/Network.h"
#include "tests/Harness.h"

using namespace ftsim;
using kernels::NumberFormat;

namespace {

workload::Network network(const std::string& yaml) {
  return workload::Network::fromYaml(config::ConfigNode::loadString(yaml, "test").at("workload"));
}

tt::ProgramOptions flopsOptions(NumberFormat w = NumberFormat::fp32(), NumberFormat a = NumberFormat::fp32(),
                                NumberFormat g = NumberFormat::fp32()) {
  tt::ProgramOptions o;
  o.formats = tt::TtFormats{w, a, g, NumberFormat::fp32()};
  o.cost = [](const tt::GemmShape& s) { return s.flops(); };
  return o;
}

const tt::NetworkReport& net(const tt::TtProgram& p, const std::string& layer, const std::string& name) {
  for (const auto& lp : p.plans)
    if (lp.name == layer)
      for (const auto& n : lp.networks)
        if (n.name == name) return n;
  throw std::runtime_error("no network " + layer + "/" + name);
}

std::string oneLayer(int batch) {
  // 12 = 3*4 -> 4 = 2*2, ranks 1-5-1: legs b, i1 = 2, j1 = 3, r = 5, i2 = 2, j2 = 4.
  return "workload:\n  name: t\n  batch: " + std::to_string(batch) +
         "\n  input: {channels: 12, height: 1, width: 1}\n  layers:\n"
         "    - {name: tt, type: tt_linear, in_modes: [3, 4], out_modes: [2, 2], rank: 5}\n";
}

}  // namespace

TEST(TtPlanner, ForwardOrderDependsOnTheBatch) {
  // X[b,j1,j2], G1[i1,j1,r], G2[r,i2,j2]. FLOPs (2 per MAC):
  //   (X·G2)·G1:  X·G2 = 2·(b·j1)·j2·(r·i2) = 240b;  then ·G1 = 2·(b·i2)·(j1·r)·i1 = 120b
  //   (X·G1)·G2:  X·G1 = 2·(b·j2)·j1·(i1·r) = 240b;  then ·G2 = 2·(b·i1)·(j2·r)·i2 = 160b
  //   X·(G1·G2):  G1·G2 = 2·(i1·j1)·r·(i2·j2) = 480;  then X· = 2·b·(j1·j2)·(i1·i2) = 96b
  // b = 1: 360 < 400 < 576, sequential through G2 first.
  // b = 8: 480 + 768 = 1248 < 2880 (sequential): the cores are merged first.
  const tt::TtProgram p1 = tt::buildProgram(network(oneLayer(1)), flopsOptions());
  EXPECT_EQ(net(p1, "tt", "forward").order, "((X·G2)·G1)");
  EXPECT_EQ(net(p1, "tt", "forward").flops, 360u);
  const tt::TtProgram p8 = tt::buildProgram(network(oneLayer(8)), flopsOptions());
  EXPECT_EQ(net(p8, "tt", "forward").order, "(X·(G1·G2))");
  EXPECT_EQ(net(p8, "tt", "forward").flops, 1248u);
}

TEST(TtPlanner, BackwardReusesIntermediatesFromBothEnds) {
  // A trainable layer feeds a TT-format layer (output cores {2,3}, input
  // cores {3,4}, rank 2, batch 2), so both gradients are needed. Legs:
  // b = 2, i1 = 2, r1 = 2, i2 = 3, r2 = 2, j3 = 3, r3 = 2, j4 = 4.
  // Forward, input side first down to the rank bottleneck, then out:
  //   X·G4 = 2·(b·j3)·j4·r3 = 96; ·G3 = 2·b·(j3·r3)·r2 = 48;
  //   ·G2 = 2·b·r2·(r1·i2) = 48; ·G1 = 2·(b·i2)·r1·i1 = 48: 240.
  // Backward with reuse: the input gradient is the mirror image (240), and
  // each core gradient meets a forward partial product (X with the input-side
  // cores) and a backward one (dY with the output-side cores): G1 48, G2 48,
  // G3 48, G4 96: 480 in all. Recomputing the forward partials instead costs
  // grad_G1 the whole 240: 672.
  const std::string yaml = R"(workload:
  name: t
  batch: 2
  input: {channels: 12, height: 1, width: 1}
  layers:
    - {name: a, type: fc, out_features: 12}
    - {name: tt, type: tt_linear, tt_format: tt, out_modes: [2, 3], in_modes: [3, 4], rank: 2}
)";
  tt::ProgramOptions o = flopsOptions();
  const tt::TtProgram p = tt::buildProgram(network(yaml), o);
  EXPECT_EQ(net(p, "tt", "forward").order, "((((X·G4)·G3)·G2)·G1)");
  EXPECT_EQ(net(p, "tt", "forward").flops, 240u);
  EXPECT_EQ(net(p, "tt", "input_grad").flops, 240u);
  const tt::NetworkReport& g2 = net(p, "tt", "grad_G2");
  EXPECT_EQ(g2.order, "(((X·G4)·G3)·(dY·G1))");
  EXPECT_EQ(g2.reused, (std::vector<std::string>{"((X·G4)·G3)", "(dY·G1)"}));
  std::uint64_t bp = 0;
  for (const char* n : {"input_grad", "grad_G1", "grad_G2", "grad_G3", "grad_G4"}) bp += net(p, "tt", n).flops;
  EXPECT_EQ(bp, 480u);
  // Kept for the backward pass: X·G4 (b·j3·r3 = 12), ((X·G4)·G3) (b·r2 = 4),
  // (((X·G4)·G3)·G2) (b·r1·i2 = 12): 28 fp32 values = 112 bytes.
  EXPECT_EQ(p.plans[1].keptForBackwardBytes, 112u);

  o.reuseForwardIntermediates = false;
  const tt::TtProgram q = tt::buildProgram(network(yaml), o);
  bp = 0;
  for (const char* n : {"input_grad", "grad_G1", "grad_G2", "grad_G3", "grad_G4"}) bp += net(q, "tt", n).flops;
  EXPECT_EQ(bp, 672u);
  EXPECT_EQ(q.plans[1].keptForBackwardBytes, 0u);
}

TEST(TtPlanner, ReferenceWorkloadParameters) {
  // tt1 [4,7,4,7] -> [4,4,8,4], rank 20: cores 1·4·4·20 = 320, 20·4·7·20 = 11,200,
  //   20·8·4·20 = 12,800, 20·4·7·1 = 560: 24,880.
  // tt2 [16,32] -> [2,5], rank 20: 1·2·16·20 = 640, 20·5·32·1 = 3,200: 3,840.
  // Total 28,720; dense 784·512 + 512·10 = 406,528.
  // At max rank 5: tt1 80 + 700 + 800 + 140 = 1,720; tt2 160 + 800 = 960: 2,680.
  const auto root = config::ConfigNode::loadFile(test::sourceDir() + "/configs/workloads/tt-mlp-mnist.yaml");
  const workload::Network n = workload::Network::fromYaml(root.at("workload"));
  EXPECT_EQ(n.paramCount(), 28720u);
  EXPECT_EQ(tt::buildProgram(n, flopsOptions()).params, 28720u);
  tt::ProgramOptions o = flopsOptions();
  o.maxRank = n.maxRankAt(6000);
  EXPECT_EQ(o.maxRank, 5);
  EXPECT_EQ(tt::buildProgram(n, o).params, 2680u);
  EXPECT_EQ(tt::buildProgram(n, tt::denseBaselineOptions(o)).params, 406528u);
  EXPECT_EQ(n.maxRankAt(1999), 20);
  EXPECT_EQ(n.maxRankAt(2000), 10);
}

TEST(TtPlanner, TrainingMemoryCountsLiveBytes) {
  // FC 8 -> 4, batch 2; weights and activations fixed<8,6>, gradients bfp<8,16>.
  // Operations: 0 load, 1 forward X·W, 2 loss, 3 weight gradient X·dY, 4 update.
  //   W: 32 B, live throughout;  X: 16 B, ops 0..3;  labels: 2 int32 = 8 B, ops 0..2;
  //   Y: 8 B, ops 1..2;  dY: 8 mantissas + 1 exponent = 9 B, ops 2..3;
  //   dW: 32 mantissas + 2 exponents = 34 B, ops 3..4.
  // Live: op0 56, op1 64, op2 73, op3 32 + 16 + 9 + 34 = 91, op4 66: the peak is 91
  // at the weight-gradient contraction.
  // Dense fp32: W 128, X 64, labels 8, Y 32, dY 32, dW 128: op3 = 128 + 64 + 32 + 128 = 352.
  const std::string yaml = R"(workload:
  name: t
  batch: 2
  input: {channels: 8, height: 1, width: 1}
  layers:
    - {name: fc1, type: fc, out_features: 4}
)";
  const tt::ProgramOptions o = flopsOptions(NumberFormat::fixed(8, 6), NumberFormat::fixed(8, 6), NumberFormat::bfp(8, 16));
  const tt::TtProgram p = tt::buildProgram(network(yaml), o);
  const tt::MemoryUse m = tt::analyzeMemory(p);
  EXPECT_EQ(m.peakBytes, 91u);
  EXPECT_EQ(m.peakOp, 3);
  EXPECT_EQ(m.bytes(tt::MemoryComponent::Weights), 32u);
  EXPECT_EQ(m.bytes(tt::MemoryComponent::WeightGradients), 34u);
  EXPECT_EQ(m.bytes(tt::MemoryComponent::Activations), 16u);
  EXPECT_EQ(m.bytes(tt::MemoryComponent::BackwardBuffers), 9u);
  EXPECT_EQ(m.ownPeak[static_cast<int>(tt::MemoryComponent::Activations)], 32u);  // X + labels + Y at op1
  const tt::MemoryUse d = tt::analyzeMemory(tt::buildProgram(network(yaml), tt::denseBaselineOptions(o)));
  EXPECT_EQ(d.peakBytes, 352u);
}

TEST(TtPlanner, EmbeddingContractsGatheredSlices) {
  // tt_embedding: vocabulary 16 = 4*4 -> dimension 6 = 2*3, rank 2, 3 tokens.
  // Each core's slices for the 3 tokens are gathered (S1[b,i1,r] 12 values,
  // S2[b,r,i2] 18), then contracted with the token leg as a batch leg:
  //   forward S1·S2: batch 3, m = i1 = 2, k = r = 2, n = i2 = 3: 2·3·2·2·3 = 72 FLOPs;
  // each slice gradient is dY with the other slice (72 each), scattered back
  // into its core.
  const std::string yaml = R"(workload:
  name: t
  batch: 1
  input: {channels: 1, height: 1, width: 3}
  layers:
    - {name: emb, type: tt_embedding, vocab_modes: [4, 4], dim_modes: [2, 3], rank: 2}
)";
  const tt::TtProgram p = tt::buildProgram(network(yaml), flopsOptions());
  EXPECT_EQ(net(p, "emb", "forward").order, "(S1·S2)");
  EXPECT_EQ(net(p, "emb", "forward").flops, 72u);
  EXPECT_EQ(net(p, "emb", "grad_G1").flops, 72u);
  EXPECT_EQ(net(p, "emb", "grad_G2").flops, 72u);
  int gathers = 0, scatters = 0;
  for (const auto& op : p.ops) {
    gathers += op.kind == tt::OpKind::Gather;
    scatters += op.kind == tt::OpKind::ScatterAdd;
  }
  EXPECT_EQ(gathers, 2);
  EXPECT_EQ(scatters, 2);
  EXPECT_EQ(p.params, 2u * 4 * 2 + 2u * 3 * 4 * 1);  // G1 1·2·4·2 = 16, G2 2·3·4·1 = 24
}

// Exact cycle counts of the TT engine: the timing core (TtEngineTiming) on
// its own, with the arithmetic written out, and whole training steps through
// the SystemC top (TtSystem: controller, engine, DMA over TLM to the ideal
// memory), where every operation costs exactly what the timing core says
// and the input load costs the DMA start plus its beats.

#include <gtest/gtest.h>

#include "models/tt_engine/TtEngineTiming.h"
#include "families/tt/TtDesign.h"
#include "sim/analytical/TtRoofline.h"
#include "tests/Harness.h"
#include "models/accel/TtSystem.h"

using namespace ftsim;
using namespace ftsim::test;
using models::TtEngineTiming;
using models::TtPeArrayConfig;
using models::VectorUnitConfig;

namespace {

TtPeArrayConfig pe(int rows, int depth, int mul, int add, int acc) {
  TtPeArrayConfig c;
  c.rows = rows;
  c.depth = depth;
  c.mulLatencyCycles = mul;
  c.addLatencyCycles = add;
  c.accLatencyCycles = acc;
  c.bufferReadLatencyCycles = 2;
  c.bufferWriteLatencyCycles = 1;
  return c;
}

VectorUnitConfig vec(int lanes, int pipeline) {
  VectorUnitConfig v;
  v.lanes = lanes;
  v.pipelineCycles = pipeline;
  return v;
}

tt::GemmShape gemm(std::uint64_t b, std::uint64_t m, std::uint64_t k, std::uint64_t n) {
  tt::GemmShape g;
  g.batch = b;
  g.m = m;
  g.k = k;
  g.n = n;
  return g;
}

}  // namespace

TEST(TtTiming, PipelineFill) {
  // int8 16x16: read 2 + mul 3 + 4 tree levels x add 1 + acc 1 + write 1 = 11.
  EXPECT_EQ(TtEngineTiming(pe(16, 16, 3, 1, 1), vec(16, 8)).fillCycles().value(), 11u);
  // fp32 16x16: 2 + 4 + 4 x 5 + 5 + 1 = 32.
  EXPECT_EQ(TtEngineTiming(pe(16, 16, 4, 5, 5), vec(16, 8)).fillCycles().value(), 32u);
  // depth 4: two tree levels: 2 + 3 + 2 + 1 + 1 = 9.
  EXPECT_EQ(TtEngineTiming(pe(4, 4, 3, 1, 1), vec(4, 8)).fillCycles().value(), 9u);
}

TEST(TtTiming, LargeContractionStreamsAtOneColumnPerCycle) {
  // tt1's X·(G1·G2) at batch 32: m = 896, k = 28, n = 320 on 16x16 int8.
  //   rows m: 56 row tiles x ceil(28/16) = 2 depth tiles = 112 tiles of 320 columns:
  //           112 x max(320, 16) + min(320, 16) = 35,840 + 16 = 35,856
  //   rows n: 20 x 2 = 40 tiles of 896 columns: 35,840 + 16 = 35,856
  //   + fill 11 = 35,867
  const TtEngineTiming t(pe(16, 16, 3, 1, 1), vec(16, 8));
  EXPECT_EQ(t.contractionCycles(gemm(1, 896, 28, 320)).value(), 35867u);
}

TEST(TtTiming, NarrowContractionPaysTheStationaryTileLoads) {
  // m = 16, k = 16, n = 2 on 16x16: one tile; loading it takes 16 cycles,
  // streaming its 2 columns 2: 1 x max(2, 16) + min(2, 16) = 18 (rows n: 1 x
  // max(16, 16) + 16 = 32); + 11 = 29.
  const TtEngineTiming t(pe(16, 16, 3, 1, 1), vec(16, 8));
  EXPECT_EQ(t.contractionCycles(gemm(1, 16, 16, 2)).value(), 29u);
  // Batched, 5 such products: the loads of tiles 2..5 hide nothing behind
  // 2-column streams: 5 x 16 + 2 = 82, + 11 = 93.
  EXPECT_EQ(t.contractionCycles(gemm(5, 16, 16, 2)).value(), 93u);
}

TEST(TtTiming, AccumulatorLatencySetsTheInitiationInterval) {
  // fp32 accumulator latency 5 on a 4x4 array: with more than one depth
  // tile, a column's accumulator is read again n columns later, so the
  // column loop runs at II = ceil(5/n) when n < 5.
  const TtEngineTiming t(pe(4, 4, 4, 5, 5), vec(4, 8));
  EXPECT_EQ(t.initiationInterval(4, 2), 2u);  // 4 columns: blocked (4 < 5)
  EXPECT_EQ(t.initiationInterval(5, 2), 1u);  // 5 columns: the gate just holds
  EXPECT_EQ(t.initiationInterval(4, 1), 1u);  // one depth tile: no accumulation across tiles
  // m = 4, k = 8, n = 2: rows m: 2 tiles streaming 2 x 3 = 6: 2 x max(6, 4) + min(6, 4) = 16;
  // rows n: 2 tiles streaming 4 x 2 = 8: 2 x 8 + 4 = 20. Fill 2 + 4 + 2 x 5 + 5 + 1 = 22: 16 + 22 = 38.
  EXPECT_EQ(t.contractionCycles(gemm(1, 4, 8, 2)).value(), 38u);
  EXPECT_FALSE(t.swapped(gemm(1, 4, 8, 2)));
  EXPECT_TRUE(t.swapped(gemm(1, 2, 8, 4)));
}

namespace {

/// Cycle-by-cycle model of the contraction loop nest: a loader fills the
/// two stationary register sets one row per cycle (a set is free once the
/// tile before last has streamed), a streamer issues one column per
/// initiation interval from a loaded set. Returns the cycles until the last
/// column has issued.
std::uint64_t oracleIssueCycles(std::uint64_t tiles, std::uint64_t rows, std::uint64_t cols, std::uint64_t ii) {
  std::uint64_t loaded = 0, loadProgress = 0, streamed = 0, streamProgress = 0, waitIi = 0;
  bool streaming = false;
  std::uint64_t cycle = 0;
  while (streamed < tiles) {
    // Loader: tile `loaded` may go into a set once tile loaded-2 has streamed.
    const bool loaderBusy = loaded < tiles && loaded < streamed + 2;
    // Streamer: start a tile once it is loaded; one column per II cycles.
    if (!streaming && streamed < loaded) {
      streaming = true;
      streamProgress = 0;
      waitIi = 0;
    }
    if (streaming) {
      if (waitIi == 0) {
        ++streamProgress;
        waitIi = ii - 1;
      } else {
        --waitIi;
      }
    }
    if (loaderBusy && ++loadProgress == rows) {
      ++loaded;
      loadProgress = 0;
    }
    ++cycle;
    if (streaming && streamProgress == cols && waitIi == 0) {
      streaming = false;
      ++streamed;
    }
  }
  return cycle;
}

}  // namespace

TEST(TtTiming, TileOverlapMatchesACycleByCycleOracle) {
  // The closed form T·max(S, R) + min(S, R) against the per-cycle loop for
  // every shape with 1..6 tiles, 2..16 rows, 1..20 columns and II 1..3.
  for (std::uint64_t tiles = 1; tiles <= 6; ++tiles)
    for (std::uint64_t rows : {2u, 4u, 8u, 16u})
      for (std::uint64_t cols = 1; cols <= 20; ++cols)
        for (std::uint64_t ii = 1; ii <= 3; ++ii) {
          const std::uint64_t s = cols * ii;
          EXPECT_EQ(oracleIssueCycles(tiles, rows, cols, ii), tiles * std::max(s, rows) + std::min(s, rows))
              << tiles << " tiles, " << rows << " rows, " << cols << " columns, II " << ii;
        }
}

TEST(TtTiming, VectorAndUpdate) {
  const TtEngineTiming t(pe(16, 16, 3, 1, 1), vec(16, 8));
  EXPECT_EQ(t.vectorCycles(320, 3).value(), 68u);                     // 3 x 20 + 8
  EXPECT_EQ(t.vectorCycles(17, 1).value(), 10u);                      // ceil(17/16) = 2, + 8
  EXPECT_EQ(t.updateCycles(11200, tt::Optimizer::Sgd).value(), 708u);  // 700 + 8
  EXPECT_EQ(t.updateCycles(11200, tt::Optimizer::Adam).value(), 1408u);  // 2 passes: 1400 + 8
}

namespace {

// kSmallTtEngineYaml (a 4x4 int8 engine at 100 MHz with 4 vector lanes,
// pipeline 8) on the ZCU102 board (DMA start 4000 ns = 400 cycles), ideal memory.
const char* const kSmallEngine = kSmallTtEngineYaml;

std::string ttDesign(const std::string& workload, const std::string& extra = "") {
  const std::string dir = tempDir("d");
  const std::string path = dir + "/design.yaml";
  writeText(path, "name: tt-test\ninclude:\n  - " + sourceDir() + "/configs/boards/zcu102.yaml\n" + kSmallEngine +
                      "workload:\n" + workload + extra);
  return path;
}

// The design and plan of the last simulateTtDesign (kept alive for SystemC).
config::DesignConfig gTtDesign;
tt::TtDesignPlan gTtPlan;

tt::TtRunResult simulateTtDesign(const std::string& path, const std::vector<std::string>& overrides = {}) {
  config::DesignConfig& d = gTtDesign;
  tt::TtDesignPlan& plan = gTtPlan;
  d = config::DesignConfig::load(path, overrides);
  plan = tt::planTtDesign(d);
  return models::simulateTt(d.tt, d.memory, plan.program, nullptr, {});
}

const char* kDense = R"(  name: dense
  batch: 2
  input: {channels: 8, height: 1, width: 1}
  layers:
    - {name: fc1, type: fc, out_features: 4}
)";

}  // namespace

TEST(TtCycles, DenseLayerTrainingStep) {
  // FC 8 -> 4, batch 2, on the 4x4 array (fill 2 + 3 + 2 + 1 + 1 = 9):
  //   load    input 2 x 8 B (fixed<8,6>) + labels 2 x 4 B = 24 B:
  //           start 400 + ceil(24/16) = 2 beats                        =  402
  //   FP      X[b,j]·W[i,j]: m = b = 2, k = 8, n = i = 4; 2 depth tiles:
  //           rows m: 2 tiles x max(4, 4) + min(4, 4) = 12;
  //           rows n: 2 tiles x max(2, 4) + min(2, 4) = 10; + 9            =   19
  //   loss    8 logits, 3 passes: 3 x ceil(8/4) + 8                    =   14
  //   WU      X[b,j]·dY[b,i] -> dW[i,j]: m = 8, k = 2, n = 4; 1 depth tile:
  //           rows m: 2 tiles x 4 + 4 = 12; rows n: 1 tile x 8 + 4 = 12; + 9 =   21
  //   update  32 weights: ceil(32/4) + 8                               =   16
  //   total                                                              472
  const tt::TtRunResult r = simulateTtDesign(ttDesign(kDense));
  ASSERT_EQ(r.ops.size(), 5u);
  EXPECT_EQ(r.ops[0].cycles, 402u);
  EXPECT_EQ(r.ops[1].cycles, 19u);
  EXPECT_EQ(r.ops[2].cycles, 14u);
  EXPECT_EQ(r.ops[3].cycles, 21u);
  EXPECT_EQ(r.ops[4].cycles, 16u);
  EXPECT_EQ(r.totalCycles, 472u);
  EXPECT_EQ(r.ops[0].bytesRead, 24u);
  // The analytical estimate is a per-op roofline, not the timing core's
  // formula: load ⌈24/16⌉ = 2; FP 2·(2·8·4) = 128 FLOPs at 2·4·4 = 32 per
  // cycle = 4; loss 8 logits × 3 passes / 4 lanes = 6; WU 2·(8·2·4) / 32 = 4;
  // update 32 / 4 = 8. The simulation is above it by the start cost, the
  // tile padding and the pipeline fill and drain.
  const std::uint64_t roof[] = {2, 4, 6, 4, 8};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(analytical::ttRooflineCycles(gTtPlan.program.ops[i], gTtDesign.tt), roof[i]) << i;
    EXPECT_GT(r.ops[i].cycles, roof[i]) << i;
  }
}

TEST(TtCycles, MemoryLatencyDelaysOnlyTheInputLoad) {
  // 10 cycles of memory latency: the load ends at 400 + 10 + 2 = 412
  // (its last beat leaves the memory then); nothing else touches DDR: 482.
  const tt::TtRunResult r = simulateTtDesign(ttDesign(kDense), {"memory.ideal.latency_cycles=10"});
  EXPECT_EQ(r.ops[0].cycles, 412u);
  EXPECT_EQ(r.totalCycles, 482u);
}

TEST(TtCycles, TtLayerStepFollowsTheTimingCore) {
  // A TT-matrix layer 24 = 2*3*4 -> 8 = 2*2*2, rank 3, batch 4, then ReLU
  // and a dense 8 -> 4 layer: every operation of the simulated step takes
  // the timing core's cycles, and the step is their sum (one wait each).
  const char* wl = R"(  name: tt
  batch: 4
  input: {channels: 24, height: 1, width: 1}
  layers:
    - {name: tt1, type: tt_linear, in_modes: [2, 3, 4], out_modes: [2, 2, 2], rank: 3}
    - {name: relu1, type: relu}
    - {name: fc2, type: fc, out_features: 4}
)";
  static config::DesignConfig d;
  d = config::DesignConfig::load(ttDesign(wl), {});
  static tt::TtDesignPlan plan;
  plan = tt::planTtDesign(d);
  const tt::TtRunResult r = models::simulateTt(d.tt, d.memory, plan.program, nullptr, {});
  const models::TtEngineTiming timing(d.tt.peArray, d.tt.vector);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < plan.program.ops.size(); ++i) {
    const tt::ProgOp& op = plan.program.ops[i];
    std::uint64_t want = 0;
    if (op.kind == tt::OpKind::LoadInput) want = 400 + (4 * 24 + 4 * 4 + 15) / 16;  // 112 B: 7 beats
    else if (op.kind == tt::OpKind::Contract) want = timing.contractionCycles(op.gemm).value();
    else if (op.kind == tt::OpKind::Update) want = timing.updateCycles(op.elements, tt::Optimizer::Sgd).value();
    else want = timing.vectorCycles(op.elements, op.passes).value();
    EXPECT_EQ(r.ops[i].cycles, want) << op.label;
    EXPECT_EQ(r.ops[i].startCycle, sum) << op.label;
    sum += want;
  }
  EXPECT_EQ(r.totalCycles, sum);
}

// The authors' analytical model in closed form (sim/analytical/EfTrainAnalytical):
// one test per formula with its arithmetic, the M_on rule, and VGG-16 as the
// authors' script (tangyuelm/EF-Train finetune2.py) computes it with the
// shipped HLS values: 48.0 GFLOPS over the convolutions, and the tilings the
// authors hard-coded in sdk/main.cc.
//
// Shares with the simulator: the config structs only (EfTrainConfig, the
// workload's layers). The expected values were computed by hand.

#include <gtest/gtest.h>

#include "sim/analytical/EfTrainAnalytical.h"
#include "sim/analytical/Roofline.h"
#include "sim/config/DesignConfig.h"
#include "tests/Harness.h"

using namespace ftsim;
using namespace ftsim::analytical;

namespace {

/// Tm = Tn = 16, DMAp = 4, tstart = 400 (the shipped HLS values), and
/// TmTn_bound = 64, K_bound = 3, TrTc_bound = 2016, TrTc_in_bound = 2486.
EfTrainParams hls() { return EfTrainParams{}; }

ConvShape shape(int m, int n, int r, int c, int k, int b) {
  ConvShape s;
  s.m = m;
  s.n = n;
  s.r = r;
  s.c = c;
  s.k = k;
  s.s = 1;
  s.batch = b;
  return s;
}

EfTrainTiling tiling(int mOn, int tr, int tc) {
  EfTrainTiling t;
  t.mOn = mOn;
  t.tr = tr;
  t.tc = tc;
  return t;
}

TEST(Analytical, ParamsFromTheShippedAccelerator) {
  const auto d = config::DesignConfig::load(test::sourceDir() + "/configs/designs/eftrain-vgg16-zcu102.yaml", {});
  const EfTrainParams p = EfTrainParams::fromConfig(d.accelerator);
  EXPECT_EQ(p.tm, 16);
  EXPECT_EQ(p.tn, 16);
  EXPECT_EQ(p.dmaWordsPerCycle, 4);     // 128-bit streams / 32-bit words
  EXPECT_EQ(p.tstartCycles, 400u);
  EXPECT_EQ(p.weightSlots, 64);         // TmTn_bound
  EXPECT_EQ(p.kernelBound, 3);          // ⌊√9⌋
  EXPECT_EQ(p.outputWords, 2016);
  EXPECT_EQ(p.inputWords, 2486);
}

TEST(Analytical, InputLoadAndCompute) {
  // M = 32, N = 32, R = C = 4, K = 3, Tr = 2, Tc = 4:
  // tIFM = 400 + ⌈16/4⌉·((2−1)·1+3)·((4−1)·1+3) = 400 + 4·4·6 = 496; tCOMP = 2·4·9 = 72.
  const auto e = estimate(shape(32, 32, 4, 4, 3, 2), Pass::FP, tiling(32, 2, 4), hls());
  EXPECT_EQ(e.full.tIFM, 496u);
  EXPECT_EQ(e.full.tCOMP, 72u);
}

TEST(Analytical, InputLoadWithFewChannelsUsesNOverDmap) {
  // N = 3 ≤ DMAp: tIFM = 400 + ⌈3/4⌉·4·6 = 424 (finetune2.py line 63).
  const auto e = estimate(shape(16, 3, 4, 4, 3, 1), Pass::FP, tiling(16, 2, 4), hls());
  EXPECT_EQ(e.full.tIFM, 424u);
  // N = 5 > DMAp: ⌈Tn/DMAp⌉ = 4 beats per pixel: 400 + 4·4·6 = 496.
  EXPECT_EQ(estimate(shape(16, 5, 4, 4, 3, 1), Pass::FP, tiling(16, 2, 4), hls()).full.tIFM, 496u);
}

TEST(Analytical, ForwardPass) {
  // M = 48, N = 32, R = C = 4, K = 3, B = 2, M_on = 32 (M_on1 = 48 mod 32 = 16), Tr = 2, Tc = 4.
  const auto e = estimate(shape(48, 32, 4, 4, 3, 2), Pass::FP, tiling(32, 2, 4), hls());
  const auto& f = e.full;
  EXPECT_EQ(f.tWEI, 576u);    // ⌈16·16/4⌉·9
  EXPECT_EQ(f.tOUT, 32u);     // ⌈16/4⌉·2·4
  EXPECT_EQ(f.tLOAD, 576u);   // max(496, 576)
  EXPECT_EQ(f.tPROD1, 496u);  // max(496, 72)
  EXPECT_EQ(f.tPROD2, 576u);  // max(576, 72)
  EXPECT_EQ(f.tSTORE, 72u);   // max(72, 32)
  EXPECT_EQ(f.lat1, 1064u);   // ⌈32/16−1⌉·496 + 496 + 72
  EXPECT_EQ(f.lat2, 1064u);   // ⌈32/16−1⌉·496 + 496 + 72
  EXPECT_EQ(f.lat3, 4688u);   // (⌈32/16⌉·⌈4/2⌉ − 1)·1064 + 1064 + 32 + 400
  EXPECT_EQ(f.latb1, 1144u);  // 1·576 + 496 + 72
  EXPECT_EQ(f.latb2, 1144u);
  EXPECT_EQ(f.latb3, 4848u);  // 2·⌈4/2−1⌉·1064 + ⌈32/16−1⌉·1144 + 1144 + 32 + 400
  EXPECT_EQ(f.chunkCycles, 9536u);  // (2−1)·4688 + 4848
  EXPECT_EQ(e.mOn1, 16);
  // The last chunk, one Tm group: lat3 = (1·2−1)·1064 + 1064 + 432 = 2560,
  // latb3 = 1·1·1064 + 0·1144 + 1144 + 432 = 2640, chunk 2560 + 2640 = 5200.
  EXPECT_EQ(e.last.lat3, 2560u);
  EXPECT_EQ(e.last.latb3, 2640u);
  EXPECT_EQ(e.latmon0, 9536u);   // ⌈48/32−1⌉ = 1 full chunk
  EXPECT_EQ(e.latmon1, 5200u);
  EXPECT_EQ(e.cycles, 14736u);
}

TEST(Analytical, BackwardPassLoadsTheWholeSlab) {
  // The same shape in BP: tWEI = ⌈M_on·Tn/4⌉·9 + 400 = ⌈32·16/4⌉·9 + 400 = 1552.
  const auto e = estimate(shape(48, 32, 4, 4, 3, 2), Pass::BP, tiling(32, 2, 4), hls());
  EXPECT_EQ(e.full.tWEI, 1552u);
  EXPECT_EQ(e.full.tPROD2, 1552u);   // max(tLOAD = 1552, 72)
  EXPECT_EQ(e.full.latb1, 2120u);    // 1·1552 + 496 + 72
  EXPECT_EQ(e.full.lat3, 4688u);     // as in FP
  EXPECT_EQ(e.full.latb3, 5744u);    // (2·2 − 1)·1064 + 2120 + 32 + 400
  EXPECT_EQ(e.full.chunkCycles, 10432u);
  // The last chunk's slab has M_on1 = 16 channels: ⌈16·16/4⌉·9 + 400 = 976;
  // latb1 = 976 + 496 + 72 = 1544, latb3 = (1·2−1)·1064 + 1544 + 432 = 3040,
  // lat3 = 2560, chunk 2560 + 3040 = 5600.
  EXPECT_EQ(e.last.tWEI, 976u);
  EXPECT_EQ(e.last.latb3, 3040u);
  EXPECT_EQ(e.cycles, 16032u);  // 10432 + 5600
}

TEST(Analytical, WeightUpdateWithSeveralStrips) {
  // WU, M = N = 32, R = C = 4, K = 3, B = 2, M_on = 32, Tr = 2 < R:
  // tOUT = ⌈256/4⌉·9 = 576 (write-back), tOFM = ⌈16/4⌉·2·4 + 400 = 432,
  // tLOAD = max(496, 432) = 496, tPROD1 = max(496, 72) = 496, tSTORE = max(72, 576) = 576,
  // lat1 = ⌈4/2−1⌉·496 + 496 + 72 = 1064, latb1 = 496 + 496 + 576 = 1568,
  // chunk = ((2−1)·2·2 + 1)·1064 + (2·2 − 1)·1568 + 576 = 5320 + 4704 + 576 = 10600.
  const auto e = estimate(shape(32, 32, 4, 4, 3, 2), Pass::WU, tiling(32, 2, 4), hls());
  EXPECT_EQ(e.full.tOUT, 576u);
  EXPECT_EQ(e.full.tOFM, 432u);
  EXPECT_EQ(e.full.tSTORE, 576u);
  EXPECT_EQ(e.full.lat1, 1064u);
  EXPECT_EQ(e.full.latb1, 1568u);
  EXPECT_EQ(e.cycles, 10600u);
}

TEST(Analytical, WeightUpdateWithOneStrip) {
  // Tr = R = 4: tIFM = 400 + 4·6·6 = 544, tCOMP = 144, tOFM = 4·16 + 400 = 464,
  // tLOAD = 544, tPROD2 = max(544, 144) = 544,
  // lat1 = ⌈32/16−1⌉·544 + 544 + 144 = 1232,
  // latb1 = 1·(544 + 576) + 544 + 144 + 576 = 2384,
  // chunk = ⌈32/16⌉·((2−1)·1232 + 2384) = 2·3616 = 7232.
  const auto e = estimate(shape(32, 32, 4, 4, 3, 2), Pass::WU, tiling(32, 4, 4), hls());
  EXPECT_EQ(e.full.lat1, 1232u);
  EXPECT_EQ(e.full.latb1, 2384u);
  EXPECT_EQ(e.cycles, 7232u);
}

TEST(Analytical, LastChunk) {
  EXPECT_EQ(lastChunk(64, 64), 64);    // M_on = M
  EXPECT_EQ(lastChunk(512, 64), 64);   // M divisible: M_on
  EXPECT_EQ(lastChunk(1000, 512), 488);
}

TEST(Analytical, MOnRule) {
  const EfTrainParams p = hls();
  // N = 512, K = 3: ⌊64/⌈⌈512/32⌉/1⌉⌋·16 = ⌊64/16⌋·16 = 64.
  EXPECT_EQ(chooseMOn(shape(512, 512, 28, 28, 3, 16), p), 64);
  // N = 256: ⌊64/8⌋·16 = 128; M = 256 → 128.
  EXPECT_EQ(chooseMOn(shape(256, 256, 56, 56, 3, 16), p), 128);
  // N = 3: ⌊64/1⌋·16 = 1024 ≥ M = 64 → M.
  EXPECT_EQ(chooseMOn(shape(64, 3, 224, 224, 3, 16), p), 64);
  // K = 1 packs ⌊3/1⌋² = 9 kernels per slot: N = 512 → ⌈16/9⌉ = 2 → ⌊64/2⌋·16 = 512;
  // M = 1000: candidates 16..976 and 1000, the largest ≤ 512 is 512 (sdk/main.cc
  // convfp_512_1000_1: tb_M = 512).
  EXPECT_EQ(chooseMOn(shape(1000, 512, 1, 16, 1, 1), p), 512);
  // FC BP, N = 1000: ⌈32/9⌉ = 4 → ⌊64/4⌋·16 = 256 (convbp_512_1000_1: tb_M = 256).
  EXPECT_EQ(chooseMOn(shape(512, 1000, 1, 16, 1, 1), p), 256);
  // Outside the script: K = 5 > K_bound takes ⌈25/9⌉ = 3 slots per kernel;
  // N = 64: 2 groups · 3 = 6 → ⌊64/6⌋·16 = 160 ≥ M = 128 → 128.
  EXPECT_EQ(chooseMOn(shape(128, 64, 8, 8, 5, 16), p), 128);
  // A bound below every candidate leaves the smallest, Tm (line 182):
  // N = 4096, K = 5: 128 groups · 3 = 384 slots → bound 0 → 16.
  EXPECT_EQ(chooseMOn(shape(256, 4096, 8, 8, 5, 16), p), 16);
}

const workload::Layer& layerNamed(const workload::Network& net, const std::string& name) {
  for (const auto& l : net.layers)
    if (l.name == name) return l;
  throw std::runtime_error("no layer " + name);
}

TEST(Analytical, ModelledTilingOfAPhase) {
  // conv2_2 (N = M = 128, 112×112) in WU: M_on = ⌊64/⌈128/32⌉⌋·16 = 256 ≥ 128 → 128;
  // Tr from 1 to 18 (Tr·112 ≤ 2016, (Tr+2)·114 ≤ 2486), the least latency at
  // Tr = 4 (sdk/main.cc convwu_128_128_112: tb_custom_Tr = 4). The scheduler's
  // test (TestSchedule, EfTrainPolicyMatchesTheAuthorsSdk) checks every layer.
  const auto d = config::DesignConfig::load(test::sourceDir() + "/configs/designs/eftrain-vgg16-zcu102.yaml", {});
  const EfTrainParams p = EfTrainParams::fromConfig(d.accelerator);
  const ConvShape sh = shapeOf(layerNamed(d.workload, "conv2_2"), Pass::WU, 16);
  const EfTrainTiling t = chooseTiling(sh, Pass::WU, p, "conv2_2");
  EXPECT_EQ(t.mOn, 128);
  EXPECT_EQ(t.tr, 4);
  EXPECT_EQ(t.tc, 112);
  const std::uint64_t best = estimate(sh, Pass::WU, t, p).cycles;
  for (int tr = 1; tr <= 18; ++tr) {
    EfTrainTiling other = t;
    other.tr = tr;
    if (tr != 4) {
      EXPECT_GT(estimate(sh, Pass::WU, other, p).cycles, best) << "Tr " << tr;
    }
  }
}

TEST(Analytical, Vgg16ConvolutionsAt48Gflops) {
  // Every conv layer × phase of VGG-16, batch 16, at the model's own tiling.
  // The authors' script, run with Tm = Tn = 16, TmTn_bound = 64, K_bound = 3,
  // DMAp = 4, tstart = 400, B = 16, sums to 3,062,637,216 cycles for
  // 1.47e11 FLOPs: 48.01 GFLOPS at 100 MHz.
  const auto d = config::DesignConfig::load(test::sourceDir() + "/configs/designs/eftrain-vgg16-zcu102.yaml", {});
  const EfTrainParams p = EfTrainParams::fromConfig(d.accelerator);
  std::uint64_t cycles = 0, ops = 0;
  int phases = 0;
  for (const auto& l : d.workload.layers) {
    if (l.type != workload::LayerType::Conv) continue;
    for (Pass pass : {Pass::FP, Pass::BP, Pass::WU}) {
      if (pass == Pass::BP && !l.needsInputGrad) continue;  // no dX for the first layer
      const ConvShape sh = shapeOf(l, pass, d.workload.batch);
      cycles += estimate(sh, pass, chooseTiling(sh, pass, p, l.name), p).cycles;
      ops += flops(sh);
      ++phases;
    }
  }
  EXPECT_EQ(phases, 38);  // 13 FP + 12 BP + 13 WU
  EXPECT_EQ(cycles, 3062637216u);
  const double gflops = static_cast<double>(ops) / (static_cast<double>(cycles) / 100e6) / 1e9;
  EXPECT_NEAR(gflops, 48.01, 0.005);
}

TEST(Roofline, ComputationalRoofAndCtcRatio) {
  // Zhang et al. FPGA'15 at M = N = 32, R = C = 4, K = 3, B = 2, Tr = 2, Tc = 4, Tm = Tn = 16,
  // 16 bytes per cycle: FLOPs 2·32·32·4·4·9·2 = 589,824; execution cycles ⌈32/16⌉·⌈32/16⌉·4·4·9·2
  // = 1152 (roof 512 FLOP/cycle); trips 2·2·2·1 = 8; B_in = 16·(2+3−1)·(4+3−1) = 384,
  // B_wght = 256·9 = 2304, B_out = 16·2·4 = 128; with output reuse α_out = 2·2·1 = 4:
  // words 2·(8·(384 + 2304) + 4·128) = 44,032 = 176,128 B, memory-bound: 176,128 / 16 = 11,008.
  RooflineParams p;
  p.bytesPerCycle = 16;
  const auto e = roofline(shape(32, 32, 4, 4, 3, 2), Pass::FP, tiling(32, 2, 4), p);
  EXPECT_EQ(e.flops, 589824u);
  EXPECT_EQ(e.computeCycles, 1152u);
  EXPECT_DOUBLE_EQ(e.computationalRoof, 512.0);
  EXPECT_EQ(e.bytes, 176128u);
  EXPECT_TRUE(e.memoryBound);
  EXPECT_EQ(e.cycles, 11008u);
  // Without output reuse α_out = α_in = 8: 2·(8·2688 + 8·128) = 45,056 words → 11,264 cycles.
  p.outputReuse = false;
  EXPECT_EQ(roofline(shape(32, 32, 4, 4, 3, 2), Pass::FP, tiling(32, 2, 4), p).cycles, 11264u);
  // WU: input window and dY tile (16·2·4 = 128) per trip and image, dW (2304) once per (Tm, Tn):
  // 2·8·(384 + 128) + 2·2·2304 = 17,408 words = 69,632 B → 4352 cycles.
  p.outputReuse = true;
  EXPECT_EQ(roofline(shape(32, 32, 4, 4, 3, 2), Pass::WU, tiling(32, 2, 4), p).cycles, 4352u);
  // With ample bandwidth the computational roof binds: 1152 cycles.
  p.bytesPerCycle = 1e6;
  const auto c = roofline(shape(32, 32, 4, 4, 3, 2), Pass::FP, tiling(32, 2, 4), p);
  EXPECT_FALSE(c.memoryBound);
  EXPECT_EQ(c.cycles, 1152u);
}

TEST(Analytical, NoTileFitsIsAUserError) {
  EfTrainParams p = hls();
  p.inputWords = 8;  // a 3×3 window needs 9
  EXPECT_THROW(chooseTiling(shape(16, 16, 4, 4, 3, 1), Pass::FP, p, "conv"), UserError);
}

}  // namespace

// Grouped and depthwise convolution, concat, dropout, ReLU6, strided average
// pooling and padding modes (docs/layers.md): exact cycles under the ideal
// memory (latency 0, 16 B per cycle per stream) with the arithmetic beside
// them, the DDR views a concat makes, and the config rules. EF-Train
// defaults as in TestCycles.cpp: DMA start 400 cycles per transfer, Tm = Tn
// = 16, pipeline depth 32 in FP/BP and 12 in WU, the `hls` overlap.

#include <gtest/gtest.h>

#include "sim/analytical/EfTrainAnalytical.h"
#include "sim/config/DesignConfig.h"
#include "sim/schedule/StepGen.h"
#include "tests/Harness.h"

using ftsim::schedule::Phase;
using namespace ftsim::test;

namespace {

const char* kIdeal = "memory: {model: ideal, ideal: {latency_cycles: 0, bytes_per_cycle: 16}}\n";

// input 16×8×8 → conv1 (16, 3×3, pad 1) → dw (16, 3×3, pad 1, groups 16), batch 2.
const char* kDepthwise = R"(  name: depthwise
  batch: 2
  input: {channels: 16, height: 8, width: 8}
  layers:
    - {name: conv1, type: conv, out_channels: 16, kernel: 3, pad: 1}
    - {name: dw, type: conv, out_channels: 16, kernel: 3, pad: 1, groups: 16}
)";

TEST(Layers, DepthwiseConvIsOneBlockDiagonalTilePerSixteenChannels) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kDepthwise, kIdeal));
  // One Tm group of 16 outputs reads only its own 16 inputs: one Tn step.
  // Transfers: feature tile 16 ch × 8 × 8 × 4 B = 4096 B: 400 + 256 = 656;
  // the depthwise weights are 16 outputs × 1 input × 9 taps × 4 B = 576 B:
  // 400 + 36 = 436 (a dense 16×16 tile would be 9216 B: 976).
  // FP, acc()'s slots as in Cycles.ConvForwardTwoImages:
  //   image 0: load X0 (656) ‖ load W (436)                 = 656 → 656
  //            FIRE 0 (576)                                 = 576 → 1232
  //            store Y0 after the drain at 656+576+32=1264  = 32+656 → 1920
  //   image 1: load X1 (656) → 2576; FIRE 1 (576) → 3152;
  //            store Y1 after the drain at 3184             = 32+656 → 3840
  EXPECT_EQ(phaseCycles(r, "dw", Phase::FP), 3840u);
  // BP: the same tiles (the M_on×Tn slab of the first Tm group is the one
  // 16-word-per-tap block, 436 cycles): 3840.
  EXPECT_EQ(phaseCycles(r, "dw", Phase::BP), 3840u);
  // WU (one strip): image 0: X0 ‖ dY0 (656) → 656; FIRE 576 → 1232;
  //   image 1: X1 ‖ dY1 (656) → 1888; FIRE 576, then old W in ‖ new W out
  //   (436 each) after the drain at 1888+576+12 = 2476: 588+436 → 2912.
  EXPECT_EQ(phaseCycles(r, "dw", Phase::WU), 2912u);
  // The array does 16 of its 256 products per iteration: FLOPs count only
  // those, 2 · 16 · 1 · 9 · 64 · 2 = 36 864 per phase.
  EXPECT_EQ(phaseResult(r, "dw", Phase::FP).flops, 36864u);
  EXPECT_EQ(phaseResult(r, "conv1", Phase::FP).flops, 16u * 36864u);
  // The authors' model counts the array's iteration space: N = 16, as the
  // dense conv1 (4064, Cycles.ConvForwardTwoImages).
  EXPECT_EQ(phaseResult(r, "dw", Phase::FP).analyticalCycles, 4064u);
}

// input 32×8×8 → conv1 (32, 3×3, pad 1) → gc (32, 3×3, pad 1, groups 2), batch 2.
const char* kGrouped = R"(  name: grouped
  batch: 2
  input: {channels: 32, height: 8, width: 8}
  layers:
    - {name: conv1, type: conv, out_channels: 32, kernel: 3, pad: 1}
    - {name: gc, type: conv, out_channels: 32, kernel: 3, pad: 1, groups: 2}
)";

TEST(Layers, GroupedConvReadsOnlyItsGroupsInputs) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kGrouped, kIdeal));
  // Two groups of 16 outputs × 16 inputs: Tm group 0 reads inputs [0, 16),
  // Tm group 1 reads [16, 32), one Tn step each (the dense conv1 has two).
  // Weight tile 16 × 16 × 9 × 4 B = 9216 B: 976; feature tiles 656; FIRE 576.
  //   image 0, Tm 0: load X[0:16] ‖ W (976) → 976; FIRE → 1552
  //            Tm 1: load X[16:32] ‖ W (976) → 2528 (a strip's first load runs alone)
  //                  FIRE ‖ store Y[0:16] (656)             = 656 → 3184
  //            store Y[16:32] alone (drained at 3136)       = 656 → 3840
  //   image 1, weights on chip: X (656) → 4496; FIRE → 5072; X (656) → 5728;
  //            FIRE ‖ store (656) → 6384; store (656) → 7040
  EXPECT_EQ(phaseCycles(r, "gc", Phase::FP), 7040u);
  // The authors' model sees the grouped conv as the array runs it: N = the
  // 16 inputs one Tm group spans (docs/layers.md), i.e. a dense 16 → 32 conv
  // at the same tiling (Tr = 8, M_on = 32), not the 32 → 32 of its channels.
  ftsim::analytical::ConvShape dense16;
  dense16.m = 32;
  dense16.n = 16;
  dense16.r = dense16.c = 8;
  dense16.k = 3;
  dense16.batch = 2;
  ftsim::analytical::EfTrainTiling t;
  t.mOn = 32;
  t.tr = 8;
  t.tc = 8;
  const auto est = ftsim::analytical::estimate(dense16, ftsim::analytical::Pass::FP, t, {});
  EXPECT_EQ(phaseResult(r, "gc", Phase::FP).analyticalCycles, est.cycles);
  EXPECT_EQ(est.cycles, 6816u);
}

TEST(Layers, GroupOffsetIsUsedForTheWeightsOfTheSecondGroup) {
  const auto d = ftsim::config::DesignConfig::load(writeDesign(tempDir("d"), kGrouped, kIdeal), {});
  const auto prog = buildProgram(d);
  std::vector<ftsim::schedule::Step> steps;
  for (const auto& p : prog.phases) {
    if (p.name != "gc" || p.phase != Phase::FP) continue;
    ftsim::schedule::generateSteps(prog, p, steps);
  }
  // Image 0: Tm 0 × inputs [0, 16), Tm 1 × inputs [16, 32); each loads its
  // group's [16 outputs][16 local inputs] weights.
  ASSERT_EQ(steps.size(), 4u);
  const auto& w1 = steps[1].pre[static_cast<int>(ftsim::schedule::Stream::WeightIn)].tile;
  EXPECT_EQ(steps[1].coord.n0, 16);
  EXPECT_EQ(steps[1].coord.m0, 16);
  EXPECT_EQ(w1.lo[0], 16);
  EXPECT_EQ(w1.hi[0], 32);
  EXPECT_EQ(w1.lo[1], 0);   // local input channels of group 1
  EXPECT_EQ(w1.hi[1], 16);
  EXPECT_EQ(steps[1].macs, 576u * 16 * 16);
}

TEST(Layers, DepthwiseTilingCanBePinned) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kDepthwise, kIdeal), {"accelerator.tiling.pin={dw.FP: {tr: 4}}"});
  EXPECT_EQ(phaseResult(r, "dw", Phase::FP).tiling.tr, 4);
  // Two strips of 4 rows: input window 5 rows × 8 × 16 ch × 4 B = 2560 B: 560;
  // FIRE 4·8·9 = 288; store 16 × 4 × 8 × 4 B = 2048 B: 528.
  //   image 0: load X rows 0-4 ‖ W (436) → 560; FIRE → 848
  //            load X rows 3-7 (560) → 1408; FIRE ‖ store strip 0 (528) → 1936
  //            store strip 1 alone (drained at 1728)     = 528 → 2464
  //   image 1: 560 → 3024; 288 → 3312; 560 → 3872; 528 → 4400; 528 → 4928
  EXPECT_EQ(phaseCycles(r, "dw", Phase::FP), 4928u);
}

// conv0 feeds two 1×1 convs whose outputs are concatenated and read by a 1×1 conv.
const char* kConcat = R"(  name: concat
  batch: 2
  input: {channels: 16, height: 8, width: 8}
  layers:
    - {name: conv0, type: conv, out_channels: 16, kernel: 3, pad: 1}
    - {name: a, type: conv, out_channels: 16, kernel: 1, input: conv0}
    - {name: b, type: conv, out_channels: 16, kernel: 1, input: conv0}
    - {name: cat, type: concat, inputs: [a, b]}
    - {name: c, type: conv, out_channels: 16, kernel: 1}
)";

TEST(Layers, ConcatStoresItsInputsInPlace) {
  const auto d = ftsim::config::DesignConfig::load(writeDesign(tempDir("d"), kConcat, kIdeal), {});
  const auto prog = buildProgram(d);
  auto tensor = [&](const std::string& name) -> const ftsim::schedule::TensorDesc& {
    for (const auto& t : prog.tensors)
      if (t.name == name) return t;
    ADD_FAILURE() << "no tensor " << name;
    return prog.tensors.front();
  };
  // a and b write channels [0, 16) and [16, 32) of cat.y; their gradients
  // are the same ranges of cat.dy.
  EXPECT_TRUE(tensor("a.y").isView());
  EXPECT_EQ(tensor("a.y").channelOffset, 0);
  EXPECT_EQ(tensor("b.y").channelOffset, 16);
  EXPECT_EQ(tensor("b.y").parentChannels, 32);
  EXPECT_EQ(tensor("b.y").baseAddr, tensor("cat.y").baseAddr);
  EXPECT_EQ(tensor("b.dy_from_cat").channelOffset, 16);

  const auto r = simulateDesign(writeDesign(tempDir("d"), kConcat, kIdeal));
  EXPECT_EQ(phaseCycles(r, "cat", Phase::FP), 0u);
  EXPECT_EQ(phaseCycles(r, "cat", Phase::BP), 0u);
  // c reads the 32 channels as two contiguous 16-channel strips (656 each);
  // its 16×16×1 weight tiles are 1024 B: 464; FIRE 64; store 656.
  //   image 0: load X[0:16] ‖ W (464) → 656; load X[16:32] ‖ W ‖ FIRE 0 → 1312;
  //            FIRE 1 (64) → 1376; store after the drain at 1408 = 32+656 → 2064
  //   image 1: 656 → 2720; 656 → 3376; 64 → 3440; 32+656 → 4128
  EXPECT_EQ(phaseCycles(r, "c", Phase::FP), 4128u);
}

// A concat of the network input (copied) and a conv's output (in place).
const char* kConcatImage = R"(  name: concat-image
  batch: 2
  input: {channels: 16, height: 8, width: 8}
  layers:
    - {name: conv0, type: conv, out_channels: 16, kernel: 3, pad: 1}
    - {name: cat, type: concat, inputs: [image, conv0]}
    - {name: c, type: conv, out_channels: 16, kernel: 1}
)";

TEST(Layers, ConcatCopiesTheImage) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kConcatImage, kIdeal));
  // One copy pass of the image into channels [0, 16), lock-step vector slots,
  // one step per image: load 16 ch × 64 px (656), 64 cycles at 16 lanes,
  // store 656: load0 → 656; load1 ‖ copy0 → 1312; copy1 ‖ store0 → 1968;
  // store1 → 2624.
  EXPECT_EQ(phaseCycles(r, "cat", Phase::FP), 2624u);
  EXPECT_EQ(phaseCycles(r, "cat", Phase::BP), 0u);
}

// conv0 → drop (p 0.5) → relu6 → conv1, batch 2.
const char* kDropout = R"(  name: dropout
  batch: 2
  input: {channels: 16, height: 8, width: 8}
  layers:
    - {name: conv0, type: conv, out_channels: 16, kernel: 3, pad: 1}
    - {name: drop, type: dropout, p: 0.5}
    - {name: act, type: relu6}
    - {name: conv1, type: conv, out_channels: 16, kernel: 3, pad: 1}
)";

TEST(Layers, DropoutAndRelu6AreOnePassEach) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kDropout, kIdeal));
  // Dropout FP: read X, write Y (the mask comes from the seed); BP: read dY,
  // write dX. ReLU6 BP also reads Y, on the second input stream, in parallel.
  // Each: load0 (656) → 656; load1 ‖ pass0 (64) → 1312; pass1 ‖ store0 → 1968;
  // store1 → 2624.
  EXPECT_EQ(phaseCycles(r, "drop", Phase::FP), 2624u);
  EXPECT_EQ(phaseCycles(r, "drop", Phase::BP), 2624u);
  EXPECT_EQ(phaseCycles(r, "act", Phase::FP), 2624u);
  EXPECT_EQ(phaseCycles(r, "act", Phase::BP), 2624u);
}

TEST(Layers, DropoutCostsNothingInInference) {
  const std::string wl = std::string(kDropout).replace(std::string(kDropout).find("  batch: 2"), 10,
                                                       "  mode: inference\n  batch: 2");
  const auto r = simulateDesign(writeDesign(tempDir("d"), wl.c_str(), kIdeal));
  // No mask pass: the identity moves nothing (the ReLU6 after it still runs
  // its FP pass, 2624 cycles as above) and there is no BP at all.
  EXPECT_EQ(phaseCycles(r, "drop", Phase::FP), 0u);
  EXPECT_EQ(phaseCycles(r, "act", Phase::FP), 2624u);
  EXPECT_EQ(phaseCycles(r, "drop", Phase::BP), 0u);
}

// conv0 → avgpool 3×3 stride 2 pad 1 (8×8 → 4×4) → conv1, batch 2.
const char* kAvgPool = R"(  name: avgpool
  batch: 2
  input: {channels: 16, height: 8, width: 8}
  layers:
    - {name: conv0, type: conv, out_channels: 16, kernel: 3, pad: 1}
    - {name: pool, type: avgpool, kernel: 3, stride: 2, pad: 1}
    - {name: conv1, type: conv, out_channels: 16, kernel: 3, padding: same}
)";

TEST(Layers, AveragePoolWithStride) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kAvgPool, kIdeal));
  // FP, one strip of the 4 output rows per image: the window is input rows
  // and columns [0, 8) (padded 9×9), 16 ch × 64 px = 4096 B: 656; 64 cycles;
  // the 4×4 output is 1024 B: 464.
  //   load0 → 656; load1 ‖ pool0 → 1312; pool1 ‖ store0 (464) → 1776; store1 → 2240
  EXPECT_EQ(phaseCycles(r, "pool", Phase::FP), 2240u);
  // BP: dY 4×4 in (464), dX 8×8 out (656), 64 cycles:
  //   load0 → 464; load1 ‖ pass0 → 928; pass1 ‖ store0 (656) → 1584; store1 → 2240
  EXPECT_EQ(phaseCycles(r, "pool", Phase::BP), 2240u);
}

TEST(Layers, PaddingSameIsThePadThatKeepsTheSize) {
  const auto d = ftsim::config::DesignConfig::load(writeDesign(tempDir("d"), kAvgPool, kIdeal), {});
  const auto& c1 = d.workload.layers[2];
  EXPECT_EQ(c1.padTop, 1);
  EXPECT_EQ(c1.padBottom, 1);
  EXPECT_EQ(c1.padLeft, 1);
  EXPECT_EQ(c1.padRight, 1);
  EXPECT_EQ(c1.out.h, 4);
}

TEST(Layers, PaddingSameSplitsAnOddTotalAsOnnxAndTensorflow) {
  // 3×3 stride 2 on 8×8: ⌈8/2⌉ = 4 outputs need (4−1)·2 + 3 − 8 = 1 pixel of
  // padding per axis: SAME_UPPER (and TensorFlow's SAME) put it after the
  // map (bottom, right), SAME_LOWER before it (top, left).
  const auto load = [](const std::string& padding) {
    const std::string wl = "  name: same\n  batch: 2\n  input: {channels: 16, height: 8, width: 8}\n  layers:\n"
                           "    - {name: c, type: conv, out_channels: 16, kernel: 3, stride: 2, padding: " +
                           padding + "}\n";
    return ftsim::config::DesignConfig::load(writeDesign(tempDir("d"), wl, kIdeal), {}).workload.layers[0];
  };
  const auto upper = load("same");
  EXPECT_EQ(upper.padTop, 0);
  EXPECT_EQ(upper.padBottom, 1);
  EXPECT_EQ(upper.padLeft, 0);
  EXPECT_EQ(upper.padRight, 1);
  EXPECT_EQ(upper.out.h, 4);
  EXPECT_EQ(upper.out.w, 4);
  const auto lower = load("same_lower");
  EXPECT_EQ(lower.padTop, 1);
  EXPECT_EQ(lower.padBottom, 0);
  EXPECT_EQ(lower.padLeft, 1);
  EXPECT_EQ(lower.padRight, 0);
  // [top, bottom, left, right]: (8 + 0 + 2 − 3)/2 + 1 = 4 rows, (8 + 1 + 0 − 3)/2 + 1 = 4 columns.
  const auto list = load("[0, 2, 1, 0]");
  EXPECT_EQ(list.padBottom, 2);
  EXPECT_EQ(list.padLeft, 1);
  EXPECT_EQ(list.out.h, 4);
  EXPECT_EQ(list.out.w, 4);
}

TEST(Layers, ConfigRulesNameTheKey) {
  const auto err = [](const std::string& layers) {
    const std::string wl = "  name: bad\n  batch: 2\n  input: {channels: 16, height: 8, width: 8}\n  layers:\n" + layers;
    return errorOf(writeDesign(tempDir("d"), wl, kIdeal), {});
  };
  EXPECT_NE(err("    - {name: c, type: conv, out_channels: 16, kernel: 3, groups: 3}\n")
                .find("workload.layers[0].groups = 3: must divide both the input channels (16) and out_channels (16)"),
            std::string::npos);
  EXPECT_NE(err("    - {name: c, type: conv, out_channels: 16, kernel: 3, padding: [1, 1, 1]}\n")
                .find("workload.layers[0].padding = [...]: a list of paddings must give four sides: [top, bottom, "
                      "left, right]"),
            std::string::npos);
  EXPECT_NE(err("    - {name: c, type: conv, out_channels: 16, kernel: 3, padding: [0, 0, 0, 65]}\n")
                .find("workload.layers[0].padding[3] = 65: must be <= 64"),
            std::string::npos);
  EXPECT_NE(err("    - {name: p, type: maxpool, kernel: 2, padding: [0, 2, 0, 0]}\n")
                .find("workload.layers[0].padding = [...]: must be <= kernel/2"),
            std::string::npos);
  EXPECT_NE(err("    - {name: c, type: conv, out_channels: 16, kernel: 3, padding: full}\n")
                .find("workload.layers[0].padding = full: must be valid, same or a number of pixels"),
            std::string::npos);
  EXPECT_NE(err("    - {name: c, type: conv, out_channels: 16, kernel: 3, pad: 1, padding: 1}\n")
                .find("give either `padding` or `pad`, not both"),
            std::string::npos);
  EXPECT_NE(err("    - {name: p, type: maxpool, kernel: 2}\n    - {name: cat, type: concat, inputs: [image, p]}\n")
                .find("all inputs of a concat must have the same height and width (8x8)"),
            std::string::npos);
  EXPECT_NE(err("    - {name: c, type: conv, out_channels: 16, kernel: 3}\n    - {name: d, type: dropout, p: 1}\n")
                .find("workload.layers[1].p = 1"),
            std::string::npos);
}

}  // namespace

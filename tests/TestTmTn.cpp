// A Tm×Tn array with Tm ≠ Tn (64×7, Zhang et al.'s FPGA'15 unrolling, and
// its transpose 7×64), inference-only runs (workload.mode: inference), the
// 7-series cost table and the compare rule on measured.mode.
//
// Exact cycles under the ideal memory (latency 0, 16 B per cycle per
// stream), EF-Train's DMA start of 400 cycles per contiguous run. With Tm ≠
// Tn the feature maps' channel group is gcd(Tm, Tn) = 1 for both arrays
// ([C][H][W] planes): a strip of a Tn-channel tile is one run per channel
// unless it covers every row of the map, when the planes are back to back.
// Weights are [M/Tm][N/Tn] blocks of Tm×Tn×K×K: an FP tile is one run.
// Pipeline depth in FP: buffer read 2 + write 1 + mul 4 + (⌈log2 Tn⌉ tree
// levels + 1 accumulate) × add 5: Tn = 7 → 3 levels → 27; Tn = 64 → 6
// levels → 42.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>

#include "models/dma/TensorLayout.h"
#include "models/pe_array/PeArrayTiming.h"
#include "sim/analytical/EfTrainAnalytical.h"
#include "sim/resources/ResourceModel.h"
#include "tests/Harness.h"
#include "tests/HlsLoopReference.h"
#include "tests/TmTnArray.h"

using ftsim::schedule::Phase;
using namespace ftsim;
using namespace ftsim::test;

namespace {

const char* kIdeal = "memory: {model: ideal, ideal: {latency_cycles: 0, bytes_per_cycle: 16}}\n";

std::vector<std::string> array(int tm, int tn, std::vector<std::string> more = {}) {
  return ftsim::test::tmTnArray(tm, tn, std::move(more));
}

/// One 3×3 conv (pad 1) from `in` channels to `out` over a 6×6 map, one image, inference.
std::string oneConv(int in, int out) {
  return "  name: one-conv\n  mode: inference\n  batch: 1\n  input: {channels: " + std::to_string(in) +
         ", height: 6, width: 6}\n  layers:\n    - {name: c1, type: conv, out_channels: " + std::to_string(out) +
         ", kernel: 3, pad: 1}\n";
}

std::string pinTr(int tr) {
  return std::string(kIdeal) + "accelerator:\n  tiling:\n    pin:\n      c1.FP: {tr: " + std::to_string(tr) + "}\n";
}

TEST(TmTn, OneStrip64x7) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), oneConv(7, 64), pinTr(6)), array(64, 7));
  // One step (one Tm group, one Tn group, one strip of all 6 rows):
  //   load X: 7 planes of 6×6, all rows: one run of 252 words = 1008 B → 400 + 63 = 463
  //   ‖ load W: one 64×7×9 block = 4032 words = 16128 B → 400 + 1008 = 1408  → 1408
  //   FIRE: 36 px × 9 taps = 324 at II 1, results 27 later                  → 1408 + 324 + 27 = 1759
  //   store Y alone: 64 planes of 36 words, all rows: one run of 9216 B
  //     → 400 + 576 = 976                                                    → 2735
  EXPECT_EQ(phaseCycles(r, "c1", Phase::FP), 2735u);
  // The authors' model: N = 7 > DMAp, so ⌈Tn/4⌉ = 2 beats per pixel:
  // tIFM = 400 + 2·8·8 = 528, tCOMP = 324, tOUT = ⌈64/4⌉·36 = 576,
  // ⌈7/7 − 1⌉ = 0 more Tn groups: latb1 = 528 + 324 = 852, latb3 = 852 + 576 + 400 = 1828.
  EXPECT_EQ(phaseResult(r, "c1", Phase::FP).analyticalCycles, 1828u);
  // Inference: FP only, no host loss, no BP or WU.
  for (const stats::PhaseResult& p : r.phases) EXPECT_EQ(p.phase, Phase::FP) << p.name;
  for (const stats::PhaseResult& p : r.phases) EXPECT_NE(p.name, "loss");
}

TEST(TmTn, OneStrip7x64) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), oneConv(64, 7), pinTr(6)), array(7, 64));
  //   load X: 64 planes, all rows: 2304 words = 9216 B → 400 + 576 = 976
  //   ‖ load W: one 7×64×9 block = 16128 B → 1408                            → 1408
  //   FIRE: 324, results 42 later (6 tree levels)                           → 1408 + 324 + 42 = 1774
  //   store Y: 7 planes of 36 words, one run of 1008 B → 400 + 63 = 463     → 2237
  EXPECT_EQ(phaseCycles(r, "c1", Phase::FP), 2237u);
  // Model: tIFM = 400 + ⌈64/4⌉·8·8 = 1424, tOUT = ⌈7/4⌉·36 = 72:
  // latb3 = 1424 + 324 + 72 + 400 = 2220.
  EXPECT_EQ(phaseResult(r, "c1", Phase::FP).analyticalCycles, 2220u);
}

TEST(TmTn, TwoStrips64x7) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), oneConv(7, 64), pinTr(3)), array(64, 7));
  // Two strips of 3 output rows; each reads 4 input rows of every plane
  // (rows 0-3, then 2-5), not all rows: 7 runs of 24 words = 96 B, each
  // 400 + 6 = 406 → 2842 per strip. W as above (1408, first strip only).
  // FIRE: 18 px × 9 = 162. A strip's store: 64 runs of 18 words = 72 B,
  // each 400 + 5 = 405 → 25920.
  //   strip 0: load X ‖ W                          = 2842        → 2842
  //            FIRE 0 (162)                                      → 3004
  //   strip 1: load X                              = 2842        → 5846
  //            FIRE 1 ‖ store Y0 (25920)                         → 31766
  //            store Y1 alone                      = 25920       → 57686
  EXPECT_EQ(phaseCycles(r, "c1", Phase::FP), 57686u);
}

TEST(TmTn, TwoStrips7x64) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), oneConv(64, 7), pinTr(3)), array(7, 64));
  // Input strips: 64 runs of 96 B (406 each) = 25984; W 1408; FIRE 162;
  // stores: 7 runs of 72 B (405 each) = 2835.
  //   strip 0: load X ‖ W = 25984 → 25984; FIRE 0 → 26146
  //   strip 1: load X = 25984 → 52130; FIRE 1 ‖ store Y0 (2835) → 54965
  //            store Y1 alone (results at 52130 + 162 + 42 = 52334) → 57800
  EXPECT_EQ(phaseCycles(r, "c1", Phase::FP), 57800u);
}

// The per-cycle reference written from acc()'s loop nest (tests/HlsLoopReference),
// which derives the layout runs and the pipeline depth on its own, against
// the simulator for FP and WU of a small training step with Tm ≠ Tn: two
// Tm groups (64 + 6) and two Tn groups (7 + 3) in c0, ten Tn groups and a
// stride in c1, an FC (the reference has BP's cut weight blocks only for
// Tm = Tn). `sets` varies the strips and chunks.
const char* kSmallNet = R"(  name: tmtn-ref
  batch: 2
  input: {channels: 10, height: 10, width: 9}
  layers:
    - {name: c0, type: conv, out_channels: 70, kernel: 3, pad: 1}
    - {name: c1, type: conv, out_channels: 20, kernel: 3, stride: 2, pad: 1}
    - {name: gap, type: global_avgpool}
    - {name: fc, type: fc, out_features: 12}
)";

void expectReferenceCycles(int tm, int tn, const std::vector<std::string>& more, const std::string& extra = "") {
  const std::vector<std::string> sets = array(tm, tn, more);
  const std::string design = writeDesign(tempDir("d"), kSmallNet, std::string(kIdeal) + extra);
  const config::DesignConfig d = config::DesignConfig::load(design, sets);
  const stats::RunResult run = simulateDesign(design, sets);
  const std::map<std::string, hlsref::Layer> layers{{"c0", {70, 10, 10, 9, 3, 1, 1, 2, false}},
                                                    {"c1", {20, 70, 10, 9, 3, 2, 1, 2, false}},
                                                    {"fc", {12, 20, 1, 1, 1, 1, 0, 2, true}}};
  int compared = 0;
  for (const stats::PhaseResult& r : run.phases) {
    const auto it = layers.find(r.name);
    if (it == layers.end() || r.phase == Phase::BP) continue;
    const hlsref::Phase ph = r.phase == Phase::FP ? hlsref::Phase::FP : hlsref::Phase::WU;
    EXPECT_EQ(r.cycles, hlsref::phaseCycles(it->second, ph, {r.tiling.tr, r.tiling.mOn}, d.accelerator, d.memory.ideal))
        << r.name << " " << schedule::toString(r.phase) << " (Tr " << r.tiling.tr << ", M_on " << r.tiling.mOn << ")";
    ++compared;
  }
  EXPECT_EQ(compared, 6);  // c0, c1, fc: FP and WU
}

TEST(TmTn, ReferenceAgrees64x7) { expectReferenceCycles(64, 7, {}); }
TEST(TmTn, ReferenceAgrees7x64) { expectReferenceCycles(7, 64, {}); }
// Several strips per map (WU's `custom_Tr < R` branch) and, in 7×64 with 2
// weight slots, several M_on chunks (ftsim's own tiling policy keeps the slab
// on chip; 64×7's c1 WU needs ⌈⌈70/7⌉/2⌉ = 5 slots for one Tm group's dW).
const char* kStrips =
    "accelerator:\n  tiling:\n    pin:\n      c0.FP: {tr: 3}\n      c0.WU: {tr: 4}\n      c1.FP: {tr: 2}\n"
    "      c1.WU: {tr: 3}\n";

TEST(TmTn, ReferenceAgrees64x7ManyStrips) {
  expectReferenceCycles(64, 7, {"accelerator.tiling.policy=simulated", "accelerator.buffers.weight.slots=5",
                                "memory.ideal.latency_cycles=5"},
                        kStrips);
}
TEST(TmTn, ReferenceAgrees7x64ManyStrips) {
  expectReferenceCycles(7, 64, {"accelerator.tiling.policy=simulated", "accelerator.buffers.weight.slots=2",
                                "accelerator.dma.start_cycles=37"},
                        kStrips);
}

TEST(TmTn, FillHasTheAdderTreeOfTn) {
  models::PeArrayConfig c;
  c.tm = 64;
  c.tn = 7;
  const models::PeArrayTiming t64x7(c, 8);
  // 2 + 1 + 4 + (3 + 1)·5 = 27
  EXPECT_EQ(t64x7.fillCycles(schedule::ComputeMode::Fp).value(), 27u);
  c.tm = 7;
  c.tn = 64;
  const models::PeArrayTiming t7x64(c, 8);
  // 2 + 1 + 4 + (6 + 1)·5 = 42; WU has no tree: 2 + 1 + 4 + 5 = 12
  EXPECT_EQ(t7x64.fillCycles(schedule::ComputeMode::Fp).value(), 42u);
  EXPECT_EQ(t7x64.fillCycles(schedule::ComputeMode::Wu).value(), 12u);
}

TEST(TmTn, LayoutRunsFollowTheChannelGroup) {
  // Activations of a 64×7 array: G = gcd(64, 7) = 1.
  schedule::TensorDesc x;
  x.layout = schedule::Layout::Reshaped;
  x.dims = {1, 14, 6, 6};
  x.group = 1;
  std::vector<models::Segment> seg;
  schedule::TileRef t;
  t.tensor = 0;
  t.lo = {0, 7, 1, 0};
  t.hi = {1, 14, 4, 6};  // channels 7-13, rows 1-3, full width: one run per channel
  models::tileSegments(x, t, seg);
  ASSERT_EQ(seg.size(), 7u);
  EXPECT_EQ(seg[0].addr, (7u * 36 + 6) * 4);  // plane 7, row 1
  EXPECT_EQ(seg[0].bytes, 18u * 4);
  t.lo[2] = 0;
  t.hi[2] = 6;  // every row: the seven planes back to back
  models::tileSegments(x, t, seg);
  ASSERT_EQ(seg.size(), 1u);
  EXPECT_EQ(seg[0].bytes, 7u * 36 * 4);
  // Weights of a layer with M = 70, N = 10, K = 3 in 64×7 blocks: block
  // (a, c) starts at a·64·N·9 + c·7·mg·9 words (mg: the block's rows).
  schedule::TensorDesc w;
  w.layout = schedule::Layout::WeightsReshaped;
  w.dims = {70, 10, 3, 3};
  w.group = 64;
  w.groupN = 7;
  t.lo = {64, 7, 0, 0};
  t.hi = {70, 10, 3, 3};  // the last block: 6 × 3 × 9 words
  models::tileSegments(w, t, seg);
  ASSERT_EQ(seg.size(), 1u);
  EXPECT_EQ(seg[0].addr, (64u * 10 * 9 + 7u * 6 * 9) * 4);
  EXPECT_EQ(seg[0].bytes, 6u * 3 * 9 * 4);
  // BP's transposed tile (7 of M × 64 of N, in layer coordinates M = 70,
  // N = 64): rows 0-6 of block (0, c) for every c, [⌈ng/4⌉][mg][K][K][4]
  // order: per input quad q, the 7 rows' 9 taps × 4 words are one run
  // (the rows are consecutive in the quad's slice); every word is moved once.
  w.dims = {70, 64, 3, 3};
  t.lo = {0, 0, 0, 0};
  t.hi = {7, 64, 3, 3};
  models::tileSegments(w, t, seg);
  std::uint64_t bytes = 0;
  for (const auto& s : seg) bytes += s.bytes;
  EXPECT_EQ(bytes, 7u * 64 * 9 * 4);
  // 10 blocks of 7 columns (the last 1 wide) × 2 quads each: 19 runs (the
  // 1-wide block has one quad); in block c the quad q of rows 0-6 is
  // 7·9·quad words starting at 4·q·64·9 + 0.
  EXPECT_EQ(seg.size(), 19u);
}

TEST(TmTn, AnalyticalSlotsCountTmAndTnApart) {
  analytical::EfTrainParams p;
  p.tm = 64;
  p.tn = 7;
  p.weightSlots = 56;
  p.kernelBound = 3;
  analytical::ConvShape s;
  s.m = 384;
  s.n = 256;
  s.r = s.c = 13;
  s.k = 3;
  s.batch = 2;
  // One Tm group's slab: ⌈256/(2·7)⌉ = 19 slots (one 3×3 kernel each);
  // M_on bound ⌊56/19⌋·64 = 128: the largest candidate within is 128.
  EXPECT_EQ(analytical::chooseMOn(s, p), 128);
  EXPECT_TRUE(analytical::slabFits(s, 128, p));   // 2·19 = 38 ≤ 56
  EXPECT_FALSE(analytical::slabFits(s, 192, p));  // 3·19 = 57 > 56
}

TEST(TmTn, ResourcesOnSevenSeries) {
  const config::DesignConfig d =
      config::DesignConfig::load(sourceDir() + "/configs/designs/eftrain-alexnet-vc707-64x7-inference.yaml", {});
  const resources::ResourceEstimate e = resources::estimateEfTrainResources(d);
  EXPECT_EQ(e.dspType, "DSP48E1");
  EXPECT_EQ(e.family, "7-series");
  // 448 fmul max_dsp × 3 + 64 trees × 7 fadd × 2 (the kernel's tree pads 7
  // leaves to 8: 4 + 2 + 1 adds, the add with the zero leaf stays) + 64
  // accumulators × 2 + 7 vector lanes × (3 + 2) = 1344 + 896 + 128 + 35 = 2403 (of 2800).
  EXPECT_DOUBLE_EQ(e.total.dsp, 2403.0);
  EXPECT_DOUBLE_EQ(e.budgetDsp, 2800.0);
  // Weight buffer: 448 lanes × 2 banks of 504 × 32 bit, one RAMB18 512x36
  // each: 896 halves = 448 BRAM36. Input: 7 lanes × 2 banks of 4096 × 32,
  // 4 RAMB36 each (8 halves whichever shape; ties go to fewer blocks) = 56.
  // Output: 64 × 2 of 1024 × 32, one RAMB36 1Kx36 each = 128. Total 632.
  EXPECT_DOUBLE_EQ(e.total.bram36, 632.0);
}

TEST(TmTn, OverBudgetNamesTheDspType) {
  const auto r = runFtsim("check " + sourceDir() +
                          "/configs/designs/eftrain-alexnet-vc707-64x7-inference.yaml --set accelerator.pe_array.tm=96"
                          " --set accelerator.buffers.output.lanes=96 --set accelerator.buffers.weight.tm=96");
  EXPECT_EQ(r.code, 2) << r.out;
  // 672 × 3 + 96 × 7 × 2 + 96 × 2 + 35 = 2016 + 1344 + 192 + 35 = 3587 > 2800
  EXPECT_NE(r.out.find("DSP48E1 over budget: the design needs 3587 DSP48E1, board vc707 has 2800"),
            std::string::npos)
      << r.out;
}

TEST(TmTn, InferenceDesignRunsFpOnly) {
  const std::string dir = tempDir("inf");
  const auto r = runFtsim("run " + sourceDir() + "/configs/designs/eftrain-alexnet-vc707-64x7-inference.yaml --quiet"
                          " --set memory.model=ideal --out " + dir);
  ASSERT_EQ(r.code, 0) << r.out;
  const nlohmann::json j = nlohmann::json::parse(readText(dir + "/summary.json"));
  EXPECT_EQ(j["resources"]["dsp_type"], "DSP48E1");
}

TEST(TmTn, CompareRefusesAMeasuredModeOtherThanTheRun) {
  const auto r = runFtsim("compare " + sourceDir() +
                          "/configs/designs/eftrain-alexnet-vc707-64x7-inference.yaml --quiet --set "
                          "workload.mode=training --out " + tempDir("cmp"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("measured.mode = inference: the measured figures are for inference but workload.mode is "
                       "training"),
            std::string::npos)
      << r.out;
}

/// One 3×3 conv (pad 1) with `groups` groups over an hw×hw map, one image.
std::string groupedConv(int in, int out, int groups, int hw) {
  return std::string("  name: grouped-conv\n  mode: inference\n  batch: 1") +
         "\n  input: {channels: " + std::to_string(in) + ", height: " + std::to_string(hw) +
         ", width: " + std::to_string(hw) + "}\n  layers:\n    - {name: c1, type: conv, out_channels: " +
         std::to_string(out) + ", kernel: 3, pad: 1, groups: " + std::to_string(groups) + "}\n";
}

// A grouped conv on a 64×7 array: two groups of 66 inputs and 64 outputs
// over a 2×2 map, one strip (Tr = 2). The weights are [M/64][(N/G)/7]
// blocks of 64×7×9 over the group's local inputs; each Tn step reads one
// whole block when it starts at a multiple of 7 of the group's local inputs
// (docs/layers.md, "On a Tm ≠ Tn array").
TEST(TmTn, GroupedConv64x7) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), groupedConv(132, 128, 2, 2), pinTr(2)), array(64, 7));
  const auto& fp = phaseResult(r, "c1", Phase::FP);
  // Slots: a Tm group spans its group's 66 inputs, ⌈⌈66/7⌉/2⌉ = 5 slots of
  // 8, so M_on = 64: two chunks of one Tm group each (group 0, group 1).
  EXPECT_EQ(fp.tiling.mOn, 64);
  // Per chunk the Tn loop runs from the group's first input (gcd(64, 7) = 1:
  // no rounding down to 7): local inputs [0, 7), …, [56, 63), [63, 66).
  //   load X: 7 planes × 4 px, all rows: 112 B → 400 + 7 = 407
  //   ‖ load W: one 64×7×9 block, 16128 B → 400 + 1008 = 1408     (steps 0-8)
  //   last step: X 3 planes 48 B → 403 ‖ W 64×3×9 = 6912 B → 832  (step 9)
  //   FIRE: 4 px × 9 taps = 36 iterations at II ⌈5/4⌉ = 2 (an accumulator
  //   every 4 iterations, fadd latency 5) = 72, under each next load; depth 27
  //   load 0 alone 1408, loads 1-8 ‖ FIRE 0-7: 8 × 1408 = 11264 → 12672
  //   load 9 ‖ FIRE 8: 832 → 13504; FIRE 9 → 13576; drained → 13603
  //   store Y (the chunk's end: alone): 64 planes × 4 px = 1024 B → 464 → 14067
  // The second chunk the same: 2 × 14067 = 28134.
  EXPECT_EQ(fp.cycles, 28134u);
  // Weights once: 128 × 66 × 9 × 4 B = 304128 B in 20 transfers (10 blocks
  // a group); inputs: each group's 66 planes of 4 px once, 2 × 1056 B.
  const int w = static_cast<int>(schedule::Stream::WeightIn);
  EXPECT_EQ(fp.streams[w].bytes, 304128u);
  EXPECT_EQ(fp.streams[w].transfers, 20u);
  EXPECT_EQ(fp.bytesRead(), 304128u + 2112u);
}

// The transpose: 7×64, two groups of 70 inputs and 7 outputs, 2×2 map.
TEST(TmTn, GroupedConv7x64) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), groupedConv(140, 14, 2, 2), pinTr(2)), array(7, 64));
  const auto& fp = phaseResult(r, "c1", Phase::FP);
  // ⌈⌈70/64⌉/2⌉ = 1 slot per Tm group: M_on = 14, one chunk of two Tm groups.
  EXPECT_EQ(fp.tiling.mOn, 14);
  // Tm group 0 (group 0): Tn steps over inputs [0, 64), [64, 70); Tm group 1:
  // [70, 134), [134, 140), i.e. local [0, 64), [64, 70): whole 7×64 and 7×6 blocks.
  //   step 0: X 64 planes × 4 px = 1024 B → 464 ‖ W 7×64×9 = 16128 B → 1408
  //   step 1: X 6 planes 96 B → 406 ‖ W 7×6×9 = 1512 B → 400 + ⌈94.5⌉ = 495
  //   FIRE 36 iterations at II 2 = 72 (as above), depth 42 (6 tree levels);
  //   store Y: 7 planes × 4 px = 112 B → 407
  //   Tm 0: load 0 alone → 1408; load 1 ‖ FIRE 0 → 1903; FIRE 1 → 1975
  //   Tm 1: load 0 alone → 3383; load 1 ‖ FIRE 0 → 3878;
  //         FIRE 1 ‖ store Y of Tm 0 (407) → 4285; store Y of Tm 1 alone → 4692
  EXPECT_EQ(fp.cycles, 4692u);
  // Weights once: 14 × 70 × 9 × 4 B = 35280 B in 4 transfers; inputs 2 × 70 planes × 16 B.
  const int w = static_cast<int>(schedule::Stream::WeightIn);
  EXPECT_EQ(fp.streams[w].bytes, 35280u);
  EXPECT_EQ(fp.streams[w].transfers, 4u);
  EXPECT_EQ(fp.bytesRead(), 35280u + 2240u);
}

// Training, 64×7, c1 in two groups of 64 inputs and 64 outputs (after a
// 1×1 conv c0, so that c1 has a BP), batch 2: each phase moves each weight
// once (the slab stays on chip over the batch).
TEST(TmTn, GroupedWeightsMoveOncePerPhase64x7) {
  const char* net = R"(  name: grouped-training
  batch: 2
  input: {channels: 7, height: 2, width: 2}
  layers:
    - {name: c0, type: conv, out_channels: 128, kernel: 1}
    - {name: c1, type: conv, out_channels: 128, kernel: 3, pad: 1, groups: 2}
)";
  const auto r = simulateDesign(writeDesign(tempDir("d"), net, kIdeal), array(64, 7));
  const int w = static_cast<int>(schedule::Stream::WeightIn), wo = static_cast<int>(schedule::Stream::WeightOut);
  const auto& fp = phaseResult(r, "c1", Phase::FP);
  const auto& bp = phaseResult(r, "c1", Phase::BP);
  const auto& wu = phaseResult(r, "c1", Phase::WU);
  // 128 × 64 × 9 × 4 B = 294912 B of weights.
  // FP: per group ⌈64/7⌉ = 10 Tn steps, one block each (the last 64×1×9).
  EXPECT_EQ(fp.streams[w].bytes, 294912u);
  EXPECT_EQ(fp.streams[w].transfers, 20u);
  // BP: a Tm group is one group's 64 inputs; its Tn steps take 7 of the
  // group's 64 outputs (the last 1) × all 64 local inputs: rows of the
  // group's 64×7 blocks, one run per 4-input quad and block: 9 blocks × 2
  // quads + the 1-wide block's 1 = 19 runs a step, 2 × 10 steps.
  EXPECT_EQ(bp.streams[w].bytes, 294912u);
  EXPECT_EQ(bp.streams[w].transfers, 380u);
  // WU: old weights in and new ones out once, as FP's blocks.
  EXPECT_EQ(wu.streams[w].bytes, 294912u);
  EXPECT_EQ(wu.streams[wo].bytes, 294912u);
  EXPECT_EQ(wu.streams[w].transfers, 20u);
}

TEST(TmTn, WorkloadModeIsChecked) {
  const std::string design = writeDesign(tempDir("d"), oneConv(7, 64), kIdeal);
  EXPECT_NE(errorOf(design, {"workload.mode=eval"}).find("workload.mode = eval: must be one of training, inference"),
            std::string::npos);
}

}  // namespace

namespace {

TEST(TmTn, TtEngineRefusesInference) {
  EXPECT_NE(errorOf(sourceDir() + "/configs/designs/tt-mlp-mnist-zcu102.yaml", {"workload.mode=inference"})
                .find("workload.mode = inference: the tensorized-training engine simulates training steps only"),
            std::string::npos);
}

TEST(TmTn, InferenceProgramIsTheForwardPass) {
  const char* net = R"(  name: bn-net
  mode: inference
  batch: 1
  input: {channels: 16, height: 4, width: 4}
  layers:
    - {name: c1, type: conv, out_channels: 16, kernel: 3, pad: 1}
    - {name: bn1, type: batchnorm}
    - {name: relu1, type: relu}
    - {name: fc, type: fc, out_features: 10}
)";
  const std::string design = writeDesign(tempDir("d"), net, kIdeal);
  const schedule::Program inf = buildProgram(config::DesignConfig::load(design, {}));
  // FP of the four layers and nothing else: no host loss, no BP, no WU.
  ASSERT_EQ(inf.phases.size(), 4u);
  for (const schedule::PhasePlan& p : inf.phases) {
    EXPECT_EQ(p.phase, Phase::FP) << p.name;
    EXPECT_NE(p.unit, schedule::Unit::Host) << p.name;
  }
  // Batch norm applies stored statistics: one pass (training reduces first: two).
  EXPECT_EQ(inf.phases[1].vec.passes.size(), 1u);
  const schedule::Program train = buildProgram(config::DesignConfig::load(design, {"workload.mode=training"}));
  EXPECT_EQ(train.phases[1].vec.passes.size(), 2u);
  EXPECT_GT(train.phases.size(), inf.phases.size());
}

}  // namespace

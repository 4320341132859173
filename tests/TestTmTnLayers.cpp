// Layers on Tm×Tn arrays beyond the square 16×16: asymmetric padding
// (`padding: [top, bottom, left, right]`), a map flattened into an FC layer
// on 16×4 and 4×16 (LeNet-5), and the energy model's lanes of grouped convs.
//
// Exact cycles under the ideal memory (latency 0, 16 B per cycle per
// stream), EF-Train's DMA start of 400 cycles per contiguous run, the
// pipeline depth of FP/BP 2 + 1 + 4 + (⌈log2 Tn⌉ + 1)·5 (Tn = 16: 32,
// Tn = 4: 22; tests/TestTmTn.cpp).

#include <gtest/gtest.h>

#include <vector>

#include "sim/energy/EnergyModel.h"
#include "sim/schedule/StepGen.h"
#include "tests/Harness.h"
#include "tests/TmTnArray.h"

using ftsim::schedule::Phase;
using namespace ftsim;
using namespace ftsim::test;

namespace {

const char* kIdeal = "memory: {model: ideal, ideal: {latency_cycles: 0, bytes_per_cycle: 16}}\n";

std::vector<std::string> array(int tm, int tn, std::vector<std::string> more = {}) {
  return ftsim::test::tmTnArray(tm, tn, std::move(more));
}

// One 3×3 conv, 16 → 16 channels on 8×8, padding [top 0, bottom 2, left 1,
// right 0]: (8 + 0 + 2 − 3)/1 + 1 = 8 output rows, (8 + 1 + 0 − 3)/1 + 1 = 7
// columns; two strips of 4 output rows (pinned).
const char* kAsymConv = R"(  name: asym-conv
  mode: inference
  batch: 1
  input: {channels: 16, height: 8, width: 8}
  layers:
    - {name: c1, type: conv, out_channels: 16, kernel: 3, padding: [0, 2, 1, 0]}
)";
const char* kPinTr4 = "accelerator:\n  tiling:\n    pin:\n      c1.FP: {tr: 4}\n";

TEST(TmTnLayers, AsymmetricConv16x16) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kAsymConv, std::string(kIdeal) + kPinTr4));
  const auto& fp = phaseResult(r, "c1", Phase::FP);
  // Strip 0 (output rows 0-3) reads input rows 0·1 − 0 = 0 to 3 − 0 + 3 = 6
  // (no halo above: the top pad is 0): 6 rows × 8 × 16 words = 3072 B →
  // 400 + 192 = 592. Strip 1 (rows 4-7) reads rows 4 to min(8, 10) = 8, the
  // bottom two padding rows not moved: 4 rows = 2048 B → 400 + 128 = 528.
  // (A symmetric pad of 1 would read rows 0-4 and 3-7, 5 rows each.)
  // W: 16×16×9 = 9216 B → 400 + 576 = 976. FIRE: 4 × 7 px × 9 = 252.
  // Store: 16 × 4 × 7 words = 1792 B → 400 + 112 = 512.
  //   strip 0: load X ‖ W = 976; FIRE 0 → 1228
  //   strip 1: load X = 528 → 1756; FIRE 1 ‖ store Y0 (512) → 2268
  //            store Y1 alone → 2780
  EXPECT_EQ(fp.cycles, 2780u);
  EXPECT_EQ(fp.bytesRead(), 3072u + 2048u + 9216u);
  // The authors' model's padded window: ((Tr−1)·S + K) rows × ((Tc−1)·S + K) columns.
  const auto d = config::DesignConfig::load(writeDesign(tempDir("d2"), kAsymConv, std::string(kIdeal) + kPinTr4), {});
  const schedule::Program prog = buildProgram(d);
  std::vector<schedule::Step> steps;
  schedule::generateSteps(prog, prog.phases.front(), steps);
  ASSERT_EQ(steps.size(), 2u);
  // Strip 0: input rows [0, 6), columns [0, 8); the buffer's window is
  // (4 − 1 + 3) = 6 rows × (−1 .. 8) = 9 columns.
  const auto& x0 = steps[0].pre[static_cast<int>(schedule::Stream::In)];
  EXPECT_EQ(x0.tile.lo[2], 0);
  EXPECT_EQ(x0.tile.hi[2], 6);
  EXPECT_EQ(x0.modelPixels, 6u * 9u);
  const auto& x1 = steps[1].pre[static_cast<int>(schedule::Stream::In)];
  EXPECT_EQ(x1.tile.lo[2], 4);
  EXPECT_EQ(x1.tile.hi[2], 8);
}

TEST(TmTnLayers, AsymmetricConv16x4) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kAsymConv, std::string(kIdeal) + kPinTr4), array(16, 4));
  const auto& fp = phaseResult(r, "c1", Phase::FP);
  // gcd(16, 4) = 4-channel groups: a Tn step reads one group, full rows, one run.
  //   strip 0: 6 rows × 8 × 4 words = 768 B → 448; W 16×4×9 = 2304 B → 544
  //   strip 1: 4 rows = 512 B → 432 (weights stay on chip)
  //   FIRE 252 per step, depth 22; store Y: 4 groups of 4 × 7 × 4 words,
  //   448 B each, 4 runs → 4 × (400 + 28) = 1712
  //   strip 0: load 0 alone 544; loads 1-3 ‖ FIRE 0-2: 3 × 544 → 2176; FIRE 3 → 2428
  //   strip 1: load 0 alone 432 → 2860; loads 1-3 ‖ FIRE: 3 × 432 → 4156;
  //            FIRE 3 ‖ store Y0 (1712) → 5868; store Y1 alone → 7580
  EXPECT_EQ(fp.cycles, 7580u);
  EXPECT_EQ(fp.bytesRead(), 4u * (768u + 512u) + 4u * 2304u);
}

// A map flattened into an FC layer whose tiles cross channel groups and
// pixels: c0's 8 channels on a 1×3 map are 24 features in the FC layout's
// order (c/4, h, w, c%4) (gcd(16, 4) = gcd(4, 16) = 4-channel groups). On
// 16×4 the FC's BP writes 16 of them per Tm group: groups 0 (pixels 0-2)
// and 1 (pixel 0), no box of the map; on 4×16 its FP reads 16 per Tn step.
// LeNet-5's fc1 (16 channels × 5×5) stopped there on 16×4 and was refused
// on 4×16. The FC reads and writes the map as a range of its flat features
// (TensorDesc::flatOf), contiguous in [F/4][B][4].
const char* kMapIntoFc = R"(  name: map-into-fc
  batch: 1
  input: {channels: 4, height: 1, width: 3}
  layers:
    - {name: c0, type: conv, out_channels: 8, kernel: 1}
    - {name: fc, type: fc, out_features: 4}
)";

TEST(TmTnLayers, FcBackwardWritesFeaturesAcrossGroups16x4) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kMapIntoFc, kIdeal), array(16, 4));
  const auto& bp = phaseResult(r, "fc", Phase::BP);
  // Phase outputs: the 24 features in Tm groups [0, 16), [16, 24); inputs:
  // the FC's 4 outputs, one Tn step each; one image, 1 iteration per step.
  //   load dY: 4 words, 16 B → 401; the HLS top's BP brings the M_on slab
  //   with the first Tm group: layer outputs [0, 4) × inputs [0, 24), six
  //   4×4 blocks back to back, 384 B → 424                        → 424
  //   FIRE 0: 1 iteration whose accumulator is the next one's (dependence
  //   distance 1): II = ⌈fadd latency 5 / 1⌉ = 5                    → 429
  //   Tm group 1: load dY alone 401                               → 830
  //   FIRE 1 (5) ‖ store dX features [0, 16): 64 B → 404           → 1234
  //   store dX features [16, 24): 32 B → 402, alone                → 1636
  EXPECT_EQ(bp.cycles, 1636u);
  // The gradient of c0's map is written once, 24 words.
  EXPECT_EQ(bp.bytesWritten(), 96u);
}

TEST(TmTnLayers, FcForwardReadsFeaturesAcrossGroups4x16) {
  const auto r = simulateDesign(writeDesign(tempDir("d"), kMapIntoFc, kIdeal), array(4, 16));
  const auto& fp = phaseResult(r, "fc", Phase::FP);
  // One Tm group (4 outputs), Tn steps over features [0, 16) and [16, 24).
  //   load 0: X 16 words, 64 B → 404 ‖ W block 4×16, 256 B → 416   → 416
  //   load 1: X 8 words → 402 ‖ W block 4×8, 128 B → 408 ‖ FIRE 0  → 824
  //   FIRE 1: 1 iteration at II 5 (as above) → 829, results 32 later
  //   (4 tree levels)                                              → 861
  //   store Y: 4 words, 16 B → 401                                 → 1262
  EXPECT_EQ(fp.cycles, 1262u);
  EXPECT_EQ(fp.bytesRead(), 96u + 384u);
}

// LeNet-5 trains on 16×4 and 4×16: every phase of fc1 runs, and the FLOPs
// are the network's (the values: FunctionalTorch.LeNet5On16x4, LeNet5On4x16).
TEST(TmTnLayers, LeNet5RunsOn16x4And4x16) {
  const std::string design = sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml";
  for (const auto& [tm, tn] : std::vector<std::pair<int, int>>{{16, 4}, {4, 16}}) {
    std::vector<std::string> sets = array(tm, tn);
    sets.push_back("memory.model=ideal");
    sets.push_back("workload.batch=2");
    const auto d = config::DesignConfig::load(design, sets);
    const schedule::Program prog = buildProgram(d);
    int fc1Phases = 0;
    for (const auto& p : prog.phases) {
      if (p.name != "fc1") continue;
      ++fc1Phases;
      std::vector<schedule::Step> steps;
      schedule::generateSteps(prog, p, steps);
      std::uint64_t macs = 0;
      for (const auto& s : steps) macs += s.macs;
      // 120 × 400 MACs per image, 2 images.
      EXPECT_EQ(macs, 96000u) << tm << "x" << tn << " " << toString(p.phase);
    }
    EXPECT_EQ(fc1Phases, 3) << tm << "x" << tn;
  }
}

// A grouped conv 12 → 20 channels in 2 groups on 4×16 after a 1×1 conv, on
// a 4×4 map, batch 1. In BP the phase's outputs are the layer's 12 inputs
// (6 per group) in Tm groups of 4, its inputs the 20 outputs (10 per group)
// in 4-channel map groups (gcd(4, 16) = 4); the Tn steps (inputSpan):
//   outputs [0, 4)  (group 0):     inputs [0, 12)            m 4, n 12, useful 4·10 = 40
//   outputs [4, 8)  (groups 0, 1): inputs [0, 16), [16, 20)  m 4, n 16 (useful 2·10 + 2·6 = 32), n 4 (2·4 = 8)
//   outputs [8, 12) (group 1):     inputs [8, 20)            m 4, n 12, useful 4·10 = 40
// 40 useful products of a 4×12 tile are not a whole number of lanes: the
// energy model stopped ("MAC step without a whole number of lanes"). Every
// lane of the tile is issued (a zero weight where the groups differ).
const char* kGrouped = R"(  name: grouped-energy
  batch: 1
  input: {channels: 4, height: 4, width: 4}
  layers:
    - {name: c0, type: conv, out_channels: 12, kernel: 1}
    - {name: c1, type: conv, out_channels: 20, kernel: 3, pad: 1, groups: 2}
)";

TEST(TmTnLayers, GroupedConvBackwardCountsTheTilesLanes4x16) {
  const auto d = config::DesignConfig::load(
      writeDesign(tempDir("d"), kGrouped,
                  std::string(kIdeal) + "accelerator:\n  tiling:\n    pin:\n      c1.BP: {tr: 4}\n"),
      array(4, 16));
  const schedule::Program prog = buildProgram(d);
  const schedule::PhasePlan* bp = nullptr;
  for (const auto& p : prog.phases)
    if (p.name == "c1" && p.phase == Phase::BP) bp = &p;
  ASSERT_NE(bp, nullptr);
  const energy::Activity a = energy::countActivity(prog, *bp, stats::PhaseResult{}, 16);
  // 4 × 4 px × 9 taps = 144 iterations per step, 4 steps of m = 4 lanes,
  // n = 12 + 16 + 4 + 12 = 44 input lanes in all.
  EXPECT_EQ(a.mults, 25344u);          // 144 · 4 · 44, of which 144 · 120 = 17280 useful
  EXPECT_EQ(a.treeAdds, 23040u);       // 144 · 4 · (11 + 15 + 3 + 11)
  EXPECT_EQ(a.accumulateAdds, 2304u);  // 144 · 4 · 4 steps
  // Reads per iteration n + m·n + m: (12 + 48 + 4) + (16 + 64 + 4) + (4 + 16 + 4) + (12 + 48 + 4)
  // = 236 → 33984, plus the stored dX: 12 × 16 = 192 words.
  EXPECT_EQ(a.bramReads, 33984u + 192u);
  std::vector<schedule::Step> steps;
  schedule::generateSteps(prog, *bp, steps);
  std::uint64_t useful = 0;
  for (const auto& s : steps) useful += s.macs;
  EXPECT_EQ(useful, 17280u);  // 20 × 6 × 9 × 16
}

// Every phase of grouped convs over a few arrays, group counts and channel
// counts (Tm groups that straddle groups, groups narrower than Tn, whole
// groups) is priced: the issued products are at least the useful ones, and
// equal them for a dense conv.
TEST(TmTnLayers, GroupedConvEnergySweepHasNoFractionalLanes) {
  const std::vector<std::pair<int, int>> arrays{{16, 16}, {16, 4}, {4, 16}, {8, 16}, {16, 8}, {64, 7}, {7, 64}};
  const std::vector<std::pair<int, int>> channels{{12, 20}, {24, 36}, {48, 16}, {6, 30}};
  int priced = 0;
  for (const auto& [tm, tn] : arrays)
    for (const auto& [in, out] : channels)
      for (int groups : {1, 2, 3, 6}) {
        if (in % groups != 0 || out % groups != 0) continue;
        const std::string wl = "  name: sweep\n  batch: 1\n  input: {channels: 4, height: 4, width: 4}\n  layers:\n"
                               "    - {name: c0, type: conv, out_channels: " + std::to_string(in) + ", kernel: 1}\n"
                               "    - {name: c1, type: conv, out_channels: " + std::to_string(out) +
                               ", kernel: 3, pad: 1, groups: " + std::to_string(groups) + "}\n";
        const auto d = config::DesignConfig::load(writeDesign(tempDir("d"), wl, kIdeal), array(tm, tn));
        const schedule::Program prog = buildProgram(d);
        for (const auto& p : prog.phases) {
          if (p.name != "c1") continue;
          const energy::Activity a = energy::countActivity(prog, p, stats::PhaseResult{}, 16);
          std::vector<schedule::Step> steps;
          schedule::generateSteps(prog, p, steps);
          std::uint64_t useful = 0, updates = 0;
          for (const auto& s : steps) {
            useful += s.macs;
            const auto& upd = s.post[static_cast<int>(schedule::Stream::WeightOut)];
            if (upd.valid()) updates += upd.tile.elements();
          }
          const std::string where = std::to_string(tm) + "x" + std::to_string(tn) + " " + std::to_string(in) +
                                    "->" + std::to_string(out) + " groups " + std::to_string(groups) + " " +
                                    toString(p.phase);
          EXPECT_GE(a.mults - updates, useful) << where;
          if (groups == 1) {
            EXPECT_EQ(a.mults - updates, useful) << where;
          }
          ++priced;
        }
      }
  // 7 arrays × (2 + 4 + 2 + 4 group counts that divide the channels) × FP, BP, WU.
  EXPECT_EQ(priced, 7 * 12 * 3);
}

}  // namespace


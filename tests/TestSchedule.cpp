// Scheduler: phases of a training step, tilings within the buffer bounds,
// EF-Train's choice of Tc, M_on and Tr, and the tensors' DDR placement.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sim/core/Error.h"
#include "sim/schedule/StepCostModel.h"
#include "sim/schedule/StepGen.h"
#include "tests/Harness.h"

using namespace ftsim;
using namespace ftsim::test;
using schedule::Phase;
using schedule::Unit;

namespace {

config::DesignConfig load(const std::string& design, std::vector<std::string> sets = {}) {
  return config::DesignConfig::load(sourceDir() + "/configs/designs/" + design + ".yaml", sets);
}

TEST(Schedule, TrainingStepOrder) {
  const auto d = load("eftrain-vgg16-zcu102");
  const auto prog = buildProgram(d);
  const auto& L = d.workload.layers;
  // FP of every layer in order, the loss on the host, then BP/WU in reverse.
  std::size_t i = 0;
  for (std::size_t l = 0; l < L.size(); ++l, ++i) {
    EXPECT_EQ(prog.phases[i].layer, static_cast<int>(l));
    EXPECT_EQ(prog.phases[i].phase, Phase::FP);
  }
  EXPECT_EQ(prog.phases[i].unit, Unit::Host);
  int last = static_cast<int>(L.size());
  for (++i; i < prog.phases.size(); ++i) {
    EXPECT_LE(prog.phases[i].layer, last);
    last = prog.phases[i].layer;
  }
  // BP for every layer but the first; WU for every layer with weights.
  std::set<std::pair<int, Phase>> seen;
  for (const auto& p : prog.phases) seen.insert({p.layer, p.phase});
  for (std::size_t l = 0; l < L.size(); ++l) {
    EXPECT_EQ(seen.count({static_cast<int>(l), Phase::BP}), l == 0 ? 0u : 1u) << L[l].name;
    EXPECT_EQ(seen.count({static_cast<int>(l), Phase::WU}), L[l].hasWeights() ? 1u : 0u) << L[l].name;
  }
}

TEST(Schedule, SimulatedPolicyTilingsRespectTheBuffersAndItsRules) {
  for (const char* design : {"eftrain-vgg16-zcu102", "eftrain-resnet18-cifar10-zcu102", "eftrain-alexnet-zcu102",
                             "eftrain-vgg11-cifar10-zcu102", "eftrain-lenet5-zcu102"}) {
    const auto d = load(design, {"accelerator.tiling.policy=simulated"});
    const auto prog = buildProgram(d);
    const auto& b = d.accelerator.buffers;
    const schedule::Scheduler sched(schedulerInputs(d));
    for (const auto& p : prog.phases) {
      if (p.unit != Unit::PeArray) continue;
      const auto& m = p.mac;
      const auto& t = p.tiling;
      const std::string where = std::string(design) + " " + p.name + " " + schedule::toString(p.phase);
      const bool bp = p.phase == Phase::BP;
      const auto ext = [&](int n) { return bp ? n + m.kernel - 1 : (n - 1) * m.stride + m.kernel; };
      // Output tile (or the dY tile of WU) in one output bank; input window in one input bank.
      EXPECT_LE(t.tr * t.tc, b.output.depthWords) << where;
      EXPECT_LE(schedule::inputWindowWords(m, bp, t.tr, t.tc), b.input.depthWords) << where;
      if (!m.batchAsWidth) {
        EXPECT_GE(schedule::inputWindowWords(m, bp, t.tr, t.tc), ext(t.tr) * ext(t.tc)) << where;
      }
      EXPECT_EQ(t.tm, 16);
      EXPECT_EQ(t.tn, 16);
      // Tc is the full width unless even one full-width row does not fit.
      if (t.tc != m.outW) {
        EXPECT_GT(ext(1) * ext(m.outW), b.input.depthWords) << where;
      }
      // M_on: the largest multiple of Tm whose slab fits (the whole output when it all fits).
      if (m.images > 1 && t.weightsResident) {
        EXPECT_LE(sched.slabSlots(t.mOn, m.inCh, m.kernel), b.weight.slots) << where;
        const int whole = (m.outCh + 15) / 16 * 16;
        if (t.mOn < whole) {
          EXPECT_GT(sched.slabSlots(t.mOn + 16, m.inCh, m.kernel), b.weight.slots) << where;
        }
      }
    }
  }
}

TEST(Schedule, VggSlabsMatchTheWeightBuffer) {
  // (M_on/16)·⌈N/32⌉·⌈K²/9⌉ ≤ 64 slots: conv1_2 (N = 64): M_on/16 ≤ 32 → all 64 outputs;
  // conv3_2 (N = 256): M_on/16 ≤ 8 → 128; conv5_x (N = 512): M_on/16 ≤ 4 → 64.
  const auto d = load("eftrain-vgg16-zcu102");
  const auto prog = buildProgram(d);
  std::map<std::string, int> mOn;
  for (const auto& p : prog.phases)
    if (p.phase == Phase::FP && p.unit == Unit::PeArray) mOn[p.name] = p.tiling.mOn;
  EXPECT_EQ(mOn["conv1_2"], 64);
  EXPECT_EQ(mOn["conv3_2"], 128);
  EXPECT_EQ(mOn["conv5_1"], 64);
}

TEST(Schedule, SimulatedPolicyTrIsTheLeastStepCostAmongFeasibleStrips) {
  const auto d = load("eftrain-vgg16-zcu102", {"accelerator.tiling.policy=simulated"});
  auto prog = buildProgram(d);
  const schedule::Scheduler sched(schedulerInputs(d));
  const schedule::StepCostModel model(sched.stepCostParams());
  std::vector<schedule::Step> steps;
  for (auto& p : prog.phases) {
    if (p.unit != Unit::PeArray || p.name != "conv2_2") continue;
    const int chosen = p.tiling.tr;
    const auto cost = [&](int tr) {
      schedule::PhasePlan trial = p;
      trial.tiling.tr = tr;
      schedule::generateSteps(prog, trial, steps);
      return model.estimate(steps).cycles.value();
    };
    const auto best = cost(chosen);
    // Feasible strips of a 112-wide map: (Tr+2)·114 ≤ 2486 and Tr·112 ≤ 2016 → Tr ≤ 18.
    for (int tr = 1; tr <= 18; ++tr)
      EXPECT_LE(static_cast<double>(best), static_cast<double>(cost(tr)) * 1.001) << schedule::toString(p.phase) << " Tr " << tr;
  }
}

struct SdkTiling {
  const char* layer;
  Phase phase;
  int mOn, tr;
  const char* where;  ///< the sdk/main.cc function that sets tb_M (M_on) and tb_custom_Tr
};

// The tilings the authors hard-coded in tangyuelm/EF-Train sdk/main.cc
// (tb_M is the chunk M_on, tb_custom_Tr the strip height; Tc is always the
// width), one row per conv layer × phase of VGG-16.
const SdkTiling kSdk[] = {
    {"conv1_1", Phase::FP, 64, 9, "convfp_3_64_224"},     {"conv1_2", Phase::FP, 64, 8, "convfp_64_64_224"},
    {"conv2_1", Phase::FP, 128, 16, "convfp_64_128_112"}, {"conv2_2", Phase::FP, 128, 16, "convfp_128_128_112"},
    {"conv3_1", Phase::FP, 256, 28, "convfp_128_256_56"}, {"conv3_2", Phase::FP, 128, 28, "convfp_256_256_56"},
    {"conv3_3", Phase::FP, 128, 28, "convfp_256_256_56"}, {"conv4_1", Phase::FP, 128, 28, "convfp_256_512_28"},
    {"conv4_2", Phase::FP, 64, 28, "convfp_512_512_28"},  {"conv4_3", Phase::FP, 64, 28, "convfp_512_512_28"},
    {"conv5_1", Phase::FP, 64, 14, "convfp_512_512_14"},  {"conv5_2", Phase::FP, 64, 14, "convfp_512_512_14"},
    {"conv5_3", Phase::FP, 64, 14, "convfp_512_512_14"},
    {"conv1_2", Phase::BP, 64, 8, "convbp_64_64_224"},    {"conv2_1", Phase::BP, 64, 16, "convbp_64_128_112"},
    {"conv2_2", Phase::BP, 128, 16, "convbp_128_128_112"}, {"conv3_1", Phase::BP, 128, 28, "convbp_128_256_56"},
    {"conv3_2", Phase::BP, 128, 28, "convbp_256_256_56"}, {"conv3_3", Phase::BP, 128, 28, "convbp_256_256_56"},
    {"conv4_1", Phase::BP, 64, 28, "convbp_256_512_28"},  {"conv4_2", Phase::BP, 64, 28, "convbp_512_512_28"},
    {"conv4_3", Phase::BP, 64, 28, "convbp_512_512_28"},  {"conv5_1", Phase::BP, 64, 14, "convbp_512_512_14"},
    {"conv5_2", Phase::BP, 64, 14, "convbp_512_512_14relu"}, {"conv5_3", Phase::BP, 64, 14, "convbp_512_512_14relu"},
    {"conv1_1", Phase::WU, 64, 1, "convwu_3_64_224"},     {"conv1_2", Phase::WU, 64, 2, "convwu_64_64_224"},
    {"conv2_1", Phase::WU, 128, 4, "convwu_64_128_112"},  {"conv2_2", Phase::WU, 128, 4, "convwu_128_128_112"},
    {"conv3_1", Phase::WU, 256, 4, "convwu_128_256_56"},  {"conv3_2", Phase::WU, 128, 4, "convwu_256_256_56"},
    {"conv3_3", Phase::WU, 128, 4, "convwu_256_256_56"},  {"conv4_1", Phase::WU, 128, 28, "convwu_256_512_28"},
    {"conv4_2", Phase::WU, 64, 28, "convwu_512_512_28"},  {"conv4_3", Phase::WU, 64, 28, "convwu_512_512_28"},
    {"conv5_1", Phase::WU, 64, 14, "convwu_512_512_14"},  {"conv5_2", Phase::WU, 64, 14, "convwu_512_512_14"},
    {"conv5_3", Phase::WU, 64, 14, "convwu_512_512_14"},
};

TEST(Schedule, EfTrainPolicyMatchesTheAuthorsSdk) {
  // The default policy (accelerator.tiling.policy: eftrain) on the shipped
  // design: every conv layer × phase of VGG-16 as in sdk/main.cc.
  const auto d = load("eftrain-vgg16-zcu102");
  ASSERT_EQ(d.accelerator.tiling.policy, models::TilingConfig::Policy::EfTrain);
  const auto prog = buildProgram(d);
  std::map<std::pair<std::string, Phase>, schedule::MacTiling> got;
  int convPhases = 0;
  for (const auto& p : prog.phases)
    if (p.unit == Unit::PeArray && d.workload.layers[p.layer].type == workload::LayerType::Conv) {
      got[{p.name, p.phase}] = p.tiling;
      ++convPhases;
    }
  EXPECT_EQ(convPhases, 38);
  for (const SdkTiling& s : kSdk) {
    const auto it = got.find({s.layer, s.phase});
    ASSERT_NE(it, got.end()) << s.layer;
    const std::string where = std::string(s.layer) + " " + schedule::toString(s.phase) + " (" + s.where + ")";
    EXPECT_EQ(it->second.mOn, s.mOn) << where;
    EXPECT_EQ(it->second.tr, s.tr) << where;
    int width = -1;  // Tc: the phase's whole output width
    for (const auto& l : d.workload.layers)
      if (l.name == s.layer) width = s.phase == Phase::BP ? l.in.w : l.out.w;
    EXPECT_EQ(it->second.tc, width) << where;
    EXPECT_TRUE(it->second.weightsResident) << where;
  }
}

/// The message of the UserError that loading and scheduling a design throws.
std::string scheduleError(const std::string& design, const std::vector<std::string>& sets) {
  try {
    buildProgram(load(design, sets));
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Schedule, PinsFixATiling) {
  const auto d = load("eftrain-vgg16-zcu102", {"accelerator.tiling.pin={conv3_1.WU: {tr: 2, m_on: 128}, "
                                                "conv1_2.FP: {tr: 4}}"});
  const auto prog = buildProgram(d);
  int seen = 0;
  for (const auto& p : prog.phases) {
    if (p.name == "conv3_1" && p.phase == Phase::WU) {
      EXPECT_EQ(p.tiling.tr, 2);
      EXPECT_EQ(p.tiling.mOn, 128);
      EXPECT_EQ(p.tiling.tc, 56);  // from the policy
      ++seen;
    }
    if (p.name == "conv1_2" && p.phase == Phase::FP) {
      EXPECT_EQ(p.tiling.tr, 4);
      EXPECT_EQ(p.tiling.mOn, 64);
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
}

TEST(Schedule, BadPinsAreConfigErrors) {
  const std::string v = "eftrain-vgg16-zcu102";
  EXPECT_NE(scheduleError(v, {"accelerator.tiling.pin={conv9_9.FP: {tr: 2}}"})
                .find("accelerator.tiling.pin.conv9_9.FP: workload vgg16-imagenet has no conv/FC layer named conv9_9"),
            std::string::npos);
  EXPECT_NE(scheduleError(v, {"accelerator.tiling.pin={conv1_1.BP: {tr: 2}}"}).find("has no BP phase"),
            std::string::npos);
  EXPECT_NE(scheduleError(v, {"accelerator.tiling.pin={conv1_1.XP: {tr: 2}}"}).find("<layer>.<FP|BP|WU>"),
            std::string::npos);
  EXPECT_NE(scheduleError(v, {"accelerator.tiling.pin={conv1_1.FP: {tr: 500}}"})
                .find("accelerator.tiling.pin.conv1_1.FP.tr = 500: must be <= the phase's 224 output rows"),
            std::string::npos);
  EXPECT_NE(scheduleError(v, {"accelerator.tiling.pin={conv1_1.FP: {tr: 20}}"})
                .find("accelerator.tiling.pin.conv1_1.FP.tr = 20: a 20x224 tile needs 4480 output"),
            std::string::npos);
  EXPECT_NE(scheduleError(v, {"accelerator.tiling.pin={conv1_1.FP: {m_on: 24}}"})
                .find("m_on = 24: must be a multiple of pe_array.tm (16)"),
            std::string::npos);
  EXPECT_NE(scheduleError(v, {"accelerator.tiling.pin={conv1_1.FP: {}}"}).find("pins nothing"), std::string::npos);
  EXPECT_NE(scheduleError(v, {"accelerator.tiling.policy=best"}).find("accelerator.tiling.policy = best"),
            std::string::npos);
}

TEST(Schedule, AlexNetConv1FallsBackToColumnTiles) {
  // conv1: 11×11 stride 4 on 227 columns: one full-width row needs an 11 × 227
  // = 2497-word window, more than the 2486 words of an input bank.
  const auto d = load("eftrain-alexnet-zcu102");
  const auto prog = buildProgram(d);
  for (const auto& p : prog.phases)
    if (p.name == "conv1" && p.phase == Phase::FP) {
      EXPECT_LT(p.tiling.tc, 55);
      EXPECT_LE(((p.tiling.tr - 1) * 4 + 11) * ((p.tiling.tc - 1) * 4 + 11), 2486);
    }
}

TEST(Schedule, StepsCoverEveryMacExactlyOnce) {
  // Σ over steps of iterations × active lanes = M·N·R·C·K²·B in FP and WU (BP
  // of a stride-1 conv visits the padded border too, so it is checked ≥).
  for (const char* design : {"eftrain-vgg11-cifar10-zcu102", "eftrain-resnet18-cifar10-zcu102", "eftrain-lenet5-zcu102"}) {
    const auto d = load(design);
    const auto prog = buildProgram(d);
    std::vector<schedule::Step> steps;
    for (const auto& p : prog.phases) {
      if (p.unit != Unit::PeArray) continue;
      schedule::generateSteps(prog, p, steps);
      std::uint64_t macs = 0;
      for (const auto& s : steps) macs += s.macs;
      const std::uint64_t useful = p.flops / 2;
      if (p.phase == Phase::BP) {
        EXPECT_GE(macs, useful) << design << " " << p.name;
      } else {
        EXPECT_EQ(macs, useful) << design << " " << p.name << " " << schedule::toString(p.phase);
      }
    }
  }
}

TEST(Schedule, GradientsOfAForkAreSummed) {
  // ResNet-18: relu1 feeds l1b1_conv1 and the add l1b1_add. Its BP row starts
  // with a vector pass summing the two gradients.
  const auto d = load("eftrain-resnet18-cifar10-zcu102");
  const auto prog = buildProgram(d);
  int sums = 0;
  for (const auto& p : prog.phases)
    if (p.name == "relu1" && p.phase == Phase::BP && p.unit == Unit::Vector && p.vec.passes.size() == 1 &&
        p.vec.passes[0].in2 >= 0 && prog.tensors[p.vec.passes[0].in].name.find("dy") != std::string::npos)
      ++sums;
  EXPECT_GE(sums, 1);
}

TEST(Schedule, LiveTensorsNeverOverlapInDdr) {
  const auto d = load("eftrain-resnet18-cifar10-zcu102");
  const auto prog = buildProgram(d);
  // Activations and weights never share bytes with anything.
  std::vector<const schedule::TensorDesc*> fixed;
  for (const auto& t : prog.tensors)
    if (t.name.find(".dy") == std::string::npos) fixed.push_back(&t);
  for (std::size_t i = 0; i < prog.tensors.size(); ++i)
    for (const auto* f : fixed) {
      const auto& t = prog.tensors[i];
      if (&t == f) continue;
      const bool overlap = t.baseAddr < f->baseAddr + f->bytes && f->baseAddr < t.baseAddr + t.bytes;
      EXPECT_FALSE(overlap) << t.name << " overlaps " << f->name;
    }
  EXPECT_LE(prog.ddrBytes, d.board.ddr.capacityBytes());
}

TEST(Schedule, WorkloadTooBigForDdrIsRefused) {
  const auto d = load("eftrain-vgg16-zcu102", {"workload.batch=64"});
  EXPECT_THROW(buildProgram(d), ftsim::UserError);
}

}  // namespace

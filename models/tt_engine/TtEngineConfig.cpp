#include "models/tt_engine/TtEngineConfig.h"

#include <algorithm>
#include <cmath>

#include "models/tt_engine/Contraction.h"
#include "models/kernels/Lfsr.h"
#include "sim/config/ConfigNode.h"

namespace ftsim::tt {

const char* toString(Optimizer o) { return o == Optimizer::Adam ? "adam" : "sgd"; }

}  // namespace ftsim::tt

namespace ftsim::models {

using config::ConfigNode;

TtPeArrayConfig TtPeArrayConfig::fromYaml(const ConfigNode& node) {
  TtPeArrayConfig c;
  c.rows = static_cast<int>(node.getInt("rows", 2, 32));
  c.depth = static_cast<int>(node.getInt("depth", 2, 32));
  if (!kernels::supportedPeExtent(c.rows)) node.at("rows").fail("must be 2, 4, 8, 16 or 32");
  if (!kernels::supportedPeExtent(c.depth)) node.at("depth").fail("must be 2, 4, 8, 16 or 32");
  c.mulLatencyCycles = static_cast<int>(node.getInt("mul_latency_cycles", 1, 64));
  c.addLatencyCycles = static_cast<int>(node.getInt("add_latency_cycles", 1, 64));
  c.accLatencyCycles = static_cast<int>(node.getInt("acc_latency_cycles", 1, 64));
  c.bufferReadLatencyCycles = static_cast<int>(node.getInt("buffer_read_latency_cycles", 2, 0, 16));
  c.bufferWriteLatencyCycles = static_cast<int>(node.getInt("buffer_write_latency_cycles", 1, 0, 16));
  return c;
}

const char* toString(TtPlannerConfig::Objective o) {
  switch (o) {
    case TtPlannerConfig::Objective::Cycles: return "cycles";
    case TtPlannerConfig::Objective::Flops: return "flops";
    case TtPlannerConfig::Objective::Memory: return "memory";
  }
  return "?";
}

TtPlannerConfig TtPlannerConfig::fromYaml(const ConfigNode& node) {
  TtPlannerConfig c;
  const std::string o = node.getEnum("objective", "cycles", {"cycles", "flops", "memory"});
  c.objective = o == "flops" ? Objective::Flops : o == "memory" ? Objective::Memory : Objective::Cycles;
  c.reuseForwardIntermediates = node.getBool("reuse_forward_intermediates", true);
  return c;
}

TtOptimizerConfig TtOptimizerConfig::fromYaml(const ConfigNode& node) {
  TtOptimizerConfig c;
  c.kind = node.getEnum("kind", "sgd", {"sgd", "adam"}) == "adam" ? tt::Optimizer::Adam : tt::Optimizer::Sgd;
  c.learningRate = node.getDouble("learning_rate", 1e-9, 10.0);
  if (c.kind == tt::Optimizer::Adam) {
    c.beta1 = node.getDouble("beta1", 0.9, 0.0, 0.999999);
    c.beta2 = node.getDouble("beta2", 0.999, 0.0, 0.99999999);
    c.epsilon = node.getDouble("epsilon", 1e-8, 1e-30, 1.0);
  }
  return c;
}

TtBufferConfig TtBufferConfig::fromYaml(const ConfigNode& node, int defaultBanks) {
  TtBufferConfig c;
  const std::string m = node.getEnum("memory", "auto", {"auto", "bram", "uram"});
  c.memory = m == "bram" ? Memory::Bram : m == "uram" ? Memory::Uram : Memory::Auto;
  c.banks = static_cast<int>(node.getInt("banks", defaultBanks, 1, 1024));
  return c;
}

namespace {

kernels::NumberFormat formatAt(const ConfigNode& node, const std::string& key, const std::string& def) {
  const std::string text = node.getString(key, def);
  std::string why;
  const auto f = kernels::parseFormat(text, why);
  if (!f) node.at(key).fail(why);
  return *f;
}

}  // namespace

int TtEngineConfig::multiplierBits() const {
  return std::max({formats.weights.multiplierBits(), formats.activations.multiplierBits(),
                   formats.gradients.multiplierBits()});
}

double TtEngineConfig::macsPerDsp() const {
  if (floatDatapath()) return 1.0 / 5.0;
  return multiplierBits() <= 8 ? 2.0 : 1.0;
}

int TtEngineConfig::peDsps() const {
  return static_cast<int>(std::ceil(static_cast<double>(peArray.rows * peArray.depth) / macsPerDsp() - 1e-9));
}

int TtEngineConfig::vectorDsps() const { return vector.lanes * (floatDatapath() ? 5 : 1); }

TtEngineConfig TtEngineConfig::fromYaml(const ConfigNode& node, double hostDmaStartNs) {
  TtEngineConfig c;
  c.name = node.getString("name");
  node.at("kind");  // the family registry (families/Registry.h) chose this config by it
  c.clock = Clock::fromMhz(node.getDouble("clock_mhz", 1.0, 1000.0));
  c.functional = node.getBool("functional", false);
  c.peArray = TtPeArrayConfig::fromYaml(node.at("pe_array"));
  const ConfigNode f = node.at("formats");
  c.formats.weights = formatAt(f, "weights", "fp32");
  c.formats.activations = formatAt(f, "activations", "fp32");
  c.formats.gradients = formatAt(f, "gradients", "fp32");
  c.formats.optimizerState = formatAt(f, "optimizer_state", "fp32");
  const bool fw = c.formats.weights.isFloat();
  for (const char* key : {"activations", "gradients"}) {
    const kernels::NumberFormat& g = std::string(key) == "activations" ? c.formats.activations : c.formats.gradients;
    if (g.isFloat() != fw)
      (f.has(key) ? f.at(key) : f)
          .fail("formats weights, activations and gradients must be all fp32 or all fixed/bfp: the PE array is "
                "either an fp32 or an integer datapath");
  }
  const std::string r = node.getEnum("rounding", "nearest_even", {"nearest_even", "stochastic"});
  c.rounding = r == "stochastic" ? kernels::Rounding::Stochastic : kernels::Rounding::NearestEven;
  if (c.rounding == kernels::Rounding::Stochastic && c.floatDatapath())
    node.at("rounding").fail("stochastic rounding needs fixed or bfp formats (fp32 results are not rounded)");
  c.roundingLanes = static_cast<int>(node.getInt("rounding_lanes", 16, 1, kernels::LaneRandom::kMaxLanes));
  c.optimizer = TtOptimizerConfig::fromYaml(node.at("optimizer"));
  c.planner = node.has("planner") ? TtPlannerConfig::fromYaml(node.at("planner")) : TtPlannerConfig{};
  c.vector = VectorUnitConfig::fromYaml(node.at("vector"));
  const auto defaultStart = static_cast<std::uint64_t>(c.clock.cyclesForNs(hostDmaStartNs).value());
  c.dma = DmaConfig::fromYaml(node.at("dma"), defaultStart);
  if (c.dma.streamWidthBits % 32 != 0) node.at("dma").at("stream_width_bits").fail("must be a multiple of 32");
  c.buffers = node.has("buffers") ? TtBufferConfig::fromYaml(node.at("buffers"), c.peArray.depth)
                                  : TtBufferConfig{TtBufferConfig::Memory::Auto, c.peArray.depth};
  c.powerW = node.getDouble("power_w", 0.0, 0.0, 1000.0);
  return c;
}

CpuBaselineConfig CpuBaselineConfig::fromYaml(const ConfigNode& node) {
  CpuBaselineConfig c;
  c.present = true;
  c.name = node.getString("name");
  c.cores = static_cast<int>(node.getInt("cores", 1, 64));
  c.clockMhz = node.getDouble("clock_mhz", 1.0, 10000.0);
  c.simdWidthBits = static_cast<int>(node.getInt("simd_width_bits", 32, 2048));
  if (c.simdWidthBits % 32 != 0) node.at("simd_width_bits").fail("must be a multiple of 32 (fp32 lanes)");
  c.simdOpsPerCycle = node.getDouble("simd_ops_per_cycle", 0.01, 16.0);
  c.efficiency = node.getDouble("efficiency", 0.001, 1.0);
  c.efficiencySource = node.getString("efficiency_source");
  c.powerW = node.getDouble("power_w", 0.001, 1000.0);
  return c;
}

}  // namespace ftsim::models

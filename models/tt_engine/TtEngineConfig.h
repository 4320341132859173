#pragma once
// The tensorized-training engine as a user configures it (`accelerator.kind:
// tt`): a rows × depth PE array for the small matrix products of TT
// contractions, a vector unit for the element-wise work, the rounding unit,
// the number formats of each tensor role, the optimizer, the planner's
// objective, the DMA that brings input batches from DDR, and how the
// on-chip buffers map onto BRAM and URAM.

#include <cstdint>
#include <string>

#include "models/accel/EfTrainConfig.h"
#include "models/dma/DmaConfig.h"
#include "models/tt_engine/NumberFormat.h"
#include "sim/core/Units.h"

namespace ftsim::config { class ConfigNode; }

namespace ftsim::tt {

/// The number format of each tensor role.
struct TtFormats {
  kernels::NumberFormat weights, activations, gradients, optimizerState;
};

enum class Optimizer : std::uint8_t { Sgd, Adam };
const char* toString(Optimizer o);

}  // namespace ftsim::tt

namespace ftsim::models {

struct TtPeArrayConfig {
  int rows = 16;   ///< output rows produced in parallel (each row a depth-wide adder tree)
  int depth = 16;  ///< products summed per row and cycle
  int mulLatencyCycles = 3;
  int addLatencyCycles = 1;  ///< one adder-tree level
  int accLatencyCycles = 1;  ///< the accumulator's add (a new sum of the same output waits for it)
  int bufferReadLatencyCycles = 2;
  int bufferWriteLatencyCycles = 1;

  static TtPeArrayConfig fromYaml(const config::ConfigNode& node);
};

struct TtPlannerConfig {
  enum class Objective { Cycles, Flops, Memory };
  Objective objective = Objective::Cycles;
  bool reuseForwardIntermediates = true;

  static TtPlannerConfig fromYaml(const config::ConfigNode& node);
};
const char* toString(TtPlannerConfig::Objective o);

struct TtOptimizerConfig {
  tt::Optimizer kind = tt::Optimizer::Sgd;
  double learningRate = 0.01;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;

  static TtOptimizerConfig fromYaml(const config::ConfigNode& node);
};

struct TtBufferConfig {
  enum class Memory { Auto, Bram, Uram };
  Memory memory = Memory::Auto;
  /// Banks of every buffer the PE array reads (its depth by default), each
  /// a whole number of memory blocks.
  int banks = 16;

  static TtBufferConfig fromYaml(const config::ConfigNode& node, int defaultBanks);
};

struct TtEngineConfig {
  std::string name;
  Clock clock;
  bool functional = false;  ///< compute real values (slower), see TtDatapath
  TtPeArrayConfig peArray;
  tt::TtFormats formats;
  kernels::Rounding rounding = kernels::Rounding::NearestEven;
  int roundingLanes = 16;
  TtOptimizerConfig optimizer;
  TtPlannerConfig planner;
  VectorUnitConfig vector;
  DmaConfig dma;
  TtBufferConfig buffers;
  double powerW = 0;  ///< estimated board power while training (for the CPU comparison)

  /// True when every tensor role is fp32 (the float datapath); otherwise
  /// every role is fixed or bfp (the integer datapath).
  bool floatDatapath() const { return formats.weights.isFloat(); }
  /// Widest multiplier operand over the formats the PE array multiplies.
  int multiplierBits() const;
  /// MACs one DSP48E2 performs per cycle at that width: two 8-bit MACs
  /// sharing one operand (WP486), one up to 18 bits (27×18 multiplier);
  /// fp32 takes five DSPs per MAC (fmul max_dsp 3 + fadd full_dsp 2).
  double macsPerDsp() const;
  int peDsps() const;
  /// The vector unit: one fp32 multiply-add (5 DSPs) per lane on the float
  /// datapath, one DSP per lane otherwise.
  int vectorDsps() const;
  int dsps() const { return peDsps() + vectorDsps(); }

  static TtEngineConfig fromYaml(const config::ConfigNode& node, double hostDmaStartNs);
};

/// The embedded CPU a design is compared with (estimates, stated as such).
struct CpuBaselineConfig {
  bool present = false;
  std::string name;
  int cores = 1;
  double clockMhz = 1200;
  int simdWidthBits = 128;
  double simdOpsPerCycle = 0.5;  ///< fp32 SIMD FMAs issued per cycle and core
  double efficiency = 0.3;       ///< achieved / peak on the workload's contractions
  std::string efficiencySource;
  double powerW = 1.0;

  double peakFlopsPerSecond() const {
    return cores * clockMhz * 1e6 * (simdWidthBits / 32) * 2.0 * simdOpsPerCycle;
  }
  static CpuBaselineConfig fromYaml(const config::ConfigNode& node);
};

}  // namespace ftsim::models

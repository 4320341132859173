#pragma once
// Energy of a tensorized-training run: the actions of every operation of
// the TT program (multiplies and adds by number format, roundings, buffer
// word accesses, DMA beats) times the board's energy table, plus static
// power times the simulated time. Plain C++ over the program and the run's
// per-operation counters; see docs/energy.md.

#include <array>
#include <cstdint>
#include <vector>

#include "models/tt_engine/NumberFormat.h"
#include "models/tt_engine/TtEngineConfig.h"
#include "sim/energy/EnergyConfig.h"
#include "sim/energy/OnChipEnergy.h"
#include "sim/stats/RunResult.h"
#include "sim/tt/TtProgram.h"
#include "sim/tt/TtRunResult.h"

namespace ftsim::config { struct DesignConfig; }

namespace ftsim::energy {

/// The arithmetic an operation's numbers go through: fp32, or an integer
/// width the energy table prices (a format of W bits uses the smallest
/// width ≥ W; wider than 16 bits is priced as 32).
enum class Arith : std::uint8_t { Fp32, Int8, Int16, Int32 };
constexpr int kArithKinds = 4;
Arith arithOf(const kernels::NumberFormat& f);
/// The integer width of a product of two `a` operands (int8 · int8 → int16);
/// fp32 stays fp32, int32 stays int32.
Arith productArith(Arith a);

/// Per-action energies of a TT design (pJ, fabric scale applied) and the
/// static power (W).
struct TtEnergyTable : OnChipTable {
  std::array<double, kArithKinds> mulPj{}, addPj{};  ///< indexed by Arith
};
TtEnergyTable makeTtTable(const EnergyConfig& cfg, double clockHz);

/// Actions of one operation.
struct TtActivity {
  std::array<std::uint64_t, kArithKinds> mults{};      ///< PE-array multiplies, update multiplies
  std::array<std::uint64_t, kArithKinds> adds{};       ///< adder tree, accumulation, vector element operations
  std::array<std::uint64_t, kArithKinds> roundings{};  ///< elements through the rounding unit, by result width
  std::uint64_t bramReads = 0;   ///< buffer word reads (one element, or 32 mask bits)
  std::uint64_t bramWrites = 0;  ///< buffer word writes
  std::uint64_t dmaBeats = 0;    ///< stream beats of the input load
  std::uint64_t cycles = 0;

  std::uint64_t macs = 0;  ///< PE-array multiply-accumulates (checked against the engine's count)
};

/// Count the actions of program operation `op` that took `result`.
/// `swapped`: the engine streamed A's rows and held B stationary.
/// `beatBytes`: the width of the engine's DMA stream.
TtActivity countTtActivity(const tt::TtProgram& prog, const tt::ProgOp& op, const tt::TtOpResult& result,
                           const models::TtPeArrayConfig& pe, bool swapped, std::uint64_t beatBytes);

/// Energy of an activity, each component rounded to whole fJ (compute,
/// on-chip memory, DMA and static; the TT designs' ideal memory has no DRAM
/// model, so the two DDR components stay 0).
stats::EnergyFj ttEnergyOf(const TtEnergyTable& t, const TtActivity& a);

/// Energy of every operation of a run, in program order. Cycles after the
/// last operation are charged to it, so that the operations add up to the run.
std::vector<stats::EnergyFj> ttOpEnergies(const TtEnergyTable& t, const tt::TtProgram& prog,
                                          const tt::TtRunResult& run, const models::TtEngineConfig& engine);

/// ttOpEnergies with the design's table; empty when its board has no energy table.
std::vector<stats::EnergyFj> ttDesignOpEnergies(const config::DesignConfig& d, const tt::TtProgram& prog,
                                                const tt::TtRunResult& run);

}  // namespace ftsim::energy

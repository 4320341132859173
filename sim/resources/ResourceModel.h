#pragma once
// FPGA resource estimate of a design point (DSP48E2, BRAM36, URAM288, LUT,
// FF) from its parameters and the board's cost table, and the check that
// refuses a design over the board's budget before anything is simulated.
// The rules and worked examples are in docs/resources.md.
//
// Block RAM: every buffer lane (one memory after HLS ARRAY_PARTITION) maps
// onto a grid of one primitive shape, the cheapest in 18 Kb halves; ties go
// to fewer primitives. Lanes never share a block. A BRAM18 counts as half a
// BRAM36, as Vivado's utilization report counts it.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/config/DesignConfig.h"

namespace ftsim::config { class ConfigNode; }

namespace ftsim::resources {

struct ResourceLine {
  std::string unit;
  double dsp = 0, bram36 = 0, uram = 0, lut = 0, ff = 0;  ///< bram36 counts a BRAM18 as 0.5
  std::string note;
  std::string keyPath;  ///< the accelerator key that sizes this unit (for over-budget errors)
};

struct ResourceEstimate {
  std::vector<ResourceLine> lines;
  ResourceLine total;
  double budgetDsp = 0, budgetBram36 = 0, budgetUram = 0, budgetLut = 0, budgetFf = 0;
  std::string board;
  std::string family;   ///< the board's FPGA family (its cost table)
  std::string dspType;  ///< the family's DSP slice: what the DSP counts are counts of
};

/// One block-RAM primitive shape: `depth` words of `widthBits` bits.
struct RamShape {
  const char* primitive;  ///< RAMB36, RAMB18 or URAM288
  int depth;
  int widthBits;
  int halves;  ///< BRAM18 halves per block (RAMB36 2, RAMB18 1; 0 for URAM)
};

/// How one lane of `depth` × `widthBits` maps onto blocks.
struct LaneMapping {
  RamShape shape{"", 0, 0, 0};
  std::uint64_t depthBlocks = 0, widthBlocks = 0;
  std::uint64_t blocks() const { return depthBlocks * widthBlocks; }
  std::uint64_t halves() const { return blocks() * static_cast<std::uint64_t>(shape.halves); }
  double bram36() const { return static_cast<double>(halves()) / 2.0; }
  std::string text() const;  ///< e.g. "5 x RAMB18 512x36"
};

/// The cheapest BRAM36/BRAM18 grid for one simple-dual-port lane.
LaneMapping mapLaneToBram(std::uint64_t depth, int widthBits);
/// The URAM288 (4K × 72) grid for one lane.
LaneMapping mapLaneToUram(std::uint64_t depth, int widthBits);

/// DSP48E2 slices per multiply-accumulate of a datapath format: fp32 is one
/// multiplier plus one adder of the chosen HLS implementations; fixed point
/// shares DSPs per the table (`multiplierBits` <= 8: int8, else int16).
double dspPerMac(const ResourceTable& table, const ImplementationConfig& impl, bool fp32, int multiplierBits);

/// The estimate of each accelerator family (its family calls it; everyone
/// else asks the family registry, families::estimateResources).
ResourceEstimate estimateEfTrainResources(const config::DesignConfig& d);
ResourceEstimate estimateTtResources(const config::DesignConfig& d);

/// Throw a ConfigError at the accelerator key of the largest user of the
/// first resource over budget (order: DSP, BRAM36, URAM, LUT, FF).
void checkResourceBudget(const ResourceEstimate& e, const config::ConfigNode& root);

/// The `ftsim check` table: one line per unit, the total, budget and %.
void printResourceTable(const ResourceEstimate& e, std::ostream& os);

}  // namespace ftsim::resources

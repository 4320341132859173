#pragma once
// Cycle rules of the Tm×Tn MAC array, without SystemC.
//
// A step issues its iterations at an initiation interval of 1, unless the
// same accumulator is updated again before the adder returns it (then
// II = ⌈add latency / dependence distance⌉). The pipeline's depth (fill) is
// buffer read + multiply + ⌈log2 Tn⌉ adder-tree levels + the accumulating
// add + buffer write in FP/BP; the outer-product WU mode has no tree.
//
// Two ways the pipeline meets the next tile (`pe_array.pipeline`):
//  - rewind (default): consecutive steps stream through the pipeline back to
//    back, as a rewinding pipelined loop in an HLS dataflow region does; a
//    step occupies the array for its issue cycles, and its results are
//    complete `fill` cycles after its last issue (what a store waits for).
//  - per_tile: every step is a separate call of a pipelined loop and pays
//    fill and drain itself, as a sequential HLS loop body calling FIRE does.

#include <cstdint>

#include "models/pe_array/PeArrayConfig.h"
#include "sim/core/Units.h"
#include "sim/schedule/Program.h"

namespace ftsim::models {

class PeArrayTiming {
 public:
  PeArrayTiming(const PeArrayConfig& cfg, int vectorPipelineCycles)
      : m_cfg(cfg), m_vectorPipeline(static_cast<std::uint64_t>(vectorPipelineCycles)) {}

  static int treeLevels(int tn) {
    int levels = 0;
    for (int width = 1; width < tn; width *= 2) ++levels;
    return levels;
  }

  /// Pipeline depth: cycles from an iteration's issue to its result written.
  Cycles fillCycles(schedule::ComputeMode mode) const {
    using schedule::ComputeMode;
    const std::uint64_t io = static_cast<std::uint64_t>(m_cfg.bufferReadLatencyCycles + m_cfg.bufferWriteLatencyCycles);
    switch (mode) {
      case ComputeMode::Fp:
      case ComputeMode::Bp:
        return Cycles(io + m_cfg.mulLatencyCycles +
                      static_cast<std::uint64_t>(treeLevels(m_cfg.tn) + 1) * m_cfg.addLatencyCycles);
      case ComputeMode::Wu:
        return Cycles(io + m_cfg.mulLatencyCycles + m_cfg.addLatencyCycles);
      case ComputeMode::Vector:
        return Cycles(m_vectorPipeline);
      default:
        return Cycles(0);
    }
  }

  std::uint64_t initiationInterval(std::uint32_t dependenceDistance) const {
    const auto add = static_cast<std::uint64_t>(m_cfg.addLatencyCycles);
    if (dependenceDistance == 0 || dependenceDistance >= add) return 1;
    return ceilDiv(add, dependenceDistance);
  }

  /// Cycles the step's iterations take to issue.
  Cycles issueCycles(const schedule::Step& s) const {
    if (s.mode == schedule::ComputeMode::Host) return Cycles(s.iterations);
    return Cycles(s.iterations * initiationInterval(s.dependenceDistance));
  }

  /// Cycles the array is occupied by a step: its issue cycles, plus fill and
  /// drain when every step pays them.
  Cycles occupancyCycles(const schedule::Step& s) const {
    const Cycles issue = issueCycles(s);
    if (m_cfg.pipeline == PeArrayConfig::Pipeline::PerTile && issue.value() > 0) return issue + fillCycles(s.mode);
    return issue;
  }

  /// Cycles after the occupancy ends until the step's last result is written.
  Cycles drainCycles(const schedule::Step& s) const {
    if (m_cfg.pipeline == PeArrayConfig::Pipeline::PerTile || s.iterations == 0) return Cycles(0);
    return fillCycles(s.mode);
  }

 private:
  PeArrayConfig m_cfg;
  std::uint64_t m_vectorPipeline;
};

}  // namespace ftsim::models

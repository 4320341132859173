#pragma once
// Cycle rules of the TT engine, without SystemC.
//
// Contraction (a batched matrix product C[b] = A[b]·B[b], m × k times
// k × n): the rows × depth array holds a rows × depth tile of one operand
// stationary and streams the other operand's columns through it, one
// column per initiation interval; each row sums `depth` products in an
// adder tree and adds the sum to its accumulator. Loop nest, flattened and
// pipelined as HLS does it: batch → row tile → depth tile → column. When
// there is more than one depth tile, a column updates the accumulator the
// same column of the previous depth tile wrote `n` iterations earlier, so
// the loop's initiation interval is ⌈acc/n⌉ when n < acc (as for the
// EF-Train array). A tile therefore streams for S = n·II cycles.
// The stationary tiles are double-buffered and loaded row by row (`rows`
// cycles each): the load of tile j+1 overlaps the streaming of tile j, the
// first load overlaps nothing, so T tiles take
//   T · max(S, rows) + min(S, rows)
// cycles (tests/TestTtCycles.cpp checks this against a cycle-by-cycle
// oracle), the contraction that plus the pipeline fill
//   fill = read + mul + ⌈log2 depth⌉·add + acc + write,
// and the engine takes whichever of (m, n) and (n, m) as (rows, columns) is
// faster, since Cᵀ = Bᵀ·Aᵀ needs only other address tables.
//
// Vector unit: `lanes` elements per cycle per pass, plus its pipeline once.
// Weight update: SGD one pass, Adam two (moments, then the step).

#include <algorithm>
#include <cstdint>

#include "models/accel/EfTrainConfig.h"
#include "models/tt_engine/TtEngineConfig.h"
#include "sim/core/Units.h"
#include "sim/tt/ContractionPlanner.h"
#include "sim/tt/TtProgram.h"

namespace ftsim::models {

class TtEngineTiming {
 public:
  TtEngineTiming(const TtPeArrayConfig& pe, const VectorUnitConfig& vector) : m_pe(pe), m_vector(vector) {}

  static int treeLevels(int depth) {
    int levels = 0;
    for (int width = 1; width < depth; width *= 2) ++levels;
    return levels;
  }

  Cycles fillCycles() const {
    return Cycles(static_cast<std::uint64_t>(m_pe.bufferReadLatencyCycles + m_pe.mulLatencyCycles +
                                             treeLevels(m_pe.depth) * m_pe.addLatencyCycles + m_pe.accLatencyCycles +
                                             m_pe.bufferWriteLatencyCycles));
  }

  /// Initiation interval of the column loop.
  std::uint64_t initiationInterval(std::uint64_t cols, std::uint64_t depthTiles) const {
    const auto acc = static_cast<std::uint64_t>(m_pe.accLatencyCycles);
    return depthTiles > 1 && cols < acc ? ceilDiv(acc, cols) : 1;
  }

  /// Cycles one stationary tile streams `cols` columns.
  std::uint64_t streamCycles(std::uint64_t cols, std::uint64_t depthTiles) const {
    return cols * initiationInterval(cols, depthTiles);
  }

  /// Issue cycles with `rowsDim` on the array's rows and `colsDim` streamed.
  std::uint64_t issueCycles(std::uint64_t batch, std::uint64_t rowsDim, std::uint64_t k, std::uint64_t colsDim) const {
    const std::uint64_t depthTiles = ceilDiv(k, static_cast<std::uint64_t>(m_pe.depth));
    const std::uint64_t tiles = batch * ceilDiv(rowsDim, static_cast<std::uint64_t>(m_pe.rows)) * depthTiles;
    const std::uint64_t s = streamCycles(colsDim, depthTiles);
    const auto load = static_cast<std::uint64_t>(m_pe.rows);
    return tiles * std::max(s, load) + std::min(s, load);
  }

  /// True when the engine streams m (A's rows) and holds B stationary.
  bool swapped(const tt::GemmShape& g) const { return issueCycles(g.batch, g.n, g.k, g.m) < issueCycles(g.batch, g.m, g.k, g.n); }

  Cycles contractionCycles(const tt::GemmShape& g) const {
    return Cycles(std::min(issueCycles(g.batch, g.m, g.k, g.n), issueCycles(g.batch, g.n, g.k, g.m))) + fillCycles();
  }

  Cycles vectorCycles(std::uint64_t elements, int passes) const {
    return Cycles(static_cast<std::uint64_t>(passes) * ceilDiv(elements, static_cast<std::uint64_t>(m_vector.lanes)) +
                  static_cast<std::uint64_t>(m_vector.pipelineCycles));
  }

  Cycles updateCycles(std::uint64_t elements, tt::Optimizer opt) const {
    return vectorCycles(elements, opt == tt::Optimizer::Adam ? 2 : 1);
  }

 private:
  TtPeArrayConfig m_pe;
  VectorUnitConfig m_vector;
};

/// The TT program's options for an engine at `maxRank` (0: ranks as
/// configured); the planner costs a contraction in this engine's cycles
/// unless the design asks for FLOPs.
tt::ProgramOptions programOptions(const TtEngineConfig& c, int maxRank);

}  // namespace ftsim::models

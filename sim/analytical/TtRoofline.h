#pragma once
// An analytical estimate of a tensorized-training operation that is not the
// engine's own timing formula: a per-operation roofline from the operation's
// work and the engine's peaks, max(work / peak rate, bytes / bandwidth).
//
//   contraction   2·MACs FLOPs at 2·rows·depth FLOPs per cycle (operands on chip)
//   vector ops    elements × passes at `lanes` elements per cycle
//   input load    bytes at the stream's bytes per cycle (no start cost)
//
// It leaves out what the engine's timing core counts (pipeline fill and
// drain, tile padding of the rows × depth array, the accumulator's
// dependence, the DMA start cost), so the simulation is above it by those.

#include <cstdint>

#include "models/tt_engine/TtEngineConfig.h"
#include "sim/tt/TtProgram.h"

namespace ftsim::analytical {

std::uint64_t ttRooflineCycles(const tt::ProgOp& op, const models::TtEngineConfig& engine);

}  // namespace ftsim::analytical

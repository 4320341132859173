#include "sim/analytical/TtRoofline.h"

namespace ftsim::analytical {

namespace {
std::uint64_t cdiv(std::uint64_t a, std::uint64_t b) { return b ? (a + b - 1) / b : 0; }
}  // namespace

std::uint64_t ttRooflineCycles(const tt::ProgOp& op, const models::TtEngineConfig& e) {
  switch (op.kind) {
    case tt::OpKind::LoadInput:
      return cdiv(op.bytes, static_cast<std::uint64_t>(e.dma.bytesPerCycle()));
    case tt::OpKind::Contract:
      return cdiv(op.flops, 2ULL * static_cast<std::uint64_t>(e.peArray.rows) * static_cast<std::uint64_t>(e.peArray.depth));
    default:
      return cdiv(op.elements * static_cast<std::uint64_t>(op.passes), static_cast<std::uint64_t>(e.vector.lanes));
  }
}

}  // namespace ftsim::analytical

#include "sim/schedule/StepCostModel.h"

namespace ftsim::schedule {

Cycles StepCostModel::opCycles(const DmaOp& op, ComputeMode mode) const {
  if (!op.valid()) return Cycles(0);
  const std::uint64_t beats = ceilDiv(op.lanes, static_cast<std::uint64_t>(m_p.dmaWordsPerCycle)) * op.modelPixels;
  bool start = false;
  switch (op.kind) {
    case OpKind::Ifm:
    case OpKind::OutGrad:
    case OpKind::VecIn:
    case OpKind::VecOut:
      start = true;
      break;
    case OpKind::Weights:
      start = mode == ComputeMode::Bp;
      break;
    case OpKind::Ofm:
    case OpKind::WeightUpdate:
    case OpKind::None:
      start = false;
      break;
  }
  return Cycles(beats + (start ? m_p.tstartCycles : 0));
}

StepCost StepCostModel::estimate(const std::vector<Step>& steps) const {
  StepCost e;
  const std::size_t n = steps.size();
  const auto maxOf = [&](const auto& ops, ComputeMode mode) {
    Cycles m;
    for (const auto& o : ops) m = max(m, opCycles(o, mode));
    return m;
  };
  for (std::size_t k = 0; k < n + 2; ++k) {
    Cycles it;
    if (k < n) {
      const Cycles l = maxOf(steps[k].pre, steps[k].mode);
      e.loadCycles += l;
      it = max(it, l);
    }
    if (k >= 1 && k <= n) {
      const Cycles c = computeCycles(steps[k - 1]);
      e.computeCycles += c;
      it = max(it, c);
    }
    if (k >= 2) {
      const Cycles s = maxOf(steps[k - 2].post, steps[k - 2].mode);
      e.storeCycles += s;
      it = max(it, s);
    }
    e.cycles += it;
  }
  return e;
}

}  // namespace ftsim::schedule

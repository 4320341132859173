#include "sim/tt/TrainingMemory.h"

#include <vector>

namespace ftsim::tt {

MemoryUse analyzeMemory(const TtProgram& p) {
  const int nOps = static_cast<int>(p.ops.size());
  const int nT = static_cast<int>(p.tensors.size());
  std::vector<int> first(static_cast<std::size_t>(nT), nOps), last(static_cast<std::size_t>(nT), -1);
  for (int i = 0; i < nOps; ++i) {
    for (int t : p.ops[static_cast<std::size_t>(i)].writes) {
      first[static_cast<std::size_t>(t)] = std::min(first[static_cast<std::size_t>(t)], i);
      last[static_cast<std::size_t>(t)] = std::max(last[static_cast<std::size_t>(t)], i);
    }
    for (int t : p.ops[static_cast<std::size_t>(i)].reads) {
      first[static_cast<std::size_t>(t)] = std::min(first[static_cast<std::size_t>(t)], i);
      last[static_cast<std::size_t>(t)] = std::max(last[static_cast<std::size_t>(t)], i);
    }
  }
  // Per component, bytes entering and leaving at each operation.
  std::vector<std::array<std::int64_t, kMemoryComponents>> delta(static_cast<std::size_t>(nOps) + 1);
  for (int t = 0; t < nT; ++t) {
    const ProgTensor& pt = p.tensors[static_cast<std::size_t>(t)];
    int a = first[static_cast<std::size_t>(t)], b = last[static_cast<std::size_t>(t)];
    if (pt.role == TensorRole::Weight || pt.role == TensorRole::OptState) {
      a = 0;
      b = nOps - 1;
    }
    if (b < 0 || a > b) continue;  // never touched
    const int c = static_cast<int>(componentOf(pt.role));
    delta[static_cast<std::size_t>(a)][c] += static_cast<std::int64_t>(pt.bytes);
    delta[static_cast<std::size_t>(b) + 1][c] -= static_cast<std::int64_t>(pt.bytes);
  }
  MemoryUse use;
  std::array<std::int64_t, kMemoryComponents> live{};
  for (int i = 0; i < nOps; ++i) {
    std::uint64_t total = 0;
    for (int c = 0; c < kMemoryComponents; ++c) {
      live[c] += delta[static_cast<std::size_t>(i)][c];
      total += static_cast<std::uint64_t>(live[c]);
      use.ownPeak[c] = std::max(use.ownPeak[c], static_cast<std::uint64_t>(live[c]));
    }
    if (total > use.peakBytes) {
      use.peakBytes = total;
      use.peakOp = i;
      use.peakAt = p.ops[static_cast<std::size_t>(i)].label;
      for (int c = 0; c < kMemoryComponents; ++c) use.atPeak[c] = static_cast<std::uint64_t>(live[c]);
    }
  }
  return use;
}

}  // namespace ftsim::tt

#include "sim/tt/ContractionPlanner.h"

#include <limits>

#include "sim/core/Error.h"

namespace ftsim::tt {

std::uint64_t elementsOf(const std::vector<PlanLeg>& legs, LegMask m) {
  std::uint64_t e = 1;
  for (std::size_t l = 0; l < legs.size(); ++l)
    if (m >> l & 1) e *= legs[l].dim;
  return e;
}

GemmShape gemmShapeOf(const std::vector<PlanLeg>& legs, LegMask a, LegMask b, LegMask out) {
  GemmShape g;
  g.batch = elementsOf(legs, a & b & out);
  g.k = elementsOf(legs, a & b & ~out);
  g.m = elementsOf(legs, a & ~b);
  g.n = elementsOf(legs, b & ~a);
  return g;
}

ContractionPlanner::ContractionPlanner(std::vector<PlanLeg> legs, std::vector<PlanLeaf> leaves, ContractionCost cost,
                                       bool memoryFirst)
    : m_legs(std::move(legs)), m_leaves(std::move(leaves)), m_cost(std::move(cost)), m_memoryFirst(memoryFirst) {
  FTSIM_ASSERT(m_legs.size() <= 64, "at most 64 legs per layer");
  FTSIM_ASSERT(m_leaves.size() <= 64, "at most 64 leaves per layer");
  for (std::size_t l = 0; l < m_leaves.size(); ++l) leafNode(static_cast<int>(l));
}

int ContractionPlanner::leafNode(int leaf) {
  PlanNode n;
  n.leaves = 1ULL << leaf;
  n.legs = m_leaves[leaf].legs;
  n.elements = elementsOf(n.legs);
  n.expr = m_leaves[leaf].name;
  m_nodes.push_back(n);
  return static_cast<int>(m_nodes.size()) - 1;
}

int ContractionPlanner::plan(const std::string& name, const std::vector<int>& leaves, LegMask open,
                             const std::function<bool(int)>& reuse) {
  const int n = static_cast<int>(leaves.size());
  FTSIM_ASSERT(n >= 1 && n <= kMaxLeaves, "a network needs 1 to 16 leaves");
  const int netIndex = static_cast<int>(m_networks.size());
  const std::uint32_t full = (1u << n) - 1;

  // Per local subset: the global leaf set, the legs present, the open legs.
  std::vector<std::uint64_t> leafSet(full + 1, 0);
  std::vector<LegMask> present(full + 1, 0), kept(full + 1, 0);
  for (std::uint32_t s = 1; s <= full; ++s) {
    const int low = __builtin_ctz(s);
    leafSet[s] = leafSet[s & (s - 1)] | (1ULL << leaves[low]);
    present[s] = present[s & (s - 1)] | m_leaves[leaves[low]].legs;
  }
  for (std::uint32_t s = 1; s <= full; ++s) kept[s] = present[s] & (open | present[full ^ s]);

  // Nodes this network may take for free.
  std::vector<int> known(full + 1, -1);
  for (std::uint32_t s = 1; s <= full; ++s) {
    if ((s & (s - 1)) == 0) {
      known[s] = __builtin_ctz(s) < n ? leaves[__builtin_ctz(s)] : -1;  // leaf nodes are nodes 0..L-1
      continue;
    }
    const auto it = m_known.find({leafSet[s], kept[s]});
    if (it != m_known.end() && reuse(m_nodes[it->second].network)) known[s] = it->second;
  }

  // Least (cost, intermediate elements) per subset.
  constexpr std::uint64_t kInf = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::uint64_t> cost(full + 1, kInf), elems(full + 1, kInf);
  std::vector<std::uint32_t> split(full + 1, 0);
  for (std::uint32_t s = 1; s <= full; ++s) {
    if (known[s] >= 0) {
      cost[s] = 0;
      elems[s] = 0;
      continue;
    }
    const std::uint32_t low = s & (~s + 1);
    // Sub-masks a of s holding s's lowest leaf, a != s.
    for (std::uint32_t a = (s - 1) & s; a; a = (a - 1) & s) {
      if (!(a & low)) continue;
      const std::uint32_t b = s ^ a;
      if (cost[a] == kInf || cost[b] == kInf) continue;
      const GemmShape g = gemmOf(kept[a], kept[b], kept[s]);
      const std::uint64_t c = cost[a] + cost[b] + m_cost(g);
      const std::uint64_t e = elems[a] + elems[b] + elementsOf(kept[s]);
      const bool better = m_memoryFirst ? (e < elems[s] || (e == elems[s] && c < cost[s]))
                                        : (c < cost[s] || (c == cost[s] && e < elems[s]));
      if (better) {
        cost[s] = c;
        elems[s] = e;
        split[s] = a;
      }
    }
  }
  FTSIM_ASSERT(cost[full] != kInf, "no contraction order for network " + name);

  PlannedNetwork net;
  net.name = name;
  net.cost = cost[full];
  // Build the chosen tree (post-order: operands before results).
  std::function<int(std::uint32_t)> build = [&](std::uint32_t s) -> int {
    if (known[s] >= 0) {
      const int node = known[s];
      if (!m_nodes[node].isLeaf()) {
        bool seen = false;
        for (int r : net.reused) seen |= r == node;
        if (!seen) net.reused.push_back(node);
      }
      return node;
    }
    const int l = build(split[s]);
    const int r = build(s ^ split[s]);
    PlanNode node;
    node.leaves = leafSet[s];
    node.legs = kept[s];
    node.lhs = l;
    node.rhs = r;
    node.network = netIndex;
    node.elements = elementsOf(node.legs);
    node.expr = "(" + m_nodes[l].expr + "·" + m_nodes[r].expr + ")";
    m_nodes.push_back(node);
    const int id = static_cast<int>(m_nodes.size()) - 1;
    m_known[{node.leaves, node.legs}] = id;
    PlanStep step;
    step.lhs = l;
    step.rhs = r;
    step.out = id;
    step.gemm = gemmOf(m_nodes[l].legs, m_nodes[r].legs, node.legs);
    step.cost = m_cost(step.gemm);
    net.flops += step.gemm.flops();
    m_steps.push_back(step);
    net.steps.push_back(static_cast<int>(m_steps.size()) - 1);
    return id;
  };
  net.result = build(full);
  m_networks.push_back(net);
  return netIndex;
}

std::uint64_t ContractionPlanner::totalCost() const {
  std::uint64_t c = 0;
  for (const auto& n : m_networks) c += n.cost;
  return c;
}

std::uint64_t ContractionPlanner::totalFlops() const {
  std::uint64_t f = 0;
  for (const auto& n : m_networks) f += n.flops;
  return f;
}

}  // namespace ftsim::tt

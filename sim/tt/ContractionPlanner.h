#pragma once
// Contraction orders for the tensor networks of a layer's training step.
//
// A layer is a set of leaves (its input, its output gradient, its TT cores)
// joined by legs. Each quantity of training is a network over some leaves
// with some legs left open: the forward output {X, G_1..G_d} → (b, i_1..i_d),
// the input gradient {dY, G_1..G_d} → (b, j_1..j_d), the gradient of core k
// {X, dY, G_l≠k} → (a_{k−1}, i_k, j_k, a_k). The planner finds, per network,
// the pairwise contraction tree of least cost by dynamic programming over
// subsets of its leaves, where an intermediate already computed by an
// earlier network (the same leaves, the same open legs) costs nothing: that
// is how the backward pass reuses the forward pass's and its own partial
// contractions (the bidirectional contraction of the tensorized-transformer
// work falls out of it: X with the input-side cores and dY with the
// output-side cores, each reused by every core gradient). Networks are
// planned one after the other; reuse is greedy, in the order given.
//
// Every pairwise contraction is a batched matrix product: legs on both
// operands and the result are batch legs, on both operands only are summed
// (depth), on one operand and the result are its rows or columns.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ftsim::tt {

struct GemmShape {
  std::uint64_t batch = 1, m = 1, k = 1, n = 1;
  std::uint64_t macs() const { return batch * m * k * n; }
  std::uint64_t flops() const { return 2 * macs(); }
};

/// Cost of one pairwise contraction (PE-array cycles, or FLOPs).
using ContractionCost = std::function<std::uint64_t(const GemmShape&)>;

using LegMask = std::uint64_t;

struct PlanLeg {
  std::string name;
  std::uint32_t dim = 1;
};

/// The batched-matrix view of contracting tensors with legs `a` and `b`
/// into legs `out`.
GemmShape gemmShapeOf(const std::vector<PlanLeg>& legs, LegMask a, LegMask b, LegMask out);
std::uint64_t elementsOf(const std::vector<PlanLeg>& legs, LegMask m);

struct PlanLeaf {
  std::string name;
  LegMask legs = 0;
};

/// A tensor of the plan: a leaf or the result of a contraction.
struct PlanNode {
  std::uint64_t leaves = 0;  ///< bit l: leaf l is contracted into it
  LegMask legs = 0;          ///< its open legs
  int lhs = -1, rhs = -1;    ///< operands (nodes); -1 for a leaf
  int network = -1;          ///< network that computed it (-1: leaf)
  std::uint64_t elements = 1;
  std::string expr;          ///< "((X·G4)·G3)", for reports
  bool isLeaf() const { return lhs < 0; }
};

/// One pairwise contraction the engine executes.
struct PlanStep {
  int lhs = -1, rhs = -1, out = -1;  ///< nodes
  GemmShape gemm;
  std::uint64_t cost = 0;
};

struct PlannedNetwork {
  std::string name;
  int result = -1;                ///< node
  std::vector<int> steps;         ///< indices into ContractionPlanner::steps(), in execution order
  std::vector<int> reused;        ///< nodes of earlier networks this one reads
  std::uint64_t cost = 0;
  std::uint64_t flops = 0;
};

class ContractionPlanner {
 public:
  static constexpr int kMaxLeaves = 16;

  /// `memoryFirst`: minimise the elements of the intermediates a network
  /// creates, and cost only between equals (otherwise the reverse).
  ContractionPlanner(std::vector<PlanLeg> legs, std::vector<PlanLeaf> leaves, ContractionCost cost,
                     bool memoryFirst = false);

  /// Plan the network over `leaves` (leaf indices) leaving `open` legs.
  /// Intermediates of earlier networks are reused when `reuse` says so for
  /// the network that computed them. Returns the network's index.
  int plan(const std::string& name, const std::vector<int>& leaves, LegMask open,
           const std::function<bool(int network)>& reuse);

  const std::vector<PlanLeg>& legs() const { return m_legs; }
  const std::vector<PlanLeaf>& leaves() const { return m_leaves; }
  const std::vector<PlanNode>& nodes() const { return m_nodes; }
  const std::vector<PlanStep>& steps() const { return m_steps; }
  const std::vector<PlannedNetwork>& networks() const { return m_networks; }
  std::uint64_t totalCost() const;
  std::uint64_t totalFlops() const;
  std::uint64_t elementsOf(LegMask legs) const { return tt::elementsOf(m_legs, legs); }
  GemmShape gemmOf(LegMask a, LegMask b, LegMask out) const { return gemmShapeOf(m_legs, a, b, out); }

 private:
  int leafNode(int leaf);

  std::vector<PlanLeg> m_legs;
  std::vector<PlanLeaf> m_leaves;
  ContractionCost m_cost;
  bool m_memoryFirst = false;
  std::vector<PlanNode> m_nodes;
  std::vector<PlanStep> m_steps;
  std::vector<PlannedNetwork> m_networks;
  std::map<std::pair<std::uint64_t, LegMask>, int> m_known;  ///< (leaves, legs) → node
};

}  // namespace ftsim::tt

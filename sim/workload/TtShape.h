#pragma once
// The shape of a matrix in tensor-train-matrix form: W (M × N) with
// M = ∏ m_k, N = ∏ n_k and cores G_k of shape r_{k−1} × m_k × n_k × r_k,
// r_0 = r_d = 1. The plain TT format of a matrix (a 2d-way tensor with d
// output-side and d input-side cores, as the tensorized transformers use) is
// the special case whose output-side cores have n_k = 1 and input-side
// cores m_k = 1.

#include <cstdint>
#include <string>
#include <vector>

namespace ftsim::tt {

struct TtMatrix {
  std::vector<int> outModes;  ///< m_1 … m_d
  std::vector<int> inModes;   ///< n_1 … n_d
  std::vector<int> ranks;     ///< r_0 … r_d

  int cores() const { return static_cast<int>(outModes.size()); }
  std::uint64_t rows() const;  ///< M
  std::uint64_t cols() const;  ///< N
  std::uint64_t coreElements(int k) const;
  std::uint64_t paramCount() const;
  int maxRank() const;
  /// Ranks clipped to `maxRank` (rank adaptation prunes, never grows).
  TtMatrix withMaxRank(int maxRank) const;
  /// "[4,7,4,7]->[4,4,8,4] ranks [1,20,20,20,1]".
  std::string describe() const;
  /// A dense M × N matrix as a one-core TT-matrix.
  static TtMatrix dense(std::uint64_t rows, std::uint64_t cols);
};

}  // namespace ftsim::tt

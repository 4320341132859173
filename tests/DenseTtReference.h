#pragma once
// The dense reference of a TT-matrix layer, in double: W reconstructed from
// its cores, y = W·x, dx = Wᵀ·dy, dW = Σ_b dy·xᵀ and every core gradient as
// the projection of dW onto the core (the chain rule through W). It knows
// nothing of contraction orders, formats or hardware: it is what the TT
// engine's fp32 results are checked against.
//
// Layouts, all row-major: core k is [r_{k−1}][m_k][n_k][r_k]; W is [M][N]
// with row index (i_1, …, i_d) and column index (j_1, …, j_d), mode 1 the
// most significant; activations are [batch][features].

#include <cstdint>
#include <vector>

namespace ftsim::kernels {

class DenseTtReference {
 public:
  DenseTtReference(std::vector<int> outModes, std::vector<int> inModes, std::vector<int> ranks,
                   std::vector<std::vector<double>> cores);

  std::uint64_t rows() const { return m_rows; }
  std::uint64_t cols() const { return m_cols; }
  const std::vector<double>& weight() const { return m_w; }

  std::vector<double> forward(const std::vector<double>& x, int batch) const;
  std::vector<double> inputGrad(const std::vector<double>& dy, int batch) const;
  std::vector<double> weightGrad(const std::vector<double>& x, const std::vector<double>& dy, int batch) const;
  /// dL/dG_k for core k (0-based) given dW.
  std::vector<double> coreGrad(int k, const std::vector<double>& dW) const;

 private:
  /// Mode indices of row I and column J.
  void digits(std::uint64_t I, std::uint64_t J, std::vector<int>& i, std::vector<int>& j) const;
  const double* slice(int k, int a, int i, int j) const;  ///< &G_k[a][i][j][0]

  std::vector<int> m_out, m_in, m_ranks;
  std::vector<std::vector<double>> m_cores;
  std::uint64_t m_rows = 1, m_cols = 1;
  std::vector<double> m_w;
};

}  // namespace ftsim::kernels

#include "tests/DenseTtReference.h"

#include <utility>

namespace ftsim::kernels {

DenseTtReference::DenseTtReference(std::vector<int> outModes, std::vector<int> inModes, std::vector<int> ranks,
                                   std::vector<std::vector<double>> cores)
    : m_out(std::move(outModes)), m_in(std::move(inModes)), m_ranks(std::move(ranks)), m_cores(std::move(cores)) {
  for (int m : m_out) m_rows *= static_cast<std::uint64_t>(m);
  for (int n : m_in) m_cols *= static_cast<std::uint64_t>(n);
  const int d = static_cast<int>(m_out.size());
  m_w.assign(m_rows * m_cols, 0.0);
  std::vector<int> i, j;
  std::vector<double> row, next;
  for (std::uint64_t I = 0; I < m_rows; ++I) {
    for (std::uint64_t J = 0; J < m_cols; ++J) {
      digits(I, J, i, j);
      // row vector (1 × r_k) times G_k[:, i_k, j_k, :]
      row.assign(1, 1.0);
      for (int k = 0; k < d; ++k) {
        const int r0 = m_ranks[k], r1 = m_ranks[k + 1];
        next.assign(r1, 0.0);
        for (int a = 0; a < r0; ++a) {
          const double* g = slice(k, a, i[k], j[k]);
          for (int b = 0; b < r1; ++b) next[b] += row[a] * g[b];
        }
        row.swap(next);
      }
      m_w[I * m_cols + J] = row[0];
    }
  }
}

void DenseTtReference::digits(std::uint64_t I, std::uint64_t J, std::vector<int>& i, std::vector<int>& j) const {
  const int d = static_cast<int>(m_out.size());
  i.assign(d, 0);
  j.assign(d, 0);
  for (int k = d - 1; k >= 0; --k) {
    i[k] = static_cast<int>(I % static_cast<std::uint64_t>(m_out[k]));
    I /= static_cast<std::uint64_t>(m_out[k]);
    j[k] = static_cast<int>(J % static_cast<std::uint64_t>(m_in[k]));
    J /= static_cast<std::uint64_t>(m_in[k]);
  }
}

const double* DenseTtReference::slice(int k, int a, int i, int j) const {
  const std::uint64_t r1 = static_cast<std::uint64_t>(m_ranks[k + 1]);
  const std::uint64_t off =
      ((static_cast<std::uint64_t>(a) * m_out[k] + i) * static_cast<std::uint64_t>(m_in[k]) + j) * r1;
  return m_cores[k].data() + off;
}

std::vector<double> DenseTtReference::forward(const std::vector<double>& x, int batch) const {
  std::vector<double> y(static_cast<std::uint64_t>(batch) * m_rows, 0.0);
  for (int b = 0; b < batch; ++b)
    for (std::uint64_t I = 0; I < m_rows; ++I) {
      double s = 0;
      for (std::uint64_t J = 0; J < m_cols; ++J) s += m_w[I * m_cols + J] * x[b * m_cols + J];
      y[b * m_rows + I] = s;
    }
  return y;
}

std::vector<double> DenseTtReference::inputGrad(const std::vector<double>& dy, int batch) const {
  std::vector<double> dx(static_cast<std::uint64_t>(batch) * m_cols, 0.0);
  for (int b = 0; b < batch; ++b)
    for (std::uint64_t I = 0; I < m_rows; ++I)
      for (std::uint64_t J = 0; J < m_cols; ++J) dx[b * m_cols + J] += m_w[I * m_cols + J] * dy[b * m_rows + I];
  return dx;
}

std::vector<double> DenseTtReference::weightGrad(const std::vector<double>& x, const std::vector<double>& dy,
                                                 int batch) const {
  std::vector<double> dW(m_rows * m_cols, 0.0);
  for (int b = 0; b < batch; ++b)
    for (std::uint64_t I = 0; I < m_rows; ++I)
      for (std::uint64_t J = 0; J < m_cols; ++J) dW[I * m_cols + J] += dy[b * m_rows + I] * x[b * m_cols + J];
  return dW;
}

std::vector<double> DenseTtReference::coreGrad(int k, const std::vector<double>& dW) const {
  const int d = static_cast<int>(m_out.size());
  const int r0 = m_ranks[k], r1 = m_ranks[k + 1];
  std::vector<double> g(m_cores[k].size(), 0.0);
  std::vector<int> i, j;
  std::vector<double> left, right, next;
  for (std::uint64_t I = 0; I < m_rows; ++I) {
    for (std::uint64_t J = 0; J < m_cols; ++J) {
      const double w = dW[I * m_cols + J];
      if (w == 0.0) continue;
      digits(I, J, i, j);
      left.assign(1, 1.0);  // G_0 … G_{k−1}: 1 × r_{k−1}
      for (int l = 0; l < k; ++l) {
        next.assign(m_ranks[l + 1], 0.0);
        for (int a = 0; a < m_ranks[l]; ++a) {
          const double* s = slice(l, a, i[l], j[l]);
          for (int b = 0; b < m_ranks[l + 1]; ++b) next[b] += left[a] * s[b];
        }
        left.swap(next);
      }
      right.assign(1, 1.0);  // G_{k+1} … G_{d−1}: r_k × 1, built from the right
      for (int l = d - 1; l > k; --l) {
        next.assign(m_ranks[l], 0.0);
        for (int a = 0; a < m_ranks[l]; ++a) {
          const double* s = slice(l, a, i[l], j[l]);
          for (int b = 0; b < m_ranks[l + 1]; ++b) next[a] += s[b] * right[b];
        }
        right.swap(next);
      }
      for (int a = 0; a < r0; ++a)
        for (int b = 0; b < r1; ++b) {
          const std::uint64_t off =
              ((static_cast<std::uint64_t>(a) * m_out[k] + i[k]) * static_cast<std::uint64_t>(m_in[k]) + j[k]) * r1 + b;
          g[off] += w * left[a] * right[b];
        }
    }
  }
  return g;
}

}  // namespace ftsim::kernels

#include "sim/workload/TtShape.h"

#include <algorithm>

namespace ftsim::tt {

std::uint64_t TtMatrix::rows() const {
  std::uint64_t m = 1;
  for (int v : outModes) m *= static_cast<std::uint64_t>(v);
  return m;
}

std::uint64_t TtMatrix::cols() const {
  std::uint64_t n = 1;
  for (int v : inModes) n *= static_cast<std::uint64_t>(v);
  return n;
}

std::uint64_t TtMatrix::coreElements(int k) const {
  return static_cast<std::uint64_t>(ranks[k]) * outModes[k] * inModes[k] * ranks[k + 1];
}

std::uint64_t TtMatrix::paramCount() const {
  std::uint64_t p = 0;
  for (int k = 0; k < cores(); ++k) p += coreElements(k);
  return p;
}

int TtMatrix::maxRank() const { return ranks.empty() ? 1 : *std::max_element(ranks.begin(), ranks.end()); }

TtMatrix TtMatrix::withMaxRank(int maxRank) const {
  TtMatrix t = *this;
  for (int& r : t.ranks) r = std::min(r, maxRank);
  return t;
}

namespace {
std::string list(const std::vector<int>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}
}  // namespace

std::string TtMatrix::describe() const {
  return list(inModes) + "->" + list(outModes) + " ranks " + list(ranks);
}

TtMatrix TtMatrix::dense(std::uint64_t rows, std::uint64_t cols) {
  TtMatrix t;
  t.outModes = {static_cast<int>(rows)};
  t.inModes = {static_cast<int>(cols)};
  t.ranks = {1, 1};
  return t;
}

}  // namespace ftsim::tt

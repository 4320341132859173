#include "models/ddr/AddressMapping.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace ftsim::models {

namespace {

bool isPowerOfTwo(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

int log2Exact(std::uint64_t v) {
  int n = 0;
  while ((1ULL << n) < v) ++n;
  return n;
}

struct Token {
  std::string name;
  int width = -1;  ///< -1: the rest of the field
};

}  // namespace

AddressMapping AddressMapping::parse(const std::string& order, const Ddr4Config& d, std::string& error) {
  AddressMapping m;
  error.clear();
  const char* names[kFields] = {"rank", "bankgroup", "bank", "row", "column"};
  const std::uint64_t counts[kFields] = {static_cast<std::uint64_t>(d.ranks), static_cast<std::uint64_t>(d.bankGroups),
                                         static_cast<std::uint64_t>(d.banksPerGroup), d.rows, d.columns};
  int widths[kFields];
  for (int f = 0; f < kFields; ++f) {
    if (!isPowerOfTwo(counts[f])) {
      error = std::string("needs a power-of-two number of ") + names[f] + "s (the device has " +
              std::to_string(counts[f]) + ")";
      return m;
    }
    widths[f] = log2Exact(counts[f]);
  }
  const int burstColumnBits = log2Exact(static_cast<std::uint64_t>(d.burstLength));
  if (widths[kColumn] < burstColumnBits) {
    error = "the device has fewer columns than one burst";
    return m;
  }
  widths[kColumn] -= burstColumnBits;
  m.m_burstColumnBits = burstColumnBits;
  m.m_burstShift = log2Exact(d.burstBytes());

  std::vector<Token> tokens;
  std::stringstream ss(order);
  std::string item;
  while (std::getline(ss, item, ':')) {
    Token t;
    const auto lb = item.find('[');
    if (lb != std::string::npos) {
      const auto rb = item.find(']', lb);
      const std::string w = rb == std::string::npos ? "" : item.substr(lb + 1, rb - lb - 1);
      if (rb != item.size() - 1 || w.empty() || w.find_first_not_of("0123456789") != std::string::npos) {
        error = "'" + item + "': a width is written name[bits], e.g. column[3]";
        return m;
      }
      t.width = w.size() > 2 ? 99 : std::stoi(w);
      t.name = item.substr(0, lb);
    } else {
      t.name = item;
    }
    if (t.name == "bg") t.name = "bankgroup";
    tokens.push_back(t);
  }
  if (tokens.empty() || order.empty()) {
    error = "must list the fields row, bank, bankgroup, column (and rank), most significant first";
    return m;
  }
  std::vector<int> fieldOf(tokens.size());
  bool seen[kFields] = {false, false, false, false, false};
  bool unsized[kFields] = {false, false, false, false, false};
  int sized[kFields] = {0, 0, 0, 0, 0};
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    int f = -1;
    for (int k = 0; k < kFields; ++k)
      if (tokens[i].name == names[k]) f = k;
    if (f < 0) {
      error = "unknown field '" + tokens[i].name + "' (fields: row, rank, bank, bankgroup, column)";
      return m;
    }
    fieldOf[i] = f;
    if (tokens[i].width < 0) {
      if (unsized[f]) {
        error = std::string("field '") + names[f] + "' appears twice without a width; give all but one part a width";
        return m;
      }
      unsized[f] = true;
    } else {
      sized[f] += tokens[i].width;
    }
    seen[f] = true;
  }
  for (int f = 0; f < kFields; ++f) {
    if (!seen[f]) {
      if (f == kRank) continue;
      error = std::string("field '") + names[f] + "' is missing";
      return m;
    }
    if (sized[f] > widths[f] || (!unsized[f] && sized[f] != widths[f])) {
      error = std::string("the parts of '") + names[f] + "' give " + std::to_string(sized[f]) + " bits; the device needs " +
              std::to_string(widths[f]);
      return m;
    }
  }
  // Resolve widths, then walk from the least significant token up.
  std::vector<int> w(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i)
    w[i] = tokens[i].width >= 0 ? tokens[i].width : widths[fieldOf[i]] - sized[fieldOf[i]];
  int src = 0;
  int dst[kFields] = {0, 0, 0, 0, 0};
  for (std::size_t k = tokens.size(); k-- > 0;) {
    const int f = fieldOf[k];
    if (w[k] > 0) {
      Part p;
      p.field = f;
      p.srcBit = src;
      p.dstBit = dst[f];
      p.mask = (1ULL << w[k]) - 1;
      m.m_parts.push_back(p);
    }
    src += w[k];
    dst[f] += w[k];
  }
  if (!seen[kRank] && widths[kRank] > 0) {
    Part p;
    p.field = kRank;
    p.srcBit = src;
    p.mask = (1ULL << widths[kRank]) - 1;
    m.m_parts.push_back(p);
  }
  int pieces[kFields] = {0, 0, 0, 0, 0};
  for (const Part& p : m.m_parts) {
    ++pieces[p.field];
    m.m_shift[p.field] = p.srcBit;
    m.m_mask[p.field] = p.mask;
  }
  m.m_contiguous = true;
  for (int f = 0; f < kFields; ++f) m.m_contiguous = m.m_contiguous && pieces[f] <= 1;
  if (m.m_contiguous && (m.m_mask[kGroup] == 0 || m.m_shift[kGroup] == 0)) {
    int low = 64;
    for (const int f : {kRank, kBank, kRow})
      if (m.m_mask[f] != 0) low = std::min(low, m.m_shift[f]);
    m.m_rotationBits = low < 64 ? low : 0;
  }
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i) m.m_text += ':';
    m.m_text += names[fieldOf[i]];
    m.m_text += "[" + std::to_string(w[i]) + "]";
  }
  return m;
}

}  // namespace ftsim::models

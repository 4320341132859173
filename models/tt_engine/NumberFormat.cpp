#include "models/tt_engine/NumberFormat.h"

#include <cctype>
#include <cstdlib>

namespace ftsim::kernels {

const char* toString(Rounding r) { return r == Rounding::Stochastic ? "stochastic" : "nearest_even"; }

std::string NumberFormat::name() const {
  switch (kind) {
    case FormatKind::Fp32: return "fp32";
    case FormatKind::Fixed: return "fixed<" + std::to_string(bits) + "," + std::to_string(fracBits) + ">";
    case FormatKind::Bfp: return "bfp<" + std::to_string(bits) + "," + std::to_string(blockSize) + ">";
  }
  return "?";
}

double NumberFormat::bitsPerElement() const {
  if (kind == FormatKind::Bfp) return bits + static_cast<double>(exponentBits) / blockSize;
  return bits;
}

std::uint64_t NumberFormat::bytesFor(std::uint64_t elements) const {
  std::uint64_t bitsTotal = elements * static_cast<std::uint64_t>(bits);
  if (kind == FormatKind::Bfp)
    bitsTotal += (elements + static_cast<std::uint64_t>(blockSize) - 1) / static_cast<std::uint64_t>(blockSize) *
                 static_cast<std::uint64_t>(exponentBits);
  return (bitsTotal + 7) / 8;
}

namespace {

// "<a,b>" after a prefix: two integers.
bool parsePair(const std::string& s, std::size_t pos, int& a, int& b) {
  if (pos >= s.size() || s[pos] != '<' || s.back() != '>') return false;
  const std::string inner = s.substr(pos + 1, s.size() - pos - 2);
  const std::size_t comma = inner.find(',');
  if (comma == std::string::npos) return false;
  auto toInt = [](std::string t, int& out) {
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.erase(t.begin());
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    if (t.empty() || t.size() > 6) return false;
    for (char c : t)
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = std::atoi(t.c_str());
    return true;
  };
  return toInt(inner.substr(0, comma), a) && toInt(inner.substr(comma + 1), b);
}

}  // namespace

std::optional<NumberFormat> parseFormat(const std::string& text, std::string& why) {
  if (text == "fp32") return NumberFormat::fp32();
  int a = 0, b = 0;
  if (text.rfind("fixed", 0) == 0) {
    if (!parsePair(text, 5, a, b)) {
      why = "write fixed<W,F>, e.g. fixed<8,6>";
      return std::nullopt;
    }
    if (a < 2 || a > 16) {
      why = "fixed<W,F> needs 2 <= W <= 16";
      return std::nullopt;
    }
    if (b >= a) {
      why = "fixed<W,F> needs 0 <= F < W (one bit is the sign)";
      return std::nullopt;
    }
    return NumberFormat::fixed(a, b);
  }
  if (text.rfind("bfp", 0) == 0) {
    if (!parsePair(text, 3, a, b)) {
      why = "write bfp<W,B> (W-bit mantissas, B elements per shared exponent), e.g. bfp<8,16>";
      return std::nullopt;
    }
    if (a < 2 || a > 16) {
      why = "bfp<W,B> needs 2 <= W <= 16";
      return std::nullopt;
    }
    if (b < 1 || b > 4096) {
      why = "bfp<W,B> needs 1 <= B <= 4096";
      return std::nullopt;
    }
    return NumberFormat::bfp(a, b);
  }
  why = "must be fp32, fixed<W,F> or bfp<W,B>";
  return std::nullopt;
}

}  // namespace ftsim::kernels

#pragma once
// Strong types for cycles and clocks. Times are integer picoseconds (the
// simulation's resolution); a clock whose period is not a whole number of
// picoseconds places edge k at ceil(k * 1e12 / f) ps, so edges never drift.

#include <cstdint>
#include <numeric>
#include <limits>
#include <ostream>

namespace ftsim {

/// A count of cycles of one clock domain. Arithmetic stays within Cycles;
/// converting to time needs the Clock of the domain.
class Cycles {
 public:
  constexpr Cycles() = default;
  constexpr explicit Cycles(std::uint64_t v) : m_v(v) {}
  constexpr std::uint64_t value() const { return m_v; }

  constexpr Cycles& operator+=(Cycles o) { m_v += o.m_v; return *this; }
  constexpr Cycles& operator-=(Cycles o) { m_v -= o.m_v; return *this; }
  friend constexpr Cycles operator+(Cycles a, Cycles b) { return Cycles(a.m_v + b.m_v); }
  friend constexpr Cycles operator-(Cycles a, Cycles b) { return Cycles(a.m_v - b.m_v); }
  friend constexpr Cycles operator*(Cycles a, std::uint64_t k) { return Cycles(a.m_v * k); }
  friend constexpr Cycles operator*(std::uint64_t k, Cycles a) { return Cycles(a.m_v * k); }
  friend constexpr bool operator==(Cycles a, Cycles b) { return a.m_v == b.m_v; }
  friend constexpr bool operator!=(Cycles a, Cycles b) { return a.m_v != b.m_v; }
  friend constexpr bool operator<(Cycles a, Cycles b) { return a.m_v < b.m_v; }
  friend constexpr bool operator<=(Cycles a, Cycles b) { return a.m_v <= b.m_v; }
  friend constexpr bool operator>(Cycles a, Cycles b) { return a.m_v > b.m_v; }
  friend constexpr bool operator>=(Cycles a, Cycles b) { return a.m_v >= b.m_v; }
  friend std::ostream& operator<<(std::ostream& os, Cycles c) { return os << c.m_v << " cycles"; }

 private:
  std::uint64_t m_v = 0;
};

constexpr Cycles max(Cycles a, Cycles b) { return a < b ? b : a; }

constexpr std::uint64_t ceilDiv(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

using Picoseconds = std::uint64_t;
constexpr Picoseconds kPsPerSecond = 1000000000000ULL;

/// A clock domain given by its frequency in hertz.
class Clock {
 public:
  constexpr Clock() = default;
  constexpr explicit Clock(std::uint64_t freqHz)
      : m_freqHz(freqHz),
        m_psNum(kPsPerSecond / std::gcd(kPsPerSecond, freqHz)),
        m_psDen(freqHz / std::gcd(kPsPerSecond, freqHz)),
        m_narrow(m_psDen == 0 || m_psNum <= UINT64_MAX / m_psDen) {}
  static constexpr Clock fromMhz(double mhz) {
    return Clock(static_cast<std::uint64_t>(mhz * 1e6 + 0.5));
  }

  constexpr std::uint64_t freqHz() const { return m_freqHz; }
  constexpr double freqMhz() const { return static_cast<double>(m_freqHz) / 1e6; }

  /// Time of rising edge k, in ps: ceil(k * 1e12 / f).
  /// With 1e12 / f reduced to num / den, k = a * den + b gives
  /// k * num / den = a * num + b * num / den, exact in 64 bits when
  /// num * den fits (every clock of a real design); else 128-bit.
  Picoseconds edgePs(Cycles k) const {
    if (m_narrow) {
      if (m_psDen == 1) return k.value() * m_psNum;  // a whole number of ps a cycle
      const std::uint64_t a = k.value() / m_psDen, b = k.value() % m_psDen;
      return a * m_psNum + (b * m_psNum + m_psDen - 1) / m_psDen;
    }
    const unsigned __int128 num = static_cast<unsigned __int128>(k.value()) * kPsPerSecond;
    return static_cast<Picoseconds>((num + m_freqHz - 1) / m_freqHz);
  }
  /// Index of the first edge at or after time t (ps).
  Cycles edgeAtOrAfter(Picoseconds t) const {
    if (t == 0) return Cycles(0);
    if (m_narrow) {
      if (m_psDen == 1) return Cycles((t - 1) / m_psNum + 1);
      const std::uint64_t a = (t - 1) / m_psNum, b = (t - 1) % m_psNum;
      return Cycles(a * m_psDen + b * m_psDen / m_psNum + 1);
    }
    const unsigned __int128 num = static_cast<unsigned __int128>(t - 1) * m_freqHz;
    return Cycles(static_cast<std::uint64_t>(num / kPsPerSecond) + 1);
  }
  /// Seconds spanned by n cycles.
  double seconds(Cycles n) const { return static_cast<double>(n.value()) / static_cast<double>(m_freqHz); }
  /// Cycles needed to cover a duration given in ns (rounded up, as a timing
  /// constraint must be met, never undercut).
  Cycles cyclesForNs(double ns) const {
    const double c = ns * 1e-9 * static_cast<double>(m_freqHz);
    const auto whole = static_cast<std::uint64_t>(c);
    // Tolerate the rounding of decimal ns values and clock frequencies (a
    // thousandth of a cycle); 13.75 ns at 1200 MHz = 16.5 still rounds up.
    return Cycles(c - static_cast<double>(whole) > 1e-3 ? whole + 1 : whole);
  }

 private:
  std::uint64_t m_freqHz = 1;
  std::uint64_t m_psNum = kPsPerSecond, m_psDen = 1;  ///< 1e12 / f in lowest terms
  bool m_narrow = true;                                ///< m_psNum * m_psDen fits in 64 bits
};

}  // namespace ftsim

#pragma once
// Conversions between a clock domain's cycles and SystemC time, at module
// boundaries only. Time resolution is 1 ps; edges of clocks whose period is
// not a whole number of ps follow Clock::edgePs, so they never drift.

#include <systemc>

#include "sim/core/Units.h"

namespace ftsim::models {

inline sc_core::sc_time psTime(Picoseconds ps) { return sc_core::sc_time::from_value(ps); }
inline Picoseconds nowPs() { return sc_core::sc_time_stamp().value(); }

/// The current cycle of `clk` (the first edge at or after now).
inline Cycles nowCycle(const Clock& clk) { return clk.edgeAtOrAfter(nowPs()); }

/// Time from now until `n` cycles after the current edge of `clk`.
inline sc_core::sc_time cyclesFromNow(const Clock& clk, Cycles n) {
  const Cycles start = nowCycle(clk);
  return psTime(clk.edgePs(start + n) - nowPs());
}

/// Counts completions of the units a controller started and fires when the
/// last one is in.
class Join {
 public:
  void expect(int n) { m_pending = n; }
  void arrive() {
    if (--m_pending == 0) m_done.notify();
  }
  const sc_core::sc_event& done() const { return m_done; }
  /// Arrivals still awaited (0 when every started unit has reported back).
  int pending() const { return m_pending; }

 private:
  int m_pending = 0;
  sc_core::sc_event m_done;
};

}  // namespace ftsim::models

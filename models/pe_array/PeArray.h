#pragma once
// The Tm×Tn MAC array as a SystemC module: it runs one step at a time and
// waits the step's occupancy in one wait (PeArrayTiming gives it), so
// it never wakes on an idle or a steady-state cycle. It also runs the vector
// passes and stands for the host while the loss is computed there.

#include <systemc>

#include "models/common/SimTime.h"
#include "models/pe_array/PeArrayTiming.h"
#include "sim/schedule/Program.h"

namespace ftsim::models {

class PeArray : public sc_core::sc_module {
 public:
  PeArray(sc_core::sc_module_name name, const PeArrayConfig& cfg, int vectorPipelineCycles, const Clock& clock,
          Join& join);

  void start(const schedule::Step& step);
  const PeArrayTiming& timing() const { return m_timing; }
  /// Cycle at which the results of the last step started are all written.
  Cycles resultsReadyCycle() const { return m_resultsReady; }
  std::uint64_t busyCycles() const { return m_busyCycles; }
  std::uint64_t macs() const { return m_macs; }

 private:
  void run();

  PeArrayTiming m_timing;
  Clock m_clock;
  Join& m_join;
  const schedule::Step* m_step = nullptr;
  sc_core::sc_event m_startEv;
  Cycles m_resultsReady;
  std::uint64_t m_busyCycles = 0;
  std::uint64_t m_macs = 0;
};

}  // namespace ftsim::models

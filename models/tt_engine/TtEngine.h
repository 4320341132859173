#pragma once
// The TT engine as a SystemC module: the PE array, the vector unit and the
// rounding unit behind one controller port. It runs one operation of the
// program at a time and waits the operation's cycles (TtEngineTiming) in a
// single wait, so it never wakes on an idle or a steady-state cycle; in
// functional mode it then computes the operation's values (TtDatapath).

#include <systemc>

#include "models/common/SimTime.h"
#include "models/tt_engine/TtDatapath.h"
#include "models/tt_engine/TtEngineTiming.h"
#include "sim/tt/TtProgram.h"

namespace ftsim::models {

class TtEngine : public sc_core::sc_module {
 public:
  TtEngine(sc_core::sc_module_name name, const TtEngineConfig& cfg, const tt::TtProgram& program,
           TtDatapath* datapath, Join& join);

  /// Cycles of a compute operation (contraction, vector pass, update).
  Cycles opCycles(const tt::ProgOp& op) const;
  void start(std::size_t opIndex);

  const TtEngineTiming& timing() const { return m_timing; }
  std::uint64_t peBusyCycles() const { return m_peBusy; }
  std::uint64_t vectorBusyCycles() const { return m_vectorBusy; }
  std::uint64_t macs() const { return m_macs; }

 private:
  void run();

  TtEngineTiming m_timing;
  TtEngineConfig m_cfg;
  const tt::TtProgram& m_program;
  TtDatapath* m_datapath;
  Join& m_join;
  std::size_t m_op = 0;
  bool m_busy = false;
  sc_core::sc_event m_startEv;
  std::uint64_t m_peBusy = 0, m_vectorBusy = 0, m_macs = 0;
};

}  // namespace ftsim::models

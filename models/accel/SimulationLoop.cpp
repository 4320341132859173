#include "models/accel/SimulationLoop.h"

#include <systemc>

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>

#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"

namespace ftsim::models {

namespace {

// A slice of simulated time between two checks of the interrupt flag. The
// slowest runs simulate about 1 us per wall millisecond (functional mode),
// so a signal is served within about 50 ms of wall time; the fastest
// designs pay one sc_start call per slice, which is noise.
// (An sc_time is made only after sc_main has set the time resolution.)
sc_core::sc_time interruptCheckSlice() { return sc_core::sc_time(50, sc_core::SC_US); }

/// The exception that left a SystemC process, with where and when.
struct ProcessFailure {
  std::exception_ptr error;
  std::string process;
  std::string time;
};
ProcessFailure g_processFailure;

// SystemC calls its report handler from inside the catch block in which it
// caught the process's exception, so std::current_exception() is that
// exception, with its type.
void captureHandler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
  if (std::strcmp(rep.get_msg_type(), sc_core::SC_ID_SIMULATION_UNCAUGHT_EXCEPTION_) == 0 && !g_processFailure.error) {
    g_processFailure.error = std::current_exception();
    const char* proc = rep.get_process_name();
    g_processFailure.process = proc && *proc ? proc : "(no process)";
    g_processFailure.time = rep.get_time().to_string();
  }
  sc_core::sc_report_handler::default_handler(rep, actions);
}

class ScopedHandler {
 public:
  ScopedHandler() : m_previous(sc_core::sc_report_handler::set_handler(captureHandler)) {}
  ~ScopedHandler() { sc_core::sc_report_handler::set_handler(m_previous); }

 private:
  sc_core::sc_report_handler_proc m_previous;
};

[[noreturn]] void rethrowFailure() {
  const ProcessFailure f = g_processFailure;
  g_processFailure = ProcessFailure{};
  try {
    std::rethrow_exception(f.error);
  } catch (const UserError&) {
    throw;
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    throw InternalError(std::string(e.what()) + " (in SystemC process " + f.process + " at " + f.time +
                        " of simulated time)");
  }
}

}  // namespace

void runToEnd() {
  throwIfInterrupted();
  const ScopedHandler handler;
  const sc_core::sc_time slice = interruptCheckSlice();
  try {
    sc_core::sc_start(slice, sc_core::SC_EXIT_ON_STARVATION);
    testPausePoint("simulate");
    while (sc_core::sc_pending_activity()) {
      throwIfInterrupted();
      // A slice that reaches no event does nothing (SystemC warns W571) and
      // would loop: the next slice reaches at least the next event.
      sc_core::sc_start(std::max(slice, sc_core::sc_time_to_pending_activity()), sc_core::SC_EXIT_ON_STARVATION);
    }
  } catch (const sc_core::sc_report&) {
    if (g_processFailure.error) rethrowFailure();
    throw;
  }
  throwIfInterrupted();
}

}  // namespace ftsim::models

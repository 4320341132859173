#include "models/accel/SimulationLoop.h"

// sc_spawn (unwindProcesses spawns the method that kills the others).
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <systemc>

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

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

/// Every process of the design: the modules' static ones and the dynamic
/// ones, which hang below the process that spawned them (or at the top).
void collectProcesses(const std::vector<sc_core::sc_object*>& objects, std::vector<sc_core::sc_process_handle>& out) {
  for (sc_core::sc_object* o : objects) {
    const sc_core::sc_process_handle h(o);
    if (h.valid()) out.push_back(h);
    collectProcesses(o->get_child_objects(), out);
  }
}

bool hasStack(const sc_core::sc_process_handle& h) {
  return h.proc_kind() == sc_core::SC_THREAD_PROC_ || h.proc_kind() == sc_core::SC_CTHREAD_PROC_;
}

}  // namespace

void unwindProcesses() {
  // Before the first sc_start no process has run: no stack holds anything,
  // and SystemC refuses kill() during elaboration.
  if (sc_core::sc_get_status() != sc_core::SC_PAUSED) return;
  std::vector<sc_core::sc_process_handle> procs;
  collectProcesses(sc_core::sc_get_top_level_objects(), procs);
  procs.erase(std::remove_if(procs.begin(), procs.end(), [](const auto& h) { return h.terminated(); }), procs.end());
  if (procs.empty()) return;
  // kill() must come from a process: from sc_main, SystemC 2.3 switches to
  // the thread with no method to return to. A method spawned for it runs
  // alone in one delta cycle (a slice returns with nothing runnable), kills
  // the threads first -- each unwinds on its own stack before kill() returns
  // -- then the methods, so no method runs on what an unwound stack held.
  sc_core::sc_spawn_options opts;
  opts.spawn_method();
  sc_core::sc_spawn(
      [&procs] {
        for (const bool threads : {true, false})
          for (auto& h : procs)
            if (hasStack(h) == threads && !h.terminated()) h.kill();
      },
      sc_core::sc_gen_unique_name("ftsim_unwind"), &opts);
  const ScopedHandler handler;
  try {
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  } catch (const sc_core::sc_report&) {
    if (g_processFailure.error) rethrowFailure();
    throw;
  }
  for (const auto& h : procs)
    FTSIM_ASSERT(h.terminated(), std::string("SystemC process ") + h.name() + " still runs after its kill");
}

void runToEnd() {
  throwIfInterrupted();
  const ScopedHandler handler;
  const sc_core::sc_time slice = interruptCheckSlice();
  try {
    sc_core::sc_start(slice, sc_core::SC_EXIT_ON_STARVATION);
    testPausePoint("simulate");
    while (sc_core::sc_pending_activity()) {
      if (interruptSignal()) break;
      // A slice that reaches no event does nothing (SystemC warns W571) and
      // would loop: the next slice reaches at least the next event.
      sc_core::sc_start(std::max(slice, sc_core::sc_time_to_pending_activity()), sc_core::SC_EXIT_ON_STARVATION);
    }
  } catch (const sc_core::sc_report&) {
    if (g_processFailure.error) rethrowFailure();
    throw;
  }
  // Interrupted or at its end, the threads still waiting unwind before the
  // caller destroys the modules their stacks point into.
  unwindProcesses();
  throwIfInterrupted();
}

}  // namespace ftsim::models

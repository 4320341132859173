#pragma once
// The one place a top runs the SystemC kernel: sc_start in slices of
// simulated time until no event is pending, so that SIGINT and SIGTERM
// (sim/core/Interrupt.h) stop the run within one slice, and so that an
// exception thrown inside a SystemC process keeps its kind: a UserError
// comes out as itself (exit 2), anything else as an InternalError naming the
// process and the simulated time (exit 1), where SystemC alone would turn
// both into its "(E549) uncaught exception" report.
//
// A run that stops -- interrupted, or at its end with threads still waiting
// for events that will not come -- first kills every SystemC process
// (IEEE 1666-2011 5.6.6.3): sc_unwind_exception unwinds each thread's stack,
// so the objects on it are destroyed before the caller destroys the modules,
// and nothing stays owned by a suspended coroutine (LeakSanitizer would
// report it). Thread code that catches (...) must rethrow it
// (sc_core::sc_is_unwinding() tells); SystemC stops the program with its
// fatal error F539 when a thread swallows it. After a process's error the
// kernel refuses to run again (E548), so the other threads stay suspended;
// the program ends with that error.

namespace ftsim::models {

/// Elaborate (on the first call) and simulate until nothing is pending,
/// then unwind every process still alive. Throws Interrupted between slices
/// after a signal (the processes unwound first), and the error of a process
/// that threw (see above).
void runToEnd();

/// Kill every SystemC process that has not terminated, threads (unwinding
/// their stacks) before methods, in one delta cycle of simulated time zero.
/// Does nothing before the simulation started.
void unwindProcesses();

}  // namespace ftsim::models

#pragma once
// The one place a top runs the SystemC kernel: sc_start in slices of
// simulated time until no event is pending, so that SIGINT and SIGTERM
// (sim/core/Interrupt.h) stop the run within one slice, and so that an
// exception thrown inside a SystemC process keeps its kind: a UserError
// comes out as itself (exit 2), anything else as an InternalError naming the
// process and the simulated time (exit 1), where SystemC alone would turn
// both into its "(E549) uncaught exception" report.

namespace ftsim::models {

/// Elaborate (on the first call) and simulate until nothing is pending.
/// Throws Interrupted between slices after a signal, and the error of a
/// process that threw (see above).
void runToEnd();

}  // namespace ftsim::models

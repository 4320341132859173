#pragma once
// SIGINT and SIGTERM stop a run at its next safe point instead of killing it:
// the handler only records the signal (async-signal-safe); the simulation
// loop and the commands check it and throw Interrupted, which unwinds
// through the destructors that remove temporary files. A second signal
// kills the process at once.

#include <string>

#include "sim/core/Error.h"

namespace ftsim {

/// A run stopped by a signal; `signal()` is its number (SIGINT, SIGTERM).
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int sig);
  int signal() const { return m_signal; }
  /// "SIGINT" or "SIGTERM".
  std::string signalName() const;
  /// The exit status of an interrupted program: 128 + the signal's number.
  int exitCode() const { return 128 + m_signal; }

 private:
  int m_signal;
};

/// Install the handlers of SIGINT and SIGTERM (idempotent).
void installInterruptHandlers();
/// The signal received since the handlers were installed, or 0.
int interruptSignal();
/// Throw Interrupted if a signal was received.
void throwIfInterrupted();

/// Test hook: when the environment variable FTSIM_TEST_PAUSE_AT (a comma-
/// separated list) names `point`, print "ftsim: paused at <point>" on stderr
/// and wait (at most 30 s) for a signal not received before, so a test can
/// interrupt the program at a known moment.
void testPausePoint(const char* point);

}  // namespace ftsim

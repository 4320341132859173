#include "sim/core/Interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace ftsim {

namespace {

volatile sig_atomic_t g_signal = 0;
volatile sig_atomic_t g_signalCount = 0;

extern "C" void onInterrupt(int sig) {
  if (g_signal != 0) {
    // The second signal: the default action (termination) right away.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
    return;
  }
  g_signal = sig;
  g_signalCount = 1;
}

}  // namespace

Interrupted::Interrupted(int sig) : std::runtime_error("interrupted by signal " + std::to_string(sig)), m_signal(sig) {}

std::string Interrupted::signalName() const {
  if (m_signal == SIGINT) return "SIGINT";
  if (m_signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(m_signal);
}

void installInterruptHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = onInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // file writes and reads go on; the flag is checked at the safe points
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

int interruptSignal() { return g_signal; }

void throwIfInterrupted() {
  if (const int sig = g_signal) throw Interrupted(sig);
}

void testPausePoint(const char* point) {
  const char* at = std::getenv("FTSIM_TEST_PAUSE_AT");
  if (!at) return;
  const std::string list = std::string(",") + at + ",";
  if (list.find(std::string(",") + point + ",") == std::string::npos) return;
  // Wait for a signal not yet seen when the line is printed (after the
  // first one, the second kills).
  const sig_atomic_t seen = g_signalCount;
  std::fprintf(stderr, "ftsim: paused at %s\n", point);
  std::fflush(stderr);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (g_signalCount == seen && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace ftsim

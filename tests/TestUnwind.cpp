// A run that stops unwinds its SystemC threads (models/accel/SimulationLoop.h):
// the objects on each thread's stack are destroyed -- and the heap memory only
// they own is freed, which LeakSanitizer checks in the sanitizer build -- when
// SIGINT interrupts the run between two slices, and when the run ends with
// threads still waiting for an event nobody will notify. Static threads, a
// thread spawned by another and the methods all stop; a thread that swallows
// the unwinding stops the program (SystemC's fatal error F539).

#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <gtest/gtest.h>

#include <signal.h>

#include <systemc>

#include <iostream>
#include <string>
#include <vector>

#include "models/accel/SimulationLoop.h"
#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"

namespace {

using sc_core::SC_MS;
using sc_core::SC_NS;
using sc_core::SC_US;

/// What the processes of one run did.
struct Seen {
  bool workerStackGone = false;
  bool waiterStackGone = false;
  bool spawnedStackGone = false;
  bool workerWentOn = false;
  int workerSteps = 0;
  int methodRuns = 0;
};
Seen g_seen;

/// On a thread's stack: destroyed only if the stack unwinds.
struct StackObject {
  explicit StackObject(bool& gone) : gone(gone) {}
  ~StackObject() { gone = true; }
  bool& gone;
  std::vector<int> heap = std::vector<int>(1000, 7);  // owned by nothing but this stack
};

struct Top : sc_core::sc_module {
  SC_HAS_PROCESS(Top);
  Top(const sc_core::sc_module_name& n, bool interrupt) : sc_core::sc_module(n), m_interrupt(interrupt) {
    SC_THREAD(worker);
    SC_THREAD(waiter);
    SC_METHOD(tick);
    sensitive << m_tick;
    dont_initialize();
  }
  void worker() {
    StackObject held(g_seen.workerStackGone);
    sc_core::sc_spawn(
        [this] {
          StackObject spawned(g_seen.spawnedStackGone);
          sc_core::wait(m_never);
        },
        "spawned");
    sc_core::wait(1, SC_US);
    if (m_interrupt) ::raise(SIGINT);
    m_tick.notify(1, SC_MS);
    for (int i = 0; i < 100; ++i) {  // to 1001 us: an interrupted run never gets to the end
      sc_core::wait(10, SC_US);
      ++g_seen.workerSteps;
    }
    g_seen.workerWentOn = true;
    sc_core::wait(m_never);
  }
  void waiter() {
    StackObject held(g_seen.waiterStackGone);
    sc_core::wait(m_never);
  }
  void tick() { ++g_seen.methodRuns; }

  bool m_interrupt;
  sc_core::sc_event m_never;
  sc_core::sc_event m_tick;
};

/// Every process below `o`, by name, with whether it has terminated.
void aliveProcesses(const std::vector<sc_core::sc_object*>& objects, std::vector<std::string>& alive) {
  for (sc_core::sc_object* o : objects) {
    const sc_core::sc_process_handle h(o);
    if (h.valid() && !h.terminated()) alive.push_back(o->name());
    aliveProcesses(o->get_child_objects(), alive);
  }
}

TEST(Unwind, AnInterruptedRunDestroysEveryThreadsStackObjects) {
  ftsim::installInterruptHandlers();
  Top top("top", true);
  try {
    ftsim::models::runToEnd();
    FAIL() << "not interrupted";
  } catch (const ftsim::Interrupted& e) {
    EXPECT_EQ(e.signal(), SIGINT);
  }
  // SIGINT at 1 us, inside the first slice [0, 50 us], which runs to its
  // end: the worker's steps at 11, 21, 31 and 41 us, the last event of the
  // slice (SC_EXIT_ON_STARVATION leaves the time there). The check before
  // the second slice stops the run.
  EXPECT_EQ(sc_core::sc_time_stamp(), sc_core::sc_time(41, SC_US));
  EXPECT_EQ(g_seen.workerSteps, 4);
  EXPECT_TRUE(g_seen.workerStackGone);
  EXPECT_TRUE(g_seen.waiterStackGone);
  EXPECT_TRUE(g_seen.spawnedStackGone) << "a thread spawned by a thread (a child of a process) was not unwound";
  EXPECT_FALSE(g_seen.workerWentOn);
  EXPECT_EQ(g_seen.methodRuns, 0);
  // worker, waiter, tick and top.worker.spawned are gone; the method that
  // killed them is the one left (it ran once and has no sensitivity).
  std::vector<std::string> alive;
  aliveProcesses(sc_core::sc_get_top_level_objects(), alive);
  ASSERT_EQ(alive.size(), 1u);
  EXPECT_EQ(alive[0].rfind("ftsim_unwind", 0), 0u) << alive[0];
}

TEST(Unwind, ARunThatEndsWithThreadsWaitingDestroysTheirStackObjects) {
  ftsim::installInterruptHandlers();
  Top top("top", false);
  ftsim::models::runToEnd();
  // The last event: the worker's 100th step of 10 us from 1 us (and the
  // tick, 1 ms after 1 us), then only waits on an event nobody notifies.
  EXPECT_EQ(sc_core::sc_time_stamp(), sc_core::sc_time(1001, SC_US));
  EXPECT_EQ(g_seen.workerSteps, 100);
  EXPECT_TRUE(g_seen.workerWentOn);
  EXPECT_EQ(g_seen.methodRuns, 1);
  EXPECT_TRUE(g_seen.workerStackGone);
  EXPECT_TRUE(g_seen.waiterStackGone);
  EXPECT_TRUE(g_seen.spawnedStackGone);
}

/// A thread whose catch (...) does not rethrow sc_unwind_exception.
struct Swallower : sc_core::sc_module {
  SC_HAS_PROCESS(Swallower);
  explicit Swallower(const sc_core::sc_module_name& n) : sc_core::sc_module(n) { SC_THREAD(run); }
  void run() {
    try {
      sc_core::wait(m_never);
    } catch (...) {
      // Wrong: the kill is ignored and the thread goes on.
    }
    for (;;) sc_core::wait(1, SC_NS);
  }
  sc_core::sc_event m_never;
};

TEST(Unwind, AThreadThatSwallowsTheUnwindingStopsTheProgram) {
  Swallower s("top");
  sc_core::sc_start(10, SC_NS);
  // SystemC reports on stdout; the death test reads stderr.
  EXPECT_DEATH(
      {
        std::cout.rdbuf(std::cerr.rdbuf());
        ftsim::models::unwindProcesses();
      },
      "sc_unwind_exception not re-thrown during kill/reset: top.run");
}

TEST(Unwind, NothingToUnwindBeforeTheSimulationStarts) {
  Top top("top", false);
  ftsim::models::unwindProcesses();  // elaboration: SystemC refuses kill(); no stack exists yet
  EXPECT_EQ(sc_core::sc_get_status(), sc_core::SC_ELABORATION);
  EXPECT_FALSE(g_seen.workerStackGone);
}

}  // namespace

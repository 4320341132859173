#include "models/common/ScMain.h"

#include <systemc>

#include <cstdlib>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FTSIM_SC_MAIN_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FTSIM_SC_MAIN_ASAN 1
#endif

#ifdef FTSIM_SC_MAIN_ASAN
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace ftsim::models {

namespace {

#ifdef FTSIM_SC_MAIN_ASAN
/// SystemC's coroutines tell ASan of each stack switch, but once the
/// processes have run, ASan can be left holding a coroutine's stack as the
/// main thread's while the thread is back on its own. LeakSanitizer's check
/// at exit then scans that range ("stack pointer not in stack range"),
/// whose pages may since have been unmapped or made guard pages: a SEGV in
/// its tracer and "LeakSanitizer has encountered a fatal error", in about
/// half the runs of a program that ran SystemC processes. No coroutine runs
/// after sc_elab_and_sim has returned, so the thread's own stack is named
/// again (a switch to it that needs no jump).
void nameThreadStackToAsan() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* bottom = nullptr;
  std::size_t size = 0;
  const int rc = pthread_attr_getstack(&attr, &bottom, &size);
  pthread_attr_destroy(&attr);
  if (rc != 0) return;
  __sanitizer_start_switch_fiber(nullptr, bottom, size);
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
}
#endif

}  // namespace

int runSystemC(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  const int status = sc_core::sc_elab_and_sim(argc, argv);
#ifdef FTSIM_SC_MAIN_ASAN
  nameThreadStackToAsan();
#endif
  return status;
}

}  // namespace ftsim::models

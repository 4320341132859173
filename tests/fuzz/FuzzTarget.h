#pragma once
// One entry point per fuzz harness. Built with FTSIM_LIBFUZZER (FTSIM_FUZZ,
// clang) it is libFuzzer's LLVMFuzzerTestOneInput; otherwise the harness
// registers itself by name and FuzzReplay.cpp runs the committed regression
// inputs of tests/fuzz/regressions/<name>/ through it in every build.
//
// A harness returns normally for any input the program answers with a
// UserError (exit code 2 in the programs); anything else that escapes (an
// InternalError, std::bad_alloc, std::out_of_range, ...) or a sanitizer
// report is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

namespace ftsim::fuzz {

using FuzzFn = int (*)(const std::uint8_t* data, std::size_t size);
bool registerTarget(const char* name, FuzzFn fn);

/// A private scratch directory for this process (under /dev/shm when it
/// exists), removed at exit.
const std::string& scratchDir();
/// Write `size` bytes to `path` (replacing it).
void writeFile(const std::string& path, const std::uint8_t* data, std::size_t size);
/// Silence the loggers (a fuzz run would print millions of warnings).
void quietLogs();

}  // namespace ftsim::fuzz

#ifdef FTSIM_LIBFUZZER
#define FTSIM_FUZZ_TARGET(name)                                                             \
  static int ftsimFuzzOne(const std::uint8_t* data, std::size_t size);                      \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {       \
    return ftsimFuzzOne(data, size);                                                        \
  }                                                                                         \
  static int ftsimFuzzOne(const std::uint8_t* data, std::size_t size)
#else
#define FTSIM_FUZZ_TARGET(name)                                                             \
  static int ftsimFuzzOne_##name(const std::uint8_t* data, std::size_t size);               \
  static const bool kFtsimFuzzRegistered_##name =                                           \
      ::ftsim::fuzz::registerTarget(#name, ftsimFuzzOne_##name);                            \
  static int ftsimFuzzOne_##name(const std::uint8_t* data, std::size_t size)
#endif

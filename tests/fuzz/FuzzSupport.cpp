#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/core/Error.h"
#include "sim/core/Log.h"
#include "tests/fuzz/FuzzTarget.h"

namespace ftsim::fuzz {

namespace fs = std::filesystem;

const std::string& scratchDir() {
  static const std::string dir = [] {
    const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    const fs::path d = base / ("ftsim-fuzz-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    static const std::string removeAtExit = d.string();
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(removeAtExit, ec);
    });
    return d.string();
  }();
  return dir;
}

void writeFile(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) throw InternalError(path + ": cannot write the fuzz input");
}

void quietLogs() {
  static const bool done = [] {
    log::setLevel("off");
    return true;
  }();
  (void)done;
}

}  // namespace ftsim::fuzz

#ifdef FTSIM_LIBFUZZER
// libFuzzer supplies main(); libsystemc, which the harnesses that load designs
// link, still needs an sc_main it never calls.
extern "C" int sc_main(int, char**) { return 0; }
#endif

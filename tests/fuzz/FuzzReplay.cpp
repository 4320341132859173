// Replays fuzz inputs without libFuzzer: `ftsim_fuzz_replay <harness> <file|dir>...`
// runs every file through the harness and fails on anything a harness lets
// escape (ctest FuzzRegression.<harness> replays tests/fuzz/regressions/<harness>/).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "tests/fuzz/FuzzTarget.h"

// The fuzz runs fail an input that allocates more than -rss_limit_mb=2048
// in one go (libFuzzer's malloc limit); the replay fails it the same way, so a
// regression of that kind fails here too, with or without the sanitizers.
constexpr std::size_t kMallocLimitBytes = std::size_t{2048} << 20;

void* operator new(std::size_t bytes) {
  if (bytes > kMallocLimitBytes) {
    std::fprintf(stderr, "ftsim_fuzz_replay: one allocation of %zu bytes exceeds the fuzz runs' 2048 MB limit\n",
                 bytes);
    std::abort();
  }
  if (void* p = std::malloc(bytes ? bytes : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace ftsim::fuzz {

static std::map<std::string, FuzzFn>& targets() {
  static std::map<std::string, FuzzFn> t;
  return t;
}

bool registerTarget(const char* name, FuzzFn fn) {
  targets()[name] = fn;
  return true;
}

}  // namespace ftsim::fuzz

// libsystemc supplies main() and calls sc_main (the harnesses link the models).
extern "C" int sc_main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const auto& targets = ftsim::fuzz::targets();
  if (argc < 3 || !targets.count(argv[1])) {
    std::cerr << "usage: ftsim_fuzz_replay <harness> <file|dir>...\nharnesses:";
    for (const auto& [name, fn] : targets) std::cerr << ' ' << name;
    std::cerr << '\n';
    return 2;
  }
  const ftsim::fuzz::FuzzFn fn = targets.at(argv[1]);
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    if (fs::is_directory(argv[i])) {
      for (const auto& e : fs::directory_iterator(argv[i]))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.emplace_back(argv[i]);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::cerr << "ftsim_fuzz_replay: no input files\n";
    return 1;
  }
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::cerr << f.string() << ": cannot read\n";
      return 1;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    } catch (const std::exception& e) {
      std::cerr << f.string() << ": escaped the parser: " << e.what() << '\n';
      return 1;
    }
    std::cout << f.string() << ": ok\n";
  }
  std::cout << files.size() << " inputs replayed through " << argv[1] << '\n';
  return 0;
}

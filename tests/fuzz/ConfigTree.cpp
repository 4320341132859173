#include "tests/fuzz/ConfigTree.h"

#include <filesystem>
#include <map>

#include "sim/core/Error.h"
#include "tests/fuzz/FuzzTarget.h"

namespace ftsim::fuzz {

namespace fs = std::filesystem;

const std::string& configTree(const std::string& own) {
  static std::map<std::string, std::string> roots;  // one tree per `own`
  auto it = roots.find(own);
  if (it == roots.end()) {
    const fs::path r = fs::path(scratchDir()) / ("configs-" + own);
    fs::create_directories(r / own);
    for (const auto& e : fs::directory_iterator(fs::path(FTSIM_SOURCE_DIR) / "configs"))
      if (e.is_directory() && e.path().filename() != own)
        fs::create_directory_symlink(e.path(), r / e.path().filename());
    it = roots.emplace(own, r.string()).first;
  }
  return it->second;
}

}  // namespace ftsim::fuzz

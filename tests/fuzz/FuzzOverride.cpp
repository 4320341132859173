// The `--set key=value` override parser: each input line is one override,
// applied to a committed design (the first byte picks an EF-Train or a TT
// design), then the design is built and checked as `ftsim run --set` does.
#include <string>
#include <vector>

#include "sim/core/Error.h"
#include "sim/config/DesignConfig.h"
#include "tests/fuzz/FuzzTarget.h"

FTSIM_FUZZ_TARGET(override) {
  ftsim::fuzz::quietLogs();
  if (size == 0) return 0;
  static const char* const kDesigns[] = {"/configs/designs/eftrain-lenet5-zcu102.yaml",
                                         "/configs/designs/tt-mlp-mnist-zcu102.yaml"};
  const std::string design = std::string(FTSIM_SOURCE_DIR) + kDesigns[data[0] % 2];
  std::vector<std::string> overrides;
  std::string line;
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == '\n') {
      overrides.push_back(line);
      line.clear();
    } else {
      line += static_cast<char>(data[i]);
    }
  }
  if (!line.empty()) overrides.push_back(line);
  try {
    ftsim::config::DesignConfig::load(design, overrides);
  } catch (const ftsim::UserError&) {
  }
  return 0;
}

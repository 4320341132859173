// The Vitis HLS synthesis report `ftsim compare --hls-report` reads
// (sim/hls/CsynthReport: csynth.xml).
#include "sim/core/Error.h"
#include "sim/hls/CsynthReport.h"
#include "tests/fuzz/FuzzTarget.h"

FTSIM_FUZZ_TARGET(csynth) {
  const std::string path = ftsim::fuzz::scratchDir() + "/csynth.xml";
  ftsim::fuzz::writeFile(path, data, size);
  try {
    ftsim::hls::readCsynthReport(path);
  } catch (const ftsim::UserError&) {
  }
  return 0;
}

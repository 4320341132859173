// The DRAM trace formats of `ftsim dram` (models/ddr/DramTrace): DRAMsim3,
// Ramulator and DRAMSys STL. The first byte picks the format (or detection,
// as when `--format` is not given); the rest is the trace text.
#include <string>

#include "models/ddr/DramTrace.h"
#include "sim/core/Error.h"
#include "tests/fuzz/FuzzTarget.h"

FTSIM_FUZZ_TARGET(dram_trace) {
  using ftsim::models::TraceFormat;
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    TraceFormat f = TraceFormat::DramSim3;
    switch (data[0] % 4) {
      case 0: f = TraceFormat::DramSim3; break;
      case 1: f = TraceFormat::Ramulator; break;
      case 2: f = TraceFormat::Stl; break;
      default: f = ftsim::models::detectTraceFormat(text, "fuzz.trace"); break;
    }
    ftsim::models::parseTrace(text, f, 64, "fuzz.trace");
  } catch (const ftsim::UserError&) {
  }
  return 0;
}

#pragma once
// `ftsim hls-export <design.yaml> --out DIR`: write a Vitis HLS project for
// the design's accelerator (sim/hls/HlsExport, docs/hls-export.md).

#include <ostream>

namespace ftsim::cli {

int cmdHlsExport(int argc, const char* const* argv, std::ostream& out);

}  // namespace ftsim::cli

#pragma once
// `ftsim hls-export`: a self-contained Vitis HLS project for an EF-Train
// design's accelerator (docs/hls-export.md): the kernels of models/kernels/
// verbatim, a top whose loop nest and streams are the ones ftsim simulates,
// directives and array partitioning from the same rules as the resource
// estimate (sim/resources/EfTrainHlsStructure), run_hls.tcl, a Vivado
// block-design script, and a C testbench whose golden vectors are the words
// ftsim's functional mode moves and computes for one conv layer x phase.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/DesignConfig.h"

namespace ftsim::hls {

struct HlsExportOptions {
  std::string outDir;
  std::string layer;                ///< empty: defaultExportLayer
  std::vector<std::string> phases;  ///< FP, BP, WU; empty: every phase the layer has
  int images = 1;                   ///< images of the golden run (the top is sized for the design's batch)
  float learningRate = 0.01f;
  std::uint64_t seed = 1;
};

struct ExportedPhase {
  std::string phase;
  int tr = 0, tc = 0, mOn = 0;
  std::uint64_t words[5] = {0, 0, 0, 0, 0};  ///< in, in2, w, out, wout
  std::uint64_t transfers = 0;                ///< DMA transfers (DDR segments)
};

struct HlsExportResult {
  std::string layer;
  std::vector<ExportedPhase> phases;
  std::vector<std::string> files;  ///< relative to outDir
};

/// The conv layer exported when none is named: the one with the fewest
/// multiply-accumulates per image among those with all three phases (FP, BP,
/// WU), else among all conv layers.
std::string defaultExportLayer(const config::DesignConfig& d);

/// Write the project. Bad input (a layer that is not a conv layer, a phase
/// the layer has not, an array shape the top cannot take) is a UserError.
HlsExportResult exportHlsProject(const config::DesignConfig& d, const HlsExportOptions& o);

/// Write the project of one tt_linear layer's forward contraction chain of
/// a TT design (o.layer, or the first tt_linear layer): the TT kernels, a top
/// calling them with the chain's shapes as constexpr, a testbench whose
/// golden vectors come from ftsim's TT functional mode. A layer that is not
/// tt_linear, or a --phase, is a UserError.
HlsExportResult exportTtLayerProject(const config::DesignConfig& d, const HlsExportOptions& o);

}  // namespace ftsim::hls

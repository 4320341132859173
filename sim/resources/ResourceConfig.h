#pragma once
// What the resource estimate reads from the configs: the FPGA family's cost
// table (`board.resource_model`, configs/fpga/*.yaml: DSPs, LUTs and FFs of
// one operator, DMA engine, stream port, controller, buffer mux) and how a
// design maps its datapath onto that family (`accelerator.implementation`:
// the HLS operator implementations, the DMA engines and stream ports, and
// BRAM or URAM for each buffer). Units: DSP48E2 slices, LUT6s, flip-flops,
// BRAM36 tiles.

#include <map>
#include <string>

namespace ftsim::config { class ConfigNode; }

namespace ftsim::resources {

/// One instance of a block.
struct BlockCost {
  double dsp = 0, lut = 0, ff = 0, bram36 = 0;
};

/// One fixed-point multiply-accumulate: `macsPerDsp` MACs share a DSP48E2.
struct FixedMacCost {
  double macsPerDsp = 1;
  double lut = 0, ff = 0;
};

struct ResourceTable {
  std::string family;   ///< e.g. 7-series, ultrascale-plus
  std::string dspType;  ///< the family's DSP slice, e.g. DSP48E1, DSP48E2 (named in every report)
  std::map<std::string, BlockCost> fp32Mul;  ///< by HLS implementation: max_dsp, full_dsp, med_dsp, no_dsp
  std::map<std::string, BlockCost> fp32Add;  ///< by HLS implementation: full_dsp, no_dsp
  FixedMacCost int8Mac;                       ///< operands up to 8 bits
  FixedMacCost int16Mac;                      ///< wider fixed-point operands
  BlockCost dmaEngine;                        ///< one AXI DMA (MM2S or S2MM channel pair)
  BlockCost streamPort;                       ///< one AXI-Stream port of the accelerator
  BlockCost controller;                       ///< the accelerator's FSM, address generators, AXI-Lite
  double bankMuxLutPerBit = 0.5;              ///< read mux, per data bit and per extra input

  static ResourceTable fromYaml(const config::ConfigNode& node);
};

/// Where a buffer lives: `auto` takes URAM when the board has URAM and the
/// buffer needs fewer bits of URAM than of BRAM (one URAM288 = 8 BRAM36).
enum class RamKind { Auto, Bram, Uram };
const char* toString(RamKind k);

struct ImplementationConfig {
  std::string fp32Mul = "max_dsp";
  std::string fp32Add = "full_dsp";
  int dmaEngines = 4;
  int streamPorts = 5;
  RamKind inputBuffer = RamKind::Auto;
  RamKind outputBuffer = RamKind::Auto;
  RamKind weightBuffer = RamKind::Auto;

  /// `node` is the accelerator (the section is optional); the operator
  /// implementations must exist in the board's table. TT engines have no
  /// per-buffer placement here (accelerator.buffers.memory sets theirs).
  static ImplementationConfig fromYaml(const config::ConfigNode& accelerator, const ResourceTable& table,
                                       bool perBufferPlacement, int defaultDmaEngines, int defaultStreamPorts);
};

}  // namespace ftsim::resources

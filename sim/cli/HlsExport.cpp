#include "sim/cli/HlsExport.h"

#include <boost/program_options.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "families/Registry.h"
#include "sim/cli/Common.h"
#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"
#include "sim/hls/HlsExport.h"

namespace ftsim::cli {

namespace po = boost::program_options;

namespace {

const char* kHlsExportHelp =
    "usage: ftsim hls-export <design.yaml> --out DIR [--layer NAME] [--phase FP|BP|WU] [options]\n"
    "\n"
    "Write a self-contained Vitis HLS project for an EF-Train design's accelerator into DIR:\n"
    "  kernels/*.h        models/kernels/ verbatim (the code the simulator runs in functional mode)\n"
    "  eftrain_top.cpp    the top: AXI-Stream ports of the DMAs, s_axilite registers for the layer's\n"
    "                     parameters and the state word (FP/BP/WU), the loop nest ftsim simulates\n"
    "  ftsim_design.h     Tm, Tn, K, buffer depths and banks, loop bounds as constexpr\n"
    "  directives.tcl     array partitioning along Tm and Tn (the resource estimate's rules), trip counts;\n"
    "                     the MAC loops are pipelined at II = 1 in kernels/MacTile.h\n"
    "  run_hls.tcl        board.device as the part, accelerator.clock_mhz as the clock; csim, csynth,\n"
    "                     cosim, export_design\n"
    "  build_bd.tcl       Vivado block design: PS, AXI DMAs in simple mode, the IP, address map,\n"
    "                     write_bitstream\n"
    "  tb.cpp, data/      C testbench with golden vectors from ftsim's functional mode: one conv layer,\n"
    "                     every phase (or --phase), exit status 1 on any word that differs\n"
    "  transfers_*.csv    the DMA transfers of each phase (step, stream, tensor, DDR address, bytes)\n"
    "  Makefile           make csim (g++ only), make hls (vitis_hls), make bitstream (vivado)\n"
    "  README.md          what each file is, what to run, what to expect\n"
    "\n"
    "The layer runs with the tiling the design's schedule gives it; its golden run is one training\n"
    "step of the layer fed by a 1x1 conv and followed by ReLU, global average pool and a 10-way FC,\n"
    "seeded from --seed, over --images images.\n"
    "\n"
    "A TT design (accelerator.kind = tt) exports one tt_linear layer's forward contraction chain (--layer,\n"
    "default the first): models/kernels/*.h verbatim, tt_top.cpp calling them with the chain's shapes from\n"
    "tt_layer.h, run_hls.tcl, a Makefile and tb.cpp whose golden vectors (the layer's input, cores and\n"
    "output of one forward pass) come from ftsim's TT functional mode.\n"
    "\n";

/// A TT design: one tt_linear layer's forward contraction chain.
int exportTt(const config::DesignConfig& d, const Parsed& p, std::ostream& out) {
  if (!p.vm.count("out")) throw UserError("ftsim hls-export: --out DIR is required (see `ftsim hls-export --help`)");
  hls::HlsExportOptions o;
  o.outDir = p.vm["out"].as<std::string>();
  if (p.vm.count("layer")) o.layer = p.vm["layer"].as<std::string>();
  if (p.vm.count("phase")) o.phases = p.vm["phase"].as<std::vector<std::string>>();
  o.seed = d.seed;
  // The project is written whole, then moved into place as one set.
  traces::OutputSet outputs = openOutputSet(o.outDir, "hls-export");
  const std::string projectDir = o.outDir;
  o.outDir = outputs.staging();
  testPausePoint("export");
  const hls::HlsExportResult r = hls::exportTtLayerProject(d, o);
  testPausePoint("commit");
  throwIfInterrupted();
  outputs.commit();
  o.outDir = projectDir;
  out << "exported " << d.name << ", tt_linear layer " << r.layer << " (forward contraction chain) to " << o.outDir
      << ": " << r.files.size() << " files\n"
      << "next: make -C " << o.outDir << " csim\n";
  return 0;
}

}  // namespace

int cmdHlsExport(int argc, const char* const* argv, std::ostream& out) {
  po::options_description opts = commonOptions();
  opts.add_options()("out,o", po::value<std::string>(), "project directory (required)")(
      "layer", po::value<std::string>(),
      "conv layer to export (default: the one with the fewest MACs per image that has FP, BP and WU); "
      "TT designs: the tt_linear layer (default: the first)")(
      "phase", po::value<std::vector<std::string>>()->composing(),
      "FP, BP or WU (repeatable; default: every phase the layer has)")(
      "images", po::value<int>()->default_value(1), "images of the golden run (<= workload.batch)")(
      "lr", po::value<float>()->default_value(0.01f), "learning rate of the golden run's weight update");
  const Parsed p = parse("hls-export", opts, argc, argv);
  if (p.vm.count("help")) {
    out << kHlsExportHelp << opts;
    return 0;
  }
  const config::DesignConfig d = loadDesign(p, "hls-export");
  if (d.kind == "tt") return exportTt(d, p, out);
  if (!families::of(d).hasHlsExport())
    throw ConfigError(d.kindLoc, "accelerator.kind", d.kind,
                      "ftsim hls-export exports " + families::titlesWith(&families::AcceleratorFamily::hasHlsExport) +
                          " designs only");
  if (!p.vm.count("out")) throw UserError("ftsim hls-export: --out DIR is required (see `ftsim hls-export --help`)");
  hls::HlsExportOptions o;
  o.outDir = p.vm["out"].as<std::string>();
  if (p.vm.count("layer")) o.layer = p.vm["layer"].as<std::string>();
  if (p.vm.count("phase")) o.phases = p.vm["phase"].as<std::vector<std::string>>();
  o.images = p.vm["images"].as<int>();
  o.learningRate = p.vm["lr"].as<float>();
  if (!(o.learningRate > 0.0f)) {
    std::ostringstream lr;
    lr << o.learningRate;
    throw UserError("ftsim hls-export: --lr " + lr.str() + ": must be > 0");
  }
  o.seed = d.seed;
  // The project is written whole, then moved into place as one set.
  traces::OutputSet outputs = openOutputSet(o.outDir, "hls-export");
  const std::string projectDir = o.outDir;
  o.outDir = outputs.staging();
  testPausePoint("export");
  const hls::HlsExportResult r = hls::exportHlsProject(d, o);
  testPausePoint("commit");
  throwIfInterrupted();
  outputs.commit();
  o.outDir = projectDir;
  out << "exported " << d.name << ", layer " << r.layer << " (";
  for (std::size_t i = 0; i < r.phases.size(); ++i) out << (i ? " " : "") << r.phases[i].phase;
  out << ") to " << o.outDir << ": " << r.files.size() << " files\n";
  for (const hls::ExportedPhase& ph : r.phases)
    out << "  " << ph.phase << ": Tr " << ph.tr << ", Tc " << ph.tc << ", M_on " << ph.mOn << "; stream words in "
        << ph.words[0] << ", in2 " << ph.words[1] << ", w " << ph.words[2] << ", out " << ph.words[3] << ", wout "
        << ph.words[4] << "; " << ph.transfers << " DMA transfers\n";
  out << "next: make -C " << o.outDir << " csim\n";
  return 0;
}

}  // namespace ftsim::cli

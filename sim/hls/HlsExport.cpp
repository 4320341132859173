#include "sim/hls/HlsExport.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "families/eftrain/EfTrainFamily.h"
#include "families/tt/TtDesign.h"
#include "models/tt_engine/Contraction.h"
#include "models/tt_engine/TtDatapath.h"
#include "models/dma/TensorLayout.h"
#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"
#include "sim/core/SplitMix.h"
#include "sim/functional/FunctionalStep.h"
#include "sim/hls/HlsEmbedded.h"
#include "sim/resources/EfTrainHlsStructure.h"
#include "sim/schedule/Scheduler.h"
#include "sim/schedule/StepGen.h"

namespace ftsim::hls {

using schedule::Phase;
using schedule::PhasePlan;
using schedule::Stream;
using workload::Layer;
using workload::LayerType;

namespace {

constexpr int kStreams = 5;
const char* const kStreamFile[kStreams] = {"in", "in2", "w", "out", "wout"};
const char* const kStreamTitle[kStreams] = {"input (X, or dY in BP)", "second input (dY in WU)",
                                            "weights (WU: old weights)", "output (Y, or dX in BP)",
                                            "updated weights (WU)"};

std::string str(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

/// The file as the build embedded it (kernels verbatim, templates).
const char* embedded(const std::string& path) {
  for (int i = 0; i < kEmbeddedFileCount; ++i)
    if (path == kEmbeddedFiles[i].path) return kEmbeddedFiles[i].content;
  throw UserError("hls-export: the program was built without " + path);
}

class ProjectWriter {
 public:
  explicit ProjectWriter(std::string dir) : m_dir(std::move(dir)) {}
  void text(const std::string& rel, const std::string& content) {
    write(rel, content.data(), content.size());
  }
  void words(const std::string& rel, const std::vector<float>& w) {
    write(rel, reinterpret_cast<const char*>(w.data()), w.size() * sizeof(float));
  }
  const std::vector<std::string>& files() const { return m_files; }

 private:
  void write(const std::string& rel, const char* data, std::size_t bytes) {
    throwIfInterrupted();  // SIGINT/SIGTERM between two files (the staging directory goes with the unwinding)
    const std::filesystem::path p = std::filesystem::path(m_dir) / rel;
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    std::ofstream f(p, std::ios::binary);
    f.write(data, static_cast<std::streamsize>(bytes));
    if (!f) throw UserError("hls-export: cannot write " + p.string());
    m_files.push_back(rel);
  }
  std::string m_dir;
  std::vector<std::string> m_files;
};

/// Every kernel header of models/kernels/, verbatim, into `dir`.
void copyKernels(ProjectWriter& w, const std::string& dir) {
  const std::string prefix = "models/kernels/";
  for (int i = 0; i < kEmbeddedFileCount; ++i) {
    const std::string path = kEmbeddedFiles[i].path;
    if (path.compare(0, prefix.size(), prefix) == 0 && path.size() > 2 && path.compare(path.size() - 2, 2, ".h") == 0)
      w.text(dir + path.substr(prefix.size()), kEmbeddedFiles[i].content);
  }
}

int layerIndex(const workload::Network& net, const std::string& name) {
  for (std::size_t i = 0; i < net.layers.size(); ++i)
    if (net.layers[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string convNames(const workload::Network& net) {
  std::string s;
  for (const Layer& l : net.layers)
    if (l.type == LayerType::Conv) s += (s.empty() ? "" : " ") + l.name;
  return s;
}

/// The network the golden vectors come from: the layer as it is in the
/// design, fed by a 1x1 conv (so that its input needs a gradient and its BP
/// runs) and followed by a ReLU, a global average pool and a 10-way FC
/// whose loss makes a real dY. Its shapes are the layer's own; its tiling
/// is pinned to the design's.
workload::Network probeNetwork(const workload::Network& net, const Layer& l, int images) {
  workload::Network p;
  p.name = net.name + "." + l.name;
  p.batch = images;
  p.input = l.in;
  Layer src;
  src.name = l.name + "_src";
  src.type = LayerType::Conv;
  src.inputs = {-1};
  src.in = l.in;
  src.out = l.in;
  Layer conv = l;
  conv.inputs = {0};
  conv.needsInputGrad = true;
  conv.feedsFc = false;
  Layer relu;
  relu.name = l.name + "_relu";
  relu.type = LayerType::Relu;
  relu.inputs = {1};
  relu.in = relu.out = l.out;
  relu.needsInputGrad = true;
  Layer gap;
  gap.name = l.name + "_gap";
  gap.type = LayerType::GlobalAvgPool;
  gap.inputs = {2};
  gap.in = l.out;
  gap.kernel = l.out.h;
  gap.out = workload::Shape{l.out.c, 1, 1};
  gap.needsInputGrad = true;
  gap.feedsFc = true;
  Layer fc;
  fc.name = l.name + "_head";
  fc.type = LayerType::Fc;
  fc.inputs = {3};
  fc.in = gap.out;
  fc.out = workload::Shape{10, 1, 1};
  fc.needsInputGrad = true;
  p.layers = {src, conv, relu, gap, fc};
  p.numClasses = 10;
  return p;
}

const PhasePlan* findPlan(const schedule::Program& prog, const std::string& layer, Phase ph) {
  for (const PhasePlan& p : prog.phases)
    if (p.name == layer && p.phase == ph && p.unit == schedule::Unit::PeArray) return &p;
  return nullptr;
}

int phaseIndex(const schedule::Program& prog, const std::string& layer, Phase ph) {
  for (std::size_t i = 0; i < prog.phases.size(); ++i)
    if (prog.phases[i].name == layer && prog.phases[i].phase == ph && prog.phases[i].unit == schedule::Unit::PeArray)
      return static_cast<int>(i);
  return -1;
}

Phase parsePhase(const std::string& s) {
  if (s == "FP") return Phase::FP;
  if (s == "BP") return Phase::BP;
  if (s == "WU") return Phase::WU;
  throw UserError("hls-export: --phase " + s + ": must be FP, BP or WU");
}

/// One phase's streams: the words each AXI-Stream port moves, in order, and
/// the DMA transfers (DDR segments) that move them.
struct PhaseStreams {
  std::vector<float> words[kStreams];
  std::ostringstream transfers;  ///< CSV rows
  std::uint64_t transferCount = 0;
};

/// Walk the phase's steps in the order ftsim's controller runs them (the
/// HLS top's load plan, LoadPlan::Hls): the words of the streams in `which`
/// are read from the DDR backing store as the DMA moves them; `transfers`
/// (if given) gets one CSV row per DDR segment of every stream.
void walkSteps(const schedule::Program& prog, const PhasePlan& plan, const functional::BackingStore& store,
               const bool which[kStreams], PhaseStreams& out, bool recordTransfers) {
  std::vector<schedule::Step> steps;
  schedule::generateSteps(prog, plan, steps, schedule::LoadPlan::Hls);
  std::vector<models::Segment> segs;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (i % 256 == 0) throwIfInterrupted();
    const schedule::Step& s = steps[i];
    const std::pair<const schedule::DmaOp*, int> ops[] = {
        {&s.pre[static_cast<int>(Stream::In)], 0},        {&s.pre[static_cast<int>(Stream::In2)], 1},
        {&s.pre[static_cast<int>(Stream::WeightIn)], 2},  {&s.post[static_cast<int>(Stream::WeightIn)], 2},
        {&s.post[static_cast<int>(Stream::Out)], 3},      {&s.post[static_cast<int>(Stream::WeightOut)], 4}};
    for (const auto& [op, stream] : ops) {
      if (!op->valid()) continue;
      const schedule::TensorDesc& t = prog.tensors[op->tile.tensor];
      models::tileSegments(t, op->tile, segs);
      for (const models::Segment& seg : segs) {
        if (which[stream]) {
          std::vector<float>& w = out.words[stream];
          const std::size_t at = w.size();
          w.resize(at + seg.bytes / 4);
          store.read(seg.addr, w.data() + at, seg.bytes);
        }
        if (!recordTransfers) continue;
        out.transfers << i << "," << kStreamFile[stream] << "," << t.name << ",0x" << std::hex << seg.addr
                      << std::dec << "," << seg.bytes << "\n";
        ++out.transferCount;
      }
    }
  }
}

struct TopSizes {
  int tm = 16, tn = 16, kMax = 3;
  int inDepth = 0, outDepth = 0, inBanks = 2, outBanks = 2, weightBanks = 2, weightTiles = 0;
  int maxChannels = 0, maxExtent = 0, maxImages = 1;
};

std::string designHeader(const config::DesignConfig& d, const Layer& l, const TopSizes& s) {
  std::ostringstream h;
  h << "#pragma once\n"
    << "// The sizes of the exported top, from the design " << d.name << " (" << d.file << ").\n"
    << "// Written by `ftsim hls-export`; export again rather than edit.\n\n"
    << "namespace ftsim_hls {\n\n"
    << "constexpr int kTm = " << s.tm << ";  // accelerator.pe_array.tm\n"
    << "constexpr int kTn = " << s.tn << ";  // accelerator.pe_array.tn\n"
    << "constexpr int kKMax = " << s.kMax << ";  // K of " << l.name << " (the weight tile is K x K)\n"
    << "constexpr int kInDepth = " << s.inDepth << ";  // accelerator.buffers.input.depth_words\n"
    << "constexpr int kOutDepth = " << s.outDepth << ";  // accelerator.buffers.output.depth_words\n"
    << "constexpr int kInBanks = " << s.inBanks << ";  // accelerator.buffers.input.banks\n"
    << "constexpr int kOutBanks = " << s.outBanks << ";  // accelerator.buffers.output.banks\n"
    << "constexpr int kWeightBanks = " << s.weightBanks << ";  // accelerator.buffers.weight.banks\n"
    << "// accelerator.buffers.weight.slots x kernel_words / K^2: weight tiles per bank\n"
    << "constexpr int kWeightTiles = " << s.weightTiles << ";\n"
    << "// Loop bounds: the largest channel count, map extent and batch of the\n"
    << "// design's conv layers (a runtime count only ends a loop early).\n"
    << "constexpr int kMaxChannels = " << s.maxChannels << ";\n"
    << "constexpr int kMaxInExtent = " << s.maxExtent << ";\n"
    << "constexpr int kMaxOutExtent = " << s.maxExtent << ";\n"
    << "constexpr int kMaxImages = " << s.maxImages << ";  // workload.batch\n\n"
    << "}  // namespace ftsim_hls\n";
  return h.str();
}

struct PhaseRegs {
  std::string name;
  int state = 0;
  schedule::MacProblem mac;
  schedule::MacTiling tiling;
  bool relu = false;
};

std::string tbVectors(const config::DesignConfig& d, const Layer& l, const std::vector<PhaseRegs>& regs,
                      const std::vector<ExportedPhase>& phases, float lr) {
  std::ostringstream h;
  h << "#pragma once\n"
    << "// Golden vectors of the testbench: per phase the registers the host writes\n"
    << "// and the words on each stream (data/<phase>_<stream>.bin, little-endian\n"
    << "// fp32, the words ftsim's functional mode moved and computed).\n"
    << "// Written by `ftsim hls-export`.\n"
    << "#include <cstddef>\n\n"
    << "struct TbPhase {\n"
    << "  const char* name;\n"
    << "  int state, outCh, inCh, outH, outW, inH, inW, kernel, stride, pad, tr, tc, mOn, images, weightsResident,\n"
    << "      reluOnStore;\n"
    << "  float lr;\n"
    << "  std::size_t words[5];  // in, in2, w, out, wout\n"
    << "};\n\n"
    << "constexpr const char* kTbDesign = \"" << d.name << "\";\n"
    << "constexpr const char* kTbLayer = \"" << l.name << "\";\n"
    << "constexpr TbPhase kTbPhases[] = {\n";
  char lrText[32];
  std::snprintf(lrText, sizeof lrText, "%.9gf", static_cast<double>(lr));
  for (std::size_t i = 0; i < regs.size(); ++i) {
    const PhaseRegs& r = regs[i];
    const auto& m = r.mac;
    const auto& t = r.tiling;
    h << "    {\"" << r.name << "\", " << r.state << ", " << m.outCh << ", " << m.inCh << ", " << m.outH << ", "
      << m.outW << ", " << m.inH << ", " << m.inW << ", " << m.kernel << ", " << m.stride << ", " << m.padTop << ", "
      << t.tr << ", " << t.tc << ", " << t.mOn << ", " << m.images << ", " << (t.weightsResident ? 1 : 0) << ", "
      << (r.relu ? 1 : 0) << ", " << lrText << ", {";
    for (int s = 0; s < kStreams; ++s) h << (s ? ", " : "") << phases[i].words[s];
    h << "}},\n";
  }
  h << "};\n";
  return h.str();
}

std::string directivesTcl(const resources::EfTrainHlsStructure& st, const std::vector<PhaseRegs>& regs) {
  std::ostringstream t;
  t << "# Directives of the exported top (Vitis HLS Tcl, UG1399 \"HLS Optimization Directives\":\n"
    << "# set_directive_array_partition, set_directive_loop_tripcount). The partitioning is\n"
    << "# sim/resources/EfTrainHlsStructure's, the rule set ftsim's resource estimate prices,\n"
    << "# so the memories below are the ones `ftsim check` counts. The MAC loops carry\n"
    << "# #pragma HLS PIPELINE II=1 in kernels/MacTile.h itself.\n"
    << "# Written by `ftsim hls-export`.\n\n";
  for (const resources::HlsArray& a : st.arrays) {
    t << "# " << a.unit << ": " << a.memories() << " memories of " << a.depthWords << " x " << a.widthBits
      << " bit (" << a.keyPath << ")\n";
    for (int dim : a.partitionDims)
      t << "set_directive_array_partition -type complete -dim " << dim << " eftrain_top " << a.variable << "\n";
  }
  // Trip counts of the loops whose bounds are registers, over the exported phases.
  std::map<std::string, std::pair<int, int>> trips;
  const auto note = [&](const std::string& loop, int n) {
    auto it = trips.find(loop);
    if (it == trips.end()) trips[loop] = {n, n};
    else it->second = {std::min(it->second.first, n), std::max(it->second.second, n)};
  };
  const auto ceilDiv = [](int a, int b) { return (a + b - 1) / b; };
  for (const PhaseRegs& r : regs) {
    const auto& m = r.mac;
    const auto& ti = r.tiling;
    const int chunks = ceilDiv(m.outCh, ti.mOn), groups = ceilDiv(std::min(ti.mOn, m.outCh), st.tm);
    note("eftrain_top/chunk_loop", chunks);
    note("eftrain_top/image_loop", m.images);
    note("eftrain_top/tm_loop", groups);
    if (r.state == 2) {
      note("eftrain_top/wu_tn_loop", ceilDiv(m.inCh, st.tn));
      note("eftrain_top/wu_strip_loop", ceilDiv(m.outH, ti.tr));
      note("eftrain_top/wu_col_loop", ceilDiv(m.outW, ti.tc));
      note("macTileWeightGrad/wg_rows", std::min(ti.tr, m.outH));
      note("macTileWeightGrad/wg_cols", std::min(ti.tc, m.outW));
      note("macTileWeightGrad/wg_kh", m.kernel);
      note("macTileWeightGrad/wg_kw", m.kernel);
    } else {
      note("eftrain_top/strip_loop", ceilDiv(m.outH, ti.tr));
      note("eftrain_top/col_loop", ceilDiv(m.outW, ti.tc));
      note("eftrain_top/tn_loop", ceilDiv(m.inCh, st.tn));
      note("macTile/mac_kh", m.kernel);
      note("macTile/mac_kw", m.kernel);
      note("macTile/mac_rows", std::min(ti.tr, m.outH));
      note("macTile/mac_cols", std::min(ti.tc, m.outW));
    }
  }
  t << "\n# Trip counts of the exported layer's phases (the bounds are registers).\n";
  for (const auto& [loop, mm] : trips)
    t << "set_directive_loop_tripcount -min " << mm.first << " -max " << mm.second << " " << loop << "\n";
  return t.str();
}

std::string runHlsTcl(const config::DesignConfig& d, const std::string& top, double clockMhz, const char* clockKey) {
  const double periodNs = 1e3 / clockMhz;
  std::ostringstream t;
  t << "# Vitis HLS flow of the exported top (UG1399, \"Running Vitis HLS from the Command Line\":\n"
    << "# open_project, set_top, add_files, open_solution, set_part, create_clock, csim_design,\n"
    << "# csynth_design, cosim_design, export_design). Run: vitis_hls -f run_hls.tcl\n"
    << "# Written by `ftsim hls-export` from " << d.file << ".\n\n"
    << "open_project -reset ftsim_hls\n"
    << "set_top " << top << "\n"
    << "add_files " << top << ".cpp -cflags \"-std=c++17 -I.\"\n"
    << "add_files -tb tb.cpp -cflags \"-std=c++17 -I.\"\n"
    << "add_files -tb data\n"
    << "open_solution -reset solution1 -flow_target vivado\n"
    << "set_part {" << d.board.device << "}   ;# board.device\n"
    << "create_clock -period " << periodNs << " -name default   ;# " << clockKey << " = " << clockMhz << "\n"
    << "source directives.tcl\n"
    << "csim_design -argv data\n"
    << "csynth_design\n"
    << "cosim_design -argv data\n"
    << "export_design -format ip_catalog -rtl verilog\n"
    << "exit\n";
  return t.str();
}

std::string vivadoTcl(const config::DesignConfig& d) {
  const double mhz = d.accelerator.clock.freqMhz();
  std::ostringstream t;
  t << "# Vivado block design for " << d.board.name << " (" << d.board.device << "): the Zynq UltraScale+\n"
    << "# processing system, four AXI DMAs in simple mode (PG021: c_include_sg 0) with "
    << d.accelerator.dma.streamWidthBits << "-bit streams\n"
    << "# (accelerator.dma.stream_width_bits), width converters to the top's 32-bit ports, the exported\n"
    << "# IP, the AXI-Lite control path and the address map, up to write_bitstream.\n"
    << "# Run after `make hls`: vivado -mode batch -source build_bd.tcl\n"
    << "# Written by `ftsim hls-export`.\n\n"
    << "set part {" << d.board.device << "}\n"
    << "create_project -force ftsim_bd ./vivado -part $part\n"
    << "set boards [get_board_parts -quiet *" << d.board.name << "*]\n"
    << "if {[llength $boards] > 0} { set_property board_part [lindex $boards end] [current_project] }\n"
    << "set_property ip_repo_paths [list ./ftsim_hls/solution1/impl/ip] [current_project]\n"
    << "update_ip_catalog\n"
    << "create_bd_design ftsim\n\n"
    << "# Processing system: board preset when the board files are installed, one HP port to DDR.\n"
    << "set ps [create_bd_cell -type ip -vlnv xilinx.com:ip:zynq_ultra_ps_e ps]\n"
    << "if {[llength $boards] > 0} {\n"
    << "  apply_bd_automation -rule xilinx.com:bd_rule:zynq_ultra_ps_e -config {apply_board_preset 1} $ps\n"
    << "}\n"
    << "set_property -dict [list CONFIG.PSU__USE__S_AXI_GP2 1 CONFIG.PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ " << mhz
    << "] $ps\n\n"
    << "set top [create_bd_cell -type ip -vlnv xilinx.com:hls:eftrain_top eftrain_top]\n\n"
    << "# DMAs: simple mode; MM2S feeds in, in2 and w; S2MM takes out and wout.\n"
    << "proc make_dma {name mm2s s2mm} {\n"
    << "  set dma [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_dma $name]\n"
    << "  set_property -dict [list CONFIG.c_include_sg 0 CONFIG.c_sg_length_width 26 \\\n"
    << "      CONFIG.c_include_mm2s $mm2s CONFIG.c_include_s2mm $s2mm \\\n"
    << "      CONFIG.c_m_axis_mm2s_tdata_width " << d.accelerator.dma.streamWidthBits
    << " CONFIG.c_s_axis_s2mm_tdata_width " << d.accelerator.dma.streamWidthBits << " \\\n"
    << "      CONFIG.c_mm2s_burst_size 256 CONFIG.c_s2mm_burst_size 256] $dma\n"
    << "  return $dma\n"
    << "}\n"
    << "proc make_conv {name in_bytes out_bytes} {\n"
    << "  set c [create_bd_cell -type ip -vlnv xilinx.com:ip:axis_dwidth_converter $name]\n"
    << "  set_property -dict [list CONFIG.S_TDATA_NUM_BYTES $in_bytes CONFIG.M_TDATA_NUM_BYTES $out_bytes] $c\n"
    << "  return $c\n"
    << "}\n"
    << "set streamBytes " << d.accelerator.dma.streamWidthBits / 8 << "\n"
    << "make_dma dma_in 1 1\n"
    << "make_dma dma_in2 1 0\n"
    << "make_dma dma_w 1 1\n"
    << "make_dma dma_out 0 1\n"
    << "foreach {conv dma src dst} {\n"
    << "  conv_in   dma_in  M_AXIS_MM2S in_stream\n"
    << "  conv_in2  dma_in2 M_AXIS_MM2S in2_stream\n"
    << "  conv_w    dma_w   M_AXIS_MM2S w_stream\n"
    << "} {\n"
    << "  make_conv $conv $streamBytes 4\n"
    << "  connect_bd_intf_net [get_bd_intf_pins $dma/$src] [get_bd_intf_pins $conv/S_AXIS]\n"
    << "  connect_bd_intf_net [get_bd_intf_pins $conv/M_AXIS] [get_bd_intf_pins eftrain_top/$dst]\n"
    << "}\n"
    << "foreach {conv src dma} {\n"
    << "  conv_out  out_stream  dma_out\n"
    << "  conv_wout wout_stream dma_w\n"
    << "} {\n"
    << "  make_conv $conv 4 $streamBytes\n"
    << "  connect_bd_intf_net [get_bd_intf_pins eftrain_top/$src] [get_bd_intf_pins $conv/S_AXIS]\n"
    << "  connect_bd_intf_net [get_bd_intf_pins $conv/M_AXIS] [get_bd_intf_pins $dma/S_AXIS_S2MM]\n"
    << "}\n\n"
    << "# AXI-Lite (PS master to the DMAs' and the top's registers) and the DMAs' memory side to\n"
    << "# the PS HP port; the automation inserts the interconnects, clocks and resets.\n"
    << "foreach slave {dma_in/S_AXI_LITE dma_in2/S_AXI_LITE dma_w/S_AXI_LITE dma_out/S_AXI_LITE "
       "eftrain_top/s_axi_control} {\n"
    << "  apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config {Master /ps/M_AXI_HPM0_FPD Clk Auto} \\\n"
    << "      [get_bd_intf_pins $slave]\n"
    << "}\n"
    << "foreach master {dma_in/M_AXI_MM2S dma_in/M_AXI_S2MM dma_in2/M_AXI_MM2S dma_w/M_AXI_MM2S dma_w/M_AXI_S2MM "
       "dma_out/M_AXI_S2MM} {\n"
    << "  if {[llength [get_bd_intf_pins -quiet $master]] == 0} continue\n"
    << "  apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config {Slave /ps/S_AXI_HP0_FPD Clk Auto} \\\n"
    << "      [get_bd_intf_pins $master]\n"
    << "}\n"
    << "foreach c {conv_in conv_in2 conv_w conv_out conv_wout} {\n"
    << "  connect_bd_net [get_bd_pins ps/pl_clk0] [get_bd_pins $c/aclk]\n"
    << "  connect_bd_net [get_bd_pins [get_bd_cells -filter {VLNV =~ *proc_sys_reset*}]/peripheral_aresetn] "
       "[get_bd_pins $c/aresetn]\n"
    << "}\n"
    << "assign_bd_address\n"
    << "validate_bd_design\n"
    << "save_bd_design\n\n"
    << "make_wrapper -files [get_files ftsim.bd] -top\n"
    << "add_files -norecurse [glob ./vivado/ftsim_bd.gen/sources_1/bd/ftsim/hdl/ftsim_wrapper.v]\n"
    << "set_property top ftsim_wrapper [current_fileset]\n"
    << "launch_runs impl_1 -to_step write_bitstream -jobs 2\n"
    << "wait_on_run impl_1\n"
    << "write_hw_platform -fixed -include_bit -force -file ftsim.xsa\n";
  return t.str();
}

std::string makefile(const std::string& top, const std::string& headers) {
  return "# make csim       build and run the C testbench with the host compiler (no vendor tool)\n"
         "# make hls        Vitis HLS: csim, csynth, cosim, export_design (run_hls.tcl)\n"
         "# make bitstream  Vivado: block design up to write_bitstream (build_bd.tcl)\n"
         "# Written by `ftsim hls-export`.\n"
         "CXX ?= g++\n"
         "# The top under the HLS subset (kernels/HlsSubset.h poisons the rest): no exceptions, no\n"
         "# RTTI; no FMA contraction, so the words are the ones ftsim's functional mode computes.\n"
         "TOP_FLAGS = -std=c++17 -O2 -ffp-contract=off -fno-exceptions -fno-rtti -Wall -Wextra \\\n"
         "            -Werror=double-promotion -Wno-unknown-pragmas -Wno-unused-label -I.\n"
         "TB_FLAGS = -std=c++17 -O2 -ffp-contract=off -Wall -Wextra -I.\n\n"
         ".PHONY: csim hls bitstream clean\n\n"
         "csim: build/csim\n"
         "\t./build/csim data\n\n"
         "build/csim: " + top + ".cpp tb.cpp " + headers + " $(wildcard kernels/*.h)\n"
         "\tmkdir -p build\n"
         "\t$(CXX) $(TOP_FLAGS) -c " + top + ".cpp -o build/" + top + ".o\n"
         "\t$(CXX) $(TB_FLAGS) -c tb.cpp -o build/tb.o\n"
         "\t$(CXX) build/" + top + ".o build/tb.o -o $@\n\n"
         "# vitis_hls -f (Vitis HLS up to 2024.1), or vitis-run --mode hls --tcl (2024.2 on, UG1702).\n"
         "hls:\n"
         "\t@if command -v vitis_hls >/dev/null; then vitis_hls -f run_hls.tcl; \\\n"
         "\telif command -v vitis-run >/dev/null; then vitis-run --mode hls --tcl run_hls.tcl; \\\n"
         "\telse echo 'neither vitis_hls nor vitis-run is on PATH (Vitis HLS 2023.x/2024.x)'; exit 1; fi\n\n"
         "bitstream:\n"
         "\t@command -v vivado >/dev/null || { echo 'vivado is not on PATH'; exit 1; }\n"
         "\t@test -d ftsim_hls/solution1/impl/ip || { echo 'run make hls first (no exported IP)'; exit 1; }\n"
         "\tvivado -mode batch -source build_bd.tcl\n\n"
         "clean:\n"
         "\trm -rf build ftsim_hls vivado ftsim.xsa\n";
}

std::string readme(const config::DesignConfig& d, const Layer& l, const HlsExportResult& r,
                   const std::vector<PhaseRegs>& regs, int images, const resources::EfTrainHlsStructure& st) {
  std::ostringstream s;
  s << "# Vitis HLS project: " << d.name << ", layer " << l.name << "\n\n"
    << "Exported by `ftsim hls-export " << d.file << " --layer " << l.name << "` (docs/hls-export.md in ftsim).\n\n"
    << "## What runs\n\n"
    << "`eftrain_top` runs one conv layer x phase per call: FP, BP or WU (register `state`), over the\n"
    << "loop nest ftsim simulates (M_on chunk, image, Tm group, row strip, column tile, Tn group; WU: Tn\n"
    << "group before the strips), with the tiling the design's schedule chose:\n\n"
    << "| phase | out ch | in ch | out map | K | S | P | Tr | Tc | M_on | relu on store |\n"
    << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const PhaseRegs& p : regs)
    s << "| " << p.name << " | " << p.mac.outCh << " | " << p.mac.inCh << " | " << p.mac.outH << "x" << p.mac.outW
      << " | " << p.mac.kernel << " | " << p.mac.stride << " | " << p.mac.padTop << " | " << p.tiling.tr << " | "
      << p.tiling.tc << " | " << p.tiling.mOn << " | " << (p.relu ? "yes" : "no") << " |\n";
  s << "\nTr, Tc and M_on are the design's. ReLU on store is the golden network's (the layer feeds a ReLU,\n"
    << "fused into its store when accelerator.vector.fuse_relu is set); in the design a batch norm may sit\n"
    << "in between. The top takes it as a register either way.\n";
  s << "\nThe five AXI-Stream ports carry fp32 words in the order the host's simple-mode DMA transfers\n"
    << "move them from DDR (`transfers_<phase>.csv`: step, stream, tensor, DDR address, bytes).\n\n"
    << "## Files\n\n"
    << "| file | what |\n|---|---|\n"
    << "| `kernels/*.h` | ftsim's `models/kernels/`, verbatim: the code ftsim's functional mode runs |\n"
    << "| `eftrain_top.cpp` | the top: AXI-Stream ports, `s_axilite` registers, the loop nest, ping-pong banks |\n"
    << "| `ftsim_design.h` | Tm, Tn, K, buffer depths and banks, loop bounds as `constexpr`, from the design |\n"
    << "| `directives.tcl` | array partitioning (the rules of ftsim's resource estimate) and loop trip counts |\n"
    << "| `run_hls.tcl` | Vitis HLS: part " << d.board.device << ", clock " << d.accelerator.clock.freqMhz()
    << " MHz, csim, csynth, cosim, export_design |\n"
    << "| `build_bd.tcl` | Vivado: PS, four AXI DMAs (simple mode, " << d.accelerator.dma.streamWidthBits
    << "-bit streams), the IP, address map, bitstream |\n"
    << "| `tb.cpp`, `tb_vectors.h`, `data/` | C testbench and its golden vectors (" << images
    << " image(s), seeded) |\n"
    << "| `transfers_<phase>.csv` | the DMA transfers of each phase, for the host driver |\n"
    << "| `Makefile` | `make csim` (g++ only), `make hls`, `make bitstream` |\n\n"
    << "## What to run, what to expect\n\n"
    << "```\nmake csim\n```\n"
    << "builds the top under the HLS subset flags and the testbench with g++, runs every phase and compares\n"
    << "every output word bit for bit with the words ftsim's functional mode wrote. Expect one line per\n"
    << "phase ending in `bit-exact` and `PASS`; exit status 1 on any mismatch, 2 on a missing data file.\n\n"
    << "```\nmake hls        # vitis_hls -f run_hls.tcl: csim, csynth, cosim, IP in ftsim_hls/solution1/impl/ip\n"
    << "make bitstream  # vivado -mode batch -source build_bd.tcl: ftsim.xsa with the bitstream\n```\n\n"
    << "Then `ftsim compare " << d.file << " --hls-report ftsim_hls/solution1/syn/report/csynth.xml --hls-layer "
    << l.name << "` sets the synthesis report beside ftsim's cycles and resource estimate.\n\n"
    << "## Streams per phase (words)\n\n| phase |";
  for (int i = 0; i < kStreams; ++i) s << " " << kStreamTitle[i] << " |";
  s << " DMA transfers |\n|---|---|---|---|---|---|---|\n";
  for (const ExportedPhase& p : r.phases) {
    s << "| " << p.phase << " |";
    for (int i = 0; i < kStreams; ++i) s << " " << p.words[i] << " |";
    s << " " << p.transfers << " |\n";
  }
  s << "\n## On-chip arrays (directives.tcl)\n\n| unit | array | memories | words each |\n|---|---|---|---|\n";
  for (const resources::HlsArray& a : st.arrays)
    s << "| " << a.unit << " | `" << a.variable << "` | " << a.memories() << " | " << a.depthWords << " |\n";
  s << "\n## Not in this project\n\n"
    << "- The vector path (batch norm, pooling, ReLU passes) and FC layers: the top runs conv layers.\n"
    << "- The ports are 32-bit; the block design converts the DMAs' " << d.accelerator.dma.streamWidthBits
    << "-bit streams (4 words per beat in ftsim's timing model).\n"
    << "- A host driver: `transfers_<phase>.csv` lists what it must start, in order.\n";
  return s.str();
}

}  // namespace

std::string defaultExportLayer(const config::DesignConfig& d) {
  const Layer* best = nullptr;
  for (int pass = 0; pass < 2 && !best; ++pass)
    for (const Layer& l : d.workload.layers) {
      if (l.type != LayerType::Conv || (pass == 0 && !l.needsInputGrad)) continue;
      if (!best || l.macsPerImage() < best->macsPerImage()) best = &l;
    }
  if (!best) throw UserError("hls-export: workload " + d.workload.name + " has no conv layer to export");
  return best->name;
}

HlsExportResult exportHlsProject(const config::DesignConfig& d, const HlsExportOptions& o) {
  const std::string layerName = o.layer.empty() ? defaultExportLayer(d) : o.layer;
  const int li = layerIndex(d.workload, layerName);
  if (li < 0 || d.workload.layers[li].type != LayerType::Conv)
    throw UserError("hls-export: --layer " + layerName + ": workload " + d.workload.name +
                    " has no conv layer of that name (conv layers: " + convNames(d.workload) + ")");
  const Layer& layer = d.workload.layers[li];
  if (layer.isGrouped())
    throw UserError("hls-export: --layer " + layerName + ": a grouped conv (groups: " + std::to_string(layer.groups) +
                    "); the exported top's loop nest runs dense convolutions only (docs/layers.md)");
  // The top's one `pad` register is the padding before the first row and
  // column alike (its windows need no more: the output extents carry the rest).
  if (layer.padTop != layer.padLeft)
    throw UserError("hls-export: --layer " + layerName + ": padding " + std::to_string(layer.padTop) +
                    " before the first row but " + std::to_string(layer.padLeft) +
                    " before the first column; the exported top takes one leading pad for both");
  if (o.images < 1 || o.images > d.workload.batch)
    throw UserError("hls-export: --images " + std::to_string(o.images) + ": must be in [1, workload.batch = " +
                    std::to_string(d.workload.batch) + "]");
  const auto& a = d.accelerator;
  if (a.dma.plainLayout)
    throw UserError("hls-export: accelerator.dma.layout = plain: the exported top reads the reshaped layouts");
  if (a.peArray.tm != a.peArray.tn || a.buffers.input.lanes != a.peArray.tn ||
      a.buffers.output.lanes != a.peArray.tm || a.buffers.weight.tm != a.peArray.tm ||
      a.buffers.weight.tn != a.peArray.tn)
    throw UserError("hls-export: the exported top needs tm = tn = the buffers' lanes (accelerator.pe_array: " +
                    std::to_string(a.peArray.tm) + "x" + std::to_string(a.peArray.tn) + ")");

  // The phases: every one the layer has in the design, or those asked for.
  std::vector<Phase> phases;
  if (o.phases.empty()) {
    phases.push_back(Phase::FP);
    if (layer.needsInputGrad) phases.push_back(Phase::BP);
    phases.push_back(Phase::WU);
  } else {
    for (const std::string& s : o.phases) {
      const Phase ph = parsePhase(s);
      if (ph == Phase::BP && !layer.needsInputGrad)
        throw UserError("hls-export: --phase BP: layer " + layer.name +
                        " has no BP phase (its input needs no gradient)");
      if (std::find(phases.begin(), phases.end(), ph) == phases.end()) phases.push_back(ph);
    }
  }

  // The design's own tiling of the layer, pinned in the golden run.
  const schedule::Program designProg = schedule::Scheduler(families::eftrain::schedulerInputs(d)).build();
  config::DesignConfig probe = d;
  probe.workload = probeNetwork(d.workload, layer, o.images);
  probe.accelerator.tiling.pins.clear();
  for (Phase ph : {Phase::FP, Phase::BP, Phase::WU}) {
    const PhasePlan* p = findPlan(designProg, layer.name, ph);
    if (!p) continue;
    models::TilingPin pin;
    pin.layer = layer.name;
    pin.phase = schedule::toString(ph);
    pin.tr = p->tiling.tr;
    pin.tc = p->tiling.tc;
    pin.mOn = p->tiling.mOn;
    pin.keyPath = "accelerator.tiling.pin." + layer.name + "." + pin.phase + " (hls-export)";
    probe.accelerator.tiling.pins.push_back(pin);
  }
  const schedule::Program prog = schedule::Scheduler(families::eftrain::schedulerInputs(probe)).build();
  if (phaseIndex(prog, layer.name, Phase::BP) > phaseIndex(prog, layer.name, Phase::WU))
    throw UserError("hls-export: internal order: the schedule updates " + layer.name + "'s weights before its BP");

  // Sizes of the top.
  TopSizes sz;
  sz.tm = a.peArray.tm;
  sz.tn = a.peArray.tn;
  sz.kMax = layer.kernel;
  sz.inDepth = a.buffers.input.depthWords;
  sz.outDepth = a.buffers.output.depthWords;
  sz.inBanks = a.buffers.input.banks;
  sz.outBanks = a.buffers.output.banks;
  sz.weightBanks = a.buffers.weight.banks;
  sz.weightTiles = a.buffers.weight.slots * a.buffers.weight.kernelWords / (layer.kernel * layer.kernel);
  sz.maxImages = d.workload.batch;
  for (const Layer& l : d.workload.layers) {
    if (l.type != LayerType::Conv) continue;
    sz.maxChannels = std::max({sz.maxChannels, l.in.c, l.out.c});
    sz.maxExtent = std::max({sz.maxExtent, l.in.h, l.in.w, l.out.h, l.out.w});
  }
  sz.maxChannels = (sz.maxChannels + sz.tm - 1) / sz.tm * sz.tm;

  // Registers per phase, and the check that every tile fits the top's arrays.
  const PhasePlan* reluFp = nullptr;
  for (const PhasePlan& p : prog.phases)
    if (p.name == layer.name + "_relu" && p.phase == Phase::FP) reluFp = &p;
  const bool fusedRelu = reluFp && reluFp->unit == schedule::Unit::Vector && reluFp->vec.passes.empty();
  std::vector<PhaseRegs> regs;
  for (Phase ph : phases) {
    const PhasePlan* p = findPlan(prog, layer.name, ph);
    if (!p) throw UserError("hls-export: the schedule has no " + std::string(schedule::toString(ph)) + " phase of " +
                            layer.name);
    PhaseRegs r;
    r.name = schedule::toString(ph);
    r.state = ph == Phase::FP ? 0 : ph == Phase::BP ? 1 : 2;
    r.mac = p->mac;
    r.tiling = p->tiling;
    r.relu = ph == Phase::FP && fusedRelu;
    const int nGroups = (r.mac.inCh + sz.tn - 1) / sz.tn;
    const int tiles = (std::min(r.tiling.mOn, r.mac.outCh) + sz.tm - 1) / sz.tm *
                      ((nGroups + sz.weightBanks - 1) / sz.weightBanks);
    if (r.tiling.weightsResident && tiles > sz.weightTiles)
      throw UserError("hls-export: " + layer.name + " " + r.name + ": M_on = " + std::to_string(r.tiling.mOn) +
                      " needs " + std::to_string(tiles) + " weight tiles per bank, the weight buffer holds " +
                      std::to_string(sz.weightTiles) + " of " + std::to_string(layer.kernel) + "x" +
                      std::to_string(layer.kernel));
    regs.push_back(r);
  }

  // The golden run: seeded parameters and images, one training step.
  functional::FunctionalOptions fo;
  fo.learningRate = o.learningRate;
  functional::FunctionalStep step(prog, probe.workload, probe.accelerator, fo);
  step.initParameters(o.seed);
  SplitMix rng{o.seed ^ 0xD1B54A32D192ED03ull};
  const auto& in = probe.workload.input;
  std::vector<float> images(static_cast<std::size_t>(o.images) * in.c * in.h * in.w);
  for (float& x : images)
    x = static_cast<float>(static_cast<std::int64_t>(rng.next() >> 40) - (1 << 23)) / (1 << 23);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(o.images));
  for (auto& y : labels) y = static_cast<std::int64_t>(rng.next() % 10);
  step.setBatch(images, labels);

  // Weights stream in before the step updates them; the rest after it.
  std::vector<PhaseStreams> streams(regs.size());
  const bool weightsOnly[kStreams] = {false, false, true, false, false};
  const bool allButWeights[kStreams] = {true, true, false, true, true};
  for (std::size_t i = 0; i < regs.size(); ++i)
    walkSteps(prog, *findPlan(prog, layer.name, phases[i]), step.store(), weightsOnly, streams[i], false);
  throwIfInterrupted();
  step.run();
  throwIfInterrupted();
  for (std::size_t i = 0; i < regs.size(); ++i)
    walkSteps(prog, *findPlan(prog, layer.name, phases[i]), step.store(), allButWeights, streams[i], true);

  // The project.
  HlsExportResult res;
  res.layer = layer.name;
  ProjectWriter w(o.outDir);
  copyKernels(w, "kernels/");
  w.text("eftrain_top.cpp", embedded("sim/hls/templates/eftrain_top.cpp"));
  w.text("tb.cpp", embedded("sim/hls/templates/tb.cpp"));
  w.text("ftsim_design.h", designHeader(d, layer, sz));
  for (std::size_t i = 0; i < regs.size(); ++i) {
    ExportedPhase ep;
    ep.phase = regs[i].name;
    ep.tr = regs[i].tiling.tr;
    ep.tc = regs[i].tiling.tc;
    ep.mOn = regs[i].tiling.mOn;
    for (int s = 0; s < kStreams; ++s) {
      ep.words[s] = streams[i].words[s].size();
      w.words("data/" + ep.phase + "_" + kStreamFile[s] + ".bin", streams[i].words[s]);
    }
    ep.transfers = streams[i].transferCount;
    w.text("transfers_" + ep.phase + ".csv", "step,stream,tensor,ddr_addr,bytes\n" + streams[i].transfers.str());
    res.phases.push_back(ep);
  }
  const resources::EfTrainHlsStructure st = resources::efTrainHlsStructure(a);
  w.text("tb_vectors.h", tbVectors(d, layer, regs, res.phases, o.learningRate));
  w.text("directives.tcl", directivesTcl(st, regs));
  w.text("run_hls.tcl", runHlsTcl(d, "eftrain_top", d.accelerator.clock.freqMhz(), "accelerator.clock_mhz"));
  w.text("build_bd.tcl", vivadoTcl(d));
  w.text("Makefile", makefile("eftrain_top", "ftsim_design.h tb_vectors.h"));
  w.text("README.md", readme(d, layer, res, regs, o.images, st));
  {
    std::ostringstream j;
    j << "{\n  \"design\": \"" << d.name << "\",\n  \"design_file\": \"" << d.file << "\",\n  \"layer\": \""
      << layer.name << "\",\n  \"images\": " << o.images << ",\n  \"seed\": " << o.seed
      << ",\n  \"learning_rate\": " << str(o.learningRate) << ",\n  \"phases\": [";
    for (std::size_t i = 0; i < res.phases.size(); ++i)
      j << (i ? ", " : "") << "{\"phase\": \"" << res.phases[i].phase << "\", \"tr\": " << res.phases[i].tr
        << ", \"tc\": " << res.phases[i].tc << ", \"m_on\": " << res.phases[i].mOn << "}";
    j << "]\n}\n";
    w.text("ftsim_export.json", j.str());
  }
  res.files = w.files();
  return res;
}

namespace {

/// One contraction of a TT layer's forward chain as the top runs it.
struct TtStep {
  const tt::ProgOp* op = nullptr;
  kernels::GemmTables tables;
};

std::string ttFormatInit(const kernels::TtFormat& f) {
  const char* kind = f.kind == kernels::FormatKind::Fp32    ? "Fp32"
                     : f.kind == kernels::FormatKind::Fixed ? "Fixed"
                                                            : "Bfp";
  std::ostringstream s;
  s << "{k::FormatKind::" << kind << ", " << f.bits << ", " << f.fracBits << ", " << f.blockSize << ", "
    << f.exponentBits << "}";
  return s.str();
}

void ttTable(std::ostringstream& h, const std::string& name, const std::vector<std::uint32_t>& v) {
  h << "const std::uint32_t " << name << "[" << v.size() << "] = {";
  for (std::size_t i = 0; i < v.size(); ++i) h << (i ? (i % 16 ? ", " : ",\n    ") : "") << v[i];
  h << "};\n";
}

std::string ttArg(int tensor) { return "t" + std::to_string(tensor); }

}  // namespace

HlsExportResult exportTtLayerProject(const config::DesignConfig& d, const HlsExportOptions& o) {
  std::string ttNames;
  int li = -1;
  for (std::size_t i = 0; i < d.workload.layers.size(); ++i) {
    const Layer& l = d.workload.layers[i];
    if (l.type != LayerType::TtLinear) continue;
    ttNames += (ttNames.empty() ? "" : " ") + l.name;
    if (li < 0 && (o.layer.empty() || l.name == o.layer)) li = static_cast<int>(i);
  }
  if (li < 0)
    throw UserError("hls-export: --layer " + o.layer + ": workload " + d.workload.name +
                    " has no tt_linear layer of that name (tt_linear layers: " + ttNames + ")");
  if (!o.phases.empty())
    throw UserError("hls-export: --phase: a TT design exports its layer's forward contraction chain only");
  const Layer& layer = d.workload.layers[static_cast<std::size_t>(li)];

  // The program and the golden run: ftsim's TT functional mode as the family
  // runs it (weights and batch from the design seed), op by op up to the chain.
  const tt::TtDesignPlan plan = tt::planTtDesign(d);
  const tt::TtProgram& prog = plan.program;
  models::TtDatapath dp(prog, d.tt, d.seed);
  dp.initWeights(d.seed);
  dp.synthesizeBatch(d.seed, dp.lossClasses());
  std::vector<std::size_t> chain;
  for (std::size_t i = 0; i < prog.ops.size(); ++i)
    if (prog.ops[i].kind == tt::OpKind::Contract && prog.ops[i].layer == li &&
        prog.ops[i].phase == schedule::Phase::FP)
      chain.push_back(i);
  if (chain.empty()) throw UserError("hls-export: layer " + layer.name + " has no forward contraction");
  for (std::size_t i = 1; i < chain.size(); ++i)
    if (chain[i] != chain[i - 1] + 1)
      throw UserError("hls-export: internal order: the forward contractions of " + layer.name + " are not contiguous");
  for (std::size_t i = 0; i < chain.front(); ++i) dp.execute(i);
  // The top starts its rounding lanes from the design seed: it can take a
  // chain that draws only if nothing before it drew.
  const kernels::LaneRandom fresh(d.seed, d.tt.roundingLanes);
  for (int l = 0; l < fresh.lanes(); ++l)
    if (d.tt.rounding == kernels::Rounding::Stochastic && fresh.state(l) != dp.laneRandom().state(l))
      throw UserError("hls-export: --layer " + layer.name +
                      ": stochastic rounding has drawn before this layer's forward pass; the exported top seeds "
                      "its lanes from the design seed, so only a chain that rounds first can be exported (" +
                      std::string(prog.ops[chain.front()].label) + ")");

  // Tensors: the chain's inputs (read before any chain op writes them), its
  // intermediates and its output (the last op's C).
  std::vector<TtStep> steps;
  std::vector<int> inputs, intermediates;
  std::vector<bool> written(prog.tensors.size(), false);
  for (std::size_t i : chain) {
    const tt::ProgOp& op = prog.ops[i];
    for (int t : {op.a.tensor, op.b.tensor})
      if (!written[static_cast<std::size_t>(t)] && std::find(inputs.begin(), inputs.end(), t) == inputs.end())
        inputs.push_back(t);
    written[static_cast<std::size_t>(op.c.tensor)] = true;
    if (i != chain.back()) intermediates.push_back(op.c.tensor);
    steps.push_back(TtStep{&op, kernels::GemmTables::build(models::legContraction(op))});
  }
  const int output = prog.ops[chain.back()].c.tensor;
  std::vector<std::vector<float>> inputWords;
  for (int t : inputs) inputWords.push_back(dp.tensor(t));
  for (std::size_t i : chain) dp.execute(i);
  const std::vector<float> outputWords = dp.tensor(output);
  auto tensorOf = [&](int t) -> const tt::ProgTensor& { return prog.tensors[static_cast<std::size_t>(t)]; };
  auto dataName = [&](int t) {
    std::string n = tensorOf(t).name;
    for (char& c : n)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
  };

  // tt_layer.h: the chain's shapes, tables and formats as constexpr.
  const bool isFloat = d.tt.floatDatapath();
  std::ostringstream h;
  h << "#pragma once\n"
    << "// The forward contraction chain of layer " << layer.name << " of the design " << d.name << " (" << d.file
    << "),\n// as ftsim's TT engine runs it: shapes, the address generators' offset tables, formats.\n"
    << "// Written by `ftsim hls-export`; export again rather than edit.\n\n"
    << "#include <cstdint>\n\n#include \"models/kernels/TtContraction.h\"\n#include \"models/kernels/TtFormat.h\"\n\n"
    << "namespace ftsim_hls {\n\nnamespace k = ftsim::kernels;\n\n"
    << "constexpr int kRows = " << d.tt.peArray.rows << ";  // accelerator.pe_array.rows\n"
    << "constexpr int kDepth = " << d.tt.peArray.depth << ";  // accelerator.pe_array.depth\n"
    << "constexpr std::uint64_t kSeed = " << d.seed << "ull;  // the design seed (rounding lanes)\n"
    << "constexpr int kLanes = " << d.tt.roundingLanes << ";  // accelerator.rounding_lanes\n"
    << "constexpr k::Rounding kRounding = k::Rounding::"
    << (d.tt.rounding == kernels::Rounding::Stochastic ? "Stochastic" : "NearestEven") << ";  // accelerator.rounding\n\n";
  for (int t : inputs)
    h << "constexpr std::uint32_t k" << ttArg(t) << "Words = " << tensorOf(t).elements << ";  // "
      << tensorOf(t).name << " (" << tensorOf(t).format.name() << ")\n";
  for (int t : intermediates)
    h << "constexpr std::uint32_t k" << ttArg(t) << "Words = " << tensorOf(t).elements << ";  // "
      << tensorOf(t).name << " (" << tensorOf(t).format.name() << ", intermediate)\n";
  h << "constexpr std::uint32_t k" << ttArg(output) << "Words = " << tensorOf(output).elements << ";  // "
    << tensorOf(output).name << " (" << tensorOf(output).format.name() << ", output)\n";
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const tt::ProgOp& op = *steps[i].op;
    const kernels::GemmTables& t = steps[i].tables;
    const std::string n = std::to_string(i);
    h << "\n// step " << i << ": " << op.label << "\n"
      << "using Bounds" << n << " = k::TtGemmBounds<" << t.batch << ", " << t.m << ", " << t.k << ", " << t.n << ", "
      << tensorOf(op.a.tensor).elements << ", " << tensorOf(op.b.tensor).elements << ", "
      << tensorOf(op.c.tensor).elements << ">;\n"
      << "constexpr k::TtGemmShape kShape" << n << "{" << t.batch << ", " << t.m << ", " << t.k << ", " << t.n
      << "};\n"
      << "constexpr k::TtFormat kFormat" << n << " = " << ttFormatInit(tensorOf(op.c.tensor).format) << ";  // "
      << tensorOf(op.c.tensor).format.name() << "\n";
    ttTable(h, "kABatch" + n, t.aBatch);
    ttTable(h, "kARow" + n, t.aRow);
    ttTable(h, "kADepth" + n, t.aDepth);
    ttTable(h, "kBBatch" + n, t.bBatch);
    ttTable(h, "kBDepth" + n, t.bDepth);
    ttTable(h, "kBCol" + n, t.bCol);
    ttTable(h, "kCBatch" + n, t.cBatch);
    ttTable(h, "kCRow" + n, t.cRow);
    ttTable(h, "kCCol" + n, t.cCol);
  }
  h << "\n}  // namespace ftsim_hls\n";

  // tt_top.cpp: the chain, each step's result through the rounding unit.
  std::ostringstream sig;
  sig << "void tt_top(";
  for (int t : inputs) sig << "const float " << ttArg(t) << "[ftsim_hls::k" << ttArg(t) << "Words], ";
  sig << "float " << ttArg(output) << "[ftsim_hls::k" << ttArg(output) << "Words])";
  std::ostringstream top;
  top << "// The HLS top of layer " << layer.name << "'s forward pass: the chain of TT contractions ftsim's\n"
      << "// TT engine runs, on its " << d.tt.peArray.rows << " x " << d.tt.peArray.depth
      << " PE array, each result rounded into its tensor's format as the engine's\n"
      << "// rounding unit does (lanes seeded from the design seed, element order across the tensor).\n"
      << "// Written by `ftsim hls-export`.\n"
      << "#include \"models/kernels/HlsSubset.h\"\n\n"
      << "#include \"models/kernels/Lfsr.h\"\n#include \"models/kernels/TtContraction.h\"\n"
      << "#include \"models/kernels/TtQuantizer.h\"\n"
      << "#include \"tt_layer.h\"\n\nusing namespace ftsim_hls;\n\n"
      << sig.str() << " {\n";
  for (int t : intermediates) top << "  static float " << ttArg(t) << "[k" << ttArg(t) << "Words];\n";
  if (!isFloat) top << "  k::LaneRandom rng(kSeed, kLanes);\n";
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const tt::ProgOp& op = *steps[i].op;
    const std::string n = std::to_string(i);
    const std::string tables = "kShape" + n + ", kABatch" + n + ", kARow" + n + ", kADepth" + n + ", kBBatch" + n +
                               ", kBDepth" + n + ", kBCol" + n + ", kCBatch" + n + ", kCRow" + n + ", kCCol" + n;
    top << "  // step " << i << ": " << op.label << "\n";
    if (isFloat) {
      top << "  k::ttGemmFloat<kRows, kDepth, Bounds" << n << ">(" << tables << ", " << ttArg(op.a.tensor) << ", "
          << ttArg(op.b.tensor) << ", " << ttArg(op.c.tensor) << ");\n";
    } else {
      top << "  {\n    static std::int64_t acc[Bounds" << n << "::kC];\n"
          << "    k::ttGemmInt<kRows, kDepth, Bounds" << n << ">(" << tables << ", " << ttArg(op.a.tensor) << ", "
          << ttArg(op.b.tensor) << ", acc);\n"
          << "    k::ttQuantizeAcc<Bounds" << n << "::kC>(acc, Bounds" << n << "::kC, kFormat" << n
          << ", kRounding, rng, " << ttArg(op.c.tensor) << ", 0);\n  }\n";
    }
  }
  top << "}\n";

  // tb.cpp: the chain's inputs and golden output from data/, bit for bit.
  std::ostringstream tb;
  tb << "// C testbench of tt_top: the layer's input and cores as ftsim's TT functional mode held them\n"
     << "// when the forward pass of " << layer.name << " began, and the output it computed (data/*.bin,\n"
     << "// fp32 words). Exit status 0: every word equal; 1: a mismatch; 2: a missing or short file.\n"
     << "// Written by `ftsim hls-export`.\n"
     << "#include <cstdint>\n#include <cstdio>\n#include <cstring>\n#include <string>\n#include <vector>\n\n"
     << "#include \"tt_layer.h\"\n\n" << sig.str() << ";\n\n"
     << "namespace {\n\n"
     << "bool readWords(const std::string& dir, const char* name, std::size_t words, std::vector<float>& out) {\n"
     << "  out.assign(words, 0.0f);\n"
     << "  const std::string path = dir + \"/\" + name + \".bin\";\n"
     << "  std::FILE* f = std::fopen(path.c_str(), \"rb\");\n"
     << "  if (!f) {\n    std::fprintf(stderr, \"error: cannot open %s\\n\", path.c_str());\n    return false;\n  }\n"
     << "  const std::size_t got = std::fread(out.data(), sizeof(float), words, f);\n"
     << "  std::fclose(f);\n"
     << "  if (got != words) {\n"
     << "    std::fprintf(stderr, \"error: %s: %zu words, expected %zu\\n\", path.c_str(), got, words);\n"
     << "    return false;\n  }\n  return true;\n}\n\n}  // namespace\n\n"
     << "int main(int argc, char** argv) {\n"
     << "  const std::string dir = argc > 1 ? argv[1] : \"data\";\n";
  for (int t : inputs)
    tb << "  std::vector<float> " << ttArg(t) << ";\n  if (!readWords(dir, \"" << dataName(t) << "\", ftsim_hls::k"
       << ttArg(t) << "Words, " << ttArg(t) << ")) return 2;\n";
  tb << "  std::vector<float> want;\n  if (!readWords(dir, \"" << dataName(output) << "\", ftsim_hls::k"
     << ttArg(output) << "Words, want)) return 2;\n"
     << "  std::vector<float> got(want.size(), 0.0f);\n  tt_top(";
  for (int t : inputs) tb << ttArg(t) << ".data(), ";
  tb << "got.data());\n"
     << "  std::size_t bad = 0;\n"
     << "  for (std::size_t i = 0; i < want.size(); ++i) {\n"
     << "    std::uint32_t a, b;\n    std::memcpy(&a, &got[i], 4);\n    std::memcpy(&b, &want[i], 4);\n"
     << "    if (a == b) continue;\n"
     << "    if (bad < 5)\n"
     << "      std::printf(\"  " << dataName(output)
     << " word %zu: got %.9g (0x%08x), expected %.9g (0x%08x)\\n\", i, static_cast<double>(got[i]), a,\n"
     << "                  static_cast<double>(want[i]), b);\n"
     << "    ++bad;\n  }\n"
     << "  if (bad) {\n    std::printf(\"" << layer.name
     << " forward: %zu of %zu words differ\\nFAIL\\n\", bad, want.size());\n    return 1;\n  }\n"
     << "  std::printf(\"" << layer.name << " forward: %zu words bit-exact\\nPASS: the chain is bit-exact\\n\", "
     << "want.size());\n  return 0;\n}\n";

  // The project.
  HlsExportResult res;
  res.layer = layer.name;
  ProjectWriter w(o.outDir);
  copyKernels(w, "models/kernels/");  // at their own paths: the TT kernels include each other by them
  w.text("tt_layer.h", h.str());
  w.text("tt_top.cpp", top.str());
  w.text("tb.cpp", tb.str());
  for (std::size_t i = 0; i < inputs.size(); ++i) w.words("data/" + dataName(inputs[i]) + ".bin", inputWords[i]);
  w.words("data/" + dataName(output) + ".bin", outputWords);
  {
    std::ostringstream dir;
    dir << "# Trip counts of the chain's contractions (the kernels' loops end early on the runtime extents).\n"
        << "# Written by `ftsim hls-export`.\n";
    for (std::size_t i = 0; i < steps.size(); ++i)
      dir << "# step " << i << ": " << steps[i].op->label << ": batch " << steps[i].tables.batch << ", m "
          << steps[i].tables.m << ", k " << steps[i].tables.k << ", n " << steps[i].tables.n << "\n";
    w.text("directives.tcl", dir.str());
  }
  w.text("run_hls.tcl", runHlsTcl(d, "tt_top", d.tt.clock.freqMhz(), "accelerator.clock_mhz"));
  w.text("Makefile", makefile("tt_top", "tt_layer.h $(wildcard models/kernels/*.h)"));
  {
    std::ostringstream r;
    r << "# Vitis HLS project: " << d.name << ", TT layer " << layer.name << " (forward)\n\n"
      << "Exported by `ftsim hls-export " << d.file << " --layer " << layer.name
      << "` (docs/hls-export.md in ftsim).\n\n"
      << "## What runs\n\n"
      << "`tt_top` runs the forward pass of " << layer.name << " (" << layer.in.c * layer.in.h * layer.in.w
      << " -> " << layer.out.c * layer.out.h * layer.out.w << ") as ftsim's TT engine does: the chain of "
      << steps.size() << " pairwise contractions the planner chose, on a " << d.tt.peArray.rows << " x "
      << d.tt.peArray.depth << " PE array, " << (isFloat ? "in fp32" : "each product on the accumulator grid and "
      "each result through the rounding unit into its tensor's format") << ".\n\n"
      << "| step | contraction | batch | m | k | n | result format |\n|---|---|---|---|---|---|---|\n";
    for (std::size_t i = 0; i < steps.size(); ++i)
      r << "| " << i << " | " << steps[i].op->label << " | " << steps[i].tables.batch << " | " << steps[i].tables.m
        << " | " << steps[i].tables.k << " | " << steps[i].tables.n << " | "
        << tensorOf(steps[i].op->c.tensor).format.name() << " |\n";
    r << "\n## Files\n\n| file | what |\n|---|---|\n"
      << "| `models/kernels/*.h` | ftsim's `models/kernels/`, verbatim, at the same paths |\n"
      << "| `tt_top.cpp` | the top: the chain of `ttGemm*` calls and the rounding |\n"
      << "| `tt_layer.h` | shapes, offset tables and formats as `constexpr`, from the design |\n"
      << "| `directives.tcl` | the steps' trip counts (no directives yet) |\n"
      << "| `run_hls.tcl` | Vitis HLS: part " << d.board.device << ", clock " << d.tt.clock.freqMhz()
      << " MHz, csim, csynth, cosim, export_design |\n"
      << "| `tb.cpp`, `data/` | C testbench: the layer's input and cores when its forward pass began and the "
         "output ftsim's TT functional mode computed |\n"
      << "| `Makefile` | `make csim` (g++ only), `make hls` |\n\n"
      << "## What to run, what to expect\n\n```\nmake csim\n```\n"
      << "builds the top under the HLS subset flags and the testbench with g++, runs the chain and compares\n"
      << "every output word bit for bit: `" << layer.name << " forward: N words bit-exact` and `PASS`;\n"
      << "exit status 1 on any mismatch, 2 on a missing data file.\n\n"
      << "## Not in this project\n\n"
      << "- The backward and core-gradient contractions, the update, the other layers.\n"
      << "- AXI ports, a block design (`make bitstream` has no build_bd.tcl here) and a host driver.\n";
    w.text("README.md", r.str());
  }
  {
    std::ostringstream j;
    j << "{\n  \"design\": \"" << d.name << "\",\n  \"design_file\": \"" << d.file << "\",\n  \"layer\": \""
      << layer.name << "\",\n  \"seed\": " << d.seed << ",\n  \"steps\": " << steps.size() << "\n}\n";
    w.text("ftsim_export.json", j.str());
  }
  res.files = w.files();
  return res;
}

}  // namespace ftsim::hls

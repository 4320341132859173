#include "sim/resources/ResourceModel.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "sim/config/ConfigNode.h"
#include "sim/resources/EfTrainHlsStructure.h"
#include "sim/core/Units.h"
#include "sim/tt/OnChipBuffers.h"
#include "sim/tt/TrainingMemory.h"
#include "models/tt_engine/TtEngineTiming.h"
#include "sim/tt/TtProgram.h"

namespace ftsim::resources {

namespace {

// RAMB36E2 / RAMB18E2 shapes (UG573; the 7-series UG953 tables give the same
// 36 Kb / 18 Kb aspect ratios, docs/sources.md §6). The 72- and 36-bit
// shapes are simple dual-port only; every ftsim buffer is simple dual-port
// (HLS RAM_S2P_BRAM: one write port for the DMA, one read port for the array).
constexpr RamShape kBramShapes[] = {
    {"RAMB36", 512, 72, 2},   {"RAMB36", 1024, 36, 2}, {"RAMB36", 2048, 18, 2}, {"RAMB36", 4096, 9, 2},
    {"RAMB36", 8192, 4, 2},   {"RAMB36", 16384, 2, 2}, {"RAMB36", 32768, 1, 2},
    {"RAMB18", 512, 36, 1},   {"RAMB18", 1024, 18, 1}, {"RAMB18", 2048, 9, 1},  {"RAMB18", 4096, 4, 1},
    {"RAMB18", 8192, 2, 1},   {"RAMB18", 16384, 1, 1},
};
// URAM288: 4K × 72, one shape (UG949, docs/sources.md §6).
constexpr RamShape kUramShape{"URAM288", 4096, 72, 0};
constexpr double kBram36PerUram = 8.0;  // 288 Kb / 36 Kb

LaneMapping gridOf(const RamShape& s, std::uint64_t depth, int widthBits) {
  LaneMapping m;
  m.shape = s;
  m.depthBlocks = ceilDiv(depth, static_cast<std::uint64_t>(s.depth));
  m.widthBlocks = ceilDiv(static_cast<std::uint64_t>(widthBits), static_cast<std::uint64_t>(s.widthBits));
  return m;
}

ResourceLine& add(ResourceLine& into, const ResourceLine& l) {
  into.dsp += l.dsp;
  into.bram36 += l.bram36;
  into.uram += l.uram;
  into.lut += l.lut;
  into.ff += l.ff;
  return into;
}

ResourceLine ops(const std::string& unit, double count, const BlockCost& c, const std::string& note,
                 const std::string& keyPath) {
  ResourceLine l;
  l.unit = unit;
  l.dsp = count * c.dsp;
  l.bram36 = count * c.bram36;
  l.lut = count * c.lut;
  l.ff = count * c.ff;
  l.note = note;
  l.keyPath = keyPath;
  return l;
}

/// One fp32 multiply-add: a multiplier and an adder of the chosen implementations.
BlockCost fp32MulAdd(const config::DesignConfig& d) {
  const BlockCost& mul = d.board.resourceModel.fp32Mul.at(d.implementation.fp32Mul);
  const BlockCost& add = d.board.resourceModel.fp32Add.at(d.implementation.fp32Add);
  return BlockCost{mul.dsp + add.dsp, mul.lut + add.lut, mul.ff + add.ff, 0};
}

std::string num(double v) {
  std::ostringstream s;
  if (v == std::floor(v)) s << static_cast<long long>(v);
  else s << std::fixed << std::setprecision(1) << v;
  return s.str();
}

/// A lane-partitioned ping-pong buffer: `lanes` × `banks` memories of
/// depth × width, plus the read mux in front of the array (a lane's inputs
/// are its banks times its depth blocks; the mux costs lut_per_bit × width
/// per extra input).
ResourceLine bufferLine(const std::string& unit, std::uint64_t lanes, std::uint64_t depth, int widthBits, int banks,
                        RamKind kind, const config::DesignConfig& d, const std::string& keyPath) {
  const LaneMapping bram = mapLaneToBram(depth, widthBits);
  const LaneMapping uram = mapLaneToUram(depth, widthBits);
  const bool useUram = kind == RamKind::Uram ||
                       (kind == RamKind::Auto && d.board.resources.uram > 0 &&
                        static_cast<double>(uram.blocks()) * kBram36PerUram < bram.bram36());
  const LaneMapping& m = useUram ? uram : bram;
  const auto memories = lanes * static_cast<std::uint64_t>(banks);
  ResourceLine l;
  l.unit = unit;
  if (useUram) l.uram = static_cast<double>(memories * m.blocks());
  else l.bram36 = static_cast<double>(memories * m.halves()) / 2.0;
  const double muxInputs = static_cast<double>(banks) * static_cast<double>(m.depthBlocks);
  l.lut = static_cast<double>(lanes) * widthBits * (muxInputs - 1.0) * d.board.resourceModel.bankMuxLutPerBit;
  l.note = std::to_string(lanes) + " lanes x " + std::to_string(banks) + " banks of " + std::to_string(depth) + "x" +
           std::to_string(widthBits) + " bit: " + m.text() + " each";
  // A buffer placed in URAM by hand is the placement's doing.
  l.keyPath = kind == RamKind::Uram ? "accelerator.implementation." + unit : keyPath;
  return l;
}

void addEfTrainUnits(const config::DesignConfig& d, ResourceEstimate& e) {
  const auto& a = d.accelerator;
  const auto& t = d.board.resourceModel;
  const auto& impl = d.implementation;
  const BlockCost& mul = t.fp32Mul.at(impl.fp32Mul);
  const BlockCost& fadd = t.fp32Add.at(impl.fp32Add);
  // The MAC array's operators and the buffers are those of the exported HLS
  // top (EfTrainHlsStructure, the rules `ftsim hls-export` writes the top
  // from): Tm·Tn multipliers, per output channel a binary adder tree and an
  // accumulator; every buffer lane one memory after ARRAY_PARTITION.
  const EfTrainHlsStructure hls = efTrainHlsStructure(a);
  for (const HlsOperators& o : hls.operators)
    e.lines.push_back(ops(o.unit, o.count, o.multiplier ? mul : fadd,
                          o.note + " " + (o.multiplier ? impl.fp32Mul : impl.fp32Add), o.keyPath));
  // Batch norm's per-channel scale and shift (x·a + b) on each vector lane.
  e.lines.push_back(ops("vector", a.vector.lanes, fp32MulAdd(d),
                        std::to_string(a.vector.lanes) + " lanes x (fmul + fadd)", "accelerator.vector.lanes"));
  for (const HlsArray& arr : hls.arrays) {
    const RamKind kind = arr.unit == "buffers.input"    ? impl.inputBuffer
                         : arr.unit == "buffers.output" ? impl.outputBuffer
                                                        : impl.weightBuffer;
    e.lines.push_back(bufferLine(arr.unit, arr.lanes(), arr.depthWords, arr.widthBits, arr.banks, kind, d, arr.keyPath));
  }
  e.lines.push_back(ops("dma.engines", impl.dmaEngines, t.dmaEngine, std::to_string(impl.dmaEngines) + " AXI DMA",
                        "accelerator.dma"));
  e.lines.push_back(ops("dma.stream_ports", impl.streamPorts, t.streamPort,
                        std::to_string(impl.streamPorts) + " x " + std::to_string(a.dma.streamWidthBits) +
                            "-bit AXI-Stream",
                        "accelerator.dma.stream_width_bits"));
  e.lines.push_back(ops("controller", 1, t.controller, "FSM, address generators, AXI-Lite", "accelerator"));
}

void addTtUnits(const config::DesignConfig& d, ResourceEstimate& e) {
  const auto& c = d.tt;
  const auto& t = d.board.resourceModel;
  const auto& impl = d.implementation;
  const bool fp = c.floatDatapath();
  const int bits = c.multiplierBits();
  const double macs = static_cast<double>(c.peArray.rows) * c.peArray.depth;
  if (fp) {
    e.lines.push_back(ops("pe_array", macs, fp32MulAdd(d),
                          num(macs) + " fp32 MACs (fmul " + impl.fp32Mul + " + fadd " + impl.fp32Add + ")",
                          "accelerator.pe_array.rows"));
    e.lines.push_back(ops("vector", c.vector.lanes, fp32MulAdd(d),
                          std::to_string(c.vector.lanes) + " lanes x (fmul + fadd)", "accelerator.vector.lanes"));
  } else {
    const FixedMacCost& f = bits <= 8 ? t.int8Mac : t.int16Mac;
    ResourceLine pe = ops("pe_array", macs, BlockCost{0, f.lut, f.ff, 0},
                          num(macs) + " " + std::to_string(bits) + "-bit MACs at " + num(f.macsPerDsp) + " per DSP",
                          "accelerator.pe_array.rows");
    pe.dsp = std::ceil(macs / f.macsPerDsp - 1e-9);  // MACs sharing a DSP fill it before the next
    e.lines.push_back(pe);
    // The vector unit's lanes each keep a DSP of their own (TtEngineConfig::vectorDsps).
    e.lines.push_back(ops("vector", c.vector.lanes, BlockCost{1, f.lut, f.ff, 0},
                          std::to_string(c.vector.lanes) + " lanes x one DSP MAC", "accelerator.vector.lanes"));
  }
  // Buffers: the same allocation the engine's own check uses (sim/tt/OnChipBuffers).
  const int maxRank = d.workload.maxRankAt(d.workload.step);
  const tt::TtProgram program = tt::buildProgram(d.workload, models::programOptions(c, maxRank));
  const tt::OnChipAllocation alloc =
      tt::allocateOnChip(tt::analyzeMemory(program), d.board.resources, c.buffers.memory, c.buffers.banks);
  for (const tt::BufferPool& p : alloc.pools) {
    if (p.blocks == 0) continue;
    ResourceLine l;
    l.unit = "buffers." + p.name;
    if (p.uram) l.uram = static_cast<double>(p.blocks);
    else l.bram36 = static_cast<double>(p.blocks) / 2.0;
    l.note = std::to_string(p.bytes) + " bytes in " + std::to_string(c.buffers.banks) + " banks of " +
             (p.uram ? "URAM288" : "RAMB18");
    l.keyPath = "accelerator.buffers";
    e.lines.push_back(l);
  }
  e.lines.push_back(ops("dma.engines", impl.dmaEngines, t.dmaEngine, std::to_string(impl.dmaEngines) + " DMA",
                        "accelerator.dma"));
  e.lines.push_back(ops("dma.stream_ports", impl.streamPorts, t.streamPort,
                        std::to_string(impl.streamPorts) + " x " + std::to_string(c.dma.streamWidthBits) + "-bit",
                        "accelerator.dma.stream_width_bits"));
  e.lines.push_back(ops("controller", 1, t.controller, "FSM, address generators, AXI-Lite", "accelerator"));
}

config::ConfigNode deepestNode(const config::ConfigNode& root, const std::string& keyPath) {
  config::ConfigNode n = root;
  std::istringstream parts(keyPath);
  std::string key;
  while (std::getline(parts, key, '.')) {
    if (!n.isMap() || !n.has(key)) break;
    n = n.at(key);
  }
  return n;
}

}  // namespace

std::string LaneMapping::text() const {
  return std::to_string(blocks()) + " x " + shape.primitive + " " + std::to_string(shape.depth) + "x" +
         std::to_string(shape.widthBits);
}

LaneMapping mapLaneToBram(std::uint64_t depth, int widthBits) {
  LaneMapping best;
  for (const RamShape& s : kBramShapes) {
    const LaneMapping m = gridOf(s, depth, widthBits);
    if (best.shape.depth == 0 || m.halves() < best.halves() ||
        (m.halves() == best.halves() && m.blocks() < best.blocks()))
      best = m;
  }
  return best;
}

LaneMapping mapLaneToUram(std::uint64_t depth, int widthBits) { return gridOf(kUramShape, depth, widthBits); }

double dspPerMac(const ResourceTable& table, const ImplementationConfig& impl, bool fp32, int multiplierBits) {
  if (fp32) return table.fp32Mul.at(impl.fp32Mul).dsp + table.fp32Add.at(impl.fp32Add).dsp;
  return 1.0 / (multiplierBits <= 8 ? table.int8Mac : table.int16Mac).macsPerDsp;
}

namespace {

/// The board's budget, the family's units and their total.
ResourceEstimate estimate(const config::DesignConfig& d, void (*addUnits)(const config::DesignConfig&, ResourceEstimate&)) {
  ResourceEstimate e;
  const auto& r = d.board.resources;
  e.board = d.board.name;
  e.family = d.board.resourceModel.family;
  e.dspType = d.board.resourceModel.dspType;
  e.budgetDsp = static_cast<double>(r.dsp);
  e.budgetBram36 = static_cast<double>(r.bram36);
  e.budgetUram = static_cast<double>(r.uram);
  e.budgetLut = static_cast<double>(r.lut);
  e.budgetFf = static_cast<double>(r.ff);
  addUnits(d, e);
  e.total.unit = "total";
  for (const ResourceLine& l : e.lines) add(e.total, l);
  return e;
}

}  // namespace

ResourceEstimate estimateEfTrainResources(const config::DesignConfig& d) { return estimate(d, addEfTrainUnits); }
ResourceEstimate estimateTtResources(const config::DesignConfig& d) { return estimate(d, addTtUnits); }

void checkResourceBudget(const ResourceEstimate& e, const config::ConfigNode& root) {
  struct Resource {
    const char* name;
    double ResourceLine::*field;
    double budget;
  };
  const Resource resources[] = {{e.dspType.c_str(), &ResourceLine::dsp, e.budgetDsp},
                                {"BRAM36", &ResourceLine::bram36, e.budgetBram36},
                                {"URAM", &ResourceLine::uram, e.budgetUram},
                                {"LUT", &ResourceLine::lut, e.budgetLut},
                                {"FF", &ResourceLine::ff, e.budgetFf}};
  for (const Resource& res : resources) {
    const double used = e.total.*res.field;
    if (used <= res.budget + 1e-9) continue;
    const auto largest = std::max_element(e.lines.begin(), e.lines.end(), [&](const auto& x, const auto& y) {
      return x.*res.field < y.*res.field;
    });
    deepestNode(root, largest->keyPath)
        .fail(std::string(res.name) + " over budget: the design needs " + num(used) + " " + res.name + ", board " +
              e.board + " has " + num(res.budget) + "; largest user " + largest->unit + " (" +
              num((*largest).*res.field) + " " + res.name + ": " + largest->note + ")");
  }
}

void printResourceTable(const ResourceEstimate& e, std::ostream& os) {
  os << "resources (estimate, docs/resources.md; " << e.family << ": DSP counts " << e.dspType
     << " slices; BRAM36 counts a BRAM18 as 0.5):\n";
  os << "  " << std::left << std::setw(24) << "unit" << std::right << std::setw(8) << "DSP" << std::setw(9)
     << "BRAM36" << std::setw(6) << "URAM" << std::setw(10) << "LUT" << std::setw(10) << "FF" << "  note\n";
  auto row = [&](const ResourceLine& l) {
    os << "  " << std::left << std::setw(24) << l.unit << std::right << std::setw(8) << num(std::round(l.dsp))
       << std::setw(9) << num(l.bram36) << std::setw(6) << num(l.uram) << std::setw(10) << num(std::round(l.lut))
       << std::setw(10) << num(std::round(l.ff)) << (l.note.empty() ? "" : "  " + l.note) << "\n";
  };
  for (const ResourceLine& l : e.lines) row(l);
  row(e.total);
  ResourceLine budget;
  budget.unit = "budget (" + e.board + ")";
  budget.dsp = e.budgetDsp;
  budget.bram36 = e.budgetBram36;
  budget.uram = e.budgetUram;
  budget.lut = e.budgetLut;
  budget.ff = e.budgetFf;
  row(budget);
  auto pct = [](double used, double budget) {
    if (budget <= 0) return std::string(used > 0 ? "inf" : "-");
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << 100.0 * used / budget << "%";
    return s.str();
  };
  os << "  " << std::left << std::setw(24) << "used" << std::right << std::setw(8) << pct(e.total.dsp, e.budgetDsp)
     << std::setw(9) << pct(e.total.bram36, e.budgetBram36) << std::setw(6) << pct(e.total.uram, e.budgetUram)
     << std::setw(10) << pct(e.total.lut, e.budgetLut) << std::setw(10) << pct(e.total.ff, e.budgetFf) << "\n";
}

}  // namespace ftsim::resources

#include "sim/resources/ResourceConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::resources {

namespace {

constexpr double kMaxCount = 1e7;

BlockCost blockCost(const config::ConfigNode& n, bool withBram) {
  BlockCost c;
  c.dsp = n.getDouble("dsp", 0.0, 0.0, 64.0);
  c.lut = n.getDouble("lut", 0.0, kMaxCount);
  c.ff = n.getDouble("ff", 0.0, kMaxCount);
  if (withBram) c.bram36 = n.getDouble("bram36", 0.0, 0.0, 1024.0);
  return c;
}

std::map<std::string, BlockCost> implTable(const config::ConfigNode& n) {
  std::map<std::string, BlockCost> m;
  if (!n.isMap() || n.keys().empty()) n.fail("must map HLS implementations (max_dsp, full_dsp, ...) to costs");
  for (const std::string& impl : n.keys()) m[impl] = blockCost(n.at(impl), false);
  return m;
}

FixedMacCost fixedMac(const config::ConfigNode& n) {
  FixedMacCost c;
  c.macsPerDsp = n.getDouble("macs_per_dsp", 0.25, 16.0);
  c.lut = n.getDouble("lut", 0.0, kMaxCount);
  c.ff = n.getDouble("ff", 0.0, kMaxCount);
  return c;
}

RamKind ramKind(const config::ConfigNode& n, const std::string& key) {
  const std::string v = n.getEnum(key, "auto", {"auto", "bram", "uram"});
  return v == "bram" ? RamKind::Bram : v == "uram" ? RamKind::Uram : RamKind::Auto;
}

std::string implChoice(const config::ConfigNode& n, const std::string& key, const std::string& def,
                       const std::map<std::string, BlockCost>& table) {
  if (!n.has(key)) {
    if (!table.count(def)) n.fail("needs `" + key + "`: the board's resource_model has no " + key + "." + def);
    return def;
  }
  const config::ConfigNode v = n.at(key);
  const std::string s = v.asString();
  if (table.count(s)) return s;
  std::string known;
  for (const auto& [impl, cost] : table) known += (known.empty() ? "" : ", ") + impl;
  v.fail("must be one of the board's resource_model." + key + " entries: " + known);
}

}  // namespace

const char* toString(RamKind k) {
  switch (k) {
    case RamKind::Bram: return "bram";
    case RamKind::Uram: return "uram";
    default: return "auto";
  }
}

ResourceTable ResourceTable::fromYaml(const config::ConfigNode& node) {
  ResourceTable t;
  t.family = node.getString("family");
  t.dspType = node.getEnum("dsp_type", {"DSP48E1", "DSP48E2", "DSP58"});
  t.fp32Mul = implTable(node.at("fp32_mul"));
  t.fp32Add = implTable(node.at("fp32_add"));
  const config::ConfigNode fixed = node.at("fixed_mac");
  t.int8Mac = fixedMac(fixed.at("int8"));
  t.int16Mac = fixedMac(fixed.at("int16"));
  t.dmaEngine = blockCost(node.at("dma_engine"), true);
  t.streamPort = blockCost(node.at("stream_port"), false);
  t.controller = blockCost(node.at("controller"), false);
  t.bankMuxLutPerBit = node.getDouble("bank_mux_lut_per_bit", 0.0, 64.0);
  return t;
}

ImplementationConfig ImplementationConfig::fromYaml(const config::ConfigNode& accelerator, const ResourceTable& table,
                                                    bool perBufferPlacement, int defaultDmaEngines,
                                                    int defaultStreamPorts) {
  ImplementationConfig c;
  c.dmaEngines = defaultDmaEngines;
  c.streamPorts = defaultStreamPorts;
  const auto n = accelerator.find("implementation");
  if (!n) {
    if (!table.fp32Mul.count(c.fp32Mul) || !table.fp32Add.count(c.fp32Add))
      accelerator.fail("the board's resource_model has no fp32_mul." + c.fp32Mul + " or fp32_add." + c.fp32Add +
                       " entry: set accelerator.implementation.fp32_mul / fp32_add");
    return c;
  }
  c.fp32Mul = implChoice(*n, "fp32_mul", c.fp32Mul, table.fp32Mul);
  c.fp32Add = implChoice(*n, "fp32_add", c.fp32Add, table.fp32Add);
  c.dmaEngines = static_cast<int>(n->getInt("dma_engines", defaultDmaEngines, 0, 64));
  c.streamPorts = static_cast<int>(n->getInt("stream_ports", defaultStreamPorts, 0, 64));
  if (perBufferPlacement && n->has("buffers")) {
    const config::ConfigNode b = n->at("buffers");
    c.inputBuffer = ramKind(b, "input");
    c.outputBuffer = ramKind(b, "output");
    c.weightBuffer = ramKind(b, "weight");
  }
  return c;
}

}  // namespace ftsim::resources

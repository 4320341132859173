#include "models/accel/EfTrainConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

VectorUnitConfig VectorUnitConfig::fromYaml(const config::ConfigNode& node) {
  VectorUnitConfig c;
  c.lanes = static_cast<int>(node.getInt("lanes", 1, 1024));
  c.pipelineCycles = static_cast<int>(node.getInt("pipeline_cycles", 8, 0, 1024));
  c.fuseRelu = node.getBool("fuse_relu", false);
  return c;
}

const char* toString(TilingConfig::Policy p) {
  return p == TilingConfig::Policy::EfTrain ? "eftrain" : "simulated";
}

TilingConfig TilingConfig::fromYaml(const config::ConfigNode& node) {
  TilingConfig t;
  t.policy = node.getEnum("policy", "eftrain", {"eftrain", "simulated"}) == "eftrain" ? Policy::EfTrain
                                                                                       : Policy::Simulated;
  if (const auto pins = node.find("pin")) {
    if (!pins->isMap()) pins->fail("must be a map of <layer>.<FP|BP|WU>: {tr, m_on, tc}");
    for (const std::string& key : pins->keys()) {
      const config::ConfigNode p = pins->at(key);
      const auto dot = key.rfind('.');
      TilingPin pin;
      pin.layer = dot == std::string::npos ? "" : key.substr(0, dot);
      pin.phase = dot == std::string::npos ? "" : key.substr(dot + 1);
      if (pin.layer.empty() || (pin.phase != "FP" && pin.phase != "BP" && pin.phase != "WU"))
        p.fail("the key must be <layer>.<FP|BP|WU>, e.g. conv3_1.WU");
      if (!p.isMap()) p.fail("must be a map with tr, m_on and/or tc");
      pin.tr = static_cast<int>(p.getInt("tr", 0, 1, 1 << 20));
      pin.mOn = static_cast<int>(p.getInt("m_on", 0, 1, 1 << 20));
      pin.tc = static_cast<int>(p.getInt("tc", 0, 1, 1 << 20));
      if (pin.tr == 0 && pin.mOn == 0 && pin.tc == 0) p.fail("pins nothing: give tr, m_on or tc");
      pin.keyPath = p.path();
      pin.loc = p.loc();
      t.pins.push_back(pin);
    }
  }
  return t;
}

EfTrainConfig EfTrainConfig::fromYaml(const config::ConfigNode& node, double hostDmaStartNs) {
  EfTrainConfig c;
  c.name = node.getString("name");
  node.at("kind");  // the family registry (families/Registry.h) chose this config by it
  c.clock = Clock::fromMhz(node.getDouble("clock_mhz", 1.0, 1000.0));
  c.peArray = PeArrayConfig::fromYaml(node.at("pe_array"));
  c.wordBits = 32;
  c.buffers = BufferConfig::fromYaml(node.at("buffers"));
  const auto defaultStart = static_cast<std::uint64_t>(
      c.clock.cyclesForNs(hostDmaStartNs).value());
  c.dma = DmaConfig::fromYaml(node.at("dma"), defaultStart);
  c.vector = VectorUnitConfig::fromYaml(node.at("vector"));
  if (const auto t = node.find("tiling")) c.tiling = TilingConfig::fromYaml(*t);
  if (const auto pipeline = node.find("pipeline"))
    c.overlap = pipeline->getEnum("overlap", "hls", {"hls", "lockstep"}) == "hls" ? Overlap::Hls : Overlap::Lockstep;
  c.functional = node.getBool("functional", false);

  const config::ConfigNode bufs = node.at("buffers");
  if (c.buffers.weight.tm != c.peArray.tm)
    bufs.at("weight").at("tm").fail("must equal pe_array.tm (" + std::to_string(c.peArray.tm) + ")");
  if (c.buffers.weight.tn != c.peArray.tn)
    bufs.at("weight").at("tn").fail("must equal pe_array.tn (" + std::to_string(c.peArray.tn) + ")");
  if (c.buffers.input.lanes != c.peArray.tn)
    bufs.at("input").at("lanes").fail("must equal pe_array.tn (" + std::to_string(c.peArray.tn) + ")");
  if (c.buffers.output.lanes != c.peArray.tm)
    bufs.at("output").at("lanes").fail("must equal pe_array.tm (" + std::to_string(c.peArray.tm) + ")");
  for (const auto* b : {&c.buffers.input, &c.buffers.output})
    if (b->wordBits != c.wordBits) bufs.fail("buffer word_bits must match the fp32 datapath (32)");
  if (c.vector.lanes > c.peArray.tn)
    node.at("vector").at("lanes").fail("must be <= pe_array.tn (the vector path reads the input buffer lanes)");
  if (c.dma.streamWidthBits % c.wordBits != 0)
    node.at("dma").at("stream_width_bits").fail("must hold a whole number of 32-bit words");
  return c;
}

}  // namespace ftsim::models

#include "models/buffer/BufferConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

FeatureBufferConfig FeatureBufferConfig::fromYaml(const config::ConfigNode& node) {
  FeatureBufferConfig c;
  c.lanes = static_cast<int>(node.getInt("lanes", 1, 1024));
  c.depthWords = static_cast<int>(node.getInt("depth_words", 1, 1 << 24));
  c.banks = static_cast<int>(node.getInt("banks", 2, 1, 2));
  c.wordBits = static_cast<int>(node.getInt("word_bits", 32, 1, 64));
  return c;
}

WeightBufferConfig WeightBufferConfig::fromYaml(const config::ConfigNode& node) {
  WeightBufferConfig c;
  c.tm = static_cast<int>(node.getInt("tm", 1, 1024));
  c.tn = static_cast<int>(node.getInt("tn", 1, 1024));
  c.slots = static_cast<int>(node.getInt("slots", 1, 1 << 20));
  c.kernelWords = static_cast<int>(node.getInt("kernel_words", 1, 1024));
  c.banks = static_cast<int>(node.getInt("banks", 2, 1, 2));
  c.wordBits = static_cast<int>(node.getInt("word_bits", 32, 1, 64));
  return c;
}

BufferConfig BufferConfig::fromYaml(const config::ConfigNode& node) {
  BufferConfig c;
  c.input = FeatureBufferConfig::fromYaml(node.at("input"));
  c.output = FeatureBufferConfig::fromYaml(node.at("output"));
  c.weight = WeightBufferConfig::fromYaml(node.at("weight"));
  return c;
}

}  // namespace ftsim::models

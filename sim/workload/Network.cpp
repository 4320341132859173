#include "sim/workload/Network.h"

#include <map>

#include "sim/config/ConfigNode.h"

namespace ftsim::workload {

using config::ConfigNode;

const char* toString(LayerType t) {
  switch (t) {
    case LayerType::Conv: return "conv";
    case LayerType::Fc: return "fc";
    case LayerType::MaxPool: return "maxpool";
    case LayerType::AvgPool: return "avgpool";
    case LayerType::GlobalAvgPool: return "global_avgpool";
    case LayerType::BatchNorm: return "batchnorm";
    case LayerType::Relu: return "relu";
    case LayerType::Add: return "add";
  }
  return "?";
}

std::uint64_t Layer::paramCount() const {
  switch (type) {
    case LayerType::Conv:
      return static_cast<std::uint64_t>(out.c) * in.c * kernel * kernel;
    case LayerType::Fc:
      return static_cast<std::uint64_t>(out.c) * in.elements();
    case LayerType::BatchNorm:
      return 2ULL * in.c;
    default:
      return 0;
  }
}

std::uint64_t Layer::macsPerImage() const {
  switch (type) {
    case LayerType::Conv:
      return static_cast<std::uint64_t>(out.c) * in.c * kernel * kernel * out.h * out.w;
    case LayerType::Fc:
      return static_cast<std::uint64_t>(out.c) * in.elements();
    default:
      return 0;
  }
}

std::uint64_t Network::paramCount() const {
  std::uint64_t n = 0;
  for (const Layer& l : layers) n += l.paramCount();
  return n;
}

namespace {

LayerType parseType(const ConfigNode& layerNode) {
  static const std::map<std::string, LayerType> kTypes = {
      {"conv", LayerType::Conv},         {"fc", LayerType::Fc},
      {"maxpool", LayerType::MaxPool},   {"avgpool", LayerType::AvgPool},
      {"global_avgpool", LayerType::GlobalAvgPool},
      {"batchnorm", LayerType::BatchNorm}, {"relu", LayerType::Relu},
      {"add", LayerType::Add}};
  const std::string t = layerNode.getEnum(
      "type", {"conv", "fc", "maxpool", "avgpool", "global_avgpool", "batchnorm", "relu", "add"});
  return kTypes.at(t);
}

int outExtent(const ConfigNode& node, int in, int k, int s, int p) {
  const int span = in + 2 * p - k;
  if (span < 0)
    node.fail("kernel " + std::to_string(k) + " is larger than the padded input (" +
              std::to_string(in) + " + 2*" + std::to_string(p) + ")");
  return span / s + 1;
}

}  // namespace

Network Network::fromYaml(const ConfigNode& node) {
  Network net;
  net.name = node.getString("name");
  net.batch = static_cast<int>(node.getInt("batch", 1, 65536));
  const ConfigNode in = node.at("input");
  net.input.c = static_cast<int>(in.getInt("channels", 1, 1 << 20));
  net.input.h = static_cast<int>(in.getInt("height", 1, 1 << 16));
  net.input.w = static_cast<int>(in.getInt("width", 1, 1 << 16));

  std::map<std::string, int> byName;
  const auto items = node.at("layers").items();
  if (items.empty()) node.at("layers").fail("must list at least one layer");
  for (const ConfigNode& ln : items) {
    Layer l;
    l.name = ln.getString("name");
    if (l.name.empty() || byName.count(l.name)) ln.at("name").fail("layer names must be unique and non-empty");
    l.type = parseType(ln);
    const int self = static_cast<int>(net.layers.size());

    // Inputs: `input: name` or `inputs: [a, b]`; default: the previous layer.
    std::vector<std::string> inNames;
    if (auto one = ln.find("input")) inNames.push_back(one->asString());
    if (auto many = ln.find("inputs")) {
      if (!inNames.empty()) many->fail("give either input or inputs, not both");
      for (const ConfigNode& i : many->items()) inNames.push_back(i.asString());
    }
    if (inNames.empty()) {
      l.inputs.push_back(self - 1);
    } else {
      for (const std::string& nm : inNames) {
        if (nm == "image") { l.inputs.push_back(-1); continue; }
        auto it = byName.find(nm);
        if (it == byName.end())
          (ln.find("input") ? *ln.find("input") : *ln.find("inputs"))
              .fail("names no earlier layer (or 'image'): '" + nm + "'");
        l.inputs.push_back(it->second);
      }
    }
    auto shapeOf = [&](int idx) { return idx < 0 ? net.input : net.layers[idx].out; };
    l.in = shapeOf(l.inputs[0]);

    switch (l.type) {
      case LayerType::Conv: {
        l.kernel = static_cast<int>(ln.getInt("kernel", 1, 64));
        l.stride = static_cast<int>(ln.getInt("stride", 1, 1, 64));
        l.pad = static_cast<int>(ln.getInt("pad", 0, 0, 64));
        const int m = static_cast<int>(ln.getInt("out_channels", 1, 1 << 20));
        l.out = Shape{m, outExtent(ln, l.in.h, l.kernel, l.stride, l.pad),
                      outExtent(ln, l.in.w, l.kernel, l.stride, l.pad)};
        break;
      }
      case LayerType::Fc:
        l.out = Shape{static_cast<int>(ln.getInt("out_features", 1, 1 << 24)), 1, 1};
        break;
      case LayerType::MaxPool:
      case LayerType::AvgPool: {
        l.kernel = static_cast<int>(ln.getInt("kernel", 1, 64));
        l.stride = static_cast<int>(ln.getInt("stride", l.kernel, 1, 64));
        l.pad = static_cast<int>(ln.getInt("pad", 0, 0, 64));
        if (l.pad * 2 > l.kernel) ln.at("pad").fail("must be <= kernel/2");
        l.out = Shape{l.in.c, outExtent(ln, l.in.h, l.kernel, l.stride, l.pad),
                      outExtent(ln, l.in.w, l.kernel, l.stride, l.pad)};
        break;
      }
      case LayerType::GlobalAvgPool:
        l.kernel = l.in.h;
        l.out = Shape{l.in.c, 1, 1};
        break;
      case LayerType::BatchNorm:
      case LayerType::Relu:
        l.out = l.in;
        break;
      case LayerType::Add:
        if (l.inputs.size() < 2) ln.fail("an add layer needs `inputs:` naming at least two layers");
        for (int idx : l.inputs)
          if (!(shapeOf(idx) == l.in))
            ln.at("inputs").fail("all inputs of an add must have the same shape");
        l.out = l.in;
        break;
    }
    if (l.type != LayerType::Add && l.inputs.size() != 1)
      ln.at("inputs").fail("only an add layer takes more than one input");

    bool trainableUpstream = false;
    for (int idx : l.inputs)
      if (idx >= 0 && (net.layers[idx].hasWeights() || net.layers[idx].needsInputGrad))
        trainableUpstream = true;
    l.needsInputGrad = trainableUpstream;
    if (l.type == LayerType::Fc) {
      for (int idx : l.inputs) {
        if (idx < 0) net.inputFeedsFc = true;
        else net.layers[idx].feedsFc = true;
      }
    }
    byName[l.name] = self;
    net.layers.push_back(l);
  }
  net.numClasses = static_cast<int>(net.layers.back().out.elements());
  return net;
}

}  // namespace ftsim::workload

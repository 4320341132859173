#include "sim/workload/Network.h"

#include <algorithm>
#include <cstdint>
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
    case LayerType::Concat: return "concat";
    case LayerType::Dropout: return "dropout";
    case LayerType::Relu6: return "relu6";
    case LayerType::TtLinear: return "tt_linear";
    case LayerType::TtEmbedding: return "tt_embedding";
    case LayerType::Attention: return "attention";
    case LayerType::LayerNorm: return "layernorm";
    case LayerType::Gelu: return "gelu";
  }
  return "?";
}

std::uint64_t Layer::paramCount() const {
  switch (type) {
    case LayerType::Conv:
      return static_cast<std::uint64_t>(out.c) * (in.c / groups) * kernel * kernel;
    case LayerType::Fc:
      return static_cast<std::uint64_t>(out.c) * in.elements();
    case LayerType::BatchNorm:
    case LayerType::LayerNorm:
      return 2ULL * in.c;
    case LayerType::TtLinear:
    case LayerType::TtEmbedding:
      return tt.paramCount();
    default:
      return 0;
  }
}

std::uint64_t Layer::macsPerImage() const {
  switch (type) {
    case LayerType::Conv:
      return static_cast<std::uint64_t>(out.c) * (in.c / groups) * kernel * kernel * out.h * out.w;
    case LayerType::Fc:
      return static_cast<std::uint64_t>(out.c) * in.elements();
    default:
      return 0;
  }
}

int Network::maxRankAt(std::int64_t atStep) const {
  int r = 0;
  for (const RankStep& s : rankSchedule)
    if (s.step <= atStep) r = s.maxRank;
  return r;
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
      {"add", LayerType::Add},           {"concat", LayerType::Concat},
      {"dropout", LayerType::Dropout},   {"relu6", LayerType::Relu6}};
  static const std::map<std::string, LayerType> kTtTypes = {
      {"tt_linear", LayerType::TtLinear}, {"tt_embedding", LayerType::TtEmbedding},
      {"attention", LayerType::Attention}, {"layernorm", LayerType::LayerNorm}, {"gelu", LayerType::Gelu}};
  const std::string t = layerNode.getEnum(
      "type", {"conv", "fc", "maxpool", "avgpool", "global_avgpool", "batchnorm", "relu", "add", "concat", "dropout",
               "relu6", "tt_linear", "tt_embedding", "attention", "layernorm", "gelu"});
  return kTypes.count(t) ? kTypes.at(t) : kTtTypes.at(t);
}

/// Zero padding on each side of a conv's or pool's input map.
struct Padding {
  int top = 0, bottom = 0, left = 0, right = 0;
};

int outExtent(const ConfigNode& node, int in, int k, int s, int before, int after) {
  const int span = in + before + after - k;
  if (span < 0)
    node.fail("kernel " + std::to_string(k) + " is larger than the padded input (" + std::to_string(in) + " + " +
              std::to_string(before) + " + " + std::to_string(after) + ")");
  return span / s + 1;
}

/// `padding: valid | same | same_lower | N | [top, bottom, left, right]` (or
/// the older `pad: N`). `same` gives ⌈in/S⌉ outputs with the total padding
/// (out−1)·S + K − in split as ONNX's SAME_UPPER and TensorFlow's SAME do:
/// half before, the odd pixel after (bottom, right); `same_lower` puts the
/// odd pixel before (ONNX's SAME_LOWER).
Padding parsePadding(const ConfigNode& ln, int inH, int inW, int k, int s) {
  if (ln.has("pad") && ln.has("padding")) ln.at("padding").fail("give either `padding` or `pad`, not both");
  if (!ln.has("padding")) {
    const int p = static_cast<int>(ln.getInt("pad", 0, 0, 64));
    return Padding{p, p, p, p};
  }
  const ConfigNode p = ln.at("padding");
  if (p.isSeq()) {
    const std::vector<std::int64_t> v = ln.getIntList("padding", 0, 64);
    if (v.size() != 4) p.fail("a list of paddings must give four sides: [top, bottom, left, right]");
    return Padding{static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]), static_cast<int>(v[3])};
  }
  const std::string v = p.isScalar() ? p.asString() : std::string();
  if (v == "valid") return Padding{};
  if (v == "same" || v == "same_upper" || v == "same_lower") {
    const auto split = [&](int in, int& before, int& after) {
      const int out = (in + s - 1) / s;
      const int total = std::max(0, (out - 1) * s + k - in);
      before = v == "same_lower" ? total - total / 2 : total / 2;
      after = total - before;
    };
    Padding r;
    split(inH, r.top, r.bottom);
    split(inW, r.left, r.right);
    return r;
  }
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
    p.fail("must be valid, same or a number of pixels (0 to 64); or same_lower, or [top, bottom, left, right]");
  const int n = static_cast<int>(ln.getInt("padding", 0, 64));
  return Padding{n, n, n, n};
}

void setPadding(Layer& l, const Padding& p) {
  l.padTop = p.top;
  l.padBottom = p.bottom;
  l.padLeft = p.left;
  l.padRight = p.right;
}

/// `out_modes`/`in_modes` (or the embedding's names), `rank` or `ranks`, and
/// `tt_format: ttm` (cores r×m_k×n_k×r) or `tt` (the output-side cores, then
/// the input-side cores, each r×mode×r).
tt::TtMatrix parseTtMatrix(const ConfigNode& ln, const char* outKey, const char* inKey) {
  tt::TtMatrix t;
  auto modes = [&](const char* key) {
    std::vector<int> v;
    for (std::int64_t m : ln.getIntList(key, 1, 1 << 16)) v.push_back(static_cast<int>(m));
    if (v.empty() || v.size() > 8) ln.at(key).fail("must list 1 to 8 modes");
    return v;
  };
  const std::vector<int> out = modes(outKey), in = modes(inKey);
  const std::string format = ln.getEnum("tt_format", "ttm", {"ttm", "tt"});
  if (format == "ttm") {
    if (out.size() != in.size())
      ln.at(inKey).fail(std::string("a TT-matrix needs as many ") + inKey + " as " + outKey + " (" +
                        std::to_string(out.size()) + ")");
    t.outModes = out;
    t.inModes = in;
  } else {
    for (int m : out) {
      t.outModes.push_back(m);
      t.inModes.push_back(1);
    }
    for (int n : in) {
      t.outModes.push_back(1);
      t.inModes.push_back(n);
    }
  }
  const int d = t.cores();
  if (ln.has("rank") == ln.has("ranks")) ln.fail("give either `rank` (every inner rank) or `ranks` (r_0..r_d)");
  if (ln.has("rank")) {
    const int r = static_cast<int>(ln.getInt("rank", 1, 1 << 16));
    t.ranks.assign(static_cast<std::size_t>(d + 1), r);
    t.ranks.front() = t.ranks.back() = 1;
  } else {
    for (std::int64_t r : ln.getIntList("ranks", 1, 1 << 16)) t.ranks.push_back(static_cast<int>(r));
    if (static_cast<int>(t.ranks.size()) != d + 1)
      ln.at("ranks").fail("must list d+1 = " + std::to_string(d + 1) + " ranks r_0..r_d");
    if (t.ranks.front() != 1 || t.ranks.back() != 1) ln.at("ranks").fail("r_0 and r_d must be 1");
  }
  return t;
}

/// One item of `layers:`, read into `l` (shapes from the layers before it).
void readLayer(Network& net, const std::map<std::string, int>& byName, const ConfigNode& ln, Layer& l) {
  l.name = ln.getString("name");
  if (l.name.empty() || byName.count(l.name)) ln.at("name").fail("layer names must be unique and non-empty");
  l.type = parseType(ln);
  if (ln.at("type").failed()) ln.abandon();  // the keys a layer takes depend on its type
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
      setPadding(l, parsePadding(ln, l.in.h, l.in.w, l.kernel, l.stride));
      const int m = static_cast<int>(ln.getInt("out_channels", 1, 1 << 20));
      l.groups = static_cast<int>(ln.getInt("groups", 1, 1, 1 << 20));
      if (l.in.c % l.groups != 0 || m % l.groups != 0)
        ln.at("groups").fail("must divide both the input channels (" + std::to_string(l.in.c) +
                             ") and out_channels (" + std::to_string(m) + ")");
      l.out = Shape{m, outExtent(ln, l.in.h, l.kernel, l.stride, l.padTop, l.padBottom),
                    outExtent(ln, l.in.w, l.kernel, l.stride, l.padLeft, l.padRight)};
      break;
    }
    case LayerType::Fc:
      l.out = Shape{static_cast<int>(ln.getInt("out_features", 1, 1 << 24)), 1, 1};
      break;
    case LayerType::MaxPool:
    case LayerType::AvgPool: {
      l.kernel = static_cast<int>(ln.getInt("kernel", 1, 64));
      l.stride = static_cast<int>(ln.getInt("stride", l.kernel, 1, 64));
      setPadding(l, parsePadding(ln, l.in.h, l.in.w, l.kernel, l.stride));
      // A window must keep at least one real pixel (a max over padding only
      // would be −∞); PyTorch's pools take at most K/2 on a side.
      if (2 * std::max({l.padTop, l.padBottom, l.padLeft, l.padRight}) > l.kernel)
        ln.at(ln.has("pad") ? "pad" : "padding").fail("must be <= kernel/2");
      l.out = Shape{l.in.c, outExtent(ln, l.in.h, l.kernel, l.stride, l.padTop, l.padBottom),
                    outExtent(ln, l.in.w, l.kernel, l.stride, l.padLeft, l.padRight)};
      break;
    }
    case LayerType::GlobalAvgPool:
      l.kernel = l.in.h;
      l.out = Shape{l.in.c, 1, 1};
      break;
    case LayerType::Dropout:
      l.dropP = static_cast<float>(ln.getDouble("p", 0.5, 0.0, 0.999));
      l.dropSeed = static_cast<std::uint64_t>(ln.getInt("seed", self + 1, 0, INT64_MAX));
      l.out = l.in;
      break;
    case LayerType::Concat: {
      if (l.inputs.size() < 2) ln.fail("a concat layer needs `inputs:` naming at least two layers");
      int c = 0;
      for (int idx : l.inputs) {
        const Shape s = shapeOf(idx);
        if (s.h != l.in.h || s.w != l.in.w)
          ln.at("inputs").fail("all inputs of a concat must have the same height and width (" +
                               std::to_string(l.in.h) + "x" + std::to_string(l.in.w) + ")");
        c += s.c;
      }
      l.out = Shape{c, l.in.h, l.in.w};
      break;
    }
    case LayerType::BatchNorm:
    case LayerType::Relu:
    case LayerType::Relu6:
    case LayerType::LayerNorm:
    case LayerType::Gelu:
      l.out = l.in;
      break;
    case LayerType::TtLinear:
      l.tt = parseTtMatrix(ln, "out_modes", "in_modes");
      if (l.tt.cols() == l.in.elements()) {
        l.out = Shape{static_cast<int>(l.tt.rows()), 1, 1};
      } else if (l.tt.cols() == static_cast<std::uint64_t>(l.in.c)) {
        l.perPosition = true;
        l.out = Shape{static_cast<int>(l.tt.rows()), l.in.h, l.in.w};
      } else {
        ln.at("in_modes").fail("the product of in_modes (" + std::to_string(l.tt.cols()) +
                               ") must equal the input's features (c*h*w = " + std::to_string(l.in.elements()) +
                               ") or, applied per position, its channels (c = " + std::to_string(l.in.c) + ")");
      }
      break;
    case LayerType::TtEmbedding:
      l.tt = parseTtMatrix(ln, "dim_modes", "vocab_modes");
      if (l.inputs[0] != -1 || l.in.c != 1)
        ln.fail("a tt_embedding reads the network input as token ids: input channels must be 1 and the layer "
                "must read 'image'");
      l.perPosition = true;
      l.out = Shape{static_cast<int>(l.tt.rows()), l.in.h, l.in.w};
      break;
    case LayerType::Attention:
      if (l.inputs.size() != 3) ln.fail("an attention layer needs `inputs: [q, k, v]`");
      for (int idx : l.inputs)
        if (!(shapeOf(idx) == l.in)) ln.at("inputs").fail("q, k and v of an attention layer must have the same shape");
      l.heads = static_cast<int>(ln.getInt("heads", 1, 1, 1024));
      if (l.in.c % l.heads != 0) ln.at("heads").fail("must divide the channels (" + std::to_string(l.in.c) + ")");
      l.perPosition = true;
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
  if (l.type != LayerType::Add && l.type != LayerType::Concat && l.type != LayerType::Attention &&
      l.inputs.size() != 1)
    ln.at("inputs").fail("only add and concat layers take more than one input (an attention layer takes q, k "
                         "and v)");

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
}

}  // namespace

const char* toString(Network::Mode m) { return m == Network::Mode::Training ? "training" : "inference"; }

Network Network::fromYaml(const ConfigNode& node) {
  Network net;
  net.name = node.getString("name");
  net.mode = node.getEnum("mode", "training", {"training", "inference"}) == "training" ? Network::Mode::Training
                                                                                       : Network::Mode::Inference;
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
    // Collecting errors, a layer whose checks stop early is still added (its
    // later checks, and the shape checks of later layers, are skipped) so
    // that the keys of every later layer are read and checked.
    ln.guard([&] { readLayer(net, byName, ln, l); });
    byName[l.name] = static_cast<int>(net.layers.size());
    net.layers.push_back(l);
  }
  net.numClasses = static_cast<int>(net.layers.back().out.elements());

  if (auto sched = node.find("rank_schedule")) {
    for (const ConfigNode& e : sched->items()) {
      RankStep rs;
      rs.step = e.getInt("step", 0, INT64_MAX);
      rs.maxRank = static_cast<int>(e.getInt("max_rank", 1, 1 << 16));
      if (!net.rankSchedule.empty()) {
        if (rs.step <= net.rankSchedule.back().step)
          e.at("step").fail("rank_schedule steps must increase (previous entry: step " +
                            std::to_string(net.rankSchedule.back().step) + ")");
        if (rs.maxRank > net.rankSchedule.back().maxRank)
          e.at("max_rank").fail("ranks only shrink during training: must be <= the previous entry's max_rank (" +
                                std::to_string(net.rankSchedule.back().maxRank) + ")");
      }
      net.rankSchedule.push_back(rs);
    }
  }
  net.step = node.getInt("step", 0, 0, INT64_MAX);
  return net;
}

}  // namespace ftsim::workload

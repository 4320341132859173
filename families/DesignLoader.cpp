// DesignConfig::load and fromNode (declared in sim/config/DesignConfig.h):
// the parts every design has, then its family's part, found in the registry.

#include <algorithm>
#include <filesystem>

#include "families/Registry.h"
#include "sim/config/ConfigNode.h"
#include "sim/config/DesignConfig.h"

namespace ftsim::config {

DesignConfig DesignConfig::load(const std::string& path, const std::vector<std::string>& overrides) {
  if (!std::filesystem::is_regular_file(path)) throw UserError(path + ": no such design file");
  ConfigNode root = ConfigNode::loadFile(path);
  for (const std::string& o : overrides) root.applyOverride(o);
  return fromNode(root, path);
}

DesignConfig DesignConfig::fromNode(const ConfigNode& root, const std::string& file) {
  DesignConfig d;
  d.file = file;
  d.name = root.getString("name", std::filesystem::path(file).stem().string());
  d.seed = static_cast<std::uint64_t>(root.getInt("seed", 1, 0, INT64_MAX));
  d.board = BoardConfig::fromYaml(root.at("board"));
  if (const auto m = root.find("measured")) d.measured = MeasuredConfig::fromYaml(*m);
  if (const auto a = root.find("analytical")) d.analytical = AnalyticalConfig::fromYaml(*a);
  const ConfigNode kind = root.at("accelerator").at("kind");
  d.kind = kind.asString();
  d.kindLoc = kind.loc();
  const std::vector<std::string> kinds = families::kinds();
  if (std::find(kinds.begin(), kinds.end(), d.kind) == kinds.end()) {
    std::string list;
    for (const std::string& k : kinds) list += (list.empty() ? "" : ", ") + k;
    kind.fail("must be one of " + list);
  }
  families::find(d.kind).load(d, root);
  return d;
}

}  // namespace ftsim::config

// DesignConfig::load and fromNode (declared in sim/config/DesignConfig.h):
// the parts every design has, then its family's part, found in the registry.

#include <algorithm>
#include <filesystem>

#include "families/Registry.h"
#include "sim/config/ConfigNode.h"
#include "sim/config/DesignConfig.h"

namespace ftsim::config {

DesignConfig DesignConfig::load(const std::string& path, const std::vector<std::string>& overrides) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) throw UserError(path + ": no such design file");
  if (st.type() == fs::file_type::directory) throw UserError(path + ": is a directory, not a design file");
  if (st.type() != fs::file_type::regular)
    throw UserError(path + ": is a special file (a device, pipe or socket), not a design file");
  ConfigNode root = ConfigNode::loadFile(path);
  // Every error of the design is reported at once (ConfigNode::collectErrors).
  root.collectErrors();
  for (const std::string& o : overrides) root.guard([&] { root.applyOverride(o); });
  root.throwIfErrors();
  return fromNode(root, path);
}

DesignConfig DesignConfig::fromNode(const ConfigNode& root, const std::string& file) {
  DesignConfig d;
  d.file = file;
  try {
    d.name = root.getString("name", std::filesystem::path(file).stem().string());
    d.seed = static_cast<std::uint64_t>(root.getInt("seed", 1, 0, INT64_MAX));
    const bool boardOk = root.at("board").guard([&] { d.board = BoardConfig::fromYaml(root.at("board")); });
    if (const auto m = root.find("measured")) m->guard([&] { d.measured = MeasuredConfig::fromYaml(*m); });
    if (const auto a = root.find("analytical")) a->guard([&] { d.analytical = AnalyticalConfig::fromYaml(*a); });
    const ConfigNode kind = root.at("accelerator").at("kind");
    d.kind = kind.asString();
    d.kindLoc = kind.loc();
    const std::vector<std::string> kinds = families::kinds();
    if (std::find(kinds.begin(), kinds.end(), d.kind) == kinds.end()) {
      std::string list;
      for (const std::string& k : kinds) list += (list.empty() ? "" : ", ") + k;
      kind.report("must be one of " + list);  // silent when the kind is missing (already reported)
    }
    // The family's blocks need the board's values and a known kind.
    if (boardOk && std::find(kinds.begin(), kinds.end(), d.kind) != kinds.end())
      root.guard([&] { families::find(d.kind).load(d, root); });
  } catch (const SkippedCheck&) {
    // Skipped only after an error was recorded: thrown below.
  }
  root.throwIfErrors();
  return d;
}

}  // namespace ftsim::config

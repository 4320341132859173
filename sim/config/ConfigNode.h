#pragma once
// A config tree that remembers, for every value, the file and line it came
// from, and, for every map, which keys the program asked for. Typed configs
// read it through ConfigNode; after all of them are built, checkNoUnknownKeys()
// reports any key nobody asked for, suggesting the nearest one that exists.
//
// YAML is read only here (yaml-cpp); nothing else in ftsim sees YAML.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/Error.h"

namespace ftsim::config {

struct TreeNode;

class ConfigNode {
 public:
  ConfigNode(std::shared_ptr<TreeNode> node, std::string path);

  /// Load a YAML file, resolving `include:` (a path or a list of paths,
  /// relative to the including file; included files are merged first and
  /// the including file's own keys override them, maps merging key by key).
  static ConfigNode loadFile(const std::string& path);
  /// Parse YAML text (tests, overrides); `origin` names it in messages.
  static ConfigNode loadString(const std::string& text, const std::string& origin);

  /// Apply a `key.path=value` override; the value is parsed as YAML.
  /// A list item is chosen by index, `workload.layers[3].kernel=5` (or the
  /// older `workload.layers.3.kernel=5`), or by its `name:`,
  /// `workload.layers[conv3_1].out_channels=128`. A bad index or name is a
  /// ConfigError at the list's file and line.
  void applyOverride(const std::string& assignment);
  /// The same, with `origin` (e.g. a sweep file's line) named in messages
  /// and as the location of the value set.
  void applyOverride(const std::string& assignment, const SourceLoc& origin);

  const std::string& path() const { return m_path; }
  SourceLoc loc() const;
  /// The value as written (scalars), or a short form for maps and sequences.
  std::string text() const;

  bool isMap() const;
  bool isSeq() const;
  bool isScalar() const;
  bool isNull() const;

  bool has(const std::string& key) const;
  /// Required child; a missing key is a ConfigError at this map's location.
  ConfigNode at(const std::string& key) const;
  std::optional<ConfigNode> find(const std::string& key) const;
  /// Map keys in file order (all of them count as asked for).
  std::vector<std::string> keys() const;
  /// Sequence items.
  std::vector<ConfigNode> items() const;

  std::int64_t asInt() const;
  double asDouble() const;
  bool asBool() const;
  std::string asString() const;

  // Typed reads with rules. Each violation is a ConfigError naming the rule.
  std::int64_t getInt(const std::string& key, std::int64_t lo, std::int64_t hi) const;
  std::int64_t getInt(const std::string& key, std::int64_t def, std::int64_t lo, std::int64_t hi) const;
  double getDouble(const std::string& key, double lo, double hi) const;
  double getDouble(const std::string& key, double def, double lo, double hi) const;
  bool getBool(const std::string& key, bool def) const;
  std::string getString(const std::string& key) const;
  std::string getString(const std::string& key, const std::string& def) const;
  std::string getEnum(const std::string& key, std::initializer_list<const char*> allowed) const;
  std::string getEnum(const std::string& key, const std::string& def,
                      std::initializer_list<const char*> allowed) const;
  std::vector<std::int64_t> getIntList(const std::string& key, std::int64_t lo, std::int64_t hi) const;

  /// Throw a ConfigError at this node: "file:line: path = value: rule".
  [[noreturn]] void fail(const std::string& rule) const;

  /// Every map key below this node that no typed config asked for is an
  /// error; the message suggests the nearest key that was asked for.
  void checkNoUnknownKeys() const;

 private:
  std::shared_ptr<TreeNode> m_node;
  std::string m_path;
};

/// Edit distance, for "did you mean" suggestions.
std::size_t editDistance(const std::string& a, const std::string& b);

}  // namespace ftsim::config

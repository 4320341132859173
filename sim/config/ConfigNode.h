#pragma once
// A config tree that remembers, for every value, the file and line it came
// from, and, for every map, which keys the program asked for. Typed configs
// read it through ConfigNode; after all of them are built, checkNoUnknownKeys()
// reports any key nobody asked for, suggesting the nearest one that exists.
//
// YAML is read only here (yaml-cpp); nothing else in ftsim sees YAML.

#include <cstdint>
#include <functional>
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
struct Diagnostics;

/// Several config errors found in one load, each "file:line: key = value: rule",
/// sorted by file and line (at most kMaxShown of them listed).
class ConfigErrors : public UserError {
 public:
  static constexpr std::size_t kMaxShown = 20;
  explicit ConfigErrors(const std::vector<std::string>& messages);
  const std::vector<std::string>& messages() const { return m_messages; }

 private:
  std::vector<std::string> m_messages;
};

/// Thrown by fail() while collecting when the check depends on a value that
/// already failed (or on a block with an error): the error is not reported
/// twice. Caught by guard(); never reaches the user.
class SkippedCheck : public std::exception {
 public:
  const char* what() const noexcept override { return "check skipped after an earlier config error"; }
};

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

  // Collecting errors. After collectErrors() on a root, every node read from
  // it records a broken rule instead of throwing: a typed read that fails
  // records "file:line: key = value: rule" and returns a safe value (the
  // default, else the value clamped into its range) so that loading goes on;
  // fail() on a value that failed, or in a top-level block (board,
  // accelerator, workload, ...) that already has an error, throws SkippedCheck,
  // since a cross-field check would only repeat the first error. guard() runs
  // one block's loader and records what it throws; throwIfErrors() throws
  // them all at once (one ConfigError, or ConfigErrors).
  void collectErrors();
  bool collecting() const;
  /// Run `load`, the reader of this block; a ConfigError/UserError it throws
  /// is recorded when collecting (rethrown when not), and the block (unless it
  /// is the root) counts as failed: its keys are not checked for unknown ones,
  /// since its reading stopped early. False when it threw.
  bool guard(const std::function<void()>& load) const;
  /// Record a broken rule at this node (throws ConfigError when not collecting).
  void report(const std::string& rule) const;
  /// True when this value broke a rule (only while collecting).
  bool failed() const;
  /// Collecting: give up reading this map without a further error (its keys
  /// are not checked either) because a value it depends on failed, e.g. a
  /// layer whose `type` is unknown. Throws SkippedCheck; a no-op otherwise.
  void abandon() const;
  bool hasErrors() const;
  void throwIfErrors() const;

 private:
  ConfigNode(std::shared_ptr<TreeNode> node, std::string path, std::shared_ptr<Diagnostics> diag);
  ConfigNode child(std::shared_ptr<TreeNode> node, std::string path) const;
  std::int64_t intIn(std::int64_t lo, std::int64_t hi, std::int64_t fallback) const;
  double doubleIn(double lo, double hi, double fallback) const;
  static std::string getEnumOr(const ConfigNode& n, const std::string& fallback,
                               std::initializer_list<const char*> allowed);
  void record(const SourceLoc& loc, const std::string& keyPath, const std::string& value,
              const std::string& rule) const;

  std::shared_ptr<TreeNode> m_node;
  std::string m_path;
  std::shared_ptr<Diagnostics> m_diag;  ///< set while collecting, shared by every node of the tree
};

/// Edit distance, for "did you mean" suggestions.
std::size_t editDistance(const std::string& a, const std::string& b);

}  // namespace ftsim::config

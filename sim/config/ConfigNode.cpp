#include "sim/config/ConfigNode.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace ftsim::config {

struct TreeNode {
  enum class Kind { Null, Scalar, Map, Seq };
  Kind kind = Kind::Null;
  std::string scalar;
  std::vector<std::pair<std::string, std::shared_ptr<TreeNode>>> map;
  std::vector<std::shared_ptr<TreeNode>> seq;
  SourceLoc loc;
  std::map<std::string, SourceLoc> keyLoc;  // where each map key is written
  std::set<std::string> queried;  // keys the program asked for, present or not
  bool used = false;              // read as a map/sequence by some typed config
  bool failed = false;            // broke a rule (recorded while collecting): later reads are silent

  std::shared_ptr<TreeNode> child(const std::string& key) const {
    for (const auto& [k, v] : map)
      if (k == key) return v;
    return nullptr;
  }
};

/// The errors recorded while collecting, and the top-level blocks they are in.
struct Diagnostics {
  struct Entry {
    std::string file;
    int line = 0;
    std::shared_ptr<UserError> error;
  };
  std::vector<Entry> entries;
  std::set<std::string> taintedBlocks;
};

namespace {

namespace fs = std::filesystem;

/// The top-level block a key path is in: "workload" for workload.layers[3].kernel.
std::string blockOf(const std::string& keyPath) {
  return keyPath.substr(0, keyPath.find_first_of(".["));
}

/// "file:line: ..." -> file and line (0 when the message has no line).
std::pair<std::string, int> locOfMessage(const std::string& msg) {
  const std::string head = msg.substr(0, msg.find(": "));
  const std::size_t colon = head.rfind(':');
  if (colon != std::string::npos && colon + 1 < head.size() &&
      head.find_first_not_of("0123456789", colon + 1) == std::string::npos)
    return {head.substr(0, colon), std::atoi(head.c_str() + colon + 1)};
  return {head, 0};
}
using Kind = TreeNode::Kind;

std::shared_ptr<TreeNode> convert(const YAML::Node& y, const std::string& file) {
  auto n = std::make_shared<TreeNode>();
  const YAML::Mark m = y.Mark();
  n->loc = SourceLoc{file, m.is_null() ? 0 : m.line + 1};
  switch (y.Type()) {
    case YAML::NodeType::Scalar:
      n->kind = Kind::Scalar;
      n->scalar = y.Scalar();
      break;
    case YAML::NodeType::Sequence:
      n->kind = Kind::Seq;
      for (const auto& item : y) n->seq.push_back(convert(item, file));
      break;
    case YAML::NodeType::Map:
      n->kind = Kind::Map;
      for (const auto& kv : y) {
        const std::string key = kv.first.Scalar();
        if (n->child(key))
          throw ConfigError(SourceLoc{file, kv.first.Mark().line + 1}, key, "", "duplicate key");
        n->map.emplace_back(key, convert(kv.second, file));
        n->keyLoc[key] = SourceLoc{file, kv.first.Mark().line + 1};
      }
      break;
    default:
      n->kind = Kind::Null;
  }
  return n;
}

std::shared_ptr<TreeNode> parseYaml(const std::string& text, const std::string& origin) {
  try {
    return convert(YAML::Load(text), origin);
  } catch (const YAML::Exception& e) {
    throw UserError(origin + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
}

std::shared_ptr<TreeNode> cloneTree(const TreeNode& n) {
  auto c = std::make_shared<TreeNode>(n);
  for (auto& kv : c->map) kv.second = cloneTree(*kv.second);
  for (auto& item : c->seq) item = cloneTree(*item);
  return c;
}

/// A config file's tree, parsed once per text: a sweep loads the same design
/// and includes for every point, and yaml-cpp's scanner costs several times a
/// copy of the tree (the includes of a design: ~80% of a load). A file is
/// parsed again whenever its text differs from the text its tree was parsed
/// from; a file that fails to parse is not kept. Callers get their own copy,
/// since loading marks the nodes it reads and overrides replace them.
std::shared_ptr<TreeNode> parseFile(const std::string& text, const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::pair<std::string, std::shared_ptr<const TreeNode>>> byPath;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    const auto it = byPath.find(path);
    if (it != byPath.end() && it->second.first == text) return cloneTree(*it->second.second);
  }
  std::shared_ptr<const TreeNode> parsed = parseYaml(text, path);
  const std::lock_guard<std::mutex> lock(mutex);
  byPath[path] = {text, parsed};
  return cloneTree(*parsed);
}

/// Why `path` cannot be read as a config file ("" when it can): missing,
/// a directory or a special file, each named as such.
std::string unreadable(const std::string& path, const std::string& what) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) return "no such file";
  if (ec) return "cannot read: " + ec.message();
  if (st.type() == fs::file_type::directory) return "is a directory, not a " + what;
  if (st.type() != fs::file_type::regular)
    return "is a special file (a device, pipe or socket), not a " + what;
  return "";
}

std::string readFile(const std::string& path, const SourceLoc& from, const std::string& asWritten) {
  std::string why = unreadable(path, "config file");
  std::ifstream in;
  if (why.empty()) {
    in.open(path);
    if (!in) why = "cannot open file";
  }
  if (!why.empty()) {
    if (from.file.empty()) throw UserError(path + ": " + why);
    std::error_code ec;
    const std::string abs = fs::weakly_canonical(fs::absolute(path, ec), ec).string();
    throw ConfigError(from, "include", asWritten, why + " (resolved to " + abs + ")");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Overlay `over` onto `base`: maps merge key by key, anything else replaces.
void mergeInto(const std::shared_ptr<TreeNode>& base, const std::shared_ptr<TreeNode>& over) {
  for (const auto& [key, value] : over->map) {
    if (over->keyLoc.count(key)) base->keyLoc[key] = over->keyLoc.at(key);
    auto existing = base->child(key);
    if (existing && existing->kind == Kind::Map && value->kind == Kind::Map) {
      mergeInto(existing, value);
    } else if (existing) {
      for (auto& kv : base->map)
        if (kv.first == key) kv.second = value;
    } else {
      base->map.emplace_back(key, value);
    }
  }
  base->loc = over->loc;
}

std::shared_ptr<TreeNode> loadWithIncludes(const std::string& path, const SourceLoc& from,
                                           const std::string& asWritten, std::vector<std::string>& stack) {
  // The cycle check's key; a path the system refuses (a name too long) keeps
  // its written form, and reading it then reports the error with file and key.
  std::error_code ec;
  std::string canon = fs::weakly_canonical(fs::path(path), ec).string();
  if (ec) canon = fs::path(path).lexically_normal().string();
  if (std::find(stack.begin(), stack.end(), canon) != stack.end())
    throw ConfigError(from, "include", asWritten, "include cycle (" + canon + " includes itself)");
  stack.push_back(canon);
  auto root = parseFile(readFile(path, from, asWritten), path);
  if (root->kind == Kind::Null) {
    root->kind = Kind::Map;
    root->loc.line = 1;  // an empty file: its missing keys are named at its first line
  } else if (root->kind != Kind::Map) {
    throw ConfigError(root->loc, "(top level)", "", "a config file must be a map of keys");
  }
  auto merged = std::make_shared<TreeNode>();
  merged->kind = Kind::Map;
  merged->loc = root->loc;
  if (auto inc = root->child("include")) {
    std::vector<std::shared_ptr<TreeNode>> list;
    if (inc->kind == Kind::Scalar) list.push_back(inc);
    else if (inc->kind == Kind::Seq) list = inc->seq;
    else throw ConfigError(inc->loc, "include", "", "must be a path or a list of paths");
    for (const auto& item : list) {
      if (item->kind != Kind::Scalar)
        throw ConfigError(item->loc, "include", "", "must be a path or a list of paths");
      const fs::path rel = fs::path(path).parent_path() / item->scalar;
      mergeInto(merged, loadWithIncludes(rel.lexically_normal().string(), item->loc, item->scalar, stack));
    }
    root->map.erase(std::remove_if(root->map.begin(), root->map.end(),
                                   [](const auto& kv) { return kv.first == "include"; }),
                    root->map.end());
  }
  mergeInto(merged, root);
  stack.pop_back();
  return merged;
}

std::string join(std::initializer_list<const char*> items) {
  std::string s;
  for (const char* i : items) {
    if (!s.empty()) s += ", ";
    s += i;
  }
  return s;
}

std::string fmtNum(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

bool isIndex(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::size_t editDistance(const std::string& a, const std::string& b) {
  // Optimal string alignment: insertions, deletions, substitutions and swaps
  // of two neighbouring letters ("hsl" for "hls") each count 1.
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

ConfigNode::ConfigNode(std::shared_ptr<TreeNode> node, std::string path)
    : m_node(std::move(node)), m_path(std::move(path)) {}

ConfigNode::ConfigNode(std::shared_ptr<TreeNode> node, std::string path, std::shared_ptr<Diagnostics> diag)
    : m_node(std::move(node)), m_path(std::move(path)), m_diag(std::move(diag)) {}

ConfigNode ConfigNode::child(std::shared_ptr<TreeNode> node, std::string path) const {
  return ConfigNode(std::move(node), std::move(path), m_diag);
}

ConfigErrors::ConfigErrors(const std::vector<std::string>& messages)
    : UserError([&] {
        // The program prints "error: " before the first line; every other
        // error gets its own "error: " line, so each one reads alone.
        std::string s;
        for (std::size_t i = 0; i < messages.size() && i < kMaxShown; ++i)
          s += (i ? "\nerror: " : "") + messages[i];
        if (messages.size() > kMaxShown)
          s += "\nerror: ... and " + std::to_string(messages.size() - kMaxShown) + " more";
        return s + "\nerror: " + std::to_string(messages.size()) + " config errors in all; nothing was run";
      }()),
      m_messages(messages) {}

ConfigNode ConfigNode::loadFile(const std::string& path) {
  std::vector<std::string> stack;
  return ConfigNode(loadWithIncludes(path, SourceLoc{}, path, stack), "");
}

ConfigNode ConfigNode::loadString(const std::string& text, const std::string& origin) {
  auto root = parseYaml(text, origin);
  if (root->kind == Kind::Null) root->kind = Kind::Map;
  return ConfigNode(root, "");
}

void ConfigNode::applyOverride(const std::string& assignment) {
  applyOverride(assignment, SourceLoc{"--set " + assignment, 0});
}

namespace {

/// One step of an override's key path: a map key, or a list item chosen by
/// index (`[3]`, or a bare numeric component `.3`) or by its `name:` (`[conv1]`).
struct KeyStep {
  std::string text;
  bool selector = false;  ///< written in brackets
};

std::vector<KeyStep> splitKeyPath(const std::string& keyPath, const SourceLoc& origin) {
  std::vector<KeyStep> steps;
  std::size_t i = 0;
  const auto bad = [&](const std::string& rule) -> void {
    throw ConfigError(origin, keyPath, "", rule);
  };
  while (i < keyPath.size()) {
    if (keyPath[i] == '[') {
      const std::size_t close = keyPath.find(']', i);
      if (close == std::string::npos) bad("unclosed '[' in key path");
      if (close == i + 1) bad("empty '[]' in key path: write an index ([3]) or a layer name ([conv1])");
      if (steps.empty()) bad("'[' must follow the key of a list");
      steps.push_back({keyPath.substr(i + 1, close - i - 1), true});
      i = close + 1;
      if (i < keyPath.size() && keyPath[i] != '.' && keyPath[i] != '[') bad("expected '.' or '[' after ']'");
      if (i < keyPath.size() && keyPath[i] == '.') {
        ++i;
        if (i == keyPath.size()) bad("empty component in key path");
      }
      continue;
    }
    const std::size_t stop = keyPath.find_first_of(".[]", i);
    const std::size_t end = stop == std::string::npos ? keyPath.size() : stop;
    if (end == i) bad(keyPath[i] == ']' ? "']' without '['" : "empty component in key path");
    steps.push_back({keyPath.substr(i, end - i), false});
    i = end;
    if (i < keyPath.size() && keyPath[i] == ']') bad("']' without '['");
    if (i < keyPath.size() && keyPath[i] == '.') {
      ++i;
      if (i == keyPath.size()) bad("empty component in key path");
    }
  }
  return steps;
}

/// The names of a list's items (their `name:` values), for messages.
std::string itemNames(const TreeNode& seq) {
  std::string names;
  for (const auto& item : seq.seq) {
    const auto n = item->kind == Kind::Map ? item->child("name") : nullptr;
    if (n && n->kind == Kind::Scalar) names += (names.empty() ? "" : ", ") + n->scalar;
  }
  return names;
}

/// The item of `seq` that `step` selects; a ConfigError at the list's own
/// file and line when there is none.
std::shared_ptr<TreeNode>& selectItem(TreeNode& seq, const KeyStep& step, const std::string& listPath,
                                      const std::string& origin) {
  const std::string count = std::to_string(seq.seq.size());
  if (isIndex(step.text)) {
    const unsigned long long idx = step.text.size() > 18 ? ~0ULL : std::stoull(step.text);
    if (idx >= seq.seq.size())
      throw ConfigError(seq.loc, listPath + "[" + step.text + "]", "",
                        "index out of range (the list has " + count + " items" +
                            (seq.seq.empty() ? "" : ", 0 to " + std::to_string(seq.seq.size() - 1)) + "; " +
                            origin + ")");
    return seq.seq[idx];
  }
  if (!step.selector)
    throw ConfigError(seq.loc, listPath + "." + step.text, "",
                      "this is a list: select an item by index ([3]) or by name ([conv1]) (" + origin + ")");
  for (auto& item : seq.seq) {
    const auto n = item->kind == Kind::Map ? item->child("name") : nullptr;
    if (n && n->kind == Kind::Scalar && n->scalar == step.text) return item;
  }
  std::string rule = "no item named '" + step.text + "' in this list";
  const std::string names = itemNames(seq);
  std::string best;
  std::size_t bestDist = SIZE_MAX;
  for (const auto& item : seq.seq) {
    const auto n = item->kind == Kind::Map ? item->child("name") : nullptr;
    if (!n || n->kind != Kind::Scalar) continue;
    const std::size_t d = editDistance(step.text, n->scalar);
    if (d < bestDist) { bestDist = d; best = n->scalar; }
  }
  if (!best.empty() && bestDist <= std::max<std::size_t>(2, step.text.size() / 3))
    rule += "; did you mean '" + best + "'?";
  else if (!names.empty())
    rule += " (names: " + names + ")";
  throw ConfigError(seq.loc, listPath + "[" + step.text + "]", "", rule + " (" + origin + ")");
}

}  // namespace

void ConfigNode::applyOverride(const std::string& assignment, const SourceLoc& origin) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UserError(origin.str() + (origin.line > 0 ? ": " + assignment : "") + ": expected key.path=value");
  const std::string keyPath = assignment.substr(0, eq);
  const std::string from = origin.line > 0 ? "set at " + origin.str() : origin.str();
  auto value = parseYaml(assignment.substr(eq + 1), origin.str());
  const std::vector<KeyStep> steps = splitKeyPath(keyPath, origin);
  auto setLoc = [&](const std::shared_ptr<TreeNode>& n, auto&& self) -> void {
    n->loc = origin;
    for (auto& kv : n->map) self(kv.second, self);
    for (auto& s : n->seq) self(s, self);
  };
  setLoc(value, setLoc);

  std::shared_ptr<TreeNode> cur = m_node;
  std::string walked = m_path;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const bool last = i + 1 == steps.size();
    const KeyStep& step = steps[i];
    if (cur->kind == Kind::Seq) {
      std::shared_ptr<TreeNode>& slot = selectItem(*cur, step, walked, from);
      walked += "[" + step.text + "]";
      if (last) slot = value;
      else cur = slot;
      continue;
    }
    if (step.selector)
      throw ConfigError(cur->kind == Kind::Null ? origin : cur->loc, walked + "[" + step.text + "]", "",
                        std::string("'") + walked + "' is " + (cur->kind == Kind::Null ? "not set" : "not a list") +
                            ": [" + step.text + "] selects a list item (" + from + ")");
    walked += (walked.empty() ? "" : ".") + step.text;
    if (cur->kind != Kind::Map) {
      if (cur->kind != Kind::Null)
        throw ConfigError(origin, walked, "", "cannot set a key below a value that is not a map");
      cur->kind = Kind::Map;
    }
    auto next = cur->child(step.text);
    cur->keyLoc[step.text] = origin;
    if (last) {
      if (next) {
        for (auto& kv : cur->map)
          if (kv.first == step.text) kv.second = value;
      } else {
        cur->map.emplace_back(step.text, value);
      }
    } else {
      if (!next) {
        next = std::make_shared<TreeNode>();
        next->kind = steps[i + 1].selector ? Kind::Null : Kind::Map;
        next->loc = origin;
        cur->map.emplace_back(step.text, next);
      }
      cur = next;
    }
  }
}

SourceLoc ConfigNode::loc() const { return m_node->loc; }

std::string ConfigNode::text() const {
  switch (m_node->kind) {
    case Kind::Scalar: return m_node->scalar;
    case Kind::Map: return "{...}";
    case Kind::Seq: return "[...]";
    default: return "null";
  }
}

bool ConfigNode::isMap() const { return m_node->kind == Kind::Map; }
bool ConfigNode::isSeq() const { return m_node->kind == Kind::Seq; }
bool ConfigNode::isScalar() const { return m_node->kind == Kind::Scalar; }
bool ConfigNode::isNull() const { return m_node->kind == Kind::Null; }

void ConfigNode::collectErrors() {
  if (!m_diag) m_diag = std::make_shared<Diagnostics>();
}

bool ConfigNode::collecting() const { return m_diag != nullptr; }

bool ConfigNode::failed() const { return m_diag && m_node->failed; }

void ConfigNode::record(const SourceLoc& loc, const std::string& keyPath, const std::string& value,
                        const std::string& rule) const {
  if (!m_diag) throw ConfigError(loc, keyPath, value, rule);
  auto err = std::make_shared<ConfigError>(loc, keyPath, value, rule);
  for (const auto& e : m_diag->entries)
    if (std::string(e.error->what()) == err->what()) return;
  m_diag->entries.push_back({loc.file, loc.line, err});
  m_diag->taintedBlocks.insert(blockOf(keyPath));
}

void ConfigNode::report(const std::string& rule) const {
  if (failed()) return;
  record(loc(), m_path, m_node->kind == Kind::Null ? "" : text(), rule);
  m_node->failed = true;
}

bool ConfigNode::guard(const std::function<void()>& load) const {
  if (!m_diag) {
    load();
    return true;
  }
  // A block whose reading stopped early: the keys after the stop were never
  // asked for, so they are not reported as unknown.
  struct Abandon {
    const ConfigNode& n;
    bool ok = false;
    ~Abandon() {
      if (!ok && !n.m_path.empty()) n.m_node->failed = true;
    }
  } abandon{*this};
  try {
    load();
    abandon.ok = true;
    return true;
  } catch (const SkippedCheck&) {
  } catch (const ConfigErrors&) {
    // Thrown by throwIfErrors() inside `load`: recorded here already.
  } catch (const ConfigError& e) {
    // A check written as a plain throw: report it unless its block already
    // has an error it may follow from.
    if (!m_diag->taintedBlocks.count(blockOf(e.keyPath()))) {
      const auto [file, line] = locOfMessage(e.what());
      m_diag->entries.push_back({file, line, std::make_shared<ConfigError>(e)});
      m_diag->taintedBlocks.insert(blockOf(e.keyPath()));
    }
  } catch (const UserError& e) {
    // Without a key path it cannot be told apart from a consequence of an
    // earlier error: reported only when it is the first.
    if (m_diag->entries.empty()) {
      const auto [file, line] = locOfMessage(e.what());
      m_diag->entries.push_back({file, line, std::make_shared<UserError>(e)});
    }
  }
  return false;
}

void ConfigNode::abandon() const {
  if (!m_diag) return;
  m_node->failed = true;
  throw SkippedCheck();
}

bool ConfigNode::hasErrors() const { return m_diag && !m_diag->entries.empty(); }

void ConfigNode::throwIfErrors() const {
  if (!hasErrors()) return;
  // By file and line, errors of one line in the order they were found. (An
  // index tie-break rather than std::stable_sort: libstdc++'s temporary
  // buffer is allocated with new(nothrow) and freed through a path that ASan
  // reports as an alloc-dealloc mismatch in the sanitized build.)
  std::vector<std::size_t> order(m_diag->entries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    const auto& a = m_diag->entries[i];
    const auto& b = m_diag->entries[j];
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return i < j;
  });
  std::vector<Diagnostics::Entry> entries;
  entries.reserve(order.size());
  for (std::size_t i : order) entries.push_back(m_diag->entries[i]);
  if (entries.size() == 1) {
    if (const auto* ce = dynamic_cast<const ConfigError*>(entries[0].error.get())) throw *ce;
    throw *entries[0].error;
  }
  std::vector<std::string> messages;
  for (const auto& e : entries) messages.push_back(e.error->what());
  throw ConfigErrors(messages);
}

bool ConfigNode::has(const std::string& key) const { return find(key).has_value(); }

std::optional<ConfigNode> ConfigNode::find(const std::string& key) const {
  if (failed()) return std::nullopt;
  if (m_node->kind != Kind::Map) {
    if (m_node->kind == Kind::Null) return std::nullopt;
    report("must be a map of keys");
    return std::nullopt;
  }
  m_node->used = true;
  m_node->queried.insert(key);
  auto c = m_node->child(key);
  if (!c) return std::nullopt;
  return child(c, m_path.empty() ? key : m_path + "." + key);
}

ConfigNode ConfigNode::at(const std::string& key) const {
  auto c = find(key);
  if (c) return *c;
  const std::string keyPath = m_path.empty() ? key : m_path + "." + key;
  if (!failed()) {
    // A key of this map close to the missing one is most likely it, misspelt.
    std::string rule = "required key is missing";
    if (m_node->kind == Kind::Map) {
      std::string best;
      std::size_t bestDist = SIZE_MAX;
      for (const auto& kv : m_node->map) {
        const std::size_t dist = editDistance(kv.first, key);
        if (dist < bestDist) { bestDist = dist; best = kv.first; }
      }
      if (!best.empty() && bestDist <= std::max<std::size_t>(2, key.size() / 3)) {
        const auto kl = m_node->keyLoc.find(best);
        rule += "; '" + best + "'" + (kl != m_node->keyLoc.end() ? " (" + kl->second.str() + ")" : std::string()) +
                " looks like a misspelling of it";
      }
    }
    record(loc(), keyPath, "", rule);
  }
  // Collecting: an empty stand-in, already failed, so that reads of it stay silent.
  auto missing = std::make_shared<TreeNode>();
  missing->loc = loc();
  missing->failed = true;
  return child(missing, keyPath);
}

std::vector<std::string> ConfigNode::keys() const {
  if (m_node->kind == Kind::Null || failed()) return {};
  if (m_node->kind != Kind::Map) {
    report("must be a map of keys");
    return {};
  }
  m_node->used = true;
  std::vector<std::string> out;
  for (const auto& kv : m_node->map) {
    out.push_back(kv.first);
    m_node->queried.insert(kv.first);
  }
  return out;
}

std::vector<ConfigNode> ConfigNode::items() const {
  if (m_node->kind == Kind::Null || failed()) return {};
  if (m_node->kind != Kind::Seq) {
    report("must be a list");
    return {};
  }
  m_node->used = true;
  std::vector<ConfigNode> out;
  for (std::size_t i = 0; i < m_node->seq.size(); ++i)
    out.push_back(child(m_node->seq[i], m_path + "[" + std::to_string(i) + "]"));
  return out;
}

std::int64_t ConfigNode::asInt() const {
  if (failed()) return 0;
  const std::string& s = m_node->scalar;
  errno = 0;
  char* end = nullptr;
  const long long v = m_node->kind == Kind::Scalar ? std::strtoll(s.c_str(), &end, 0) : 0;
  if (m_node->kind != Kind::Scalar || s.empty() || *end != '\0' || errno == ERANGE) {
    report("must be an integer");
    return 0;
  }
  return v;
}

double ConfigNode::asDouble() const {
  if (failed()) return 0.0;
  const std::string& s = m_node->scalar;
  char* end = nullptr;
  const double v = m_node->kind == Kind::Scalar ? std::strtod(s.c_str(), &end) : 0.0;
  if (m_node->kind != Kind::Scalar || s.empty() || *end != '\0' || !std::isfinite(v)) {
    report("must be a number");
    return 0.0;
  }
  return v;
}

bool ConfigNode::asBool() const {
  if (failed()) return false;
  if (m_node->kind == Kind::Scalar) {
    const std::string& s = m_node->scalar;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  report("must be true or false");
  return false;
}

std::string ConfigNode::asString() const {
  if (failed()) return "";
  if (m_node->kind != Kind::Scalar) {
    report("must be a string");
    return "";
  }
  return m_node->scalar;
}

namespace {

/// The value of an integer read that failed while collecting: the default
/// when there is one, else 1 (a safe divisor) clamped into the range.
std::int64_t fallbackInt(std::int64_t lo, std::int64_t hi) { return std::clamp<std::int64_t>(1, lo, hi); }

}  // namespace

std::int64_t ConfigNode::intIn(std::int64_t lo, std::int64_t hi, std::int64_t fallback) const {
  const std::int64_t v = asInt();
  if (failed()) return fallback;
  if (v < lo) report("must be >= " + std::to_string(lo));
  else if (v > hi) report("must be <= " + std::to_string(hi));
  return failed() ? fallback : v;
}

double ConfigNode::doubleIn(double lo, double hi, double fallback) const {
  const double v = asDouble();
  if (failed()) return fallback;
  if (v < lo) report("must be >= " + fmtNum(lo));
  else if (v > hi) report("must be <= " + fmtNum(hi));
  return failed() ? fallback : v;
}

std::int64_t ConfigNode::getInt(const std::string& key, std::int64_t lo, std::int64_t hi) const {
  return at(key).intIn(lo, hi, fallbackInt(lo, hi));
}

std::int64_t ConfigNode::getInt(const std::string& key, std::int64_t def, std::int64_t lo,
                                std::int64_t hi) const {
  const auto n = find(key);
  return n ? n->intIn(lo, hi, def) : def;
}

double ConfigNode::getDouble(const std::string& key, double lo, double hi) const {
  return at(key).doubleIn(lo, hi, std::clamp(1.0, lo, hi));
}

double ConfigNode::getDouble(const std::string& key, double def, double lo, double hi) const {
  const auto n = find(key);
  return n ? n->doubleIn(lo, hi, def) : def;
}

bool ConfigNode::getBool(const std::string& key, bool def) const {
  auto n = find(key);
  if (!n) return def;
  const bool v = n->asBool();
  return n->failed() ? def : v;
}

std::string ConfigNode::getString(const std::string& key) const { return at(key).asString(); }

std::string ConfigNode::getString(const std::string& key, const std::string& def) const {
  auto n = find(key);
  if (!n) return def;
  const std::string v = n->asString();
  return n->failed() ? def : v;
}

std::string ConfigNode::getEnum(const std::string& key, std::initializer_list<const char*> allowed) const {
  return getEnumOr(at(key), *allowed.begin(), allowed);
}

std::string ConfigNode::getEnum(const std::string& key, const std::string& def,
                                std::initializer_list<const char*> allowed) const {
  const auto n = find(key);
  return n ? getEnumOr(*n, def, allowed) : def;
}

std::string ConfigNode::getEnumOr(const ConfigNode& n, const std::string& fallback,
                                  std::initializer_list<const char*> allowed) {
  const std::string v = n.asString();
  if (n.failed()) return fallback;
  for (const char* a : allowed)
    if (v == a) return v;
  std::string rule = "must be one of " + join(allowed);
  std::string best;
  std::size_t bestDist = SIZE_MAX;
  for (const char* a : allowed) {
    const std::size_t d = editDistance(v, a);
    if (d < bestDist) { bestDist = d; best = a; }
  }
  // Close: one edit in a short word, two (a swapped pair) from four letters on.
  if (bestDist <= std::max<std::size_t>(v.size() >= 4 ? 2 : 1, v.size() / 3))
    rule += " (did you mean '" + best + "'?)";
  n.report(rule);
  return fallback;
}

std::vector<std::int64_t> ConfigNode::getIntList(const std::string& key, std::int64_t lo,
                                                 std::int64_t hi) const {
  std::vector<std::int64_t> out;
  for (const ConfigNode& item : at(key).items()) out.push_back(item.intIn(lo, hi, fallbackInt(lo, hi)));
  return out;
}

void ConfigNode::fail(const std::string& rule) const {
  if (m_diag && (failed() || m_diag->taintedBlocks.count(blockOf(m_path)))) throw SkippedCheck();
  throw ConfigError(loc(), m_path, m_node->kind == Kind::Null ? "" : text(), rule);
}

void ConfigNode::checkNoUnknownKeys() const {
  if (!m_node->used || failed()) return;
  if (m_node->kind == Kind::Seq) {
    for (const ConfigNode& item : items()) item.checkNoUnknownKeys();
    return;
  }
  if (m_node->kind != Kind::Map) return;
  for (const auto& [key, value] : m_node->map) {
    const std::string childPath = m_path.empty() ? key : m_path + "." + key;
    if (m_node->queried.count(key) == 0) {
      std::string best;
      std::size_t bestDist = SIZE_MAX;
      for (const std::string& q : m_node->queried) {
        const std::size_t d = editDistance(key, q);
        if (d < bestDist) { bestDist = d; best = q; }
      }
      std::string rule = "unknown key '" + key + "'";
      if (!best.empty() && bestDist <= std::max<std::size_t>(2, key.size() / 3)) {
        rule += " (did you mean '" + best + "'?)";
      } else if (!m_node->queried.empty()) {
        rule += " (valid keys here:";
        for (const std::string& q : m_node->queried) rule += " " + q;
        rule += ")";
      }
      const auto kl = m_node->keyLoc.find(key);
      // Recorded under the map's path, so that the key itself is never
      // taken for a block with an error (it is one of its own).
      const SourceLoc where = kl != m_node->keyLoc.end() ? kl->second : value->loc;
      if (!m_diag) throw ConfigError(where, m_path.empty() ? "(top level)" : m_path, "", rule);
      record(where, m_path.empty() ? "(top level)" : m_path, "", rule);
      continue;
    }
    child(value, childPath).checkNoUnknownKeys();
  }
}

}  // namespace ftsim::config

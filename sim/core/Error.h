#pragma once
// User errors (bad config, CLI flag or input file) are thrown as UserError and
// turned into a message and exit code 2 by the program. Simulator bugs go
// through FTSIM_ASSERT, which throws InternalError (a SystemC fatal error in
// the program, a test failure in tests). Library code never calls exit.

#include <stdexcept>
#include <string>

namespace ftsim {

/// Where a config value came from: a file and 1-based line, or a CLI flag.
struct SourceLoc {
  std::string file;  ///< path as given, or "--set" for command-line overrides
  int line = 0;      ///< 1-based; 0 when unknown
  std::string str() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

/// An error the user can fix: the message names the file, line, key and rule.
class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& msg) : std::runtime_error(msg) {}
};

/// A config value that breaks a rule: "file:line: key.path = value: rule".
class ConfigError : public UserError {
 public:
  ConfigError(const SourceLoc& loc, const std::string& keyPath, const std::string& value,
              const std::string& rule)
      : UserError(format(loc, keyPath, value, rule)), m_keyPath(keyPath), m_rule(rule) {}
  const std::string& keyPath() const { return m_keyPath; }
  const std::string& rule() const { return m_rule; }

 private:
  static std::string format(const SourceLoc& loc, const std::string& keyPath,
                            const std::string& value, const std::string& rule) {
    std::string s = loc.str() + ": " + keyPath;
    if (!value.empty()) s += " = " + value;
    return s + ": " + rule;
  }
  std::string m_keyPath;
  std::string m_rule;
};

/// A broken invariant inside the simulator.
class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& msg) : std::logic_error(msg) {}
};

[[noreturn]] void panic(const char* file, int line, const std::string& msg);

}  // namespace ftsim

#define FTSIM_ASSERT(cond, msg)                                            \
  do {                                                                     \
    if (!(cond)) ::ftsim::panic(__FILE__, __LINE__, std::string("assertion `" #cond "` failed: ") + (msg)); \
  } while (0)

#include "traces/OutputSet.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "sim/core/Error.h"
#include "traces/AtomicFile.h"

namespace ftsim::traces {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

const char* const kStagingPrefix = ".ftsim-run.";
const char* const kStagingSuffix = ".tmp";

std::string hostName() {
  char h[256] = {};
  if (::gethostname(h, sizeof h - 1) != 0 || !h[0]) return "localhost";
  std::string s(h);
  // The name is part of a file name: keep it to characters that need no quoting.
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) c = '_';
  return s;
}

std::string reason(int err) { return std::strerror(err); }

/// The pid of a staging directory of this host ("" when `name` is none).
long stagingPid(const std::string& name, const std::string& host) {
  const std::string prefix = kStagingPrefix + host + ".";
  const std::string suffix = kStagingSuffix;
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return 0;
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return 0;
  return std::stol(digits);
}

void syncPath(const std::string& path, bool directory, const std::string& what) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) throw UserError(what + ": cannot sync " + path + ": " + reason(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw UserError(what + ": cannot sync " + path + ": " + reason(err));
}

/// Sync every file and directory under `root` (and `root`), children first.
void syncTree(const std::string& root, const std::string& what) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory()) syncPath(it->path().string(), true, what);
    else if (it->is_regular_file()) syncPath(it->path().string(), false, what);
  }
  if (ec) throw UserError(what + ": cannot read " + root + ": " + ec.message());
  syncPath(root, true, what);
}

std::uint64_t fnv1a64(const std::string& path, std::uint64_t& bytes, const std::string& what) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw UserError(what + ": cannot read " + path + ": " + reason(errno));
  std::uint64_t h = 14695981039346656037ull;
  bytes = 0;
  unsigned char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    for (std::size_t i = 0; i < n; ++i) h = (h ^ buf[i]) * 1099511628211ull;
    bytes += n;
  }
  const bool err = std::ferror(f) != 0;
  std::fclose(f);
  if (err) throw UserError(what + ": cannot read " + path);
  return h;
}

/// The manifest of the staged set: every file, by its path relative to the
/// set's root, sorted, with its size and checksum.
std::string manifestJson(const std::string& staging, const std::string& setName, const std::string& what) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(staging, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) files.push_back(fs::relative(it->path(), staging).generic_string());
  if (ec) throw UserError(what + ": cannot read " + staging + ": " + ec.message());
  std::sort(files.begin(), files.end());
  Json j;
  j["schema"] = "ftsim.manifest/1";
  j["set"] = setName;
  Json list = Json::array();
  for (const std::string& f : files) {
    std::uint64_t bytes = 0;
    const std::uint64_t h = fnv1a64(staging + "/" + f, bytes, what);
    char hex[19];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    list.push_back(Json{{"path", f}, {"bytes", bytes}, {"fnv1a64", hex}});
  }
  j["files"] = list;
  return j.dump(1) + "\n";
}

/// The top-level names of the set an existing manifest lists (none when it
/// is missing or unreadable: then nothing of an earlier set is removed).
std::vector<std::string> previousTopLevel(const std::string& manifestPath) {
  std::vector<std::string> names;
  std::ifstream in(manifestPath);
  if (!in) return names;
  try {
    const Json j = Json::parse(in);
    for (const Json& f : j.at("files")) {
      const std::string p = f.at("path").get<std::string>();
      const std::string top = p.substr(0, p.find('/'));
      // Only plain names inside the directory: a manifest never reaches out.
      if (top.empty() || top == "." || top == ".." || top.rfind(kStagingPrefix, 0) == 0) continue;
      if (std::find(names.begin(), names.end(), top) == names.end()) names.push_back(top);
    }
  } catch (const std::exception&) {
    names.clear();
  }
  return names;
}

/// An exclusive flock of the directory while the set is moved into place;
/// readers may take a shared one to read a set without a commit under way.
class DirLock {
 public:
  DirLock(const std::string& dir, const std::string& what) : m_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY)) {
    if (m_fd < 0) throw UserError(what + ": cannot open " + dir + ": " + reason(errno));
    while (::flock(m_fd, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(m_fd);
      throw UserError(what + ": cannot lock " + dir + ": " + reason(err));
    }
  }
  ~DirLock() { ::close(m_fd); }
  int fd() const { return m_fd; }

 private:
  int m_fd;
};

void renameOrThrow(const std::string& from, const std::string& to, const std::string& what) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw UserError(what + ": cannot move " + from + " to " + to + ": " + reason(errno));
}

}  // namespace

std::string OutputSet::stagingName(long pid) {
  return kStagingPrefix + hostName() + "." + std::to_string(pid) + kStagingSuffix;
}

std::string OutputSet::stagingPath(const std::string& dir) { return dir + "/" + stagingName(::getpid()); }

OutputSet::OutputSet(std::string dir, std::string setName, const std::string& flag)
    : m_dir(std::move(dir)), m_setName(std::move(setName)) {
  // The directories this run is about to make, innermost first, so that a
  // run that fails before its commit removes them again.
  fs::path p = fs::path(m_dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "out/" names "out"
  while (!p.empty()) {
    std::error_code ec;
    if (fs::symlink_status(p, ec).type() != fs::file_type::not_found) break;
    m_created.push_back(p.string());
    if (!p.has_parent_path() || p.parent_path() == p) break;
    p = p.parent_path();
  }
  try {
    open(flag);
  } catch (...) {
    removeCreated();
    throw;
  }
}

void OutputSet::open(const std::string& flag) {
  const std::string what = flag + " " + m_dir;
  std::error_code ec;
  fs::create_directories(m_dir, ec);
  if (ec) throw UserError(what + ": cannot create the output directory: " + ec.message());
  if (!fs::is_directory(m_dir)) throw UserError(what + ": not a directory");
  // The probe: what the commit will do, create and remove a file here.
  const std::string probe = m_dir + "/.ftsim-probe." + hostName() + "." + std::to_string(::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw UserError(what + ": cannot write in the output directory: " + reason(errno));
  ::close(fd);
  if (::unlink(probe.c_str()) != 0)
    throw UserError(what + ": cannot remove a file from the output directory: " + reason(errno));

  // Staging directories of processes of this host that are gone (killed,
  // crashed, or stopped by a second signal): nothing will commit them.
  const std::string host = hostName();
  for (fs::directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const long pid = stagingPid(name, host);
    if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
    }
  }
  m_staging = stagingPath(m_dir);
  fs::remove_all(m_staging, ec);  // our own pid's: a dead process's whose pid came back
  if (::mkdir(m_staging.c_str(), 0755) != 0)
    throw UserError(what + ": cannot create " + m_staging + ": " + reason(errno));
}

void OutputSet::removeCreated() const {
  // rmdir removes only an empty directory: one that another run is using
  // (its staging directory inside) or that holds anything else stays.
  for (const std::string& d : m_created)
    if (::rmdir(d.c_str()) != 0) break;
}

OutputSet::~OutputSet() {
  std::error_code ec;
  if (!m_staging.empty()) fs::remove_all(m_staging, ec);
  if (!m_committed) removeCreated();
}

void OutputSet::commit() {
  const std::string what = "output directory " + m_dir;
  FTSIM_ASSERT(!m_committed, "an output set committed twice");
  const std::string manifest = manifestJson(m_staging, m_setName, what);
  syncTree(m_staging, what);

  std::vector<std::string> entries;
  std::error_code ec;
  for (fs::directory_iterator it(m_staging, ec), end; !ec && it != end; it.increment(ec))
    entries.push_back(it->path().filename().string());
  if (ec) throw UserError(what + ": cannot read " + m_staging + ": " + ec.message());
  std::sort(entries.begin(), entries.end());

  const DirLock lock(m_dir, what);
  const std::string manifestPath = m_dir + "/" + manifestName();
  const std::vector<std::string> previous = previousTopLevel(manifestPath);
  // From here until the new manifest is in place the directory holds no
  // complete set of this name, and says so by having no manifest.
  if (::unlink(manifestPath.c_str()) != 0 && errno != ENOENT)
    throw UserError(what + ": cannot remove " + manifestPath + ": " + reason(errno));
  syncPath(m_dir, true, what);
  const std::string trash = m_staging + "/.previous";
  if (::mkdir(trash.c_str(), 0755) != 0) throw UserError(what + ": cannot create " + trash + ": " + reason(errno));
  for (const std::string& e : entries) {
    const std::string target = m_dir + "/" + e;
    struct stat st;
    // A directory (weights/, activations/) cannot be renamed over a full one:
    // the old one moves aside first. A file is replaced in one rename.
    if (::lstat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) renameOrThrow(target, trash + "/" + e, what);
    renameOrThrow(m_staging + "/" + e, target, what);
  }
  for (const std::string& e : previous) {
    if (std::find(entries.begin(), entries.end(), e) != entries.end() || e == manifestName()) continue;
    const std::string target = m_dir + "/" + e;
    if (::access(target.c_str(), F_OK) == 0) renameOrThrow(target, trash + "/" + e, what);
  }
  const std::string staged = m_staging + "/" + manifestName();
  writeFileAtomically(staged, manifest);
  syncPath(staged, false, what);
  renameOrThrow(staged, manifestPath, what);
  syncPath(m_dir, true, what);
  m_committed = true;
}

}  // namespace ftsim::traces

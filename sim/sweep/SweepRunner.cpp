#include "sim/sweep/SweepRunner.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "sim/core/Interrupt.h"
#include "sim/sweep/PointCheck.h"
#include "sim/sweep/SweepResults.h"
#include "traces/AtomicFile.h"

namespace ftsim::sweep {

namespace {

namespace fs = std::filesystem;

/// How often the sweep looks for finished points and for SIGINT/SIGTERM
/// while points run: a point takes hundreds of ms at least.
constexpr long kPollNs = 10'000'000;

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The last non-empty line of a log, without the program's "error: " prefix.
std::string lastLine(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  if (last.rfind("error: ", 0) == 0) last = last.substr(7);
  return last;
}

/// A point's temporary directory: hidden, named after the point, this host
/// and process, so shards and restarts never share one.
std::string tempDirFor(const std::string& outDir, const Point& p) {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return pointsDir(outDir) + "/." + p.id + ".tmp." + host + "." + std::to_string(::getpid());
}

/// Move a finished point into place. If another process finished the same
/// point first, its result stands and ours is dropped.
void publish(const std::string& tmp, const std::string& finalDir) {
  std::error_code ec;
  fs::rename(tmp, finalDir, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    if (!fs::exists(finalDir)) throw UserError(finalDir + ": cannot write the point's directory");
  }
}

void writeRecord(const SweepSpec& spec, const std::string& outDir, const Point& p, const PointRecord& r,
                 const std::string& tmp) {
  std::error_code ec;
  fs::create_directories(tmp, ec);
  if (ec) throw UserError(tmp + ": cannot create: " + ec.message());
  traces::writeFileAtomically(tmp + "/point.json", pointJson(spec, p, r));
  publish(tmp, pointDir(outDir, p));
}

struct Running {
  const Point* point;
  std::string tmp;
  PointRecord check;  ///< the in-process check's record (its resource estimate)
};

pid_t spawnRun(const RunOptions& o, const SweepSpec& spec, const Point& p, const std::string& tmp) {
  std::vector<std::string> args = {o.ftsimPath, "run", spec.design, "--out", tmp, "--quiet", "--log-level", "error"};
  for (const Assignment& a : spec.overrides(p)) {
    args.push_back("--set");
    args.push_back(a.text());
  }
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string log = tmp + "/run.log";
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw UserError(std::string("cannot start a point: fork: ") + std::strerror(errno));
  if (pid == 0) {
    // A point never outlives its sweep: when the sweep dies (kill -9
    // included) the kernel kills its points, and a resumed sweep runs them again.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "error: cannot start %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  return pid;
}

/// What a finished `ftsim run` process leaves as the point's record.
PointRecord recordOfRun(int status, const Running& r) {
  PointRecord rec = r.check;
  const std::string log = readAll(r.tmp + "/run.log");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && fs::exists(r.tmp + "/summary.json")) {
    rec.status = Status::Ok;
    std::error_code ec;
    if (log.empty()) fs::remove(r.tmp + "/run.log", ec);
    return rec;
  }
  if (WIFEXITED(status)) {
    rec.exitCode = WEXITSTATUS(status);
    // The config passed the check, so a refusal now comes from building the
    // schedule (a layer whose tile does not fit the buffers): infeasible.
    rec.status = rec.exitCode == 2 ? Status::Infeasible : Status::Error;
    if (rec.status == Status::Infeasible) rec.overflow = "schedule";
    rec.reason = lastLine(log);
    if (rec.reason.empty()) rec.reason = "ftsim run exited with status " + std::to_string(rec.exitCode);
  } else {
    rec.status = Status::Error;
    rec.exitCode = 128 + WTERMSIG(status);
    rec.reason = std::string("ftsim run was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                 ::strsignal(WTERMSIG(status)) + ")";
    if (const std::string l = lastLine(log); !l.empty()) rec.reason += ": " + l;
  }
  return rec;
}

class Progress {
 public:
  Progress(bool on, std::size_t total, std::size_t skipped, std::ostream& err)
      : m_on(on), m_total(total), m_skipped(skipped), m_err(err), m_start(std::chrono::steady_clock::now()) {}
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  }
  void show(const RunCounts& c) {
    if (!m_on) return;
    const std::size_t doneNow = c.ok + c.infeasible + c.error;
    const double t = elapsed();
    const double perMin = t > 0 ? 60.0 * static_cast<double>(doneNow) / t : 0;
    const std::size_t left = m_total - m_skipped - doneNow;
    char buf[256];
    std::snprintf(buf, sizeof buf, "\rsweep: %zu/%zu points (ok %zu, infeasible %zu, error %zu), %.1f points/min, %s left   ",
                  m_skipped + doneNow, m_total, c.ok + 0, c.infeasible, c.error, perMin,
                  doneNow ? formatDuration(static_cast<double>(left) * t / static_cast<double>(doneNow)).c_str() : "?");
    m_err << buf << std::flush;
  }
  void end() {
    if (m_on) m_err << "\n";
  }

 private:
  bool m_on;
  std::size_t m_total, m_skipped;
  std::ostream& m_err;
  std::chrono::steady_clock::time_point m_start;
};

}  // namespace

unsigned defaultJobs() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

std::string formatDuration(double s) {
  char buf[64];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.1fs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
  else std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
  return buf;
}

void prepareOutput(const SweepSpec& spec, const std::string& outDir) {
  std::error_code ec;
  fs::create_directories(pointsDir(outDir), ec);
  if (ec || !fs::is_directory(pointsDir(outDir)))
    throw UserError("--out " + outDir + ": cannot create the output directory" + (ec ? ": " + ec.message() : ""));
  const std::string manifest = manifestJson(spec);
  const std::string path = outDir + "/sweep.json";
  if (fs::exists(path)) {
    if (readAll(path) != manifest)
      throw UserError(path + ": this directory holds a different sweep (other design, values or points than " +
                      spec.file + "); choose another --out or remove it");
    return;
  }
  traces::writeFileAtomically(path, manifest);
}

RunCounts runPoints(const SweepSpec& spec, const RunOptions& o, std::ostream& err) {
  RunCounts c;
  std::deque<const Point*> pending;
  for (const Point& p : spec.points) {
    if (p.index % o.shardCount != o.shardIndex) continue;
    ++c.share;
    // Temporary directories of this share's points are left by a run that
    // was killed; their points run again.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(pointsDir(o.outDir), ec))
      if (e.path().filename().string().rfind("." + p.id + ".tmp.", 0) == 0) fs::remove_all(e.path(), ec);
    if (fs::exists(pointDir(o.outDir, p) + "/point.json")) ++c.skipped;
    else pending.push_back(&p);
  }

  // SIGINT and SIGTERM are ftsim's (sim/core/Interrupt.h): the handler
  // records the signal, the loop below sees it within kPollNs, stops the
  // points and throws Interrupted; a second signal kills at once.
  Progress progress(o.progress, c.share, c.skipped, err);
  std::map<pid_t, Running> running;
  const auto count = [&](Status s) {
    if (s == Status::Ok) ++c.ok;
    else if (s == Status::Infeasible) ++c.infeasible;
    else ++c.error;
  };
  progress.show(c);
  bool paused = false;
  try {
    while (!pending.empty() || !running.empty()) {
      throwIfInterrupted();
      while (!pending.empty() && running.size() < o.jobs) {
        throwIfInterrupted();
        const Point& p = *pending.front();
        pending.pop_front();
        const std::string tmp = tempDirFor(o.outDir, p);
        PointRecord check = checkPoint(spec.design, spec.overrides(p));
        if (check.status != Status::Ok) {
          writeRecord(spec, o.outDir, p, check, tmp);
          count(check.status);
          progress.show(c);
          continue;
        }
        std::error_code ec;
        fs::create_directories(tmp, ec);
        if (ec) throw UserError(tmp + ": cannot create: " + ec.message());
        pid_t pid = -1;
        try {
          pid = spawnRun(o, spec, p, tmp);
        } catch (...) {
          fs::remove_all(tmp, ec);
          throw;
        }
        running.emplace(pid, Running{&p, tmp, check});
      }
      if (running.empty()) continue;
      if (!paused) {
        paused = true;
        testPausePoint("sweep-running");
      }
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid < 0) {
        if (errno == EINTR) continue;
        throw InternalError(std::string("waitpid: ") + std::strerror(errno));
      }
      if (pid == 0) {
        const struct timespec nap = {0, kPollNs};
        ::nanosleep(&nap, nullptr);
        continue;
      }
      const auto it = running.find(pid);
      if (it == running.end()) continue;
      const Running r = it->second;
      running.erase(it);
      const PointRecord rec = recordOfRun(status, r);
      traces::writeFileAtomically(r.tmp + "/point.json", pointJson(spec, *r.point, rec));
      publish(r.tmp, pointDir(o.outDir, *r.point));
      count(rec.status);
      progress.show(c);
    }
  } catch (...) {
    // Interrupted, or a point that cannot be written: stop the points still
    // running and leave nothing half-written behind (finished points stay).
    for (const auto& [pid, r] : running) ::kill(pid, SIGTERM);
    for (const auto& [pid, r] : running) {
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      std::error_code ec;
      fs::remove_all(r.tmp, ec);
    }
    progress.end();
    throw;
  }
  progress.end();
  c.wallSeconds = progress.elapsed();
  return c;
}

}  // namespace ftsim::sweep

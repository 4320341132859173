// SIGINT and SIGTERM sent to a real `ftsim run --timeline` at known moments
// (the program pauses there when FTSIM_TEST_PAUSE_AT names the moment, see
// sim/core/Interrupt.h): exit 130 / 143, one line naming the directory, no
// temporary file left, and the previous output set intact and complete.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/Harness.h"
#include "traces/OutputSet.h"

using namespace ftsim::test;
namespace fs = std::filesystem;

namespace {

std::string lenet() { return sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml"; }

/// Every regular file under `dir` (relative path → contents).
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = readText(e.path().string());
  return files;
}

/// A running ftsim with its stderr on a pipe.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::string& pauseAt) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    m_pid = ::fork();
    if (m_pid == 0) {
      ::dup2(fds[1], 2);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::close(fds[0]);
      ::close(fds[1]);
      if (!pauseAt.empty()) ::setenv("FTSIM_TEST_PAUSE_AT", pauseAt.c_str(), 1);
      std::vector<char*> argv;
      std::string exe = FTSIM_BINARY;
      argv.push_back(exe.data());
      std::vector<std::string> copy = args;
      for (std::string& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    m_fd = fds[0];
  }
  ~Child() {
    if (m_pid > 0 && !m_reaped) {
      ::kill(m_pid, SIGKILL);
      int st;
      ::waitpid(m_pid, &st, 0);
    }
    ::close(m_fd);
  }
  pid_t pid() const { return m_pid; }

  /// Read stderr until it holds `text` (true) or the pipe closes (false).
  bool waitFor(const std::string& text) {
    char buf[4096];
    while (m_err.find(text) == std::string::npos) {
      const ssize_t n = ::read(m_fd, buf, sizeof buf);
      if (n <= 0) return false;
      m_err.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  /// Wait for the exit; the raw wait status. Reads stderr to its end.
  int wait() {
    waitFor("\x01never");
    int st = 0;
    ::waitpid(m_pid, &st, 0);
    m_reaped = true;
    return st;
  }
  const std::string& err() const { return m_err; }

 private:
  pid_t m_pid = -1;
  int m_fd = -1;
  bool m_reaped = false;
  std::string m_err;
};

/// The previous output set: a complete run with a timeline.
std::map<std::string, std::string> previousSet(const std::string& dir) {
  const Result r = runFtsim("run " + lenet() + " --quiet --timeline --out " + dir);
  EXPECT_EQ(r.code, 0) << r.out;
  const auto files = snapshot(dir);
  EXPECT_TRUE(files.count("summary.json") && files.count("layers.csv") && files.count("timeline.json") &&
              files.count("ftsim-run.manifest.json"));
  return files;
}

/// Names in `dir` that a run in progress creates: none may be left.
std::vector<std::string> temporaries(const std::string& dir) {
  std::vector<std::string> t;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(".ftsim-", 0) == 0 || name.find(".tmp") != std::string::npos) t.push_back(name);
  }
  return t;
}

/// Start `args` paused at `pauses` (FTSIM_TEST_PAUSE_AT), send `sig` once it
/// stops at `moment`, and check the exit, the one line, no temporaries and
/// the previous set of `dir` untouched.
void interruptPaused(const std::vector<std::string>& args, const std::string& dir, const std::string& pauses,
                     const std::string& moment, int sig, const std::string& sigName) {
  const auto before = snapshot(dir);
  Child c(args, pauses);
  ASSERT_TRUE(c.waitFor("ftsim: paused at " + moment + "\n")) << c.err();
  // The command has its staging directory by now: there is something to clean.
  EXPECT_FALSE(temporaries(dir).empty());
  ::kill(c.pid(), sig);
  const int st = c.wait();
  ASSERT_TRUE(WIFEXITED(st)) << c.err();
  EXPECT_EQ(WEXITSTATUS(st), 128 + sig);
  // Exactly one line after the pause line.
  EXPECT_EQ(c.err(), "ftsim: paused at " + moment + "\nftsim: interrupted (" + sigName + "); " + dir +
                         " left as it was\n");
  EXPECT_EQ(temporaries(dir), std::vector<std::string>{});
  EXPECT_TRUE(snapshot(dir) == before) << "the previous output set changed";
}

void interruptAt(const std::string& moment, int sig, const std::string& sigName) {
  const std::string dir = tempDir("out");
  previousSet(dir);
  interruptPaused({"run", lenet(), "--timeline", "--out", dir}, dir, moment, moment, sig, sigName);
}

TEST(Signals, SigintBeforeTheSimulationStarts) { interruptAt("before-simulation", SIGINT, "SIGINT"); }
TEST(Signals, SigtermBeforeTheSimulationStarts) { interruptAt("before-simulation", SIGTERM, "SIGTERM"); }
TEST(Signals, SigintDuringTheSimulation) { interruptAt("simulate", SIGINT, "SIGINT"); }
TEST(Signals, SigtermDuringTheSimulation) { interruptAt("simulate", SIGTERM, "SIGTERM"); }
// Every file of the run (the timeline too) is written in the staging
// directory by then; the commit has not begun.
TEST(Signals, SigintWhileTheOutputsAreWritten) { interruptAt("commit", SIGINT, "SIGINT"); }
TEST(Signals, SigtermWhileTheOutputsAreWritten) { interruptAt("commit", SIGTERM, "SIGTERM"); }

// No pause: a signal at an arbitrary moment of a run that simulates for a
// few seconds stops it at the next slice.
TEST(Signals, SigintUnpausedMidRunStopsPromptly) {
  const std::string dir = tempDir("out");
  const auto before = previousSet(dir);
  // VGG-11 on CIFAR-10 at batch 128: about 4x the shipped batch-32 design,
  // which simulates for several seconds.
  Child c({"run", sourceDir() + "/configs/designs/eftrain-vgg11-cifar10-zcu102.yaml", "--set", "workload.batch=128",
           "--timeline", "--out", dir},
          "");
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(c.pid(), SIGINT);
  const int st = c.wait();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(WIFEXITED(st)) << c.err();
  EXPECT_EQ(WEXITSTATUS(st), 130) << c.err();
  EXPECT_EQ(c.err(), "ftsim: interrupted (SIGINT); " + dir + " left as it was\n");
  // Not a speed figure: a bound that only a run which went on to its end
  // (tens of seconds for this design) would break.
  EXPECT_LT(s, 5.0) << "from the signal to the exit";
  EXPECT_EQ(temporaries(dir), std::vector<std::string>{});
  EXPECT_TRUE(snapshot(dir) == before);
}

// A second signal does not wait for the clean-up: the process dies of it.
TEST(Signals, ASecondSignalKillsAtOnce) {
  const std::string dir = tempDir("out");
  Child c({"run", lenet(), "--timeline", "--out", dir}, "simulate,interrupted");
  ASSERT_TRUE(c.waitFor("ftsim: paused at simulate\n")) << c.err();
  ::kill(c.pid(), SIGINT);
  ASSERT_TRUE(c.waitFor("ftsim: paused at interrupted\n")) << c.err();
  ::kill(c.pid(), SIGINT);
  const int st = c.wait();
  ASSERT_TRUE(WIFSIGNALED(st)) << c.err();
  EXPECT_EQ(WTERMSIG(st), SIGINT);
}

// The staging directory of a process that died (here: killed by SIGKILL,
// which no handler sees) is removed by the next run in the directory.
TEST(Signals, StagingOfADeadProcessIsRemovedByTheNextRun) {
  const std::string dir = tempDir("out");
  pid_t dead;
  {
    Child c({"run", lenet(), "--timeline", "--out", dir}, "commit");
    ASSERT_TRUE(c.waitFor("ftsim: paused at commit\n")) << c.err();
    dead = c.pid();
    ::kill(dead, SIGKILL);
    c.wait();
  }
  const std::string stale = dir + "/" + ftsim::traces::OutputSet::stagingName(dead);
  ASSERT_TRUE(fs::is_directory(stale));
  ASSERT_TRUE(fs::exists(stale + "/timeline.json"));
  ASSERT_FALSE(fs::exists(dir + "/summary.json"));
  const Result r = runFtsim("run " + lenet() + " --quiet --out " + dir);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_EQ(temporaries(dir), std::vector<std::string>{});
}

// The tensorized-training top and its engine, in functional mode, stopped in
// the middle of the program: their threads unwind like EF-Train's (in the
// sanitizer build LeakSanitizer checks that their stacks leave nothing).
TEST(Signals, SigtermDuringATtFunctionalSimulation) {
  const std::string dir = tempDir("out");
  Child c({"run", sourceDir() + "/configs/designs/tt-mlp-mnist-zcu102.yaml", "--functional", "--out", dir}, "simulate");
  ASSERT_TRUE(c.waitFor("ftsim: paused at simulate\n")) << c.err();
  ::kill(c.pid(), SIGTERM);
  const int st = c.wait();
  ASSERT_TRUE(WIFEXITED(st)) << c.err();
  EXPECT_EQ(WEXITSTATUS(st), 128 + SIGTERM);
  EXPECT_EQ(c.err(), "ftsim: paused at simulate\nftsim: interrupted (SIGTERM); " + dir + " left as it was\n");
  EXPECT_EQ(temporaries(dir), std::vector<std::string>{});
}

}  // namespace

namespace {

/// Every regular file directly in `dir` (not below): a sweep's tables and manifest.
std::map<std::string, std::string> topLevelFiles(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files[e.path().filename().string()] = readText(e.path().string());
  return files;
}

std::string smallSweep() { return sourceDir() + "/configs/sweeps/lenet5-zcu102-small.yaml"; }

/// A sweep directory whose committed tables predate two of its points: the
/// full sweep, then p00000 and p00003 (both feasible: Tm = Tn = 8 at 100 and
/// 200 MHz, the clock axis varying slowest) removed and the tables collected
/// again, so they hold two `missing` rows. A sweep run to its end would
/// replace them.
std::map<std::string, std::string> sweepWithTwoPointsMissing(const std::string& dir) {
  Result r = runFtsim("sweep " + smallSweep() + " --out " + dir + " --jobs 2 --no-plot --quiet");
  EXPECT_EQ(r.code, 0) << r.out;
  fs::remove_all(dir + "/points/p00000");
  fs::remove_all(dir + "/points/p00003");
  r = runFtsim("sweep " + smallSweep() + " --out " + dir + " --collect --no-plot --quiet");
  EXPECT_EQ(r.code, 0) << r.out;
  const auto files = topLevelFiles(dir);
  EXPECT_TRUE(files.count("results.csv") && files.count("pareto.csv") && files.count("ftsim-sweep.manifest.json"));
  // The manifest names both tables: a reader checks one against the other's collection.
  const std::string manifest = files.count("ftsim-sweep.manifest.json") ? files.at("ftsim-sweep.manifest.json") : "";
  EXPECT_NE(manifest.find("\"path\": \"results.csv\""), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("\"path\": \"pareto.csv\""), std::string::npos) << manifest;
  EXPECT_NE(files.count("results.csv") ? files.at("results.csv").find(",missing,") : std::string::npos,
            std::string::npos);
  return files;
}

void interruptSweepAt(const std::string& moment, int sig, const std::string& sigName) {
  const std::string dir = tempDir("sweep");
  const auto before = sweepWithTwoPointsMissing(dir);
  Child c({"sweep", smallSweep(), "--out", dir, "--jobs", "1", "--no-plot", "--quiet"}, moment);
  ASSERT_TRUE(c.waitFor("ftsim: paused at " + moment + "\n")) << c.err();
  EXPECT_FALSE(temporaries(dir).empty());  // a point's directory, or the tables' staging directory
  ::kill(c.pid(), sig);
  const int st = c.wait();
  ASSERT_TRUE(WIFEXITED(st)) << c.err();
  EXPECT_EQ(WEXITSTATUS(st), 128 + sig);
  EXPECT_EQ(c.err(), "ftsim: paused at " + moment + "\nftsim: interrupted (" + sigName +
                         "); finished points are kept in " + dir + "/points, the rest of " + dir +
                         " is left as it was; run the same command again to resume\n");
  EXPECT_EQ(temporaries(dir), std::vector<std::string>{});
  EXPECT_TRUE(topLevelFiles(dir) == before) << "the previous results.csv, pareto.csv or manifest changed";
  // With one job the second missing point waits for the first: a sweep that
  // stops at the signal never starts it.
  if (moment == "sweep-running") {
    EXPECT_FALSE(fs::exists(dir + "/points/p00003")) << "the sweep went on after the signal";
  }
  // A point is finished (point.json) or absent, never half there.
  for (const char* p : {"p00000", "p00003"})
    if (fs::exists(dir + "/points/" + p)) {
      EXPECT_TRUE(fs::exists(dir + "/points/" + p + "/point.json")) << p;
    }
  // Run again: the sweep resumes and its tables are whole.
  const Result r = runFtsim("sweep " + smallSweep() + " --out " + dir + " --jobs 2 --no-plot --quiet");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(readText(dir + "/results.csv").find(",missing,"), std::string::npos);
}

}  // namespace

// While a point runs (one job: the second missing point has not started):
// the point's process is stopped, its directory removed, the tables untouched.
TEST(Signals, SigintWhileSweepPointsRun) { interruptSweepAt("sweep-running", SIGINT, "SIGINT"); }
TEST(Signals, SigtermWhileSweepPointsRun) { interruptSweepAt("sweep-running", SIGTERM, "SIGTERM"); }
// Every point finished and the new tables staged, not yet committed.
TEST(Signals, SigintBeforeTheSweepTablesAreCommitted) { interruptSweepAt("sweep-commit", SIGINT, "SIGINT"); }
TEST(Signals, SigtermBeforeTheSweepTablesAreCommitted) { interruptSweepAt("sweep-commit", SIGTERM, "SIGTERM"); }

namespace {

/// A DRAMsim3 trace of `n` requests, spread over the address space.
std::string writeTrace(const std::string& dir, int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    char line[64];
    std::snprintf(line, sizeof line, "0x%llx %s %d\n",
                  static_cast<unsigned long long>((static_cast<std::uint64_t>(i) * 2654435761u) % (1u << 30) & ~63ull),
                  i % 3 ? "READ" : "WRITE", i * 4);
    text += line;
  }
  const std::string path = dir + "/trace.txt";
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

/// A command interrupted at `moment`, the start of its work: it must stop
/// inside that work. The pause list names "commit" too: a command that
/// ignored the signal until its commit would pause there and print it.
void interruptWork(const std::vector<std::string>& args, const std::string& dir, const std::string& moment, int sig,
                   const std::string& sigName) {
  interruptPaused(args, dir, moment + ",commit", moment, sig, sigName);
}

void interruptDramReplay(int sig, const std::string& sigName) {
  const std::string dir = tempDir("dram");
  const std::string trace = writeTrace(dir, 20000);
  const std::string ddr = sourceDir() + "/configs/ddr/ddr4-2400r-64bit-x16-4gb.yaml";
  const std::string out = dir + "/out";
  // The previous set: the replay of a shorter trace.
  const Result r = runFtsim("dram " + writeTrace(tempDir("dram-prev"), 100) + " --ddr " + ddr + " --quiet --out " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(fs::exists(out + "/dram.json") && fs::exists(out + "/ftsim-dram.manifest.json"));
  interruptWork({"dram", trace, "--ddr", ddr, "--quiet", "--out", out}, out, "replay", sig, sigName);
}

void interruptHlsExport(int sig, const std::string& sigName) {
  const std::string out = tempDir("hls") + "/project";
  const Result r = runFtsim("hls-export " + lenet() + " --phase FP --out " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(fs::exists(out + "/ftsim-hls-export.manifest.json"));
  interruptWork({"hls-export", lenet(), "--out", out}, out, "export", sig, sigName);
}

}  // namespace

TEST(Signals, SigintDuringADramReplay) { interruptDramReplay(SIGINT, "SIGINT"); }
TEST(Signals, SigtermDuringADramReplay) { interruptDramReplay(SIGTERM, "SIGTERM"); }
TEST(Signals, SigintDuringAnHlsExport) { interruptHlsExport(SIGINT, "SIGINT"); }
TEST(Signals, SigtermDuringAnHlsExport) { interruptHlsExport(SIGTERM, "SIGTERM"); }

// A run interrupted in an output directory it created removes it again.
TEST(Signals, AnInterruptedRunRemovesTheDirectoriesItCreated) {
  const std::string parent = tempDir("fresh");
  const std::string dir = parent + "/a/b";
  Child c({"run", lenet(), "--out", dir}, "before-simulation");
  ASSERT_TRUE(c.waitFor("ftsim: paused at before-simulation\n")) << c.err();
  ASSERT_TRUE(fs::is_directory(dir));
  ::kill(c.pid(), SIGINT);
  const int st = c.wait();
  ASSERT_TRUE(WIFEXITED(st)) << c.err();
  EXPECT_EQ(WEXITSTATUS(st), 130);
  EXPECT_FALSE(fs::exists(parent + "/a")) << "an empty output directory was left behind";
}

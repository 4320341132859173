#include "sim/cli/Sweep.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/cli/Common.h"
#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"
#include "sim/core/Log.h"
#include "sim/sweep/SlurmJob.h"
#include "sim/sweep/SweepResults.h"
#include "sim/sweep/SweepRunner.h"
#include "sim/sweep/SweepSpec.h"

namespace ftsim::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

const char* kHelp =
    "usage: ftsim sweep <sweep.yaml> [--jobs N] [--out DIR] [options]\n"
    "       ftsim sweep <sweep.yaml> --slurm [--array-size K] [--partition P] [--time T] [--dry-run]\n"
    "\n"
    "Run every design point of a sweep file (a base design and grid, zip and random axes over\n"
    "any config key, list items included: workload.layers[3].out_channels or\n"
    "workload.layers[conv3_1].out_channels; docs/sweeps.md). A point over the board's budget is\n"
    "marked infeasible without simulating; every other point runs in its own `ftsim run` process,\n"
    "at most N at a time. Each point is written to DIR/points/<id>/ atomically; a sweep stopped\n"
    "at any moment resumes when started again and skips finished points. Then DIR/results.csv\n"
    "(one row per point), DIR/pareto.csv (the non-dominated points) and PNG plots of the front.\n"
    "Errors and crashes of one point are recorded in its row; the sweep goes on.\n"
    "\n";

/// "i/K" with 0 <= i < K.
void parseShard(const std::string& v, std::size_t& index, std::size_t& count) {
  const auto slash = v.find('/');
  try {
    std::size_t a = 0, b = 0;
    if (slash != std::string::npos && slash > 0 && slash + 1 < v.size() && v[0] != '-' && v[slash + 1] != '-') {
      index = std::stoul(v.substr(0, slash), &a);
      count = std::stoul(v.substr(slash + 1), &b);
      if (a == slash && b == v.size() - slash - 1 && count > 0 && index < count) return;
    }
  } catch (const std::exception&) {
  }
  throw UserError("--shard " + v + ": expected i/K with 0 <= i < K (e.g. 0/4)");
}

unsigned parseJobs(const std::string& flag, const std::string& v) {
  std::size_t used = 0;
  unsigned long n = 0;
  try {
    n = v.empty() || v[0] == '-' ? 0 : std::stoul(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || n == 0 || n > 4096) throw UserError(flag + " " + v + ": expected a whole number from 1 to 4096");
  return static_cast<unsigned>(n);
}

std::vector<std::string> splitList(const std::string& v) {
  std::vector<std::string> out;
  std::stringstream ss(v);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

/// The ftsim program itself, for the points' processes.
std::string selfPath() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw UserError("cannot find the ftsim program (/proc/self/exe): " + ec.message());
  return p.string();
}

/// Run `argv` and wait for it; SIGINT or SIGTERM to ftsim stop it (SIGTERM)
/// and throw Interrupted. The exit status (-1 when it could not start).
int runInterruptibly(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return -1;
    if (interruptSignal()) {
      ::kill(pid, SIGTERM);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      throwIfInterrupted();
    }
    const struct timespec nap = {0, 10'000'000};
    ::nanosleep(&nap, nullptr);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Draw the front with tools/plot_sweep.py into `stagingDir` (beside the
/// staged results.csv and pareto.csv) when it and python3 are there; a
/// missing plotter is a note, never an error.
void plot(const std::string& stagingDir, const std::string& outDir, bool quiet, std::ostream& out) {
  const fs::path script = fs::path(selfPath()).parent_path().parent_path() / "tools" / "plot_sweep.py";
  if (!fs::exists(script)) {
    if (!quiet) out << "plots         skipped: " << script.string() << " not found\n";
    return;
  }
  // The script names its interpreter (#!/usr/bin/python3, Debian's, with python3-matplotlib).
  const int rc = runInterruptibly({script.string(), stagingDir, "--quiet"});
  if (rc != 0)
    std::cerr << "warning: the sweep plots were not drawn (" << script.string() << " exited with status " << rc
              << "; needs python3-matplotlib)\n";
  else if (!quiet) out << "plots         " << outDir << "/pareto.png, " << outDir << "/pareto_bram.png\n";
}

/// The one line of a sweep stopped by SIGINT or SIGTERM.
int interrupted(const Interrupted& e, const std::string& outDir) {
  std::cerr << "ftsim: interrupted (" << e.signalName() << "); finished points are kept in " << outDir
            << "/points, the rest of " << outDir << " is left as it was; run the same command again to resume\n";
  return e.exitCode();
}

}  // namespace

int cmdSweep(int argc, const char* const* argv, std::ostream& out) {
  po::options_description opts("sweep options");
  opts.add_options()("jobs,j", po::value<std::string>(), "points at once (default: the cores this process may use)")(
      "out,o", po::value<std::string>(), "output directory (default: out/sweeps/<sweep name>)")(
      "quiet,q", "no progress line and no summary (for scripts)")(
      "objectives", po::value<std::string>(),
      "Pareto objectives, COLUMN:max|min separated by commas (default: the sweep file's, else "
      "gflops:max,gflops_per_w:max,bram36:min)")(
      "shard", po::value<std::string>(), "run only points whose index is i modulo K (i/K); no results.csv")(
      "collect", "only read the point directories and write results.csv, pareto.csv and the plots")(
      "no-plot", "do not draw the PNG plots (tools/plot_sweep.py)")(
      "slurm", "write and submit an sbatch job array and a dependent collect job instead of running here")(
      "array-size", po::value<std::string>(), "with --slurm: K array tasks (default: one per point, at most 100)")(
      "partition", po::value<std::string>(), "with --slurm: the partition")(
      "time", po::value<std::string>(), "with --slurm: time limit per task (Slurm's format, e.g. 2:00:00)")(
      "dry-run", "with --slurm: write the scripts under DIR/slurm/ but do not submit them")(
      "log-level", po::value<std::string>()->default_value("warn"), "trace, debug, info, warn, error or off")(
      "help,h", "this help");
  const Parsed p = parse("sweep", opts, argc, argv);
  if (p.vm.count("help")) {
    out << kHelp << opts
        << "\nExit status: 0 when every point of the share is finished (ok, infeasible or error),\n"
           "2 bad input, 130 / 143 interrupted by SIGINT / SIGTERM (run again to resume; results.csv and\n"
           "pareto.csv are left as they were).\n";
    return 0;
  }
  log::setLevel(p.vm["log-level"].as<std::string>());
  if (p.design.empty()) throw UserError("ftsim sweep: missing <sweep.yaml> (see `ftsim sweep --help`)");
  const sweep::SweepSpec spec = sweep::SweepSpec::load(p.design);
  const std::string outDir = p.vm.count("out") ? p.vm["out"].as<std::string>() : "out/sweeps/" + spec.name;
  const bool quiet = p.vm.count("quiet") > 0;
  const bool slurm = p.vm.count("slurm") > 0;
  const bool collectOnly = p.vm.count("collect") > 0;
  const bool doPlot = p.vm.count("no-plot") == 0;
  std::vector<sweep::Objective> objectives = spec.objectives;
  if (p.vm.count("objectives"))
    objectives = sweep::parseObjectives(splitList(p.vm["objectives"].as<std::string>()), "--objectives");
  for (const char* flag : {"array-size", "partition", "time", "dry-run"})
    if (p.vm.count(flag) && !slurm) throw UserError(std::string("--") + flag + ": only with --slurm");
  if (slurm && (collectOnly || p.vm.count("shard")))
    throw UserError("--slurm: not with --collect or --shard (the job array runs those)");

  sweep::RunOptions ro;
  ro.outDir = outDir;
  // The points run this very program, even if its file is rebuilt or
  // replaced while the sweep runs (the kernel keeps the running image).
  ro.ftsimPath = "/proc/self/exe";
  ro.jobs = p.vm.count("jobs") ? parseJobs("--jobs", p.vm["jobs"].as<std::string>()) : sweep::defaultJobs();
  if (p.vm.count("shard")) parseShard(p.vm["shard"].as<std::string>(), ro.shardIndex, ro.shardCount);
  ro.progress = !quiet && ::isatty(2);

  if (slurm) {
    // The scripts are checked before anything is written.
    sweep::SlurmOptions so;
    if (p.vm.count("array-size")) so.arraySize = parseJobs("--array-size", p.vm["array-size"].as<std::string>());
    if (p.vm.count("partition")) so.partition = p.vm["partition"].as<std::string>();
    if (p.vm.count("time")) so.time = p.vm["time"].as<std::string>();
    so.jobsPerTask = p.vm.count("jobs") ? ro.jobs : 1;
    so.plot = doPlot;
    sweep::checkSlurmOptions(so);
    sweep::prepareOutput(spec, outDir);
    // Both scripts reach OUT/slurm as one output set; the tasks' logs there
    // are not part of it and stay.
    traces::OutputSet scripts = openOutputSet(sweep::slurmDir(outDir), "slurm");
    sweep::SlurmJobs jobs = sweep::writeSlurmJobs(spec, p.design, outDir, selfPath(), so, scripts.staging());
    throwIfInterrupted();
    scripts.commit();
    if (!p.vm.count("dry-run")) sweep::submitSlurmJobs(jobs);
    if (!quiet) {
      out << "sweep         " << spec.name << ": " << spec.points.size() << " points in " << jobs.arraySize
          << " Slurm array tasks\nwrote         " << jobs.arrayScript << ", " << jobs.collectScript << "\n";
      if (!jobs.arrayJobId.empty())
        out << "submitted     array job " << jobs.arrayJobId << ", collect job " << jobs.collectJobId
            << " (after the array)\n";
    } else if (!jobs.arrayJobId.empty()) {
      out << jobs.arrayJobId << " " << jobs.collectJobId << "\n";
    }
    return 0;
  }

  sweep::prepareOutput(spec, outDir);
  try {
    if (!collectOnly) {
      const sweep::RunCounts c = sweep::runPoints(spec, ro, std::cerr);
      if (!quiet) {
        const std::size_t ran = c.ok + c.infeasible + c.error;
        out << "sweep         " << spec.name << ": " << c.share << " points";
        if (ro.shardCount > 1)
          out << " (shard " << ro.shardIndex << "/" << ro.shardCount << " of " << spec.points.size() << ")";
        out << ", " << c.skipped << " already done, " << ran << " now (ok " << c.ok << ", infeasible " << c.infeasible
            << ", error " << c.error << ") in " << sweep::formatDuration(c.wallSeconds) << " with " << ro.jobs
            << " jobs";
        if (ran && c.wallSeconds > 0) out << ", " << 60.0 * static_cast<double>(ran) / c.wallSeconds << " points/min";
        out << "\n";
      }
      if (ro.shardCount > 1) return 0;  // the collect step reads every shard's points
    }
    // results.csv, pareto.csv and the plots reach OUT together, as one
    // output set: a reader never pairs the tables of two collections, and
    // a collection that fails or is interrupted leaves the previous ones.
    traces::OutputSet tables = openOutputSet(outDir, "sweep");
    const sweep::CollectCounts n = sweep::collectResults(spec, outDir, objectives, tables.staging());
    std::ostringstream plotted;  // printed after the tables' lines
    if (doPlot) plot(tables.staging(), outDir, quiet, plotted);
    testPausePoint("sweep-commit");  // not "commit": the points' own `ftsim run` have that one
    throwIfInterrupted();
    tables.commit();
    if (!quiet) {
      out << "results       " << outDir << "/results.csv: " << n.ok << " ok, " << n.infeasible << " infeasible, "
          << n.error << " error";
      if (n.missing) out << ", " << n.missing << " not run yet";
      out << "\npareto        " << outDir << "/pareto.csv: " << n.pareto << " points on the front of";
      for (const auto& o : objectives) out << " " << o.text();
      out << "\n";
    }
    out << plotted.str();
  } catch (const Interrupted& e) {
    return interrupted(e, outDir);
  }
  return 0;
}

}  // namespace ftsim::cli

#include "sim/cli/Sweep.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/cli/Common.h"
#include "sim/core/Error.h"
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

unsigned parseJobs(const std::string& v) {
  std::size_t used = 0;
  unsigned long n = 0;
  try {
    n = v.empty() || v[0] == '-' ? 0 : std::stoul(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || n == 0 || n > 4096) throw UserError("--jobs " + v + ": expected a whole number from 1 to 4096");
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

/// Draw the front with tools/plot_sweep.py when it and python3 are there;
/// a missing plotter is a note, never an error.
void plot(const std::string& outDir, bool quiet, std::ostream& out) {
  const fs::path script = fs::path(selfPath()).parent_path().parent_path() / "tools" / "plot_sweep.py";
  if (!fs::exists(script)) {
    if (!quiet) out << "plots         skipped: " << script.string() << " not found\n";
    return;
  }
  // The script names its interpreter (#!/usr/bin/python3, Debian's, with python3-matplotlib).
  const std::string cmd = "'" + script.string() + "' '" + outDir + "' --quiet";
  const int rc = std::system(cmd.c_str());
  if (rc != 0) std::cerr << "warning: the sweep plots were not drawn (" << cmd << " failed; needs python3-matplotlib)\n";
  else if (!quiet) out << "plots         " << outDir << "/pareto.png, " << outDir << "/pareto_bram.png\n";
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
           "2 bad input, 130 interrupted (run again to resume).\n";
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
  ro.jobs = p.vm.count("jobs") ? parseJobs(p.vm["jobs"].as<std::string>()) : sweep::defaultJobs();
  if (p.vm.count("shard")) parseShard(p.vm["shard"].as<std::string>(), ro.shardIndex, ro.shardCount);
  ro.progress = !quiet && ::isatty(2);

  sweep::prepareOutput(spec, outDir);

  if (slurm) {
    sweep::SlurmOptions so;
    if (p.vm.count("array-size")) so.arraySize = parseJobs(p.vm["array-size"].as<std::string>());
    if (p.vm.count("partition")) so.partition = p.vm["partition"].as<std::string>();
    if (p.vm.count("time")) so.time = p.vm["time"].as<std::string>();
    so.jobsPerTask = p.vm.count("jobs") ? ro.jobs : 1;
    so.plot = doPlot;
    sweep::SlurmJobs jobs = sweep::writeSlurmJobs(spec, p.design, outDir, selfPath(), so);
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

  if (!collectOnly) {
    const sweep::RunCounts c = sweep::runPoints(spec, ro, std::cerr);
    if (!quiet) {
      const std::size_t ran = c.ok + c.infeasible + c.error;
      out << "sweep         " << spec.name << ": " << c.share << " points";
      if (ro.shardCount > 1) out << " (shard " << ro.shardIndex << "/" << ro.shardCount << " of " << spec.points.size() << ")";
      out << ", " << c.skipped << " already done, " << ran << " now (ok " << c.ok << ", infeasible " << c.infeasible
          << ", error " << c.error << ") in " << sweep::formatDuration(c.wallSeconds) << " with " << ro.jobs
          << " jobs";
      if (ran && c.wallSeconds > 0) out << ", " << 60.0 * static_cast<double>(ran) / c.wallSeconds << " points/min";
      out << "\n";
    }
    if (c.interrupted) {
      std::cerr << "sweep interrupted: finished points are kept in " << outDir
                << "/points; run the same command again to resume\n";
      return 130;
    }
    if (ro.shardCount > 1) return 0;  // the collect step reads every shard's points
  }
  const sweep::CollectCounts n = sweep::collectResults(spec, outDir, objectives);
  if (!quiet) {
    out << "results       " << outDir << "/results.csv: " << n.ok << " ok, " << n.infeasible << " infeasible, "
        << n.error << " error";
    if (n.missing) out << ", " << n.missing << " not run yet";
    out << "\npareto        " << outDir << "/pareto.csv: " << n.pareto << " points on the front of";
    for (const auto& o : objectives) out << " " << o.text();
    out << "\n";
  }
  if (doPlot) plot(outDir, quiet, out);
  return 0;
}

}  // namespace ftsim::cli

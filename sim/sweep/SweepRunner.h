#pragma once
// Runs a sweep's points on this machine: each feasible point in its own
// `ftsim run` process, at most `jobs` at a time, each into a temporary
// directory renamed into place when the point is finished. A point whose
// directory exists is finished and skipped, so a sweep killed at any moment
// (kill -9 included) resumes where it stopped and loses nothing.

#include <cstddef>
#include <ostream>
#include <string>

#include "sim/sweep/SweepSpec.h"

namespace ftsim::sweep {

struct RunOptions {
  std::string outDir;
  std::string ftsimPath;        ///< the program that runs a point (`ftsim run ...`)
  unsigned jobs = 1;
  std::size_t shardIndex = 0;   ///< run only points with index % shardCount == shardIndex
  std::size_t shardCount = 1;
  bool progress = false;        ///< a progress line on stderr (a terminal)
};

struct RunCounts {
  std::size_t share = 0;     ///< points in this shard
  std::size_t skipped = 0;   ///< already finished before this run
  std::size_t ok = 0, infeasible = 0, error = 0;
  double wallSeconds = 0;
};

/// Create the output directory, check that it holds this sweep (or nothing)
/// and record the sweep in sweep.json; a UserError when it holds another.
void prepareOutput(const SweepSpec& spec, const std::string& outDir);

/// Run the share's unfinished points. SIGINT or SIGTERM stop the points
/// still running (SIGTERM), remove their temporary directories and throw
/// Interrupted; finished points are kept.
RunCounts runPoints(const SweepSpec& spec, const RunOptions& opts, std::ostream& err);

/// The number of cores this process may use.
unsigned defaultJobs();

/// "12m05s", "3.2s".
std::string formatDuration(double seconds);

}  // namespace ftsim::sweep

#pragma once
// A sweep as a Slurm job array (docs/sweeps.md): task i of K runs
// `ftsim sweep --shard i/K` on its share of the points into the shared
// output directory; a collect job that depends on the array writes
// results.csv and pareto.csv. Points are finished atomically per directory,
// so a resubmitted array resumes where the last one stopped.

#include <string>

#include "sim/sweep/SweepSpec.h"

namespace ftsim::sweep {

struct SlurmOptions {
  std::size_t arraySize = 0;   ///< K; 0: one task per point, at most 100
  std::string partition;       ///< empty: the cluster's default
  std::string time;            ///< per task, Slurm's format (e.g. 1:00:00); empty: the partition's default
  unsigned jobsPerTask = 1;    ///< points at once per task (and --cpus-per-task)
  bool plot = true;            ///< the collect job draws the front
};

struct SlurmJobs {
  std::string arrayScript, collectScript;  ///< paths under OUT/slurm/
  std::size_t arraySize = 0;
  std::string arrayJobId, collectJobId;    ///< empty until submitted
};

/// A UserError when an option cannot go into a script (spaces, quotes;
/// the working directory too), before anything is written.
void checkSlurmOptions(const SlurmOptions& opts);

/// The scripts' directory, OUT/slurm (the tasks' logs go there too).
std::string slurmDir(const std::string& outDir);

/// Write array.sbatch and collect.sbatch into `writeDir` (the staging
/// directory of an output set that commits them to slurmDir(outDir)); the
/// paths in the result are their final ones.
SlurmJobs writeSlurmJobs(const SweepSpec& spec, const std::string& sweepFile, const std::string& outDir,
                         const std::string& ftsimPath, const SlurmOptions& opts, const std::string& writeDir);

/// Submit the array, then the collect job with --dependency=afterany on it,
/// with `sbatch --parsable`; a UserError with sbatch's message on failure.
void submitSlurmJobs(SlurmJobs& jobs);

}  // namespace ftsim::sweep

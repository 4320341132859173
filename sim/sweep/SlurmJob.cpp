#include "sim/sweep/SlurmJob.h"

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "traces/AtomicFile.h"

namespace ftsim::sweep {

namespace {

namespace fs = std::filesystem;

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string absolute(const std::string& p) { return fs::absolute(p).lexically_normal().string(); }

/// Slurm job names and options take no spaces or newlines.
void checkOption(const std::string& flag, const std::string& v) {
  if (v.find_first_of(" \t\n'\"") != std::string::npos)
    throw UserError(flag + " " + v + ": must not contain spaces or quotes");
}

std::string header(const std::string& jobName, const std::string& log, const SlurmOptions& o, unsigned cpus) {
  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "#SBATCH --job-name=" << jobName << "\n"
    << "#SBATCH --chdir=" << fs::current_path().string() << "\n"
    << "#SBATCH --output=" << log << "\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=" << cpus << "\n";
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  if (!o.time.empty()) s << "#SBATCH --time=" << o.time << "\n";
  return s.str();
}

/// Run `command`, return its stdout; a UserError naming it on failure.
std::string capture(const std::string& command) {
  std::FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) throw UserError("cannot run: " + command);
  std::string out;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int status = ::pclose(p);
  if (status != 0) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
      throw UserError("--slurm: sbatch not found (install Slurm's client, or use --dry-run to only write the scripts)");
    throw UserError("--slurm: " + command + " failed: " + out);
  }
  return out;
}

std::string jobIdOf(const std::string& parsable) {
  std::string id = parsable.substr(0, parsable.find_first_of(";\n"));
  if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw UserError("--slurm: sbatch printed no job id: " + parsable);
  return id;
}

}  // namespace

void checkSlurmOptions(const SlurmOptions& o) {
  checkOption("--partition", o.partition);
  checkOption("--time", o.time);
  // The tasks start in this directory (--chdir).
  checkOption("the working directory", fs::current_path().string());
}

std::string slurmDir(const std::string& outDir) { return outDir + "/slurm"; }

SlurmJobs writeSlurmJobs(const SweepSpec& spec, const std::string& sweepFile, const std::string& outDir,
                         const std::string& ftsimPath, const SlurmOptions& o, const std::string& writeDir) {
  checkSlurmOptions(o);
  SlurmJobs jobs;
  const std::size_t n = spec.points.size();
  jobs.arraySize = o.arraySize ? std::min(o.arraySize, n) : std::min<std::size_t>(n, 100);
  const std::string out = absolute(outDir);
  const std::string dir = slurmDir(out);
  std::string name = "ftsim-" + spec.name;
  for (char& c : name)
    if (c == ' ' || c == '\'' || c == '"') c = '_';
  // The tasks start in this directory (--chdir) and name the sweep file as
  // it was named here, so their messages match a local run's byte for byte.
  const std::string exe = quote(absolute(ftsimPath)), file = quote(sweepFile);

  std::ostringstream a;
  a << header(name, dir + "/task-%a.log", o, o.jobsPerTask)
    << "#SBATCH --array=0-" << jobs.arraySize - 1 << "\n"
    << "# " << n << " points in " << jobs.arraySize << " tasks; task i runs the points whose index is i modulo "
    << jobs.arraySize << ".\n"
    << "exec " << exe << " sweep " << file << " --out " << quote(outDir) << " --shard \"$SLURM_ARRAY_TASK_ID/"
    << jobs.arraySize << "\" --jobs " << o.jobsPerTask << " --quiet\n";
  std::ostringstream c;
  c << header(name + "-collect", dir + "/collect.log", o, 1)
    << "# After every array task: results.csv and pareto.csv from the point directories.\n"
    << "exec " << exe << " sweep " << file << " --out " << quote(outDir) << " --collect"
    << (o.plot ? "" : " --no-plot") << "\n";
  jobs.arrayScript = dir + "/array.sbatch";
  jobs.collectScript = dir + "/collect.sbatch";
  traces::writeFileAtomically(writeDir + "/array.sbatch", a.str());
  traces::writeFileAtomically(writeDir + "/collect.sbatch", c.str());
  return jobs;
}

void submitSlurmJobs(SlurmJobs& jobs) {
  jobs.arrayJobId = jobIdOf(capture("sbatch --parsable " + quote(jobs.arrayScript)));
  jobs.collectJobId =
      jobIdOf(capture("sbatch --parsable --dependency=afterany:" + jobs.arrayJobId + " " + quote(jobs.collectScript)));
}

}  // namespace ftsim::sweep

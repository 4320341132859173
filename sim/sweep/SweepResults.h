#pragma once
// What a sweep leaves on disk and how it is read back (docs/sweeps.md):
//
//   OUT/sweep.json            the expanded points (checked on resume)
//   OUT/points/<id>/point.json status (ok, infeasible, error), reason, overrides,
//                              the resource estimate
//   OUT/points/<id>/summary.json, layers.csv   for points that ran
//   OUT/results.csv           one row per point, in point order
//   OUT/pareto.csv            the points no other point dominates on the objectives
//   OUT/ftsim-sweep.manifest.json   results.csv, pareto.csv and the plots as one
//                              output set (traces/OutputSet.h)
//
// results.csv depends only on the point directories, never on the order in
// which points finished, so it is byte-identical whatever the number of jobs.

#include <optional>
#include <string>
#include <vector>

#include "sim/sweep/SweepSpec.h"

namespace ftsim::sweep {

/// The outcome of a point.
enum class Status { Ok, Infeasible, Error, Missing };
const char* toString(Status s);

/// A point's record, written to point.json when it finishes.
struct PointRecord {
  Status status = Status::Missing;
  std::string reason;        ///< why infeasible or failed
  std::string overflow;      ///< the resource over budget (infeasible points)
  std::string resourcesJson; ///< the estimate (summary.json's "resources" block), if known
  int exitCode = 0;          ///< of the `ftsim run` process (0 when it never ran)
};

/// One results.csv row.
struct Row {
  const Point* point = nullptr;
  PointRecord record;
  std::vector<std::optional<double>> values;  ///< objectiveColumns() order
  std::optional<double> value(const std::string& column) const;
};

std::string pointsDir(const std::string& outDir);
std::string pointDir(const std::string& outDir, const Point& p);

/// point.json for a finished point.
std::string pointJson(const SweepSpec& spec, const Point& p, const PointRecord& r);
/// sweep.json: the sweep's name, design and every point's overrides.
std::string manifestJson(const SweepSpec& spec);

/// Read a point's directory; a point with no directory is Missing.
Row readPoint(const std::string& outDir, const Point& p);
/// Conv/FC-only GFLOPS of a summary.json: the conv and FC phases' FLOPs over
/// their own cycles (the layer rows with FLOPs), at the design's clock.
std::optional<double> convFcGflops(const std::string& summaryJsonText);

std::string resultsCsv(const SweepSpec& spec, const std::vector<Row>& rows);
/// The rows (status ok, every objective known) that no other such row
/// dominates: at least as good on every objective and better on one.
std::vector<Row> paretoFront(const std::vector<Row>& rows, const std::vector<Objective>& objectives);

struct CollectCounts {
  std::size_t ok = 0, infeasible = 0, error = 0, missing = 0, pareto = 0;
};
/// Read every point of `outDir` and write results.csv and pareto.csv into
/// `writeDir` (the staging directory of the sweep's output set, which
/// commits them to `outDir` together). Throws Interrupted on SIGINT/SIGTERM.
CollectCounts collectResults(const SweepSpec& spec, const std::string& outDir,
                             const std::vector<Objective>& objectives, const std::string& writeDir);

}  // namespace ftsim::sweep

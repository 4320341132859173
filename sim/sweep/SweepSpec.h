#pragma once
// A sweep file: a base design and the axes that vary it, expanded into an
// ordered list of design points (docs/sweeps.md).
//
//   sweep:
//     name: vgg16-tiling
//     design: ../designs/eftrain-vgg16-zcu102.yaml   # relative to the sweep file
//     set: {memory.model: ideal}                     # every point
//     grid: {accelerator.clock_mhz: [100, 150, 200]} # the product of the lists
//     zip:                                           # lists advanced together
//       - {accelerator.pe_array.tm: [8, 16], accelerator.pe_array.tn: [8, 16]}
//     random: {samples: 20, seed: 1, axes: {workload.batch: {min: 4, max: 32, step: 4}}}
//     objectives: [gflops:max, gflops_per_w:max, bram36:min]
//
// Each grid key, each zip group and the random group is one axis; the points
// are the product of the axes, the first axis varying slowest. Keys are any
// `--set` key path, list items included (`workload.layers[conv3_1].out_channels`).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/Error.h"

namespace ftsim::sweep {

/// One `key=value` override and where the sweep file wrote it.
struct Assignment {
  std::string key;
  std::string value;  ///< YAML text of a scalar
  SourceLoc loc;
  std::string text() const { return key + "=" + value; }
};

struct Point {
  std::size_t index = 0;
  std::string id;                  ///< directory name, e.g. p00042
  std::vector<Assignment> sets;    ///< the swept values, in SweepSpec::sweptKeys order
};

/// A results.csv column to optimise: maximised or minimised.
struct Objective {
  std::string column;
  bool maximise = true;
  std::string text() const { return column + (maximise ? ":max" : ":min"); }
};

struct SweepSpec {
  std::string file;     ///< the sweep file as given
  std::string name;
  std::string design;   ///< the base design, as a path usable from the working directory
  std::vector<Assignment> fixed;        ///< `set:`, applied to every point before the swept values
  std::vector<std::string> sweptKeys;   ///< results.csv's key columns, in axis order
  std::vector<Point> points;
  std::vector<Objective> objectives;

  static SweepSpec load(const std::string& path);
  /// The `--set` overrides of a point: the fixed ones, then its own.
  std::vector<Assignment> overrides(const Point& p) const;
};

/// Parse "gflops:max,gflops_per_w:max,bram36:min"; `origin` names the flag
/// or file in messages.
std::vector<Objective> parseObjectives(const std::vector<std::string>& items, const std::string& origin);

/// The numeric results.csv columns an objective may name.
const std::vector<std::string>& objectiveColumns();

}  // namespace ftsim::sweep

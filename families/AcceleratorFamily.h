#pragma once
// One accelerator family (EF-Train, tensorized training, ...): everything
// the commands need from it, behind one interface. A family reads and checks
// its part of a design, builds its program, elaborates its SystemC top,
// evaluates its analytical model, prices its energy, estimates its resources
// and computes every figure of its report; the writers in traces/ only format
// what it computed. The commands ask the registry (families/Registry.h) for a
// design's family and never test accelerator.kind themselves.

#include <memory>
#include <ostream>
#include <string>

#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "sim/core/Units.h"
#include "sim/resources/ResourceModel.h"
#include "sim/stats/SimObserver.h"
#include "traces/Report.h"
#include "traces/Timeline.h"

namespace ftsim::config { class ConfigNode; }

namespace ftsim::families {

/// The data files of a functional run (`ftsim run --functional`).
struct FunctionalFiles {
  std::string initDir;         ///< --init: initial parameters and data (.npy); empty: seeded
  float learningRate = 0.01f;  ///< --lr
  bool learningRateGiven = false;  ///< --lr was on the command line
  bool activations = false;    ///< --activations: every layer's output
  bool dumpInit = false;       ///< --dump-init: the initial parameters and data
  bool given = false;          ///< any of the above was on the command line
};

/// One design point of a family with its program built, ready to simulate
/// once (SystemC elaborates once per process).
class DesignRun {
 public:
  virtual ~DesignRun() = default;

  /// The data files of a functional run, and the directory its outputs go
  /// to. A UserError if the run is not functional or the family takes none.
  virtual void setFunctionalFiles(const FunctionalFiles& files, const std::string& outDir) {
    if (files.given)
      throw UserError("--init, --lr, --activations and --dump-init belong to an EF-Train functional run "
                      "(--functional)");
  }

  /// A UserError when `--timeline-window` names what the program does not have.
  virtual void checkTimelineWindow(const traces::TimelineOptions& window) const {}
  /// Elaborate the top, simulate one training step and compute the report
  /// (energy, derived figures). `observer` (may be null) hears the models.
  virtual void simulate(bool progress, stats::SimObserver* observer) = 0;

  /// After simulate(): the rows and totals (summary.json, layers.csv, compare).
  virtual const traces::Report& report() const = 0;
  /// After simulate(): summary.json.
  virtual std::string summaryJson() const = 0;
  /// After simulate(): the console summary.
  virtual void printSummary(std::ostream& os) const = 0;
};

class AcceleratorFamily {
 public:
  virtual ~AcceleratorFamily() = default;

  /// The value of `accelerator.kind` that selects the family.
  virtual const char* kind() const = 0;
  /// Its name in messages, e.g. "EF-Train".
  virtual const char* title() const = 0;
  /// Whether `ftsim compare` can set a run beside its analytical model.
  virtual bool hasAnalyticalModel() const = 0;
  /// Whether `ftsim_train_step` can run one training step of it on real
  /// values through the HLS-subset kernels (sim/functional).
  virtual bool hasFunctionalStep() const = 0;
  /// `ftsim hls-export` can write a Vitis HLS project for its designs (sim/hls/).
  virtual bool hasHlsExport() const { return false; }
  /// Whether its models report to a stats::SimObserver (`--timeline`).
  virtual bool reportsToObserver() const = 0;

  /// Read the family's part of a design (accelerator, workload, memory)
  /// into `d` and check it against the board: ConfigErrors naming file,
  /// line, key and rule. `d`'s board, name, seed and kind are already set.
  virtual void load(config::DesignConfig& d, const config::ConfigNode& root) const = 0;
  /// The accelerator's clock (cycles in the report and the timeline).
  virtual Clock clock(const config::DesignConfig& d) const = 0;
  /// DSP, BRAM36, URAM, LUT and FF per unit against the board (docs/resources.md).
  virtual resources::ResourceEstimate estimateResources(const config::DesignConfig& d) const = 0;
  /// `ftsim check`: the resolved design, its program and resources, without simulating.
  virtual void describe(const config::DesignConfig& d, std::ostream& os) const = 0;
  /// Build the program of `d` (which must outlive the run).
  virtual std::unique_ptr<DesignRun> prepare(const config::DesignConfig& d) const = 0;
};

}  // namespace ftsim::families

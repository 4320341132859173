#pragma once
// Whether a design point can be built, decided without simulating: its
// config loads and validates, and its resource estimate fits the board. This
// is `ftsim check`'s decision, taken in the sweep's own process so that an
// infeasible point costs milliseconds.

#include <string>
#include <vector>

#include "sim/sweep/SweepResults.h"
#include "sim/sweep/SweepSpec.h"

namespace ftsim::sweep {

/// Status Ok (feasible: it may run), Infeasible (over the board's budget:
/// `overflow` names the resource, `resourcesJson` holds the estimate against
/// the real budget) or Error (any other config error, with its message).
PointRecord checkPoint(const std::string& design, const std::vector<Assignment>& overrides);

}  // namespace ftsim::sweep

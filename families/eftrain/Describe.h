#pragma once
// Human-readable dump of a resolved design point and its schedule (what
// `ftsim check` prints).

#include <ostream>

#include "sim/config/DesignConfig.h"
#include "sim/schedule/BufferUsage.h"
#include "sim/schedule/Program.h"

namespace ftsim::families::eftrain {

void describeDesign(const config::DesignConfig& d, const schedule::Program& prog,
                    const std::vector<schedule::BufferUse>& buffers, std::ostream& os);

}  // namespace ftsim::families::eftrain

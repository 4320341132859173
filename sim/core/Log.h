#pragma once
// spdlog loggers, one per module, named by its hierarchical path. The
// prefix carries the simulation time through a hook the SystemC side sets
// (sim/ itself knows nothing of SystemC).

#include <spdlog/spdlog.h>

#include <functional>
#include <memory>
#include <string>

namespace ftsim::log {

/// The logger for `name`, created on first use (stderr, shared level).
std::shared_ptr<spdlog::logger> get(const std::string& name);

/// Set the level of all loggers: trace, debug, info, warn, error, off.
void setLevel(const std::string& level);

/// Install the function that renders the current simulation time.
void setTimeSource(std::function<std::string()> now);

}  // namespace ftsim::log

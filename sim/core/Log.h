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

/// Per-operation logging on hot paths: compiled out unless the build sets
/// FTSIM_TRACE_LOG (cmake -DFTSIM_TRACE_LOG=ON, the default for Debug builds).
#ifdef FTSIM_ENABLE_TRACE_LOG
#define FTSIM_TRACE(logger, ...) (logger)->trace(__VA_ARGS__)
#else
#define FTSIM_TRACE(logger, ...) ((void)0)
#endif

#pragma once
// The "resources" block of summary.json (traces/README.md): the resource
// estimate's per-unit lines, total, board budget and use in percent.

#include <nlohmann/json.hpp>

#include "sim/resources/ResourceModel.h"

namespace ftsim::traces {

nlohmann::ordered_json resourcesJson(const resources::ResourceEstimate& e);

}  // namespace ftsim::traces

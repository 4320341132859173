#include "models/memory/MemoryIF.h"

#include "models/memory/Ddr4Memory.h"
#include "models/memory/IdealMemory.h"
#include "sim/core/Error.h"

namespace ftsim::models {

void MemoryIF::attachStore(functional::BackingStore* store) {
  if (store)
    throw UserError("functional mode: this memory model moves no data (functional runs support memory.model "
                    "ideal and ddr4)");
}

std::unique_ptr<MemoryIF> MemoryIF::create(const char* name, const MemoryConfig& cfg, const Clock& accelClock,
                                           int dmaMaxOutstanding) {
  if (cfg.model == "ideal") return std::make_unique<IdealMemory>(name, cfg.ideal, accelClock);
  FTSIM_ASSERT(cfg.model == "ddr4", "unknown memory model " + cfg.model);
  return std::make_unique<Ddr4Memory>(name, cfg, dmaMaxOutstanding);
}

}  // namespace ftsim::models

#pragma once
// What the accelerator sees of its memory: a TLM-2.0 target for each DMA
// stream, and the DDR activity for the stats. Implemented by IdealMemory
// and Ddr4Memory; `create` builds the one a design's `memory.model` names.

#include <tlm>

#include <memory>

#include "models/memory/MemoryConfig.h"
#include "sim/core/Units.h"
#include "sim/stats/RunResult.h"

namespace ftsim::stats { class SimObserver; }
namespace ftsim::functional { class BackingStore; }

namespace ftsim::models {

class MemoryIF {
 public:
  virtual ~MemoryIF() = default;
  /// Bind the next DMA stream; streams get ports in bind order.
  virtual void bindStream(tlm::tlm_initiator_socket<>& socket) = 0;
  /// DDR activity up to now (all zero for the ideal memory).
  virtual stats::DdrCounters counters() = 0;
  /// End of the run: finish queued work and describe the run.
  virtual void finish(stats::MemoryRunStats& out) = 0;
  /// Record the memory's activity in `timeline` (DDR4: its commands; the
  /// ideal memory has nothing of its own to show).
  virtual void setTimeline(stats::SimObserver* timeline) {}
  /// Functional mode: the DRAM's contents, which the payloads' bytes move
  /// to and from (nullptr: timing only, no data moves). A memory model that
  /// does not move data refuses a store (a UserError naming it).
  virtual void attachStore(functional::BackingStore* store);
  /// Every DMA transaction is sent at least `lead` ps before it arrives
  /// (its annotated delay: the DMAs' start cost). A model may compute that
  /// far ahead of the present.
  virtual void setRequestLead(Picoseconds lead) {}

  /// `accelClock` clocks the ideal memory; `dmaMaxOutstanding` is the DMA
  /// engines' own limit on bursts in flight.
  static std::unique_ptr<MemoryIF> create(const char* name, const MemoryConfig& cfg, const Clock& accelClock,
                                          int dmaMaxOutstanding);
};

}  // namespace ftsim::models

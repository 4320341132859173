#pragma once
// What a model reports while it runs, for whoever listens: named tracks,
// spans of activity on them, layer × phase boundaries and the bytes on the
// DDR data bus. Models hold a `SimObserver*` that is null unless a listener
// was asked for (e.g. traces/Timeline, which writes timeline.json), so
// reporting costs one pointer test when nobody listens. Models know this
// interface only, never a writer.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sim/core/Units.h"
#include "sim/schedule/Program.h"

namespace ftsim::stats {

class SimObserver {
 public:
  using TrackId = std::uint32_t;

  /// A number or a short string argument of a span.
  struct Arg {
    Arg(const char* k, std::uint64_t v) : key(k), num(v) {}
    Arg(const char* k, std::string_view v) : key(k), str(v), isStr(true) {}
    const char* key;
    std::uint64_t num = 0;
    std::string_view str;
    bool isStr = false;
  };

  virtual ~SimObserver() = default;

  /// A named track (thread `thread` of process `process`), in the order of
  /// registration. `phaseArgs`: its spans name the current layer phase.
  virtual TrackId track(const std::string& process, const std::string& thread, bool phaseArgs) = 0;
  TrackId track(const std::string& process, const std::string& thread) { return track(process, thread, true); }

  /// A layer × phase starts / ends.
  virtual void phaseBegin(const std::string& layer, schedule::Phase phase, const char* unit, Picoseconds at) = 0;
  virtual void phaseEnd(Picoseconds at, std::uint64_t cycles) = 0;

  /// Whether a span starting at `at` is wanted (check before building its arguments).
  virtual bool inWindow(Picoseconds at) const = 0;
  /// A span [begin, end) on `track`.
  virtual void span(TrackId track, Picoseconds begin, Picoseconds end, std::string_view name,
                    std::initializer_list<Arg> args) = 0;
  void span(TrackId track, Picoseconds begin, Picoseconds end, std::string_view name) {
    span(track, begin, end, name, {});
  }
  /// A DMA operation on `track`: its tensor, tile, segments and bytes.
  virtual void dmaSpan(TrackId track, Picoseconds begin, Picoseconds end, const schedule::TensorDesc& tensor,
                       const schedule::TileRef& tile, std::uint64_t segments, std::uint64_t bytes) = 0;

  /// The DDR clock: the DDR model reports its commands in its own cycles.
  virtual void setDdrClock(const Clock& ddrClock) = 0;
  /// Whether a DDR command at `ddrCycle` is wanted.
  virtual bool inDdrWindow(std::uint64_t ddrCycle) const = 0;
  /// No more spans are wanted; the model counts the ones it skips with drop().
  virtual bool full() const = 0;
  virtual void drop() = 0;
  /// Bytes that crossed the DDR data bus at DDR cycle `ddrCycle` (after inDdrWindow()).
  virtual void ddrBytes(std::uint64_t ddrCycle, std::uint64_t bytes) = 0;

  /// The observer of one DRAM channel of several (`process`: its instance
  /// name, e.g. `ddr4_1`): the tracks a model registers through it are
  /// threads of `process`, whatever process it names, and its data-bus bytes
  /// make a counter of their own; the rest goes to this observer. A listener
  /// that does not tell channels apart returns itself.
  virtual SimObserver* ddrChannel(const std::string& process) { return this; }
};

}  // namespace ftsim::stats

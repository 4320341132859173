#pragma once
// timeline.json: a Chrome trace event file (opens in Perfetto and
// chrome://tracing) of what the accelerator and its memory did, in simulated
// time (µs). The models hold a `Timeline*` that is null unless the run asked
// for a timeline, so recording costs one pointer test when it is off.
//
// Events are written to a temporary file as they are recorded (memory stays
// flat however long the run), only inside the window, and at most
// `maxEvents` of them; the file is renamed into place by finish(). Layer ×
// phase spans, track names and the DDR bandwidth counter are outside the cap
// (they are few). See traces/README.md for the format. The models see it as
// a stats::SimObserver.

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/Units.h"
#include "sim/schedule/Program.h"
#include "sim/stats/SimObserver.h"

namespace ftsim::traces {

/// What to record: a window of accelerator cycles or the phases of one layer
/// (optionally one phase of it), and a cap on the number of events.
struct TimelineOptions {
  std::string path;                       ///< the file finish() writes
  std::uint64_t maxEvents = 1'000'000;
  std::string window;                     ///< as given: "" (whole run), "START:END", "LAYER" or "LAYER:PHASE"
  bool cycleWindow = false;
  std::uint64_t startCycle = 0, endCycle = 0;  ///< [start, end) when cycleWindow
  std::string layer;                      ///< layer window: its name
  std::string phase;                      ///< and "FP", "BP", "WU" or "" for all its phases
};

inline constexpr std::uint64_t kDefaultTimelineMaxEvents = 1'000'000;

/// Parse `--timeline-window` (UserError naming the flag on a bad value).
void parseTimelineWindow(const std::string& text, TimelineOptions& opts);

class Timeline final : public stats::SimObserver {
 public:
  using TrackId = stats::SimObserver::TrackId;
  using Arg = stats::SimObserver::Arg;
  using stats::SimObserver::span;
  using stats::SimObserver::track;

  /// `accelClock` converts the cycle window to time; `design` goes into the
  /// metadata. Opens the temporary file (UserError when it cannot).
  Timeline(TimelineOptions opts, const Clock& accelClock, const std::string& design);
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  /// A named track (thread `thread` of process `process`), in the order of
  /// registration. `phaseArgs`: its events name the current layer phase.
  TrackId track(const std::string& process, const std::string& thread, bool phaseArgs) override;

  /// A layer × phase starts / ends: opens and closes a layer window, names
  /// the phase in the events recorded meanwhile, and records its span.
  void phaseBegin(const std::string& layer, schedule::Phase phase, const char* unit, Picoseconds at) override;
  void phaseEnd(Picoseconds at, std::uint64_t cycles) override;

  /// Whether an event starting at `at` falls in the window (check before
  /// building an event's arguments).
  bool inWindow(Picoseconds at) const override;
  /// A span [begin, end) on `track`; dropped outside the window or over the cap.
  void span(TrackId track, Picoseconds begin, Picoseconds end, std::string_view name,
            std::initializer_list<Arg> args) override;
  /// A DMA operation: named after its tensor, with its tile, segments and bytes.
  void dmaSpan(TrackId track, Picoseconds begin, Picoseconds end, const schedule::TensorDesc& tensor,
               const schedule::TileRef& tile, std::uint64_t segments, std::uint64_t bytes) override;
  /// The DDR clock: the DDR model reports its commands in its own cycles,
  /// which the window is also kept in, so a command outside the window or
  /// over the cap costs a few integer compares.
  void setDdrClock(const Clock& ddrClock) override;
  bool inDdrWindow(std::uint64_t ddrCycle) const override {
    // Cycle c of the DDR clock is at or after time t exactly when c >= edgeAtOrAfter(t).
    if (m_opts.cycleWindow) return ddrCycle >= m_ddrWindowStart && ddrCycle < m_ddrWindowEnd;
    return m_opts.layer.empty() || inDdrLayerWindow(ddrCycle);
  }
  /// No more spans will be recorded (the cap is reached).
  bool full() const override { return m_recorded >= m_opts.maxEvents; }
  /// Count a span that was not built because the cap was reached.
  void drop() override { ++m_dropped; }
  /// Bytes that crossed the DDR data bus at DDR cycle `ddrCycle` (the
  /// bandwidth counter); the caller checked inDdrWindow().
  void ddrBytes(std::uint64_t ddrCycle, std::uint64_t bytes) override { busBytes(m_buckets, ddrCycle, bytes); }
  /// Channel `process` of several (not `ddr4`, which is this timeline's
  /// own): its tracks go under that process, and its data-bus bytes make a
  /// `bandwidth` counter there, in the same buckets as `ddr4`'s.
  stats::SimObserver* ddrChannel(const std::string& process) override;

  /// Write the counters and the metadata, close and rename into place.
  /// Returns the number of events dropped by the cap.
  std::uint64_t finish();

  std::uint64_t recorded() const { return m_recorded; }
  std::uint64_t dropped() const { return m_dropped; }

 private:
  class DdrChannel;
  bool inDdrLayerWindow(std::uint64_t ddrCycle) const;
  void busBytes(std::vector<std::uint64_t>& buckets, std::uint64_t ddrCycle, std::uint64_t bytes) {
    const std::uint64_t k = (ddrCycle - m_bucketOrigin) >> m_bucketShift;
    if (m_sawDdr && ddrCycle >= m_bucketOrigin && k < buckets.size()) buckets[k] += bytes;
    else addBucket(buckets, ddrCycle, bytes);
  }
  void addBucket(std::vector<std::uint64_t>& buckets, std::uint64_t ddrCycle, std::uint64_t bytes);
  /// One `bandwidth` counter track of `process` from `buckets`.
  void writeCounter(const std::string& process, const std::vector<std::uint64_t>& buckets, double bucketSeconds);
  void beginEvent();
  /// Open an event on `track`: `{"ph":"<ph>","pid":P,"tid":T` (the caller closes it).
  void openEvent(const char* ph, TrackId track);
  /// Open a complete ("X") event: head, ts, dur and name.
  void openSpan(TrackId track, Picoseconds begin, Picoseconds end, std::string_view name);
  /// A metadata event: `name` (process_name, thread_sort_index, ...) of
  /// process `pid` (thread `tid`, unless 0) with one argument.
  void metadata(const char* name, std::uint32_t pid, std::uint32_t tid, const char* key, std::string_view text);
  void metadata(const char* name, std::uint32_t pid, std::uint32_t tid, const char* key, std::uint64_t value);
  void openMetadata(const char* name, std::uint32_t pid, std::uint32_t tid, const char* key);
  void appendTs(Picoseconds ps);
  void appendString(std::string_view s);
  void appendUint(std::uint64_t v);
  void appendArgs(std::initializer_list<Arg> args, bool phase);
  void flushIfFull();

  TimelineOptions m_opts;
  Clock m_clock;
  std::string m_design;
  std::string m_tmpPath;
  std::FILE* m_file = nullptr;
  std::string m_buf;  ///< reserved once; flushed to m_file when full
  bool m_first = true;
  std::uint64_t m_recorded = 0, m_dropped = 0;
  std::uint32_t m_nextPid = 0;
  std::vector<std::pair<std::string, std::uint32_t>> m_processes;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> m_tracks;  ///< (pid, tid)
  std::vector<bool> m_phaseArgs;
  TrackId m_phaseTrack = 0;

  // Window: [m_windowStart, m_windowEnd) for a cycle window; the closed
  // intervals of matching phases and the open one for a layer window.
  Picoseconds m_windowStart = 0, m_windowEnd = 0;
  std::vector<std::pair<Picoseconds, Picoseconds>> m_layerIntervals;
  bool m_layerOpen = false;
  Picoseconds m_layerOpenAt = 0;
  bool m_layerSeen = false;

  // The current phase.
  std::string m_phaseName;
  std::string m_phaseUnit;
  Picoseconds m_phaseStart = 0;

  // The window in DDR cycles (see setDdrClock).
  Clock m_ddrClock;
  std::uint64_t m_ddrWindowStart = 0, m_ddrWindowEnd = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> m_ddrLayerIntervals;
  std::uint64_t m_ddrLayerOpenAt = 0;

  // DDR bytes per bucket of 2^m_bucketShift DDR cycles from the first burst
  // in the window; the width doubles (pairs merge) whenever more than
  // kMaxBuckets would be needed. m_buckets is `ddr4`'s (channel 0); the
  // other channels' share the origin and the width.
  static constexpr std::size_t kMaxBuckets = 2048;
  std::uint64_t m_bucketOrigin = 0;
  unsigned m_bucketShift = 10;
  std::vector<std::uint64_t> m_buckets;
  bool m_sawDdr = false;
  std::vector<std::unique_ptr<DdrChannel>> m_ddrChannels;
};

}  // namespace ftsim::traces

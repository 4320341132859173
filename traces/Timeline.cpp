#include "traces/Timeline.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <cstdlib>
#include <filesystem>

#include "sim/core/Error.h"

namespace ftsim::traces {

namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

bool parseUint(std::string_view s, std::uint64_t& v) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

/// What one DRAM channel of several reports: its own process for its tracks
/// and its own data-bus counter; everything else is the timeline's.
class Timeline::DdrChannel final : public stats::SimObserver {
 public:
  DdrChannel(Timeline& parent, std::string process) : m_parent(parent), m_process(std::move(process)) {}
  using stats::SimObserver::span;
  using stats::SimObserver::track;

  TrackId track(const std::string& /*process*/, const std::string& thread, bool phaseArgs) override {
    return m_parent.track(m_process, thread, phaseArgs);
  }
  void phaseBegin(const std::string& layer, schedule::Phase phase, const char* unit, Picoseconds at) override {
    m_parent.phaseBegin(layer, phase, unit, at);
  }
  void phaseEnd(Picoseconds at, std::uint64_t cycles) override { m_parent.phaseEnd(at, cycles); }
  bool inWindow(Picoseconds at) const override { return m_parent.inWindow(at); }
  void span(TrackId track, Picoseconds begin, Picoseconds end, std::string_view name,
            std::initializer_list<Arg> args) override {
    m_parent.span(track, begin, end, name, args);
  }
  void dmaSpan(TrackId track, Picoseconds begin, Picoseconds end, const schedule::TensorDesc& tensor,
               const schedule::TileRef& tile, std::uint64_t segments, std::uint64_t bytes) override {
    m_parent.dmaSpan(track, begin, end, tensor, tile, segments, bytes);
  }
  void setDdrClock(const Clock& ddrClock) override { m_parent.setDdrClock(ddrClock); }
  bool inDdrWindow(std::uint64_t ddrCycle) const override { return m_parent.inDdrWindow(ddrCycle); }
  bool full() const override { return m_parent.full(); }
  void drop() override { m_parent.drop(); }
  void ddrBytes(std::uint64_t ddrCycle, std::uint64_t bytes) override { m_parent.busBytes(m_buckets, ddrCycle, bytes); }
  stats::SimObserver* ddrChannel(const std::string& process) override { return m_parent.ddrChannel(process); }

  const std::string& process() const { return m_process; }
  std::vector<std::uint64_t>& buckets() { return m_buckets; }

 private:
  Timeline& m_parent;
  std::string m_process;
  std::vector<std::uint64_t> m_buckets;
};

void parseTimelineWindow(const std::string& text, TimelineOptions& opts) {
  const auto bad = [&](const std::string& rule) {
    return UserError("--timeline-window " + text + ": " + rule);
  };
  opts.window = text;
  opts.cycleWindow = false;
  opts.layer.clear();
  opts.phase.clear();
  if (text.empty()) throw bad("expected START:END (accelerator cycles), LAYER or LAYER:PHASE");
  const std::size_t colon = text.find(':');
  const std::string left = text.substr(0, colon);
  const std::string right = colon == std::string::npos ? "" : text.substr(colon + 1);
  std::uint64_t a = 0, b = 0;
  if (colon != std::string::npos && parseUint(left, a) && parseUint(right, b)) {
    if (b <= a) throw bad("END must be greater than START");
    opts.cycleWindow = true;
    opts.startCycle = a;
    opts.endCycle = b;
    return;
  }
  if (left.empty()) throw bad("expected START:END (accelerator cycles), LAYER or LAYER:PHASE");
  if (colon != std::string::npos && right != "FP" && right != "BP" && right != "WU")
    throw bad("PHASE must be FP, BP or WU (START:END must both be cycle numbers)");
  opts.layer = left;
  opts.phase = right;
}

Timeline::Timeline(TimelineOptions opts, const Clock& accelClock, const std::string& design)
    : m_opts(std::move(opts)), m_clock(accelClock), m_design(design) {
  FTSIM_ASSERT(m_opts.maxEvents > 0, "timeline cap of 0 events");
  m_tmpPath = m_opts.path + ".tmp." + std::to_string(::getpid());
  m_file = std::fopen(m_tmpPath.c_str(), "wb");
  if (!m_file) throw UserError(m_opts.path + ": cannot write the timeline: " + std::strerror(errno));
  if (m_opts.cycleWindow) {
    m_windowStart = m_clock.edgePs(Cycles(m_opts.startCycle));
    m_windowEnd = m_clock.edgePs(Cycles(m_opts.endCycle));
  }
  m_buf.reserve(kBufferBytes + 4096);
  m_buf += "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
  m_phaseTrack = track("accelerator", "layers");
}

Timeline::~Timeline() {
  if (m_file) {
    std::fclose(m_file);
    std::remove(m_tmpPath.c_str());
  }
}

Timeline::TrackId Timeline::track(const std::string& process, const std::string& thread, bool phaseArgs) {
  std::uint32_t pid = 0;
  for (const auto& p : m_processes)
    if (p.first == process) pid = p.second;
  if (pid == 0) {
    pid = ++m_nextPid;
    m_processes.emplace_back(process, pid);
    metadata("process_name", pid, 0, "name", process);
    metadata("process_sort_index", pid, 0, "sort_index", pid);
  }
  std::uint32_t tid = 1;
  for (const auto& t : m_tracks)
    if (t.first == pid) ++tid;
  m_tracks.emplace_back(pid, tid);
  m_phaseArgs.push_back(phaseArgs);
  metadata("thread_name", pid, tid, "name", thread);
  metadata("thread_sort_index", pid, tid, "sort_index", tid);
  return static_cast<TrackId>(m_tracks.size() - 1);
}

void Timeline::phaseBegin(const std::string& layer, schedule::Phase phase, const char* unit, Picoseconds at) {
  m_phaseName = layer;
  m_phaseName += ' ';
  m_phaseName += schedule::toString(phase);
  m_phaseUnit = unit;
  m_phaseStart = at;
  if (!m_opts.layer.empty() && layer == m_opts.layer &&
      (m_opts.phase.empty() || m_opts.phase == schedule::toString(phase))) {
    m_layerOpen = true;
    m_layerOpenAt = at;
    m_ddrLayerOpenAt = m_ddrClock.edgeAtOrAfter(at).value();
    m_layerSeen = true;
  }
}

void Timeline::phaseEnd(Picoseconds at, std::uint64_t cycles) {
  // The span is recorded when the phase overlaps the window (not capped).
  bool overlaps = true;
  if (m_opts.cycleWindow) overlaps = m_phaseStart < m_windowEnd && at > m_windowStart;
  else if (!m_opts.layer.empty()) overlaps = m_layerOpen;
  if (overlaps) {
    openSpan(m_phaseTrack, m_phaseStart, at, m_phaseName);
    m_buf += ",\"args\":{\"unit\":";
    appendString(m_phaseUnit);
    m_buf += ",\"cycles\":";
    appendUint(cycles);
    m_buf += "}}";
    flushIfFull();
  }
  if (m_layerOpen) {
    m_layerIntervals.emplace_back(m_layerOpenAt, at);
    m_ddrLayerIntervals.emplace_back(m_ddrLayerOpenAt, m_ddrClock.edgeAtOrAfter(at).value());
    m_layerOpen = false;
  }
  m_phaseName.clear();
}

bool Timeline::inWindow(Picoseconds at) const {
  if (m_opts.cycleWindow) return at >= m_windowStart && at < m_windowEnd;
  if (m_opts.layer.empty()) return true;
  if (m_layerOpen && at >= m_layerOpenAt) return true;
  for (const auto& iv : m_layerIntervals)
    if (at >= iv.first && at < iv.second) return true;
  return false;
}

void Timeline::span(TrackId track, Picoseconds begin, Picoseconds end, std::string_view name,
                    std::initializer_list<Arg> args) {
  if (!inWindow(begin)) return;
  if (m_recorded >= m_opts.maxEvents) {
    ++m_dropped;
    return;
  }
  ++m_recorded;
  openSpan(track, begin, end, name);
  appendArgs(args, m_phaseArgs[track]);
  m_buf += '}';
  flushIfFull();
}

void Timeline::dmaSpan(TrackId track, Picoseconds begin, Picoseconds end, const schedule::TensorDesc& tensor,
                       const schedule::TileRef& tile, std::uint64_t segments, std::uint64_t bytes) {
  if (!inWindow(begin)) return;
  // The tile as [lo, hi) per logical dimension, e.g. "0:1,0:16,0:28,0:224".
  char text[128];  // 8 numbers of at most 11 characters and 7 separators
  char* p = text;
  char* const last = text + sizeof text;
  for (int i = 0; i < 4; ++i) {
    if (i && p < last) *p++ = ',';
    p = std::to_chars(p, last, tile.lo[i]).ptr;
    if (p < last) *p++ = ':';
    p = std::to_chars(p, last, tile.hi[i]).ptr;
  }
  span(track, begin, end, tensor.name,
       {Arg("tile", std::string_view(text, static_cast<std::size_t>(p - text))), Arg("segments", segments),
        Arg("bytes", bytes)});
}

void Timeline::setDdrClock(const Clock& ddrClock) {
  m_ddrClock = ddrClock;
  if (m_opts.cycleWindow) {
    m_ddrWindowStart = m_ddrClock.edgeAtOrAfter(m_windowStart).value();
    m_ddrWindowEnd = m_ddrClock.edgeAtOrAfter(m_windowEnd).value();
  }
}

bool Timeline::inDdrLayerWindow(std::uint64_t c) const {
  if (m_layerOpen && c >= m_ddrLayerOpenAt) return true;
  for (const auto& iv : m_ddrLayerIntervals)
    if (c >= iv.first && c < iv.second) return true;
  return false;
}

stats::SimObserver* Timeline::ddrChannel(const std::string& process) {
  if (process == "ddr4") return this;
  for (const auto& c : m_ddrChannels)
    if (c->process() == process) return c.get();
  m_ddrChannels.push_back(std::make_unique<DdrChannel>(*this, process));
  return m_ddrChannels.back().get();
}

void Timeline::addBucket(std::vector<std::uint64_t>& buckets, std::uint64_t c, std::uint64_t bytes) {
  if (!m_sawDdr) {
    m_sawDdr = true;
    m_bucketOrigin = c >> m_bucketShift << m_bucketShift;
  }
  auto forEachCounter = [&](auto&& f) {
    f(m_buckets);
    for (const auto& ch : m_ddrChannels) f(ch->buckets());
  };
  if (c < m_bucketOrigin) {
    // One channel issues its commands in time order, but another may be
    // behind it (each controller is advanced on its own): move the common
    // origin back by whole buckets.
    if (m_ddrChannels.empty()) return;
    const std::uint64_t back = (m_bucketOrigin - c + (std::uint64_t(1) << m_bucketShift) - 1) >> m_bucketShift;
    forEachCounter([&](std::vector<std::uint64_t>& b) {
      if (!b.empty()) b.insert(b.begin(), back, 0);
    });
    m_bucketOrigin -= back << m_bucketShift;
  }
  std::uint64_t k = (c - m_bucketOrigin) >> m_bucketShift;
  std::size_t longest = 0;
  forEachCounter([&](std::vector<std::uint64_t>& b) { longest = std::max(longest, b.size()); });
  while (std::max<std::uint64_t>(k + 1, longest) > kMaxBuckets) {
    forEachCounter([](std::vector<std::uint64_t>& b) {
      for (std::size_t i = 0; i < b.size(); i += 2) b[i / 2] = b[i] + (i + 1 < b.size() ? b[i + 1] : 0);
      b.resize((b.size() + 1) / 2);
    });
    ++m_bucketShift;
    longest = (longest + 1) / 2;
    k = (c - m_bucketOrigin) >> m_bucketShift;
  }
  if (k >= buckets.size()) buckets.resize(k + 1, 0);
  buckets[k] += bytes;
}

void Timeline::writeCounter(const std::string& process, const std::vector<std::uint64_t>& buckets,
                            double bucketSeconds) {
  const std::uint64_t bucketCycles = std::uint64_t(1) << m_bucketShift;
  char num[64];
  const TrackId t = track(process, "bandwidth");
  for (std::size_t i = 0; i <= buckets.size(); ++i) {
    // The last point returns to 0 at the end of the last bucket.
    const double gbps = i < buckets.size() ? static_cast<double>(buckets[i]) / bucketSeconds / 1e9 : 0.0;
    openEvent("C", t);
    m_buf += ",\"ts\":";
    appendTs(m_ddrClock.edgePs(Cycles(m_bucketOrigin + i * bucketCycles)));
    m_buf += ",\"name\":\"ddr_bandwidth\",\"args\":{\"GB/s\":";
    const int n = std::snprintf(num, sizeof num, "%.4f", gbps);
    m_buf.append(num, static_cast<std::size_t>(n));
    m_buf += "}}";
    flushIfFull();
  }
}

std::uint64_t Timeline::finish() {
  const std::uint64_t bucketCycles = std::uint64_t(1) << m_bucketShift;
  const double bucketSeconds = static_cast<double>(bucketCycles) / static_cast<double>(m_ddrClock.freqHz());
  char num[64];
  if (m_sawDdr) {
    // Channel 0's counter, then the other channels' in the order they were
    // registered (a channel that moved no data has none).
    if (!m_buckets.empty()) writeCounter("ddr4", m_buckets, bucketSeconds);
    for (const auto& ch : m_ddrChannels)
      if (!ch->buckets().empty()) writeCounter(ch->process(), ch->buckets(), bucketSeconds);
  }
  m_buf += "],\"otherData\":{\"generator\":\"ftsim\",\"design\":";
  appendString(m_design);
  m_buf += ",\"time_unit\":\"us of simulated time\",\"window\":";
  appendString(m_opts.window.empty() ? "whole run" : m_opts.window);
  m_buf += ",\"max_events\":";
  appendUint(m_opts.maxEvents);
  m_buf += ",\"events\":";
  appendUint(m_recorded);
  m_buf += ",\"dropped_events\":";
  appendUint(m_dropped);
  m_buf += ",\"ddr_bandwidth_bucket_us\":";
  if (m_sawDdr) {
    const int n = std::snprintf(num, sizeof num, "%.6f", bucketSeconds * 1e6);
    m_buf.append(num, static_cast<std::size_t>(n));
  } else {
    m_buf += "null";
  }
  m_buf += ",\"note\":";
  if (m_dropped)
    appendString("the cap of max_events was reached: " + std::to_string(m_dropped) +
                 " later events were dropped; narrow --timeline-window or raise --timeline-max-events");
  else
    appendString("complete within the window");
  m_buf += "}}\n";
  const bool ok = std::fwrite(m_buf.data(), 1, m_buf.size(), m_file) == m_buf.size();
  m_buf.clear();
  const bool synced = std::fflush(m_file) == 0 && ::fsync(::fileno(m_file)) == 0;
  const bool closed = std::fclose(m_file) == 0;
  m_file = nullptr;
  if (!ok || !synced || !closed) {
    std::remove(m_tmpPath.c_str());
    throw UserError(m_opts.path + ": cannot write the timeline");
  }
  std::error_code ec;
  std::filesystem::rename(m_tmpPath, m_opts.path, ec);
  if (ec) {
    std::remove(m_tmpPath.c_str());
    throw UserError(m_opts.path + ": cannot write the timeline: " + ec.message());
  }
  return m_dropped;
}

void Timeline::beginEvent() {
  if (!m_first) m_buf += ",\n";
  else m_buf += '\n';
  m_first = false;
}

void Timeline::openEvent(const char* ph, TrackId track) {
  beginEvent();
  m_buf += "{\"ph\":\"";
  m_buf += ph;
  m_buf += "\",\"pid\":";
  appendUint(m_tracks[track].first);
  m_buf += ",\"tid\":";
  appendUint(m_tracks[track].second);
}

void Timeline::openSpan(TrackId track, Picoseconds begin, Picoseconds end, std::string_view name) {
  openEvent("X", track);
  m_buf += ",\"ts\":";
  appendTs(begin);
  m_buf += ",\"dur\":";
  appendTs(end - begin);
  m_buf += ",\"name\":";
  appendString(name);
}

void Timeline::openMetadata(const char* name, std::uint32_t pid, std::uint32_t tid, const char* key) {
  beginEvent();
  m_buf += "{\"ph\":\"M\",\"name\":\"";
  m_buf += name;
  m_buf += "\",\"pid\":";
  appendUint(pid);
  if (tid) {
    m_buf += ",\"tid\":";
    appendUint(tid);
  }
  m_buf += ",\"args\":{\"";
  m_buf += key;
  m_buf += "\":";
}

void Timeline::metadata(const char* name, std::uint32_t pid, std::uint32_t tid, const char* key,
                        std::string_view text) {
  openMetadata(name, pid, tid, key);
  appendString(text);
  m_buf += "}}";
}

void Timeline::metadata(const char* name, std::uint32_t pid, std::uint32_t tid, const char* key,
                        std::uint64_t value) {
  openMetadata(name, pid, tid, key);
  appendUint(value);
  m_buf += "}}";
}

void Timeline::appendTs(Picoseconds ps) {
  // µs with six decimals: exact to the picosecond and byte-identical across runs.
  appendUint(ps / 1'000'000);
  char frac[8];
  std::uint64_t f = ps % 1'000'000;
  for (int i = 5; i >= 0; --i) {
    frac[i] = static_cast<char>('0' + f % 10);
    f /= 10;
  }
  m_buf += '.';
  m_buf.append(frac, 6);
}

void Timeline::appendString(std::string_view s) {
  m_buf += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      m_buf += '\\';
      m_buf += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      m_buf += ' ';
    } else {
      m_buf += c;
    }
  }
  m_buf += '"';
}

void Timeline::appendUint(std::uint64_t v) {
  char num[24];
  const auto r = std::to_chars(num, num + sizeof num, v);
  m_buf.append(num, static_cast<std::size_t>(r.ptr - num));
}

void Timeline::appendArgs(std::initializer_list<Arg> args, bool phase) {
  if (args.size() == 0 && !(phase && !m_phaseName.empty())) return;
  m_buf += ",\"args\":{";
  bool first = true;
  if (phase && !m_phaseName.empty()) {
    m_buf += "\"phase\":";
    appendString(m_phaseName);
    first = false;
  }
  for (const Arg& a : args) {
    if (!first) m_buf += ',';
    first = false;
    appendString(a.key);
    m_buf += ':';
    if (a.isStr) appendString(a.str);
    else appendUint(a.num);
  }
  m_buf += '}';
}

void Timeline::flushIfFull() {
  if (m_buf.size() < kBufferBytes) return;
  if (std::fwrite(m_buf.data(), 1, m_buf.size(), m_file) != m_buf.size())
    throw UserError(m_opts.path + ": cannot write the timeline: " + std::strerror(errno));
  m_buf.clear();
}

}  // namespace ftsim::traces

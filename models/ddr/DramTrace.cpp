#include "models/ddr/DramTrace.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/core/Error.h"
#include "sim/core/Interrupt.h"

namespace ftsim::models {

const char* toString(TraceFormat f) {
  switch (f) {
    case TraceFormat::DramSim3: return "dramsim3";
    case TraceFormat::Ramulator: return "ramulator";
    case TraceFormat::Stl: return "stl";
  }
  return "?";
}

TraceFormat parseTraceFormat(const std::string& name) {
  if (name == "dramsim3") return TraceFormat::DramSim3;
  if (name == "ramulator") return TraceFormat::Ramulator;
  if (name == "stl") return TraceFormat::Stl;
  throw UserError("--format " + name + ": expected dramsim3, ramulator or stl");
}

namespace {

const char* expected(TraceFormat f) {
  switch (f) {
    case TraceFormat::DramSim3: return "`0x<addr> READ|WRITE <cycle>` (dramsim3 format)";
    case TraceFormat::Ramulator: return "`0x<addr> R|W` or `LD|ST 0x<addr>` (ramulator format)";
    case TraceFormat::Stl: return "`<cycle>: [(<bytes>)] read|write 0x<addr>` (DRAMSys stl format)";
  }
  return "";
}

/// A line split into whitespace-separated tokens, without copies.
struct Tokens {
  const char* begin[6];
  std::size_t len[6];
  int n = 0;
  bool is(int i, const char* s) const {
    std::size_t k = 0;
    for (; s[k]; ++k)
      if (k >= len[i] || begin[i][k] != s[k]) return false;
    return k == len[i];
  }
  std::string str(int i) const { return std::string(begin[i], len[i]); }
};

Tokens split(const char* p, const char* end) {
  Tokens t;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
    if (p >= end) break;
    const char* s = p;
    while (p < end && *p != ' ' && *p != '\t' && *p != '\r') ++p;
    if (t.n < 6) {
      t.begin[t.n] = s;
      t.len[t.n] = static_cast<std::size_t>(p - s);
    }
    ++t.n;
  }
  return t;
}

/// Parse [begin, begin+len) as an unsigned number in `base` (16 accepts a
/// 0x prefix); false on any other character or overflow.
bool number(const char* s, std::size_t len, int base, std::uint64_t& v) {
  if (base == 16 && len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s += 2;
    len -= 2;
  }
  if (len == 0 || len > (base == 16 ? 16u : 19u)) return false;
  v = 0;
  for (std::size_t i = 0; i < len; ++i) {
    const char c = s[i];
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
  }
  return true;
}

/// One request line of `f` into `r`; false if it does not match.
bool parseLine(const Tokens& t, TraceFormat f, std::uint32_t burstBytes, TraceRequest& r) {
  r.bytes = burstBytes;
  r.cycle = 0;
  switch (f) {
    case TraceFormat::DramSim3:
      if (t.n != 3 || !number(t.begin[0], t.len[0], 16, r.addr) || !number(t.begin[2], t.len[2], 10, r.cycle))
        return false;
      if (t.is(1, "READ") || t.is(1, "P_MEM_RD")) r.write = false;
      else if (t.is(1, "WRITE") || t.is(1, "P_MEM_WR")) r.write = true;
      else return false;
      return true;
    case TraceFormat::Ramulator:
      if (t.n != 2) return false;
      if (t.is(0, "LD") || t.is(0, "ST")) {
        r.write = t.is(0, "ST");
        return number(t.begin[1], t.len[1], 16, r.addr);
      }
      if (t.is(1, "R")) r.write = false;
      else if (t.is(1, "W")) r.write = true;
      else return false;
      return number(t.begin[0], t.len[0], 16, r.addr);
    case TraceFormat::Stl: {
      if (t.n < 3 || t.len[0] < 2 || t.begin[0][t.len[0] - 1] != ':') return false;
      if (!number(t.begin[0], t.len[0] - 1, 10, r.cycle)) return false;
      int k = 1;
      if (t.begin[1][0] == '(') {
        std::uint64_t bytes = 0;
        if (t.len[1] < 3 || t.begin[1][t.len[1] - 1] != ')' || !number(t.begin[1] + 1, t.len[1] - 2, 10, bytes) ||
            bytes == 0 || bytes > (1u << 30))
          return false;
        r.bytes = static_cast<std::uint32_t>(bytes);
        k = 2;
      }
      if (t.n < k + 2 || t.n > k + 3) return false;
      if (t.is(k, "read")) r.write = false;
      else if (t.is(k, "write")) r.write = true;
      else return false;
      return number(t.begin[k + 1], t.len[k + 1], 16, r.addr);
    }
  }
  return false;
}

/// Calls `f(lineNumber, begin, end)` for every request line.
template <class F>
void forEachLine(std::string_view text, F&& f) {
  const char* p = text.data();
  const char* const end = p + text.size();
  int line = 0;
  while (p < end) {
    ++line;
    if (line % 65536 == 0) throwIfInterrupted();  // a long trace: SIGINT/SIGTERM stop the parse
    const char* e = p;
    while (e < end && *e != '\n') ++e;
    const char* s = p;
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r')) ++s;
    if (s < e && *s != '#') {
      if (!f(line, s, e)) return;
    }
    p = e + 1;
  }
}

}  // namespace

TraceFormat detectTraceFormat(std::string_view text, const std::string& file) {
  bool found = false;
  TraceFormat format = TraceFormat::DramSim3;
  std::string first;
  int firstLine = 0;
  forEachLine(text, [&](int line, const char* s, const char* e) {
    const Tokens t = split(s, e);
    first = std::string(s, e);
    firstLine = line;
    TraceRequest r;
    for (const TraceFormat f : {TraceFormat::DramSim3, TraceFormat::Ramulator, TraceFormat::Stl})
      if (parseLine(t, f, 64, r)) {
        format = f;
        found = true;
        break;
      }
    return false;
  });
  if (firstLine == 0) throw UserError(file + ": the trace has no requests");
  if (!found)
    throw UserError(file + ":" + std::to_string(firstLine) + ": `" + first +
                    "`: not a request of a known trace format (dramsim3 `0x<addr> READ|WRITE <cycle>`, ramulator "
                    "`0x<addr> R|W` or `LD|ST 0x<addr>`, stl `<cycle>: read|write 0x<addr>`); give --format");
  return format;
}

DramTrace parseTrace(std::string_view text, TraceFormat format, std::uint32_t burstBytes, const std::string& file) {
  DramTrace trace;
  trace.format = format;
  trace.timed = format != TraceFormat::Ramulator;
  std::size_t lines = 0;
  for (const char ch : text) lines += ch == '\n';
  trace.requests.reserve(lines + 1);
  adviseHugePages(trace.requests.data(), trace.requests.capacity() * sizeof(TraceRequest));
  std::uint64_t last = 0;
  forEachLine(text, [&](int line, const char* s, const char* e) {
    TraceRequest r;
    if (!parseLine(split(s, e), format, burstBytes, r))
      throw UserError(file + ":" + std::to_string(line) + ": `" + std::string(s, e) + "`: expected " +
                      expected(format));
    if (r.cycle < last)
      throw UserError(file + ":" + std::to_string(line) + ": cycle " + std::to_string(r.cycle) +
                      " is before the previous request's cycle " + std::to_string(last) +
                      ": requests must be in cycle order");
    last = r.cycle;
    trace.requests.push_back(r);
    return true;
  });
  if (trace.requests.empty()) throw UserError(file + ": the trace has no requests");
  return trace;
}

void adviseHugePages(const void* p, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t lo = (a + kHuge - 1) & ~(kHuge - 1), hi = (a + bytes) & ~(kHuge - 1);
  if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
}

DramTrace readTrace(const std::string& path, const std::string& format, std::uint32_t burstBytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw UserError(path + ": cannot open the trace file");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw UserError(path + ": cannot read the trace file (not a regular file)");
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = nullptr;
  if (size > 0) {
    map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) {
      ::close(fd);
      throw UserError(path + ": cannot read the trace file");
    }
    ::madvise(map, size, MADV_SEQUENTIAL);
  }
  ::close(fd);
  struct Unmap {
    void* p;
    std::size_t n;
    ~Unmap() {
      if (p) ::munmap(p, n);
    }
  } unmap{map, size};
  const std::string_view text(static_cast<const char*>(map), size);
  const TraceFormat f = format.empty() ? detectTraceFormat(text, path) : parseTraceFormat(format);
  return parseTrace(text, f, burstBytes, path);
}

}  // namespace ftsim::models

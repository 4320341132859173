#pragma once
// Address traces for `ftsim dram`, in the text formats of the simulators a
// DRAM model is compared with. One request per line; blank lines and lines
// starting with '#' are skipped.
//
//   dramsim3   `0x<addr> READ|WRITE <cycle>` (DRAMsim3's trace mode; also
//              P_MEM_RD / P_MEM_WR); one burst per request.
//   ramulator  `0x<addr> R|W` (Ramulator's DRAM trace mode) or
//              `LD|ST 0x<addr>` (Ramulator 2's load/store trace); no cycle:
//              each request enters as soon as the controller takes it.
//   stl        `<cycle>: [(<bytes>)] read|write 0x<addr> [data]` (DRAMSys's
//              STL player, absolute cycles of the player clock); the
//              optional `(<bytes>)` gives the request size, else one burst.
//
// Cycles are DDR clock cycles of the replayed device. Requests must come in
// non-decreasing cycle order. A line that does not parse is a UserError
// naming the file, the line and the format expected.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ftsim::models {

enum class TraceFormat : std::uint8_t { DramSim3, Ramulator, Stl };
const char* toString(TraceFormat f);

struct TraceRequest {
  std::uint64_t cycle = 0;  ///< DDR cycle it is issued (0 when the format has none)
  std::uint64_t addr = 0;
  std::uint32_t bytes = 0;
  bool write = false;
};

struct DramTrace {
  TraceFormat format = TraceFormat::DramSim3;
  bool timed = true;  ///< the format carries cycles
  std::vector<TraceRequest> requests;
};

/// The format named by `--format` (dramsim3, ramulator, stl); a UserError
/// for anything else.
TraceFormat parseTraceFormat(const std::string& name);
/// The format of `text`, from its first request line (the file name is for
/// messages).
TraceFormat detectTraceFormat(std::string_view text, const std::string& file);
/// Parse a whole trace. `burstBytes` is the size of a request the format
/// does not size.
DramTrace parseTrace(std::string_view text, TraceFormat format, std::uint32_t burstBytes, const std::string& file);
/// Ask for transparent huge pages behind the 2 MB-aligned part of
/// [p, p + bytes) before it is first written: the arrays of a long replay
/// (a 4 M-request trace holds 96 MB of requests) otherwise fault in one
/// 4 KB page at a time. Only advice: nothing changes where it is refused.
void adviseHugePages(const void* p, std::size_t bytes);
/// Read and parse `path`; the format is detected unless given. The file is
/// mapped, not copied (a long trace is hundreds of MB of text).
DramTrace readTrace(const std::string& path, const std::string& format, std::uint32_t burstBytes);

}  // namespace ftsim::models

#pragma once
// Occupancy of a lane-partitioned ping-pong buffer: step k's tile lives in
// bank k mod 2 from its load until its compute (inputs) or from its compute
// until its store (outputs). The controller fills a bank only when the
// schedule has freed it; this class checks that every tile fits
// its bank and records the peak words per lane actually used.

#include <algorithm>
#include <cstdint>
#include <string>

#include "sim/core/Error.h"

namespace ftsim::models {

class PingPongBuffer {
 public:
  PingPongBuffer(std::string name, std::uint64_t depthWordsPerLane)
      : m_name(std::move(name)), m_depth(depthWordsPerLane) {}

  /// A tile of `wordsPerLane` enters bank `bank`.
  void fill(unsigned bank, std::uint64_t wordsPerLane) {
    FTSIM_ASSERT(wordsPerLane <= m_depth, m_name + ": a tile of " + std::to_string(wordsPerLane) +
                                              " words per lane exceeds the bank depth " + std::to_string(m_depth));
    m_used[bank & 1U] = wordsPerLane;
    m_peak = std::max(m_peak, wordsPerLane);
  }

  std::uint64_t peakWordsPerLane() const { return m_peak; }
  std::uint64_t depthWordsPerLane() const { return m_depth; }
  const std::string& name() const { return m_name; }

 private:
  std::string m_name;
  std::uint64_t m_depth;
  std::uint64_t m_used[2] = {0, 0};
  std::uint64_t m_peak = 0;
};

}  // namespace ftsim::models

#pragma once
// One read queue and one write queue shared by all banks (the uMCTL2's read
// and write CAMs, DRAMSys's read/write buffer counter): every queued burst
// is a candidate; a direction takes bursts while its queue has an entry.

#include <array>

#include "models/ddr/ControllerQueuesIF.h"

namespace ftsim::models {

class SharedQueues final : public ControllerQueuesIF {
 public:
  SharedQueues(int readBursts, int writeBursts)
      : m_capacity{{static_cast<std::uint32_t>(readBursts), static_cast<std::uint32_t>(writeBursts)}} {}
  std::uint32_t capacityBursts() const override { return m_capacity[0] + m_capacity[1]; }
  bool hasRoom(int dir) const override { return m_count[dir] < m_capacity[dir]; }
  std::uint32_t room(int dir) const { return m_capacity[dir] - m_count[dir]; }
  bool enqueue(std::int32_t, int dir, int) override {
    ++m_count[dir];
    return true;
  }
  void retire(int dir, int, std::vector<std::int32_t>&) override { --m_count[dir]; }
  /// `n` bursts of `dir` entered (retired) at once: the streaming path's runs.
  void enqueued(int dir, std::uint32_t n) { m_count[dir] += n; }
  void retired(int dir, std::uint32_t n) { m_count[dir] -= n; }
  std::uint32_t occupancy(int dir) const override { return m_count[dir]; }
  std::size_t heldBack() const override { return 0; }
  std::int32_t heldBackEntry(std::size_t) const override { return -1; }
  bool oneEntryPerColumn() const override { return true; }

 private:
  std::array<std::uint32_t, 2> m_capacity;
  std::array<std::uint32_t, 2> m_count{};
};

}  // namespace ftsim::models

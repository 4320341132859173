#pragma once
// A transaction queue feeding one command queue per bank, as AMD's DDR4
// soft controller (PG150, "Memory Controller": each group FSM pushes a new
// transaction into its stage-1 transaction FIFO, and the arbiters reorder
// between the group FSMs, never within one) organises its reordering; here
// the command queues are per bank and FR-FCFS may still pick a row hit
// within a bank queue.
//
// Bursts enter the transaction queue (reads and writes, arrival order)
// while it has an entry; its head moves into its bank's command queue on
// the cycle that queue has an entry, and while it cannot, everything behind
// it waits (back-pressure: a full bank queue stalls the other banks, then
// the request stage). Only bursts in a bank queue are arbitration
// candidates. A burst that finds the transaction queue empty and its bank
// queue free is a candidate on the cycle it enters.

#include <array>
#include <deque>

#include "models/ddr/ControllerQueuesIF.h"

namespace ftsim::models {

class PerBankQueues final : public ControllerQueuesIF {
 public:
  PerBankQueues(int transactionBursts, int bankBursts, int banks);
  std::uint32_t capacityBursts() const override;
  bool hasRoom(int) const override { return m_fifo.size() < m_transactionCapacity; }
  bool enqueue(std::int32_t entry, int dir, int bank) override;
  void retire(int dir, int bank, std::vector<std::int32_t>& released) override;
  std::uint32_t occupancy(int dir) const override { return m_count[dir]; }
  std::size_t heldBack() const override { return m_fifo.size(); }
  std::int32_t heldBackEntry(std::size_t i) const override { return m_fifo[i].entry; }
  bool oneEntryPerColumn() const override { return false; }

 private:
  struct Held {
    std::int32_t entry;
    int bank;
  };
  std::uint32_t m_transactionCapacity;
  std::uint32_t m_bankCapacity;
  std::deque<Held> m_fifo;               ///< the transaction queue, oldest first
  std::vector<std::uint32_t> m_inBank;   ///< per bank: bursts in its command queue
  std::array<std::uint32_t, 2> m_count{};
};

}  // namespace ftsim::models

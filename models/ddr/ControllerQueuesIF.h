#pragma once
// The structure that holds a DDR controller's queued bursts and decides
// which of them the arbitration may pick from (DRAMSys splits the same duty
// between its scheduler's request buffers and a BufferCounterIF: shared,
// read/write or bank-wise). The arbitration itself (FR-FCFS, FCFS, bank
// round robin, the row-hit cap) is the controller's and runs over the
// per-bank lists of candidates the structure releases to it, so every
// arbitration key works under every structure.
//
// The controller owns the entries (an index pool); a structure only counts
// and orders them:
//   hasRoom   may the request stage hand over another burst now?
//   enqueue   a burst was handed over: a candidate at once, or held back;
//   retire    a column command took a candidate: the held-back bursts that
//             become candidates, oldest first (the request stage then hands
//             bursts over while hasRoom);
//   occupancy bursts held, candidates or not.
// Its calls are per burst (enqueue, retire), never per scheduling decision.

#include <cstdint>
#include <vector>

namespace ftsim::models {

class ControllerQueuesIF {
 public:
  virtual ~ControllerQueuesIF() = default;
  /// Bursts the structure can hold at once (the controller's entry pool).
  virtual std::uint32_t capacityBursts() const = 0;
  /// A burst of direction `dir` (0 read, 1 write) can be taken now.
  virtual bool hasRoom(int dir) const = 0;
  /// Take entry `entry` of `dir` for flat bank `bank`; true when it is a
  /// candidate at once, false when it is held back.
  virtual bool enqueue(std::int32_t entry, int dir, int bank) = 0;
  /// A column command took a candidate of `dir` in `bank`. Appends the
  /// entries that become candidates (oldest first) to `released`.
  virtual void retire(int dir, int bank, std::vector<std::int32_t>& released) = 0;
  /// Bursts of `dir` held, candidates or not.
  virtual std::uint32_t occupancy(int dir) const = 0;
  /// Entries held back, oldest first (read forwarding looks through them).
  virtual std::size_t heldBack() const = 0;
  virtual std::int32_t heldBackEntry(std::size_t i) const = 0;
  /// At most one burst enters per column command (a lower bound on the
  /// cycle a transaction waiting in the request stage is taken relies on it).
  virtual bool oneEntryPerColumn() const = 0;
};

}  // namespace ftsim::models

#include "sim/tt/OnChipBuffers.h"

#include <algorithm>

#include "sim/core/Units.h"

namespace ftsim::tt {

std::uint64_t OnChipAllocation::bytes() const {
  std::uint64_t b = 0;
  for (const auto& p : pools) b += p.bytes;
  return b;
}

namespace {

std::uint64_t blocksFor(std::uint64_t bytes, int banks, bool uram) {
  if (bytes == 0) return 0;
  const auto nb = static_cast<std::uint64_t>(banks);
  const std::uint64_t perBank = ceilDiv(bytes, nb);
  return nb * ceilDiv(perBank, uram ? kUramBytes : kBram18Bytes);
}

void tally(OnChipAllocation& a) {
  std::uint64_t bram18 = 0;
  a.uram = 0;
  for (const auto& p : a.pools) (p.uram ? a.uram : bram18) += p.blocks;
  a.bram36 = ceilDiv(bram18, 2);
}

}  // namespace

OnChipAllocation allocateOnChip(const MemoryUse& use, const config::ResourceBudget& budget,
                                models::TtBufferConfig::Memory policy, int banks) {
  using Memory = models::TtBufferConfig::Memory;
  OnChipAllocation a;
  a.bram36Budget = static_cast<std::uint64_t>(budget.bram36);
  a.uramBudget = static_cast<std::uint64_t>(budget.uram);
  for (int c = 0; c < kMemoryComponents; ++c) {
    BufferPool p;
    p.name = toString(static_cast<MemoryComponent>(c));
    p.bytes = use.ownPeak[c];
    p.uram = policy == Memory::Uram;
    p.blocks = blocksFor(p.bytes, banks, p.uram);
    a.pools.push_back(p);
  }
  tally(a);
  if (policy == Memory::Auto) {
    while (a.bram36 > a.bram36Budget && a.uramBudget > 0) {
      BufferPool* largest = nullptr;
      for (auto& p : a.pools)
        if (!p.uram && p.bytes > 0 && (!largest || p.bytes > largest->bytes)) largest = &p;
      if (!largest) break;
      largest->uram = true;
      largest->blocks = blocksFor(largest->bytes, banks, true);
      tally(a);
    }
  }
  auto biggest = [&](bool uram) {
    const BufferPool* b = nullptr;
    for (const auto& p : a.pools)
      if (p.uram == uram && (!b || p.bytes > b->bytes)) b = &p;
    return b;
  };
  if (a.bram36 > a.bram36Budget) {
    a.fits = false;
    const BufferPool* b = biggest(false);
    a.overflow = "BRAM overflows: the buffers need " + std::to_string(a.bram36) + " BRAM36, the board has " +
                 std::to_string(a.bram36Budget) + "; largest in BRAM: " + b->name + " (" +
                 std::to_string(b->bytes) + " bytes)";
  } else if (a.uram > a.uramBudget) {
    a.fits = false;
    const BufferPool* b = biggest(true);
    a.overflow = "URAM overflows: the buffers need " + std::to_string(a.uram) + " URAM, the board has " +
                 std::to_string(a.uramBudget) + "; largest in URAM: " + b->name + " (" +
                 std::to_string(b->bytes) + " bytes)";
  }
  return a;
}

}  // namespace ftsim::tt

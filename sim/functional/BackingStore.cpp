#include "sim/functional/BackingStore.h"

#include <algorithm>
#include <cstring>

namespace ftsim::functional {

void BackingStore::read(std::uint64_t addr, void* dst, std::uint64_t bytes) const {
  auto* out = static_cast<std::uint8_t*>(dst);
  while (bytes > 0) {
    const std::uint64_t page = addr / kPageBytes, off = addr % kPageBytes;
    const std::uint64_t n = std::min(bytes, kPageBytes - off);
    auto it = m_pages.find(page);
    if (it == m_pages.end()) std::memset(out, 0, n);
    else std::memcpy(out, it->second.get() + off, n);
    out += n;
    addr += n;
    bytes -= n;
  }
}

void BackingStore::write(std::uint64_t addr, const void* src, std::uint64_t bytes) {
  const auto* in = static_cast<const std::uint8_t*>(src);
  while (bytes > 0) {
    const std::uint64_t page = addr / kPageBytes, off = addr % kPageBytes;
    const std::uint64_t n = std::min(bytes, kPageBytes - off);
    auto& p = m_pages[page];
    if (!p) {
      p = std::make_unique<std::uint8_t[]>(kPageBytes);
      std::memset(p.get(), 0, kPageBytes);
    }
    std::memcpy(p.get() + off, in, n);
    in += n;
    addr += n;
    bytes -= n;
  }
}

}  // namespace ftsim::functional

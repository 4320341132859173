#pragma once
// The DRAM's contents in functional mode: a sparse byte-addressed store of
// 64 KiB pages, allocated when first written (reads of untouched bytes give
// zeros). The memory models will hand TLM payload data pointers to it.

#include <cstdint>
#include <memory>
#include <unordered_map>

namespace ftsim::functional {

class BackingStore {
 public:
  static constexpr std::uint64_t kPageBytes = 64 * 1024;

  void read(std::uint64_t addr, void* dst, std::uint64_t bytes) const;
  void write(std::uint64_t addr, const void* src, std::uint64_t bytes);
  /// Bytes held in allocated pages.
  std::uint64_t residentBytes() const { return m_pages.size() * kPageBytes; }

 private:
  std::unordered_map<std::uint64_t, std::unique_ptr<std::uint8_t[]>> m_pages;
};

}  // namespace ftsim::functional

#include "sim/functional/TileIo.h"

#include <cstring>

#include "sim/core/Error.h"

namespace ftsim::functional {

namespace {
bool contains(const schedule::TileRef& outer, const schedule::TileRef& inner) {
  if (outer.tensor != inner.tensor) return false;
  for (int i = 0; i < 4; ++i)
    if (inner.lo[i] < outer.lo[i] || inner.hi[i] > outer.hi[i]) return false;
  return true;
}
bool same(const schedule::TileRef& a, const schedule::TileRef& b) {
  return a.tensor == b.tensor && a.lo == b.lo && a.hi == b.hi;
}
}  // namespace

void TileIo::readStream(const schedule::TensorDesc& t, const schedule::TileRef& tile, std::vector<float>& words) {
  if (m_fed && !m_direct) {
    if (readFed(t, tile, words)) return;
    FTSIM_ASSERT(m_halo, "functional datapath: a read of " + t.name + " that no DMA of the step brought");
    readStore(t, tile, words);
    m_haloBytes += tile.elements() * 4;
    return;
  }
  readStore(t, tile, words);
}

bool TileIo::readFed(const schedule::TensorDesc& t, const schedule::TileRef& tile, std::vector<float>& words) {
  for (const StepBuffers::Load& l : m_fed->loads) {
    if (!contains(l.tile, tile)) continue;
    FTSIM_ASSERT(l.bytes->size() == l.tile.elements() * 4, "functional datapath: the DMA of " + t.name +
                                                              " brought " + std::to_string(l.bytes->size()) +
                                                              " bytes for a tile of " +
                                                              std::to_string(l.tile.elements()) + " words");
    words.resize(tile.elements());
    if (same(l.tile, tile)) {
      std::memcpy(words.data(), l.bytes->data(), l.bytes->size());
    } else {
      // A part of what the DMA brought: place the load at its DDR addresses
      // in a scratch store (the on-chip buffer) and read the part's segments.
      BackingStore scratch;
      models::tileSegments(t, l.tile, m_segs);
      const std::uint8_t* src = l.bytes->data();
      for (const auto& s : m_segs) {
        scratch.write(s.addr, src, s.bytes);
        src += s.bytes;
      }
      models::tileSegments(t, tile, m_segs);
      auto* dst = reinterpret_cast<std::uint8_t*>(words.data());
      for (const auto& s : m_segs) {
        scratch.read(s.addr, dst, s.bytes);
        dst += s.bytes;
      }
    }
    return true;
  }
  return false;
}

void TileIo::readStore(const schedule::TensorDesc& t, const schedule::TileRef& tile, std::vector<float>& words) {
  models::tileSegments(t, tile, m_segs);
  std::uint64_t bytes = 0;
  for (const auto& s : m_segs) bytes += s.bytes;
  FTSIM_ASSERT(bytes == tile.elements() * 4, "tile of " + t.name + ": segments do not cover the tile's elements");
  words.resize(tile.elements());
  auto* dst = reinterpret_cast<std::uint8_t*>(words.data());
  for (const auto& s : m_segs) {
    m_store.read(s.addr, dst, s.bytes);
    dst += s.bytes;
  }
  m_bytesRead += bytes;
}

void TileIo::writeStream(const schedule::TensorDesc& t, const schedule::TileRef& tile, const std::vector<float>& words) {
  if (m_fed && !m_direct) {
    FTSIM_ASSERT(m_fed->results != nullptr, "functional datapath: a step wrote " + t.name + " with nowhere to put it");
    m_fed->results->push_back({tile, words});
    return;
  }
  models::tileSegments(t, tile, m_segs);
  std::uint64_t bytes = 0;
  for (const auto& s : m_segs) bytes += s.bytes;
  FTSIM_ASSERT(bytes == words.size() * 4, "tile of " + t.name + ": segments do not match the words written");
  const auto* src = reinterpret_cast<const std::uint8_t*>(words.data());
  for (const auto& s : m_segs) {
    m_store.write(s.addr, src, s.bytes);
    src += s.bytes;
  }
  m_bytesWritten += bytes;
}

schedule::TileRef wholeTensor(int id, const schedule::TensorDesc& t) {
  schedule::TileRef r;
  r.tensor = id;
  r.lo = {0, 0, 0, 0};
  r.hi = {t.dims[0], t.dims[1], t.dims[2], t.dims[3]};
  if (t.layout == schedule::Layout::WeightsReshaped || t.layout == schedule::Layout::WeightsPlain) {
    r.hi[2] = t.dims[2];
    r.hi[3] = t.dims[3];
  }
  return r;
}

}  // namespace ftsim::functional

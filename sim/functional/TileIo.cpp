#include "sim/functional/TileIo.h"

#include "sim/core/Error.h"

namespace ftsim::functional {

void TileIo::readStream(const schedule::TensorDesc& t, const schedule::TileRef& tile, std::vector<float>& words) {
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

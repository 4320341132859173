#pragma once
// What the DMAs do with real data: a tile of a tensor is read from (written
// to) the backing store as the byte stream of its DDR segments
// (models/dma/TensorLayout's tileSegments, in the order the DMA moves them),
// and each word of that stream belongs to one element of the tile. The order
// of the elements in the stream is the layout's:
//   reshaped [B][C/G][H][W][G]: image, channel group, row, column, channel
//   plain    [B][C][H][W]:      image, channel, row, column
//   fc       [F/G][B][G]:       channel group, row, column, image, channel
//   weights, reshaped blocks:   output group, input group, then the block's
//                               words (kernels/WeightLoader.h)
//   weights, plain [M][N][K][K]: m, n, tap
//   flat: element index

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/dma/TensorLayout.h"
#include "models/kernels/WeightLoader.h"
#include "sim/functional/BackingStore.h"
#include "sim/schedule/Program.h"

namespace ftsim::functional {

/// The blocks of a reshaped weight tensor ([M/Gm][N/Gn] blocks of Gm×Gn×K²
/// words, Gm = Tm, Gn = Tn) that a box meets, in stream order: f(block, its
/// first word in the box's stream). `block` is the part of the block inside
/// the box (mBegin…nEnd, in block channels); mOffset/nOffset place the
/// block's origin relative to the box's first (m, n), so they are negative
/// for a block the box starts inside of.
template <typename F>
void forEachWeightPart(const schedule::TensorDesc& t, const schedule::TileRef& box, F&& f) {
  const int M = t.dims[0], N = t.dims[1], K = t.dims[2], Gm = t.group, Gn = t.groupN;
  std::size_t word = 0;
  for (int a = box.lo[0] / Gm; a * Gm < box.hi[0]; ++a)
    for (int c = box.lo[1] / Gn; c * Gn < box.hi[1]; ++c) {
      kernels::WeightBlock b;
      b.mCount = std::min(Gm, M - a * Gm);
      b.nCount = std::min(Gn, N - c * Gn);
      b.mBegin = std::max(box.lo[0], a * Gm) - a * Gm;
      b.mEnd = std::min(box.hi[0], a * Gm + b.mCount) - a * Gm;
      b.nBegin = std::max(box.lo[1], c * Gn) - c * Gn;
      b.nEnd = std::min(box.hi[1], c * Gn + b.nCount) - c * Gn;
      b.mOffset = a * Gm - box.lo[0];
      b.nOffset = c * Gn - box.lo[1];
      b.kernel = K;
      b.reshaped = true;
      f(b, word);
      word += static_cast<std::size_t>(b.mEnd - b.mBegin) * (b.nEnd - b.nBegin) * K * K;
    }
}

/// f(i0, i1, i2, i3) for every element of `tile`, in stream order. For
/// weights, (i0, i1, i2, i3) = (m, n, kh, kw).
template <typename F>
void forEachInStreamOrder(const schedule::TensorDesc& tensor, const schedule::TileRef& tile, F&& visit) {
  using schedule::Layout;
  // A concat's channel range (a view) streams in its parent's order, its
  // channels shifted back (not a recursive call: each would be a new lambda type).
  schedule::TensorDesc parent;
  if (tensor.isView()) parent = schedule::viewParentDesc(tensor);
  const schedule::TensorDesc& t = tensor.isView() ? parent : tensor;
  const schedule::TileRef b = tile.inParent(tensor);
  const int off = tensor.channelOffset;
  const auto f = [&](int n, int c, int h, int w) { visit(n, c - off, h, w); };
  const int G = t.group;
  switch (t.layout) {
    case Layout::Reshaped:
      for (int n = b.lo[0]; n < b.hi[0]; ++n)
        for (int g = b.lo[1] / G; g * G < b.hi[1]; ++g) {
          const int cs = std::max(b.lo[1], g * G), ce = std::min(b.hi[1], g * G + G);
          for (int h = b.lo[2]; h < b.hi[2]; ++h)
            for (int w = b.lo[3]; w < b.hi[3]; ++w)
              for (int c = cs; c < ce; ++c) f(n, c, h, w);
        }
      break;
    case Layout::Plain:
      for (int n = b.lo[0]; n < b.hi[0]; ++n)
        for (int c = b.lo[1]; c < b.hi[1]; ++c)
          for (int h = b.lo[2]; h < b.hi[2]; ++h)
            for (int w = b.lo[3]; w < b.hi[3]; ++w) f(n, c, h, w);
      break;
    case Layout::Fc:
      for (int g = b.lo[1] / G; g * G < b.hi[1]; ++g) {
        const int cs = std::max(b.lo[1], g * G), ce = std::min(b.hi[1], g * G + G);
        for (int h = b.lo[2]; h < b.hi[2]; ++h)
          for (int w = b.lo[3]; w < b.hi[3]; ++w)
            for (int n = b.lo[0]; n < b.hi[0]; ++n)
              for (int c = cs; c < ce; ++c) f(n, c, h, w);
      }
      break;
    case Layout::WeightsReshaped: {
      const int K = t.dims[2];
      forEachWeightPart(t, b, [&](const kernels::WeightBlock& blk, std::size_t) {
        auto visit = [&](int, int m, int n, int tap) {
          f(b.lo[0] + blk.mOffset + m, b.lo[1] + blk.nOffset + n, tap / K, tap % K);
        };
        kernels::visitWeightBlock<256, 64>(blk, visit);
      });
      break;
    }
    case Layout::WeightsPlain: {
      const int K = t.dims[2];
      for (int m = b.lo[0]; m < b.hi[0]; ++m)
        for (int n = b.lo[1]; n < b.hi[1]; ++n)
          for (int kh = 0; kh < K; ++kh)
            for (int kw = 0; kw < K; ++kw) f(m, n, kh, kw);
      break;
    }
    case Layout::Flat:
      for (int i = b.lo[1]; i < b.hi[1]; ++i) f(0, i, 0, 0);
      break;
  }
}

/// What the DMAs brought for the step being computed (each load's tile and
/// its bytes in stream order) and where its results go: in the SystemC top
/// (`ftsim run --functional`) the datapath reads only these buffers and its
/// stores leave as the store DMAs' payloads; without it, the executor reads
/// and writes the backing store directly.
struct StepBuffers {
  struct Load {
    schedule::TileRef tile;
    const std::vector<std::uint8_t>* bytes = nullptr;
  };
  struct Result {
    schedule::TileRef tile;
    std::vector<float> words;  ///< stream order
  };
  std::vector<Load> loads;
  std::vector<Result>* results = nullptr;
};

/// The DMA side: the tile's words in stream order, from / to the store.
class TileIo {
 public:
  explicit TileIo(BackingStore& store) : m_store(store) {}

  /// From now on reads come from `b`'s loads and writes go to its results
  /// (nullptr: the store). A read that no load covers is an internal error.
  void feed(StepBuffers* b) { m_fed = b; }
  /// Within its scope, reads and writes go to the store even while fed: the
  /// host's own accesses (loss, parameters) and the executor's documented
  /// side reads (docs/functional.md).
  class Direct {
   public:
    explicit Direct(TileIo& io) : m_io(io), m_saved(io.m_direct) { io.m_direct = true; }
    ~Direct() { m_io.m_direct = m_saved; }
    Direct(const Direct&) = delete;
    Direct& operator=(const Direct&) = delete;

   private:
    TileIo& m_io;
    bool m_saved;
  };
  /// Within its scope a read that no load covers falls back to the store
  /// (the halo of an overlapping pooling window's BP).
  class Halo {
   public:
    explicit Halo(TileIo& io) : m_io(io), m_saved(io.m_halo) { io.m_halo = true; }
    ~Halo() { m_io.m_halo = m_saved; }
    Halo(const Halo&) = delete;
    Halo& operator=(const Halo&) = delete;

   private:
    TileIo& m_io;
    bool m_saved;
  };
  /// Reads the fed mode let through to the store (Halo), in bytes.
  std::uint64_t haloBytes() const { return m_haloBytes; }

  /// Read the tile's segments into `words` (resized to the tile's elements).
  void readStream(const schedule::TensorDesc& t, const schedule::TileRef& tile, std::vector<float>& words);
  /// Write `words` (stream order) to the tile's segments.
  void writeStream(const schedule::TensorDesc& t, const schedule::TileRef& tile, const std::vector<float>& words);

  /// Read a tile: f(i0, i1, i2, i3, value) per element.
  template <typename F>
  void readTile(const schedule::TensorDesc& t, const schedule::TileRef& tile, F&& f) {
    readStream(t, tile, m_words);
    std::size_t k = 0;
    forEachInStreamOrder(t, tile, [&](int a, int b, int c, int d) { f(a, b, c, d, m_words[k++]); });
  }
  /// Write a tile: value = f(i0, i1, i2, i3) per element.
  template <typename F>
  void writeTile(const schedule::TensorDesc& t, const schedule::TileRef& tile, F&& f) {
    m_words.clear();
    forEachInStreamOrder(t, tile, [&](int a, int b, int c, int d) { m_words.push_back(f(a, b, c, d)); });
    writeStream(t, tile, m_words);
  }

  std::uint64_t bytesRead() const { return m_bytesRead; }
  std::uint64_t bytesWritten() const { return m_bytesWritten; }

 private:
  void readStore(const schedule::TensorDesc& t, const schedule::TileRef& tile, std::vector<float>& words);
  bool readFed(const schedule::TensorDesc& t, const schedule::TileRef& tile, std::vector<float>& words);

  BackingStore& m_store;
  StepBuffers* m_fed = nullptr;
  bool m_direct = false, m_halo = false;
  std::uint64_t m_haloBytes = 0;
  std::vector<models::Segment> m_segs;
  std::vector<float> m_words;
  std::uint64_t m_bytesRead = 0, m_bytesWritten = 0;
};

/// A whole tensor as a tile.
schedule::TileRef wholeTensor(int id, const schedule::TensorDesc& t);

}  // namespace ftsim::functional

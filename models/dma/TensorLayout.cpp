#include "models/dma/TensorLayout.h"

#include <algorithm>

#include "sim/core/Error.h"

namespace ftsim::models {

using schedule::Layout;
using schedule::TensorDesc;
using schedule::TileRef;

namespace {

constexpr std::uint64_t kWord = 4;

void push(std::vector<Segment>& out, std::uint64_t addr, std::uint64_t bytes) {
  if (bytes == 0) return;
  if (!out.empty() && out.back().addr + out.back().bytes == addr) {
    out.back().bytes += bytes;
    return;
  }
  out.push_back(Segment{addr, bytes});
}

/// Channels in group g of a C-channel tensor with group size G (the last is compact).
std::uint64_t groupSize(int c, int g, int group) { return static_cast<std::uint64_t>(std::min(group, c - g * group)); }

void reshaped(const TensorDesc& t, const TileRef& b, std::vector<Segment>& out) {
  const auto [B, C, H, W] = t.dims;
  (void)B;
  const int G = t.group;
  const std::uint64_t image = static_cast<std::uint64_t>(C) * H * W * kWord;
  for (int n = b.lo[0]; n < b.hi[0]; ++n) {
    for (int g = b.lo[1] / G; g * G < b.hi[1]; ++g) {
      const std::uint64_t gsz = groupSize(C, g, G);
      const int cs = std::max(b.lo[1], g * G), ce = std::min(b.hi[1], g * G + static_cast<int>(gsz));
      // All earlier groups are full: group g starts at g·G·H·W words.
      const std::uint64_t base = t.baseAddr + n * image + static_cast<std::uint64_t>(g) * G * H * W * kWord;
      const bool wholeGroup = cs == g * G && ce == g * G + static_cast<int>(gsz);
      const bool fullRows = b.lo[3] == 0 && b.hi[3] == W;
      if (wholeGroup && fullRows) {
        push(out, base + static_cast<std::uint64_t>(b.lo[2]) * W * gsz * kWord,
             static_cast<std::uint64_t>(b.hi[2] - b.lo[2]) * W * gsz * kWord);
      } else if (wholeGroup) {
        for (int h = b.lo[2]; h < b.hi[2]; ++h)
          push(out, base + (static_cast<std::uint64_t>(h) * W + b.lo[3]) * gsz * kWord,
               static_cast<std::uint64_t>(b.hi[3] - b.lo[3]) * gsz * kWord);
      } else {
        for (int h = b.lo[2]; h < b.hi[2]; ++h)
          for (int w = b.lo[3]; w < b.hi[3]; ++w)
            push(out, base + ((static_cast<std::uint64_t>(h) * W + w) * gsz + (cs - g * G)) * kWord,
                 static_cast<std::uint64_t>(ce - cs) * kWord);
      }
    }
  }
}

void plain(const TensorDesc& t, const TileRef& b, std::vector<Segment>& out) {
  const auto [B, C, H, W] = t.dims;
  (void)B;
  for (int n = b.lo[0]; n < b.hi[0]; ++n)
    for (int c = b.lo[1]; c < b.hi[1]; ++c) {
      const std::uint64_t plane = t.baseAddr + ((static_cast<std::uint64_t>(n) * C + c) * H * W) * kWord;
      if (b.lo[3] == 0 && b.hi[3] == W) {
        push(out, plane + static_cast<std::uint64_t>(b.lo[2]) * W * kWord,
             static_cast<std::uint64_t>(b.hi[2] - b.lo[2]) * W * kWord);
      } else {
        for (int h = b.lo[2]; h < b.hi[2]; ++h)
          push(out, plane + (static_cast<std::uint64_t>(h) * W + b.lo[3]) * kWord,
               static_cast<std::uint64_t>(b.hi[3] - b.lo[3]) * kWord);
      }
    }
}

/// [F/G][B][G]: features flattened as (c/G, h, w, c%G), or plain c for vectors.
void fc(const TensorDesc& t, const TileRef& b, std::vector<Segment>& out) {
  const auto [B, C, H, W] = t.dims;
  const int G = t.group;
  const int hw = H * W;
  const std::uint64_t F = static_cast<std::uint64_t>(C) * hw;
  for (int g = b.lo[1] / G; g * G < b.hi[1]; ++g) {
    const int cs = std::max(b.lo[1], g * G), ce = std::min(b.hi[1], g * G + G);
    for (int h = b.lo[2]; h < b.hi[2]; ++h)
      for (int w = b.lo[3]; w < b.hi[3]; ++w) {
        const std::uint64_t fg = static_cast<std::uint64_t>(g) * hw + static_cast<std::uint64_t>(h) * W + w;
        const std::uint64_t fsz = std::min<std::uint64_t>(G, F - fg * G);
        const std::uint64_t base = t.baseAddr + fg * G * B * kWord;
        const std::uint64_t off = static_cast<std::uint64_t>(cs - g * G);
        if (off == 0 && static_cast<std::uint64_t>(ce - cs) == fsz) {
          push(out, base + static_cast<std::uint64_t>(b.lo[0]) * fsz * kWord,
               static_cast<std::uint64_t>(b.hi[0] - b.lo[0]) * fsz * kWord);
        } else {
          for (int n = b.lo[0]; n < b.hi[0]; ++n)
            push(out, base + (static_cast<std::uint64_t>(n) * fsz + off) * kWord,
                 static_cast<std::uint64_t>(ce - cs) * kWord);
        }
      }
  }
}

/// [M/Gm][N/Gn] blocks of (mg × ng × K × K) words; rows of blocks are full
/// except the last, so block (a, c) starts at a·Gm·N·K² + c·Gn·mg·K² words.
/// Inside a block the order is [⌈ng/4⌉][mg][K][K][4], the last quad compact
/// (models/kernels/WeightLoader.h).
std::uint64_t blockStartWords(const TensorDesc& t, int a, int c) {
  const auto [M, N, K, K2] = t.dims;
  (void)K2;
  const std::uint64_t kk = static_cast<std::uint64_t>(K) * K;
  const std::uint64_t mg = groupSize(M, a, t.group);
  return static_cast<std::uint64_t>(a) * t.group * N * kk + static_cast<std::uint64_t>(c) * t.groupN * mg * kk;
}

std::uint64_t inBlockWord(std::uint64_t mg, std::uint64_t ng, std::uint64_t kk, int m, int n, int tap) {
  const std::uint64_t q = static_cast<std::uint64_t>(n / 4);
  const std::uint64_t quad = std::min<std::uint64_t>(4, ng - 4 * q);
  return 4 * q * mg * kk + (static_cast<std::uint64_t>(m) * kk + static_cast<std::uint64_t>(tap)) * quad + n % 4;
}

void weightsReshaped(const TensorDesc& t, const TileRef& b, std::vector<Segment>& out) {
  const auto [M, N, K, K2] = t.dims;
  (void)K2;
  const int Gm = t.group, Gn = t.groupN;
  const std::uint64_t kk = static_cast<std::uint64_t>(K) * K;
  for (int a = b.lo[0] / Gm; a * Gm < b.hi[0]; ++a) {
    const std::uint64_t mg = groupSize(M, a, Gm);
    const int m0 = std::max(b.lo[0], a * Gm) - a * Gm, m1 = std::min(b.hi[0], a * Gm + static_cast<int>(mg)) - a * Gm;
    for (int c = b.lo[1] / Gn; c * Gn < b.hi[1]; ++c) {
      const std::uint64_t ng = groupSize(N, c, Gn);
      const int n0 = std::max(b.lo[1], c * Gn) - c * Gn, n1 = std::min(b.hi[1], c * Gn + static_cast<int>(ng)) - c * Gn;
      const std::uint64_t base = t.baseAddr + blockStartWords(t, a, c) * kWord;
      if (m0 == 0 && m1 == static_cast<int>(mg) && n0 == 0 && n1 == static_cast<int>(ng)) {
        push(out, base, mg * ng * kk * kWord);
        continue;
      }
      // Part of a block (BP's transposed tiles when Tm ≠ Tn): its words in
      // block order, adjacent ones merged.
      for (int n4 = n0 / 4 * 4; n4 < n1; n4 += 4)
        for (int m = m0; m < m1; ++m)
          for (int tap = 0; tap < static_cast<int>(kk); ++tap) {
            const int lo = std::max(n0, n4), hi = std::min(n1, n4 + 4);
            push(out, base + inBlockWord(mg, ng, kk, m, lo, tap) * kWord, static_cast<std::uint64_t>(hi - lo) * kWord);
          }
    }
  }
}

void weightsPlain(const TensorDesc& t, const TileRef& b, std::vector<Segment>& out) {
  const auto [M, N, K, K2] = t.dims;
  (void)M;
  (void)K2;
  const std::uint64_t kk = static_cast<std::uint64_t>(K) * K;
  for (int m = b.lo[0]; m < b.hi[0]; ++m)
    push(out, t.baseAddr + (static_cast<std::uint64_t>(m) * N + b.lo[1]) * kk * kWord,
         static_cast<std::uint64_t>(b.hi[1] - b.lo[1]) * kk * kWord);
}

}  // namespace

void tileSegments(const TensorDesc& t, const TileRef& tile, std::vector<Segment>& out) {
  if (t.isView()) {
    tileSegments(schedule::viewParentDesc(t), tile.inParent(t), out);
    return;
  }
  out.clear();
  switch (t.layout) {
    case Layout::Reshaped: reshaped(t, tile, out); break;
    case Layout::Plain: plain(t, tile, out); break;
    case Layout::Fc: fc(t, tile, out); break;
    case Layout::WeightsReshaped: weightsReshaped(t, tile, out); break;
    case Layout::WeightsPlain: weightsPlain(t, tile, out); break;
    case Layout::Flat: {
      const std::uint64_t words = tile.elements();
      const std::uint64_t first = static_cast<std::uint64_t>(tile.lo[1]);
      push(out, t.baseAddr + first * kWord, words * kWord);
      break;
    }
  }
}

std::uint64_t elementOffset(const TensorDesc& t, int i0, int i1, int i2, int i3) {
  if (t.isView()) return elementOffset(schedule::viewParentDesc(t), i0, i1 + t.channelOffset, i2, i3);
  TileRef one;
  one.lo = {i0, i1, i2, i3};
  one.hi = {i0 + 1, i1 + 1, i2 + 1, i3 + 1};
  if (t.layout == Layout::WeightsReshaped) {
    // Inside a block the order is [ng/4][mg][K][K][4], the last quad compact
    // ([mg][K][K][ng − 4·⌊ng/4⌋] when ng is not a multiple of 4, as the
    // weight loader reads it: kernels/WeightLoader.h); the block start plus the
    // element's position in that order (inBlockWord).
    const auto [M, N, K, K2] = t.dims;
    (void)K2;
    const int a = i0 / t.group, c = i1 / t.groupN;
    const std::uint64_t mg = groupSize(M, a, t.group), ng = groupSize(N, c, t.groupN);
    const std::uint64_t kk = static_cast<std::uint64_t>(K) * K;
    return (blockStartWords(t, a, c) + inBlockWord(mg, ng, kk, i0 - a * t.group, i1 - c * t.groupN, i2 * K + i3)) * kWord;
  }
  std::vector<Segment> seg;
  tileSegments(t, one, seg);
  FTSIM_ASSERT(seg.size() == 1, "one element must map to one segment");
  return seg[0].addr - t.baseAddr;
}

}  // namespace ftsim::models

// DDR layouts: which contiguous segments a tile becomes. Addresses are byte
// offsets from the tensor base (4-byte words).

#include <gtest/gtest.h>

#include "models/dma/TensorLayout.h"

using namespace ftsim;
using schedule::Layout;
using schedule::TensorDesc;
using schedule::TileRef;

namespace {

TensorDesc tensor(Layout l, int a, int b, int c, int d) {
  TensorDesc t;
  t.layout = l;
  t.dims = {a, b, c, d};
  t.group = 16;
  t.baseAddr = 1 << 20;
  return t;
}

TileRef box(std::array<int, 4> lo, std::array<int, 4> hi) {
  TileRef r;
  r.tensor = 0;
  r.lo = lo;
  r.hi = hi;
  return r;
}

std::vector<models::Segment> segs(const TensorDesc& t, const TileRef& b) {
  std::vector<models::Segment> s;
  models::tileSegments(t, b, s);
  return s;
}

TEST(Layout, ReshapedFullWidthStripIsOneSegment) {
  // [B=2][C/16=4][H=10][W=12][16]: image 1, channel group 2, rows 3..6.
  // Offset = (1·64·120 + 2·16·120 + 3·12·16) words · 4 = (7680 + 3840 + 576)·4 = 48384 B;
  // length 4 rows · 12 · 16 words · 4 B = 3072 B.
  const auto t = tensor(Layout::Reshaped, 2, 64, 10, 12);
  const auto s = segs(t, box({1, 32, 3, 0}, {2, 48, 7, 12}));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].addr - t.baseAddr, 48384u);
  EXPECT_EQ(s[0].bytes, 3072u);
}

TEST(Layout, PlainFullWidthStripIsOneSegmentPerChannel) {
  // [B][C][H][W]: the same tile is 16 runs of 4 rows × 12 words, one per channel.
  const auto t = tensor(Layout::Plain, 2, 64, 10, 12);
  const auto s = segs(t, box({1, 32, 3, 0}, {2, 48, 7, 12}));
  ASSERT_EQ(s.size(), 16u);
  // First: ((1·64 + 32)·120 + 3·12)·4 = 46224 B, 192 B; next channel 480 B later.
  EXPECT_EQ(s[0].addr - t.baseAddr, 46224u);
  EXPECT_EQ(s[0].bytes, 192u);
  EXPECT_EQ(s[1].addr - s[0].addr, 480u);
}

TEST(Layout, ReshapedColumnTileIsOneSegmentPerRow) {
  const auto t = tensor(Layout::Reshaped, 1, 16, 10, 12);
  const auto s = segs(t, box({0, 0, 2, 4}, {1, 16, 5, 9}));
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].bytes, 5u * 16 * 4);
  EXPECT_EQ(s[1].addr - s[0].addr, 12u * 16 * 4);
}

TEST(Layout, ReshapedLastGroupIsCompact) {
  // C = 20: groups of 16 and 4 channels. Group 1 of image 0 starts after
  // 16·H·W words and holds 4 words per pixel.
  const auto t = tensor(Layout::Reshaped, 2, 20, 3, 3);
  const auto s = segs(t, box({0, 16, 0, 0}, {1, 20, 3, 3}));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].addr - t.baseAddr, 16u * 9 * 4);
  EXPECT_EQ(s[0].bytes, 4u * 9 * 4);
  // Image 1 starts after 20·9 words.
  EXPECT_EQ(segs(t, box({1, 0, 0, 0}, {2, 16, 1, 1}))[0].addr - t.baseAddr, 20u * 9 * 4);
}

TEST(Layout, WholeTensorMergesIntoOneSegment) {
  const auto t = tensor(Layout::Reshaped, 3, 40, 5, 7);
  const auto s = segs(t, box({0, 0, 0, 0}, {3, 40, 5, 7}));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].bytes, 3u * 40 * 5 * 7 * 4);
}

TEST(Layout, FcLayoutGroupOfAllImagesIsContiguous) {
  // Vectors (h = w = 1) in [F/16][B][16]: features 16..31 of all 8 images is
  // one run of 8·16 words at 16·8 words from the base.
  const auto t = tensor(Layout::Fc, 8, 100, 1, 1);
  const auto s = segs(t, box({0, 16, 0, 0}, {8, 32, 1, 1}));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].addr - t.baseAddr, 16u * 8 * 4);
  EXPECT_EQ(s[0].bytes, 8u * 16 * 4);
  // The last group holds 100 − 96 = 4 features per image.
  const auto last = segs(t, box({0, 96, 0, 0}, {8, 100, 1, 1}));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].bytes, 8u * 4 * 4);
}

TEST(Layout, FcLayoutOfAMapPerImageIsOneSegmentPerPixel) {
  // A 32×2×2 map flattened as (c/16, h, w, c%16): image 3's tile of channel
  // group 1 is 4 pixels, each 16 words, B·16 words apart.
  const auto t = tensor(Layout::Fc, 4, 32, 2, 2);
  const auto s = segs(t, box({3, 16, 0, 0}, {4, 32, 2, 2}));
  ASSERT_EQ(s.size(), 4u);
  // Feature group (1·4 + 0) = 4 → offset (4·4·16 + 3·16)·4 = 1216 B.
  EXPECT_EQ(s[0].addr - t.baseAddr, 1216u);
  EXPECT_EQ(s[1].addr - s[0].addr, 4u * 16 * 4);
  // All four images of that group: one run.
  EXPECT_EQ(segs(t, box({0, 16, 0, 0}, {4, 32, 2, 2})).size(), 1u);
}

TEST(Layout, WeightTilesAreContiguousBlocks) {
  // [M/16][N/16] blocks of 16×16×3×3: block (1, 2) of M = 48, N = 40 starts at
  // (1·16·40·9 + 2·16·16·9) words; the last N group has 8 inputs.
  const auto t = tensor(Layout::WeightsReshaped, 48, 40, 3, 3);
  const auto s = segs(t, box({16, 32, 0, 0}, {32, 40, 3, 3}));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].addr - t.baseAddr, (16u * 40 * 9 + 2u * 16 * 16 * 9) * 4);
  EXPECT_EQ(s[0].bytes, 16u * 8 * 9 * 4);
  // The whole layer (WU's single transfer) is one segment.
  EXPECT_EQ(segs(t, box({0, 0, 0, 0}, {48, 40, 3, 3})).size(), 1u);
}

TEST(Layout, PlainWeightTileIsOneSegmentPerOutput) {
  const auto t = tensor(Layout::WeightsPlain, 48, 40, 3, 3);
  const auto s = segs(t, box({16, 16, 0, 0}, {32, 32, 3, 3}));
  ASSERT_EQ(s.size(), 16u);
  EXPECT_EQ(s[0].bytes, 16u * 9 * 4);
  EXPECT_EQ(s[1].addr - s[0].addr, 40u * 9 * 4);
}

TEST(Layout, ElementOffsetInsideAWeightBlock) {
  // Inside a block the order is [16/4][16][K][K][4]: element (m=1, n=5, 2, 0)
  // of block (0, 0): ((5/4·16 + 1)·9 + 2·3 + 0)·4 + 5%4 = (17·9 + 6)·4 + 1 = 637 words.
  const auto t = tensor(Layout::WeightsReshaped, 16, 16, 3, 3);
  EXPECT_EQ(models::elementOffset(t, 1, 5, 2, 0), 637u * 4);
}

}  // namespace

// The HLS kernels and the functional step's plumbing: adder-tree order, the
// MAC tile against a direct convolution (Tm ≠ Tn), the weight loader's FP
// order and BP flip/transpose against TensorLayout's element offsets, the
// stream order of every layout against tileSegments, max-pool ties, the
// backing store and .npy files. The whole step is checked against PyTorch by
// tests/functional/compare_torch.py.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "models/dma/TensorLayout.h"
#include "models/kernels/MacTile.h"
#include "models/kernels/VectorKernels.h"
#include "models/kernels/WeightLoader.h"
#include "sim/core/Error.h"
#include "sim/functional/BackingStore.h"
#include "sim/functional/Npy.h"
#include "sim/functional/TileIo.h"

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
  t.bytes = 4ull * a * b * c * d;
  return t;
}

TileRef box(std::array<int, 4> lo, std::array<int, 4> hi) {
  TileRef r;
  r.tensor = 0;
  r.lo = lo;
  r.hi = hi;
  return r;
}

}  // namespace

TEST(FunctionalKernels, AdderTreeSumsPairsLevelByLevel) {
  // The order of hls_main6.cpp's FIRE: (a0+a1), (a2+a3), … then pairs of
  // those. With 2^24 and 1s the order shows: sequential summation loses
  // every 1 added to 2^24, the tree keeps the pairs (1+1) = 2.
  float a[16];
  for (int i = 0; i < 16; ++i) a[i] = 1.0f;
  a[0] = 16777216.0f;  // 2^24: 2^24 + 1 rounds back to 2^24
  float l2[8], l3[4], l4[2];
  for (int i = 0; i < 8; ++i) l2[i] = a[2 * i] + a[2 * i + 1];
  for (int i = 0; i < 4; ++i) l3[i] = l2[2 * i] + l2[2 * i + 1];
  for (int i = 0; i < 2; ++i) l4[i] = l3[2 * i] + l3[2 * i + 1];
  const float tree = l4[0] + l4[1];
  float seq = 0.0f;
  for (float x : a) seq += x;
  EXPECT_EQ(kernels::adderTree<16>(a), tree);
  EXPECT_EQ(tree, 16777216.0f + 14.0f);  // a0+a1 loses its 1; the other 14 ones survive in pairs
  EXPECT_NE(kernels::adderTree<16>(a), seq);
  // A non-power-of-two width pads with zero leaves.
  float b[3] = {1.0f, 2.0f, 4.0f};
  EXPECT_EQ(kernels::adderTree<3>(b), 7.0f);
}

namespace {

/// The MAC tile for Tm ≠ Tn against a direct convolution in double.
template <int Tm, int Tn>
void checkMacTile() {
  constexpr int KMax = 3, InW = 512, OutW = 256;
  static float in[Tn][InW], w[Tm][Tn][KMax * KMax], out[Tm][OutW];
  std::mt19937 rng(Tm * 100 + Tn);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const int K = 3, S = 2, rows = 4, cols = 5;
  const int inRows = (rows - 1) * S + K, inCols = (cols - 1) * S + K;
  for (auto& lane : in)
    for (float& x : lane) x = u(rng);
  for (auto& m : w)
    for (auto& n : m)
      for (float& x : n) x = u(rng);
  kernels::clearLanes<Tm, OutW>(out, rows * cols);
  const kernels::MacTile t{rows, cols, inCols, K, S};
  kernels::macTile<Tm, Tn, KMax, InW, OutW>(in, w, out, t);
  for (int m = 0; m < Tm; ++m)
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        double ref = 0.0;
        for (int n = 0; n < Tn; ++n)
          for (int kh = 0; kh < K; ++kh)
            for (int kw = 0; kw < K; ++kw)
              ref += static_cast<double>(w[m][n][kh * K + kw]) * in[n][(r * S + kh) * inCols + c * S + kw];
        EXPECT_NEAR(out[m][r * cols + c], ref, 1e-5 * (1.0 + std::fabs(ref))) << "m " << m << " r " << r << " c " << c;
      }
  (void)inRows;
  // WU: dW[m][n][tap] = Σ_p dy[m][p]·x[n][window(p, tap)].
  static float dy[Tm][OutW], dw[Tm][Tn][KMax * KMax];
  for (auto& lane : dy)
    for (float& x : lane) x = u(rng);
  for (auto& m : dw)
    for (auto& n : m)
      for (float& x : n) x = 0.0f;
  kernels::macTileWeightGrad<Tm, Tn, KMax, InW, OutW>(in, dy, dw, t);
  for (int m = 0; m < Tm; ++m)
    for (int n = 0; n < Tn; ++n)
      for (int tap = 0; tap < K * K; ++tap) {
        double ref = 0.0;
        for (int r = 0; r < rows; ++r)
          for (int c = 0; c < cols; ++c)
            ref += static_cast<double>(dy[m][r * cols + c]) * in[n][(r * S + tap / K) * inCols + c * S + tap % K];
        EXPECT_NEAR(dw[m][n][tap], ref, 1e-5 * (1.0 + std::fabs(ref)));
      }
}

}  // namespace

TEST(FunctionalKernels, MacTileMatchesDirectConvolutionTm8Tn16) { checkMacTile<8, 16>(); }
TEST(FunctionalKernels, MacTileMatchesDirectConvolutionTm16Tn8) { checkMacTile<16, 8>(); }

namespace {

/// Lay a 16×16×3×3 weight tensor out in DDR by TensorLayout's element
/// offsets, then load its block through the kernel in FP and in BP.
template <int Tm, int Tn>
void checkWeightLoader(int M, int N) {
  constexpr int KMax = 3;
  const int K = 3;
  const TensorDesc t = tensor(Layout::WeightsReshaped, M, N, K, K);
  std::vector<float> ddr(static_cast<std::size_t>(M) * N * K * K, -1.0f);
  auto value = [](int m, int n, int kh, int kw) { return static_cast<float>(((m * 100 + n) * 10 + kh) * 10 + kw); };
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n)
      for (int kh = 0; kh < K; ++kh)
        for (int kw = 0; kw < K; ++kw) ddr.at(models::elementOffset(t, m, n, kh, kw) / 4) = value(m, n, kh, kw);
  // Block (0, 0): the first mg·ng·K² words.
  const int mg = std::min(16, M), ng = std::min(16, N);
  static float w[Tm][Tn][KMax * KMax];
  kernels::WeightBlock b;
  b.mCount = mg;
  b.nCount = ng;
  b.kernel = K;
  kernels::clearWeightTile<Tm, Tn, KMax>(w);
  kernels::loadWeightBlock<Tm, Tn, KMax>(ddr.data(), b, w);
  for (int m = 0; m < std::min(mg, Tm); ++m)
    for (int n = 0; n < std::min(ng, Tn); ++n)
      for (int tap = 0; tap < 9; ++tap) ASSERT_EQ(w[m][n][tap], value(m, n, tap / 3, tap % 3));
  // BP: flipped 180° and transposed, from the same words.
  b.flipTranspose = true;
  kernels::clearWeightTile<Tm, Tn, KMax>(w);
  kernels::loadWeightBlock<Tm, Tn, KMax>(ddr.data(), b, w);
  for (int n = 0; n < std::min(ng, Tm); ++n)
    for (int m = 0; m < std::min(mg, Tn); ++m)
      for (int kh = 0; kh < 3; ++kh)
        for (int kw = 0; kw < 3; ++kw) ASSERT_EQ(w[n][m][kh * 3 + kw], value(m, n, 2 - kh, 2 - kw));
}

}  // namespace

TEST(FunctionalKernels, WeightLoaderFollowsTensorLayoutAndFlipsForBp) {
  checkWeightLoader<16, 16>(32, 48);
  checkWeightLoader<16, 16>(16, 8);
  // Fewer than four input channels in the last quad (an RGB input: n = 3),
  // where TensorLayout's offsets must keep the quad compact as the loader does.
  checkWeightLoader<16, 16>(6, 3);
  checkWeightLoader<16, 16>(8, 7);
}

TEST(FunctionalKernels, WeightWriteBackIsOldMinusLrTimesDw) {
  constexpr int Tm = 16, Tn = 16, KMax = 1;
  static float dw[Tm][Tn][1];
  std::vector<float> old(Tm * Tn), neu(Tm * Tn);
  kernels::WeightBlock b;
  b.mCount = 16;
  b.nCount = 16;
  for (int m = 0; m < 16; ++m)
    for (int n = 0; n < 16; ++n) dw[m][n][0] = static_cast<float>(m - n);
  for (std::size_t i = 0; i < old.size(); ++i) old[i] = static_cast<float>(i);
  kernels::writeBackWeightBlock<Tm, Tn, KMax>(dw, old.data(), neu.data(), b, 0.5f);
  // Word (q, m, j) of the reshaped block is (m, n = 4q + j): index (q·16 + m)·4 + j.
  for (int q = 0; q < 4; ++q)
    for (int m = 0; m < 16; ++m)
      for (int j = 0; j < 4; ++j) {
        const int word = (q * 16 + m) * 4 + j;
        EXPECT_EQ(neu[word], old[word] - static_cast<float>(m - (4 * q + j)) * 0.5f);
      }
}

TEST(FunctionalKernels, StreamOrderIsTheOrderOfTheSegments) {
  struct Case { TensorDesc t; TileRef b; };
  const std::vector<Case> cases = {
      {tensor(Layout::Reshaped, 2, 40, 6, 7), box({1, 8, 1, 0}, {2, 40, 4, 7})},
      {tensor(Layout::Reshaped, 2, 40, 6, 7), box({0, 16, 0, 2}, {2, 32, 6, 5})},
      {tensor(Layout::Plain, 2, 40, 6, 7), box({0, 3, 1, 0}, {2, 9, 4, 7})},
      {tensor(Layout::Fc, 4, 32, 3, 3), box({0, 16, 1, 2}, {4, 32, 2, 3})},
      {tensor(Layout::Fc, 4, 10, 1, 1), box({1, 0, 0, 0}, {3, 10, 1, 1})},
      {tensor(Layout::WeightsReshaped, 32, 48, 3, 3), box({16, 0, 0, 0}, {32, 48, 3, 3})},
      {tensor(Layout::WeightsPlain, 32, 48, 3, 3), box({0, 16, 0, 0}, {16, 32, 3, 3})},
  };
  for (const Case& c : cases) {
    std::vector<models::Segment> segs;
    models::tileSegments(c.t, c.b, segs);
    std::vector<std::uint64_t> words;
    for (const auto& s : segs)
      for (std::uint64_t a = s.addr; a < s.addr + s.bytes; a += 4) words.push_back(a - c.t.baseAddr);
    std::size_t k = 0;
    functional::forEachInStreamOrder(c.t, c.b, [&](int a, int b, int h, int w) {
      ASSERT_LT(k, words.size());
      // elementOffset addresses (m, n) of plain weights; the taps follow in order.
      const std::uint64_t expect = c.t.layout == Layout::WeightsPlain
                                       ? models::elementOffset(c.t, a, b, 0, 0) + 4u * (h * c.t.dims[3] + w)
                                       : models::elementOffset(c.t, a, b, h, w);
      EXPECT_EQ(expect, words[k]) << schedule::toString(c.t.layout) << " word " << k;
      ++k;
    });
    EXPECT_EQ(k, words.size());
  }
}

TEST(FunctionalKernels, StreamOrderFollowsTmByTnBlocksAndTheirParts) {
  // Tm ≠ Tn: blocks of Gm = Tm layer outputs × Gn = Tn layer inputs. A BP
  // tile (Tm layer inputs × Tn layer outputs) cuts them: its stream is each
  // block's part in block order, and the reader must visit the same words in
  // the same order (quads cut in the middle for 64×7: n from 63 in a block
  // that starts at 63 = 9·7, and a 1-channel part).
  struct Case { int gm, gn; std::array<int, 4> dims; TileRef b; };
  const std::vector<Case> cases = {
      {16, 4, {24, 12, 3, 3}, box({4, 0, 0, 0}, {8, 12, 3, 3})},     // 16×4 BP tile: 4 outputs × 12 inputs
      {16, 4, {24, 12, 3, 3}, box({0, 4, 0, 0}, {24, 12, 3, 3})},    // 16×4 BP slab of an input group
      {4, 16, {24, 20, 3, 3}, box({0, 4, 0, 0}, {16, 8, 3, 3})},     // 4×16 BP tile: 16 outputs × 4 inputs
      {4, 16, {24, 20, 3, 3}, box({0, 16, 0, 0}, {4, 20, 3, 3})},    // 4×16 FP tile: one compact block
      {64, 7, {20, 70, 3, 3}, box({7, 0, 0, 0}, {14, 64, 3, 3})},    // 64×7 BP tile
      {64, 7, {20, 70, 1, 1}, box({0, 64, 0, 0}, {20, 70, 1, 1})},
  };
  for (const Case& c : cases) {
    TensorDesc t = tensor(Layout::WeightsReshaped, c.dims[0], c.dims[1], c.dims[2], c.dims[3]);
    t.group = c.gm;
    t.groupN = c.gn;
    std::vector<models::Segment> segs;
    models::tileSegments(t, c.b, segs);
    std::vector<std::uint64_t> words;
    for (const auto& s : segs)
      for (std::uint64_t a = s.addr; a < s.addr + s.bytes; a += 4) words.push_back(a - t.baseAddr);
    ASSERT_EQ(words.size(), c.b.elements()) << c.gm << "x" << c.gn;
    std::size_t k = 0;
    functional::forEachInStreamOrder(t, c.b, [&](int m, int n, int h, int w) {
      ASSERT_LT(k, words.size());
      EXPECT_TRUE(m >= c.b.lo[0] && m < c.b.hi[0] && n >= c.b.lo[1] && n < c.b.hi[1]) << m << " " << n;
      EXPECT_EQ(models::elementOffset(t, m, n, h, w), words[k]) << c.gm << "x" << c.gn << " word " << k;
      ++k;
    });
    EXPECT_EQ(k, words.size()) << c.gm << "x" << c.gn;
  }
}

TEST(FunctionalKernels, CompactQuadCoversExactlyTheBlock) {
  // nCount = 3 (an RGB input): the block's words are [m][tap][3], no holes.
  kernels::WeightBlock b;
  b.mCount = 16;
  b.nCount = 3;
  b.kernel = 5;
  std::vector<int> seen(16 * 3 * 25, 0);
  auto f = [&](int word, int m, int n, int tap) {
    ASSERT_LT(word, 16 * 3 * 25);
    EXPECT_EQ(word, (m * 25 + tap) * 3 + n);
    ++seen[word];
  };
  kernels::visitWeightBlock<16, 5>(b, f);
  for (int s : seen) EXPECT_EQ(s, 1);
}

TEST(FunctionalKernels, MaxPoolKeepsTheFirstMaximumAndRoutesItsGradient) {
  static float in[1][16], out[1][4], dy[1][4], dx[1][16];
  static std::uint16_t arg[1][4];
  // One 2x2 window of zeros and ones: the first 1 (tap 1) wins.
  const float v[4] = {0.0f, 1.0f, 1.0f, 0.0f};
  for (int i = 0; i < 4; ++i) in[0][(i / 2) * 4 + i % 2] = v[i];
  kernels::PoolTile t;
  t.rows = t.cols = 1;
  t.inCols = 4;
  t.kernel = t.stride = 2;
  t.rowHi = t.colHi = 2;
  kernels::maxPoolForward<1, 16, 4>(in, out, arg, t, 1);
  EXPECT_EQ(out[0][0], 1.0f);
  EXPECT_EQ(arg[0][0], 1);
  dy[0][0] = 5.0f;
  kernels::maxPoolBackward<1, 16, 4>(dy, arg, dx, t, 1);
  EXPECT_EQ(dx[0][1], 5.0f);
  EXPECT_EQ(dx[0][4], 0.0f);
}

TEST(FunctionalStore, SparsePagesReadZeroAndSpanPageBoundaries) {
  functional::BackingStore s;
  std::vector<float> v(40000, 0.0f), r(40000, 1.0f);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  const std::uint64_t at = 3 * functional::BackingStore::kPageBytes - 100;
  s.write(at, v.data(), v.size() * 4);
  EXPECT_EQ(s.residentBytes(), 4 * functional::BackingStore::kPageBytes);  // 160,000 bytes from 100 before a boundary
  s.read(at, r.data(), r.size() * 4);
  EXPECT_EQ(r, v);
  float z = 1.0f;
  s.read(1ull << 40, &z, 4);
  EXPECT_EQ(z, 0.0f);
}

TEST(FunctionalNpy, RoundTripAndClearErrors) {
  const std::string dir = ::testing::TempDir();
  const std::string f = dir + "/a.npy";
  const std::vector<float> v = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
  functional::writeNpy(f, {2, 3}, v.data());
  const auto a = functional::readNpy(f);
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(a.data, v);
  const std::vector<std::int64_t> labels = {3, 1, 4};
  functional::writeNpyInt(dir + "/l.npy", {3}, labels.data());
  EXPECT_EQ(functional::readNpyInt(dir + "/l.npy"), labels);
  // Header length: the data starts on a 64-byte boundary.
  std::ifstream in(f, std::ios::binary | std::ios::ate);
  EXPECT_EQ((static_cast<std::size_t>(in.tellg()) - 24) % 64, 0u);

  auto error = [](const std::string& path) {
    try {
      functional::readNpy(path);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  { std::ofstream(dir + "/bad.npy") << "hello"; }
  EXPECT_NE(error(dir + "/bad.npy").find(dir + "/bad.npy: not a usable .npy file: missing the \\x93NUMPY magic"),
            std::string::npos);
  // Fortran order and a float64 dtype are refused by name.
  std::string hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  hdr.append(64 - (10 + hdr.size() + 1) % 64, ' ');
  hdr += '\n';
  {
    std::ofstream o(dir + "/f8.npy", std::ios::binary);
    o << "\x93NUMPY" << '\x01' << '\x00' << static_cast<char>(hdr.size()) << '\x00' << hdr << std::string(16, '\0');
  }
  EXPECT_NE(error(dir + "/f8.npy").find("dtype '<f8'"), std::string::npos);
  // Truncated data.
  functional::writeNpy(f, {2, 3}, v.data());
  std::filesystem::resize_file(f, std::filesystem::file_size(f) - 4);
  EXPECT_NE(error(f).find("data truncated"), std::string::npos);
  EXPECT_NE(error(dir + "/none.npy").find("cannot open"), std::string::npos);
}

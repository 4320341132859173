#pragma once
// The program the scheduler hands to the accelerator model: the tensors in
// DDR, and per layer × phase a plan whose steps the controller executes
// (how their loads, computes and stores overlap is the controller's
// `pipeline.overlap`, docs/modelling.md).

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/Units.h"

namespace ftsim::schedule {

enum class Phase : std::uint8_t { FP, BP, WU };
const char* toString(Phase p);

/// DDR layouts. Activations are logically (b, c, h, w); weights (m, n, kh·kw).
enum class Layout : std::uint8_t {
  Reshaped,        ///< [B][C/G][H][W][G], the last group compact
  Fc,              ///< [F/G][B][G], features flattened as (c/G, h, w, c%G)
  WeightsReshaped, ///< [M/Gm][N/Gn] blocks of Gm×Gn×K×K, contiguous per block
  Plain,           ///< [B][C][H][W]
  WeightsPlain,    ///< [M][N][K][K]
  Flat,            ///< a plain vector (batch-norm parameters)
};
const char* toString(Layout l);

struct TensorDesc {
  std::string name;
  Layout layout = Layout::Reshaped;
  /// Logical extents: activations (B, C, H, W); weights (M, N, K, K).
  std::array<std::int32_t, 4> dims{};
  /// G of the layout. Activations: gcd(Tm, Tn), so that the Tn-channel
  /// tiles a phase reads and the Tm-channel tiles it writes each cover whole
  /// groups (Tm = Tn: the array's width, EF-Train's 16). Weights: Gm = Tm,
  /// the output channels of one block.
  std::int32_t group = 16;
  /// Weights only: Gn = Tn, the input channels of one block (an FP tile is
  /// one block; BP's transposed tiles cut blocks when Tm ≠ Tn).
  std::int32_t groupN = 16;
  std::uint64_t baseAddr = 0;
  std::uint64_t bytes = 0;
  /// A view of channels [channelOffset, channelOffset + dims[1]) of a
  /// `parentChannels`-channel tensor (a concat's input, or its input's
  /// gradient): it owns no bytes; its tiles are the parent's at shifted
  /// channels (viewParent: the parent's id; baseAddr: the parent's).
  std::int32_t viewParent = -1;
  std::int32_t channelOffset = 0;
  std::int32_t parentChannels = 0;
  bool isView() const { return viewParent >= 0; }
  /// The flattened features of map tensor `flatOf` in the FC layout: the
  /// same bytes seen as (B, C·H·W, 1, 1), features in the layout's order
  /// (c/G, h, w, c%G). An FC phase reads and writes a map through it, so that
  /// its tiles of Tn (or Tm) features are ranges of that order, whatever
  /// pixels and channel groups they cross (a box of the map cannot say so
  /// when Tn or Tm exceeds G). It owns no bytes (baseAddr: the map's).
  std::int32_t flatOf = -1;
  bool aliasesAnother() const { return isView() || flatOf >= 0; }
};

/// The parent tensor's description and a tile in its coordinates, for a view
/// (the same tensor and tile otherwise).
inline TensorDesc viewParentDesc(const TensorDesc& t) {
  TensorDesc p = t;
  if (!t.isView()) return p;
  p.dims[1] = t.parentChannels;
  p.viewParent = -1;
  p.channelOffset = 0;
  return p;
}

/// A box of a tensor, [lo, hi) in each logical dimension.
struct TileRef {
  std::int32_t tensor = -1;
  std::array<std::int32_t, 4> lo{};
  std::array<std::int32_t, 4> hi{};
  bool valid() const { return tensor >= 0; }
  /// This tile in a view's parent coordinates (channels shifted).
  TileRef inParent(const TensorDesc& t) const {
    TileRef r = *this;
    r.lo[1] += t.channelOffset;
    r.hi[1] += t.channelOffset;
    return r;
  }
  std::uint64_t elements() const {
    std::uint64_t n = 1;
    for (int i = 0; i < 4; ++i) n *= static_cast<std::uint64_t>(hi[i] - lo[i]);
    return n;
  }
};

/// The five AXI-Stream channels of the EF-Train datapath.
enum class Stream : std::uint8_t { In = 0, In2, WeightIn, Out, WeightOut };
constexpr int kNumStreams = 5;
const char* toString(Stream s);
constexpr bool isWrite(Stream s) { return s == Stream::Out || s == Stream::WeightOut; }

enum class ComputeMode : std::uint8_t { None, Fp, Bp, Wu, Vector, Host };
const char* toString(ComputeMode m);

/// What a DMA operation is, for the analytical model's formulas.
enum class OpKind : std::uint8_t { None, Ifm, Weights, Ofm, OutGrad, WeightUpdate, VecIn, VecOut };

/// One DMA operation of a step, with the analytical model's view of it: the
/// padded pixel count of the tile and the channels moved per pixel.
struct DmaOp {
  TileRef tile;
  OpKind kind = OpKind::None;
  std::uint32_t lanes = 0;          ///< channels per pixel (words per pixel)
  std::uint64_t modelPixels = 0;    ///< pixels as the analytical model counts them (padded window)
  bool valid() const { return tile.valid(); }
};

/// Where a MAC step sits in its phase's loop nest: image, output channels
/// [m0, m1), input channels [n0, n1) (the phase's channels), output rows
/// [r0, r1) and columns [x0, x1) (images, for FC layers). What the PE array
/// needs to compute on real data.
struct MacCoord {
  int img = 0, m0 = 0, m1 = 0, n0 = 0, n1 = 0, r0 = 0, r1 = 0, x0 = 0, x1 = 0;
};

struct Step {
  MacCoord coord;  ///< MAC steps only
  /// Loads that must be in the buffers before this step computes.
  std::array<DmaOp, kNumStreams> pre{};
  /// Stores (and weight-update streams) that start after this step computes.
  std::array<DmaOp, kNumStreams> post{};
  ComputeMode mode = ComputeMode::None;
  std::uint64_t iterations = 0;        ///< datapath iterations (pixel × tap, or pixels)
  std::uint32_t dependenceDistance = 0;///< iterations between updates of one accumulator (0: none)
  std::uint64_t macs = 0;              ///< useful multiply-accumulates
  // Where the step sits in the loop nest of the HLS top (acc() in EF-Train's
  // HLS/hls_main6.cpp), for the controller's `hls` overlap:
  bool groupStart = false;        ///< first step of a ping-pong loop (its loads run alone)
  bool scopeEnd = false;          ///< after it, stores still waiting for a later compute run alone
  bool storeAfterCompute = false; ///< its post ops follow its own compute in the same iteration
};

enum class Unit : std::uint8_t { PeArray, Vector, Host };

/// The iteration space a MAC phase presents to the array.
struct MacProblem {
  int outCh = 0, inCh = 0;  ///< channels produced / consumed by the phase
  int outH = 0, outW = 0;   ///< output pixels the array iterates over
  int inH = 0, inW = 0;     ///< extent of the phase's input map
  int kernel = 1, stride = 1;
  /// The layer's zero padding before its input's first row and column (BP
  /// too: the transposed windows are written in the forward conv's terms).
  /// The padding after the last row and column only sets the output extent,
  /// which outH/outW (FP) or inH/inW (BP) already carry.
  int padTop = 0, padLeft = 0;
  int images = 1;           ///< 1 when the batch is the width (FC layers)
  bool batchAsWidth = false;
  /// Grouped conv: `groups` groups of outPerGroup phase outputs that read
  /// inPerGroup phase inputs each (BP: the layer's in.c/G and out.c/G).
  int groups = 1;
  int outPerGroup = 0, inPerGroup = 0;
  /// The channel group of the phase's input map in DDR (TensorDesc::group:
  /// gcd(Tm, Tn)); a grouped conv's input span starts on one (0: Tn).
  int inChannelGroup = 0;
};

/// Phase input channels [lo, hi) the phase outputs [o0, o1) read: all inputs
/// unless the conv is grouped; then from the first group's first input to
/// the last group's last, widened to whole channel groups of the input map
/// (m.inChannelGroup, else `tn`) so that each Tn step still reads whole
/// groups of the map. A Tn step reads [n0, min(hi, n0 + Tn)). With the map's
/// group dividing the group's inputs (always for 64×7 and 7×64, whose maps
/// have 1-channel groups), the Tn steps start at the group's local input 0
/// and each step's weights are one Tm×Tn block of the group (docs/layers.md).
struct ChannelSpan {
  int lo = 0, hi = 0;
};
inline ChannelSpan inputSpan(const MacProblem& m, int o0, int o1, int tn) {
  if (m.groups <= 1) return ChannelSpan{0, m.inCh};
  const int align = m.inChannelGroup > 0 ? m.inChannelGroup : tn;
  const int g0 = o0 / m.outPerGroup, g1 = (o1 - 1) / m.outPerGroup + 1;
  const int lo = g0 * m.inPerGroup / align * align;
  const int hi = std::min(m.inCh, (g1 * m.inPerGroup + align - 1) / align * align);
  return ChannelSpan{lo, hi};
}
/// Input channels the weight slab of one Tm group spans: the widest
/// inputSpan over the phase's Tm groups (all inputs unless grouped).
inline int slabInputChannels(const MacProblem& m, int tm, int tn) {
  if (m.groups <= 1) return m.inCh;
  int widest = 0;
  for (int o0 = 0; o0 < m.outCh; o0 += tm) {
    const ChannelSpan s = inputSpan(m, o0, std::min(m.outCh, o0 + tm), tn);
    widest = std::max(widest, std::min(m.inCh, s.hi) - s.lo);
  }
  return widest;
}

/// Useful MACs per tap and pixel of a (phase outputs [o0, o1)) × (phase inputs
/// [n0, n1)) tile: the pairs that share a group.
inline std::uint64_t groupPairs(const MacProblem& m, int o0, int o1, int n0, int n1) {
  if (m.groups <= 1) return static_cast<std::uint64_t>(o1 - o0) * (n1 - n0);
  std::uint64_t pairs = 0;
  for (int g = o0 / m.outPerGroup; g * m.outPerGroup < o1; ++g) {
    const int outs = std::min(o1, (g + 1) * m.outPerGroup) - std::max(o0, g * m.outPerGroup);
    const int ins = std::min(n1, (g + 1) * m.inPerGroup) - std::max(n0, g * m.inPerGroup);
    if (ins > 0) pairs += static_cast<std::uint64_t>(outs) * ins;
  }
  return pairs;
}

struct MacTiling {
  int tm = 0, tn = 0, tr = 0, tc = 0, mOn = 0;
  /// The slab of weights for mOn outputs stays on chip for the whole batch
  /// (loaded with the first image). False when even one Tm group's slab
  /// does not fit: weights are then loaded again for every image.
  bool weightsResident = true;
};

/// Non-MAC layers run as passes over (image, channel group, row strip).
enum class VecOp : std::uint8_t {
  Copy,        ///< elementwise: relu, add, batch-norm apply, gradient sum
  Reduce,      ///< reads only (batch-norm statistics)
  Pool,        ///< windowed (max/avg pooling, global average)
  PoolGrad,    ///< pooling backward: dY strip in, dX window out
  ParamUpdate, ///< batch-norm γ/β update
};

struct VecPass {
  VecOp op = VecOp::Copy;
  int in = -1, in2 = -1, out = -1;  ///< tensor ids (-1: unused)
};

struct VecProblem {
  int channels = 0;
  int inH = 0, inW = 0, outH = 0, outW = 0;
  int kernel = 1, stride = 1;
  int padTop = 0, padLeft = 0;  ///< pooling: padding before the first row and column (as MacProblem)
  int images = 1;
  bool batchAsWidth = false;
  int lanes = 16;              ///< channels the vector path handles per cycle
  int tr = 1;                  ///< output rows per strip
  /// Images per step. Above 1 where a spatial map meets a flat FC tensor
  /// ([F/G][B][G]): a tile of all images is one contiguous run there, one
  /// image's tile would be one transfer per pixel.
  int imagesPerStep = 1;
  std::vector<VecPass> passes;
};

struct PhasePlan {
  int layer = -1;       ///< index into the network's layers; -1 for the host loss
  std::string name;     ///< layer name
  Phase phase = Phase::FP;
  Unit unit = Unit::PeArray;
  // PE array phases
  MacProblem mac;
  MacTiling tiling;
  int tIn = -1, tIn2 = -1, tWeights = -1, tOut = -1;
  // Vector phases
  VecProblem vec;
  // Host phase
  Cycles hostCycles;
  std::uint64_t flops = 0;  ///< 2 per useful MAC (conv/FC only)
  /// Stride of the layer in the phase's *input* coordinates is handled by
  /// dilation (BP of a strided conv): the array visits stride² more taps than
  /// there are non-zero products.
  bool dilated = false;
};

struct Program {
  std::vector<TensorDesc> tensors;
  std::vector<PhasePlan> phases;
  std::uint64_t ddrBytes = 0;  ///< footprint of all tensors
};

}  // namespace ftsim::schedule

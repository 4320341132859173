#pragma once
// EF-Train's published analytical model (Tang et al., TODAES 2022) in closed
// form, as the authors' script computes it: public repository
// tangyuelm/EF-Train, `finetune2.py` (commit 41db210; line numbers below
// refer to it). It takes a layer's shape in one phase, a tiling and the
// accelerator's parameters, and nothing else: no step list, no simulator
// type. Every term carries the script's name.
//
//   tIFM  = tstart + ⌈Tn/DMAp⌉·((Tr−1)S+K)·((Tc−1)S+K)   (N ≤ DMAp: ⌈N/DMAp⌉)
//   tCOMP = Tr·Tc·K²
//   FP/BP, per Tm group and row strip: the first input load is exposed,
//     lat2 = ⌈N/Tn−1⌉·tPROD1 + tIFM + tSTORE;  each image ends with tOUT + tstart;
//     the first image of an M_on chunk pays the weight loads (latb*).
//   BP loads a whole M_on×Tn weight slab per input group (tWEI with M_on).
//   WU: two cases, Tr < R (strips pipelined, dW written once per chunk) and
//     Tr = R (one strip: the weight write-back after every Tn group).
//
// Extensions outside the script's domain (it covers stride-1 3×3 convs of
// VGG-16 with Tc = C): Tc < C multiplies the row strips by the column tiles;
// K > K_bound takes ⌈K²/K_bound²⌉ slots per kernel in the M_on bound; the
// phase shape of BP is the transposed convolution over the zero-dilated map
// (stride 1). docs/modelling.md, "The authors' analytical model".

#include <cstdint>
#include <string>

namespace ftsim::models { struct EfTrainConfig; }
namespace ftsim::workload { struct Layer; }

namespace ftsim::analytical {

/// The script's `state`: 1 FP, 2 BP, 3 WU.
enum class Pass { FP, BP, WU };
const char* toString(Pass p);

/// The accelerator as the script sees it (finetune2.py lines 47-59).
struct EfTrainParams {
  int tm = 16, tn = 16;                ///< Tm, Tn (lines 47-48)
  std::int64_t outputWords = 2016;     ///< TrTc_bound (line 50): output buffer words per lane
  std::int64_t inputWords = 2486;      ///< TrTc_in_bound (line 51): input buffer words per lane
  int kernelBound = 3;                 ///< K_bound (line 52): kernel side one weight slot holds
  int weightSlots = 64;                ///< TmTn_bound (line 53): weight tiles per bank
  int weightBanks = 2;                 ///< the 2 of ⌈N/(2·Tn)⌉ (line 176): Tn groups alternate banks
  int dmaWordsPerCycle = 4;            ///< DMAp (line 58)
  std::uint64_t tstartCycles = 400;    ///< tstart (line 59)

  /// From the accelerator config: Tm, Tn from pe_array; the bounds from the
  /// buffers (K_bound = ⌊√kernel_words⌋); DMAp and tstart from dma.
  static EfTrainParams fromConfig(const models::EfTrainConfig& accel);
};

/// A MAC phase as the script's CNN table lists it (line 44: M, N, C, R, K,
/// S) plus its batch B (line 57): M outputs, N inputs, R×C output pixels.
struct ConvShape {
  int m = 0, n = 0, r = 0, c = 0, k = 1, s = 1;
  int batch = 1;  ///< B; 1 for FC layers, whose batch is the width C
};

/// The phase shape of a conv/FC layer: FP and WU as the layer (M = out, N =
/// in), BP with M and N swapped over the input map; FC layers as a 1×B map.
/// A grouped conv (outside the script's domain) as the Tm×Tn array runs it:
/// a Tm group of outputs reads only its groups' inputs, so N is the input
/// channels one Tm group spans, ⌈Tm/(M/G)⌉·(N/G) rounded up to Tn (at most
/// N); the FLOPs stay the useful 2·M·(N/G)·R·C·K²·B (docs/layers.md).
ConvShape shapeOf(const workload::Layer& layer, Pass pass, int batch, int tm = 16, int tn = 16);

struct EfTrainTiling {
  int mOn = 0;  ///< M_on: output channels whose weights stay on chip for the batch
  int tr = 0;   ///< Tr: rows per strip
  int tc = 0;   ///< Tc: columns per tile (the script: always C)
};

/// M_on1 (lines 183-189): the last chunk's channels.
int lastChunk(int m, int mOn);

/// Per-chunk terms of one phase, with the chunk's M_on (M_on or M_on1).
struct ChunkTerms {
  std::uint64_t tIFM = 0, tCOMP = 0, tWEI = 0, tOUT = 0, tOFM = 0;
  std::uint64_t tLOAD = 0, tPROD1 = 0, tPROD2 = 0, tSTORE = 0;
  std::uint64_t lat1 = 0, lat2 = 0, lat3 = 0, latb1 = 0, latb2 = 0, latb3 = 0;
  /// The chunk's whole batch: (B−1)·lat3 + latb3 (FP/BP), the WU bracket.
  std::uint64_t chunkCycles = 0;
};

struct PhaseEstimate {
  int mOn1 = 0;
  std::uint64_t chunks = 0;      ///< ⌈M/M_on⌉
  ChunkTerms full;               ///< a chunk of M_on channels
  ChunkTerms last;               ///< the last chunk, M_on1 channels
  std::uint64_t latmon0 = 0;     ///< ⌈M/M_on−1⌉ full chunks
  std::uint64_t latmon1 = 0;     ///< the last chunk
  std::uint64_t cycles = 0;      ///< lat = latmon0 + latmon1
};

/// The script's `latency()` (lines 61-149).
PhaseEstimate estimate(const ConvShape& shape, Pass pass, const EfTrainTiling& tiling, const EfTrainParams& p);

/// The script's M_on rule (lines 169-182): the largest candidate (multiples
/// of Tm below M, and M) within ⌊TmTn_bound/⌈⌈N/(2Tn)⌉/⌊K_bound/K⌋²⌉⌋·Tm.
int chooseMOn(const ConvShape& shape, const EfTrainParams& p);
/// A slab of `mOn` channels fits TmTn_bound as the script counts slots
/// (⌈mOn/Tm⌉ Tm groups of ⌈⌈N/(2Tn)⌉/⌊K_bound/K⌋²⌉ slots each).
bool slabFits(const ConvShape& shape, int mOn, const EfTrainParams& p);
/// The script's Tr sweep (lines 190-205): Tc = C, Tr from 1 while
/// Tr·Tc ≤ TrTc_bound and ((Tr−1)S+K)·((Tc−1)S+K) ≤ TrTc_in_bound; the
/// least latency wins, ties to the smaller Tr. `tc` < C only when one full
/// row does not fit (outside the script's domain). Throws UserError when
/// not even one row of one column fits.
EfTrainTiling chooseTiling(const ConvShape& shape, Pass pass, const EfTrainParams& p, const std::string& where);

/// 2·M·N·R·C·K²·B (line 226): the FLOPs the script divides by.
std::uint64_t flops(const ConvShape& shape);

}  // namespace ftsim::analytical

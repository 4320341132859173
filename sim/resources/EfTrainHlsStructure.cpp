#include "sim/resources/EfTrainHlsStructure.h"

#include "models/kernels/MacTile.h"

namespace ftsim::resources {

namespace {

/// Adders of kernels::adderTree<Tn> after synthesis: the tree pairs
/// treeWidth(Tn) leaves level by level, the leaves beyond Tn being 0.0f. An
/// add of two such zeros folds to a constant; an add with one real operand
/// stays (x + 0.0f is not x when x is −0.0f, so strict fp32 keeps it).
int adderTreeAdders(int tn) {
  const int width = kernels::treeWidth(tn);
  int adders = 0;
  int real = tn;  // operands of the current level that are not constant zeros (they come first)
  for (int w = width / 2; w >= 1; w /= 2) {
    const int next = (real + 1) / 2;  // pairs with at least one real operand
    adders += next;
    real = next;
  }
  return adders;
}

}  // namespace

EfTrainHlsStructure efTrainHlsStructure(const models::EfTrainConfig& a) {
  EfTrainHlsStructure s;
  s.tm = a.peArray.tm;
  s.tn = a.peArray.tn;
  // macTile pipelined at II = 1 over pixels with the m and n loops unrolled:
  // one product per (m, n), kernels::adderTree per m (Tn − 1 adders for a
  // power-of-two Tn, a few more otherwise: adderTreeAdders) and one
  // accumulator add per m (out[m][p] + tree).
  const int treeAdders = adderTreeAdders(s.tn);
  s.operators.push_back({"pe_array.multipliers", true, s.tm * s.tn,
                         std::to_string(s.tm * s.tn) + " fp32 fmul", "accelerator.pe_array.tm"});
  s.operators.push_back({"pe_array.adder_trees", false, s.tm * treeAdders,
                         std::to_string(s.tm) + " trees x " + std::to_string(treeAdders) + " fp32 fadd",
                         "accelerator.pe_array.tm"});
  s.operators.push_back({"pe_array.accumulators", false, s.tm, std::to_string(s.tm) + " fp32 fadd",
                         "accelerator.pe_array.tm"});
  const auto& b = a.buffers;
  // ifm[banks][Tn lanes][depth], ofm[banks][Tm lanes][depth]: dims 1 and 2 complete.
  s.arrays.push_back({"buffers.input", "ifm", b.input.banks, {b.input.lanes}, {1, 2},
                      static_cast<std::uint64_t>(b.input.depthWords), b.input.wordBits,
                      "accelerator.buffers.input.depth_words"});
  s.arrays.push_back({"buffers.output", "ofm", b.output.banks, {b.output.lanes}, {1, 2},
                      static_cast<std::uint64_t>(b.output.depthWords), b.output.wordBits,
                      "accelerator.buffers.output.depth_words"});
  // wbuf[banks][tiles][Tm][Tn][K²]: dims 1, 3 and 4 complete; each (bank, m, n)
  // memory holds tiles × K² = slots × kernel_words words.
  s.arrays.push_back({"buffers.weight", "wbuf", b.weight.banks, {b.weight.tm, b.weight.tn}, {1, 3, 4},
                      static_cast<std::uint64_t>(b.weight.slots) * b.weight.kernelWords, b.weight.wordBits,
                      "accelerator.buffers.weight.slots"});
  return s;
}

}  // namespace ftsim::resources

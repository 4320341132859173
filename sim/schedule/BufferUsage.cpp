#include "sim/schedule/BufferUsage.h"

#include <algorithm>

#include "sim/schedule/StepGen.h"

namespace ftsim::schedule {

std::vector<BufferUse> bufferUsage(const Program& prog, const models::EfTrainConfig& accel) {
  const auto& b = accel.buffers;
  std::vector<BufferUse> out(3);
  out[0].name = "input_buffer";
  out[0].capacityBytes = b.input.capacityBytes();
  out[1].name = "output_buffer";
  out[1].capacityBytes = b.output.capacityBytes();
  out[2].name = "weight_buffer";
  out[2].capacityBytes = b.weight.capacityBytes();
  const std::uint64_t word = static_cast<std::uint64_t>(accel.wordBits) / 8;
  const auto note = [](BufferUse& u, std::uint64_t bytes, const PhasePlan& p) {
    if (bytes > u.peakBytes) {
      u.peakBytes = bytes;
      u.peakAt = p.name + " " + toString(p.phase);
    }
  };
  for (const PhasePlan& p : prog.phases) {
    if (p.unit == Unit::PeArray) {
      const MacProblem& m = p.mac;
      const MacTiling& t = p.tiling;
      const bool bp = p.phase == Phase::BP;
      const auto inWords = static_cast<std::uint64_t>(inputWindowWords(m, bp, t.tr, t.tc));
      note(out[0], inWords * b.input.lanes * b.input.banks * word, p);
      note(out[1], static_cast<std::uint64_t>(t.tr) * t.tc * b.output.lanes * b.output.banks * word, p);
      // The slab (or one tile when weights are not resident), both banks.
      const std::uint64_t kk = static_cast<std::uint64_t>(m.kernel) * m.kernel;
      const std::uint64_t inGroups = (static_cast<std::uint64_t>(slabInputChannels(m, t.tm, t.tn)) + t.tn - 1) / t.tn;
      const std::uint64_t outGroups = static_cast<std::uint64_t>(t.weightsResident ? (t.mOn + t.tm - 1) / t.tm : 1);
      const std::uint64_t slots = m.images == 1 ? 1 : outGroups * ((inGroups + b.weight.banks - 1) / b.weight.banks);
      const std::uint64_t kernelSlots = (kk + b.weight.kernelWords - 1) / b.weight.kernelWords;
      note(out[2], slots * kernelSlots * b.weight.kernelWords * b.weight.tm * b.weight.tn * b.weight.banks * word, p);
    } else if (p.unit == Unit::Vector && !p.vec.passes.empty()) {
      const VecProblem& v = p.vec;
      const std::uint64_t rows = v.batchAsWidth ? 1 : static_cast<std::uint64_t>(v.tr) * v.imagesPerStep;
      note(out[0], rows * v.outW * b.input.lanes * b.input.banks * word, p);
    }
  }
  return out;
}

}  // namespace ftsim::schedule

#include "families/eftrain/Describe.h"

#include <algorithm>
#include <iomanip>

#include "sim/resources/ResourceModel.h"

namespace ftsim::families::eftrain {

void describeDesign(const config::DesignConfig& d, const schedule::Program& prog,
                    const std::vector<schedule::BufferUse>& buffers, std::ostream& os) {
  const auto& b = d.board;
  const auto& a = d.accelerator;
  const auto& ddr = b.ddr;
  os << "design       " << d.name << "  (" << d.file << ")\n";
  os << "board        " << b.name << "  " << b.device << ": " << b.resources.dsp << " DSP, " << b.resources.bram36
     << " BRAM36, " << b.resources.uram << " URAM, " << b.resources.lut << " LUT, " << b.resources.ff << " FF\n";
  os << "  host       " << b.host.cpu << " @ " << b.host.clockMhz << " MHz, DMA start " << b.host.dmaStartNs
     << " ns, loss " << b.host.lossNsPerElement << " ns/logit\n";
  os << "  ddr        " << ddr.speedGrade << ", " << ddr.dataWidthBits << "-bit, " << ddr.chipsPerRank << " x"
     << ddr.chipWidthBits << " chips, " << ddr.ranks << " rank(s), " << ddr.bankGroups << "x" << ddr.banksPerGroup
     << " banks, " << ddr.rows << " rows x " << ddr.columns << " cols, " << ddr.capacityBytes() / (1ULL << 20)
     << " MiB, peak " << std::fixed << std::setprecision(2) << ddr.peakBytesPerSecond() / 1e9 << " GB/s\n";
  os << std::defaultfloat;
  os << "             CL " << ddr.t.cl << " CWL " << ddr.t.cwl << " tRCD " << ddr.t.tRCD << " tRP " << ddr.t.tRP
     << " tRAS " << ddr.t.tRAS << " tRC " << ddr.t.tRC << " tRRD_S/L " << ddr.t.tRRD_S << "/" << ddr.t.tRRD_L
     << " tFAW " << ddr.t.tFAW << " tCCD_S/L " << ddr.t.tCCD_S << "/" << ddr.t.tCCD_L << " tWTR_S/L " << ddr.t.tWTR_S
     << "/" << ddr.t.tWTR_L << " tRTP " << ddr.t.tRTP << " tWR " << ddr.t.tWR << " tRFC " << ddr.t.tRFC << " tREFI "
     << ddr.t.tREFI << " (DDR cycles at " << std::fixed << std::setprecision(3) << ddr.clock.freqMhz()
     << " MHz)\n" << std::defaultfloat;
  os << "accelerator  " << a.name << " @ " << std::fixed << std::setprecision(1) << a.clock.freqMhz()
     << std::defaultfloat << " MHz, " << a.peArray.format << ", "
     << a.peArray.tm << "x" << a.peArray.tn << " MACs, DMA " << a.dma.streamWidthBits << "-bit streams, start "
     << a.dma.startCycles << " cycles\n";
  os << "  buffers    input " << a.buffers.input.lanes << "x" << a.buffers.input.depthWords << " x"
     << a.buffers.input.banks << ", output " << a.buffers.output.lanes << "x" << a.buffers.output.depthWords << " x"
     << a.buffers.output.banks << ", weight " << a.buffers.weight.tm << "x" << a.buffers.weight.tn << "x"
     << a.buffers.weight.slots << "x" << a.buffers.weight.kernelWords << " x" << a.buffers.weight.banks << "\n";
  os << "memory       " << d.memory.model;
  if (d.memory.model == "ideal")
    os << " (latency " << d.memory.ideal.latencyCycles << " cycles, " << d.memory.ideal.bytesPerCycle
       << " B/cycle per stream)";
  if (d.memory.model == "ddr4") {
    const auto& c = d.memory.ddr4;
    const auto& ic = d.memory.interconnect;
    os << " (" << c.mapping.text() << ", " << models::toString(c.pagePolicy) << " page, FR-FCFS, queues "
       << c.readQueueBursts << " RD / " << c.writeQueueBursts << " WR bursts, write drain " << c.writeHighWatermarkBursts
       << " -> " << c.writeLowWatermarkBursts << ")\n";
    os << "  axi ports  " << ic.portWidthBits << "-bit at " << std::fixed << std::setprecision(1) << ic.clock.freqMhz()
       << std::defaultfloat << " MHz, " << std::min(ic.maxOutstanding, a.dma.maxOutstanding)
       << " bursts in flight per port, bursts of at most " << ic.maxBurstBeats << " beats within 4 KB";
  }
  os << "\n  layout     " << (a.dma.plainLayout ? "plain ([B][C][H][W], [M][N][K][K])"
                                                 : "reshaped ([B][C/16][H][W][16], weight tiles contiguous)");
  os << "\nworkload     " << d.workload.name << ", batch " << d.workload.batch << ", input " << d.workload.input.c
     << "x" << d.workload.input.h << "x" << d.workload.input.w << ", " << d.workload.layers.size() << " layers, "
     << d.workload.paramCount() << " parameters\n";
  for (const auto& l : d.workload.layers) {
    os << "  " << std::left << std::setw(14) << l.name << std::setw(15) << workload::toString(l.type) << std::right
       << l.in.c << "x" << l.in.h << "x" << l.in.w << " -> " << l.out.c << "x" << l.out.h << "x" << l.out.w;
    if (l.type == workload::LayerType::Conv || l.type == workload::LayerType::MaxPool ||
        l.type == workload::LayerType::AvgPool)
    {
      os << "  k" << l.kernel << " s" << l.stride << " p";
      if (l.symmetricPadding()) os << l.padTop;
      else os << "[" << l.padTop << "," << l.padBottom << "," << l.padLeft << "," << l.padRight << "]";
    }
    if (!l.needsInputGrad) os << "  (no BP)";
    os << "\n";
  }
  os << "schedule     " << prog.phases.size() << " phases, " << prog.tensors.size() << " tensors, "
     << prog.ddrBytes / (1ULL << 20) << " MiB of DDR\n";
  for (const auto& p : prog.phases) {
    if (p.unit != schedule::Unit::PeArray) continue;
    os << "  " << std::left << std::setw(14) << p.name << std::setw(4) << schedule::toString(p.phase) << std::right
       << "Tm " << p.tiling.tm << " Tn " << p.tiling.tn << " Tr " << p.tiling.tr << " Tc " << p.tiling.tc << " M_on "
       << p.tiling.mOn << (p.tiling.weightsResident ? "" : " (weights reloaded per image)") << "\n";
  }
  os << "on-chip buffers (peak use / capacity, both ping-pong banks):\n";
  std::uint64_t cap = 0;
  for (const auto& u : buffers) {
    os << "  " << std::left << std::setw(14) << u.name << std::right << std::setw(10) << u.peakBytes << " / "
       << std::setw(10) << u.capacityBytes << " bytes  (" << std::fixed << std::setprecision(1)
       << (u.capacityBytes ? 100.0 * static_cast<double>(u.peakBytes) / static_cast<double>(u.capacityBytes) : 0.0)
       << "%, peak at " << u.peakAt << ")\n"
       << std::defaultfloat;
    cap += u.capacityBytes;
  }
  os << "  total         " << cap << " of " << b.resources.onChipBytes() << " bytes of BRAM/URAM on " << b.name
     << " (" << std::fixed << std::setprecision(1)
     << 100.0 * static_cast<double>(cap) / static_cast<double>(b.resources.onChipBytes()) << "%)\n"
     << std::defaultfloat;
  resources::printResourceTable(resources::estimateEfTrainResources(d), os);
}

}  // namespace ftsim::families::eftrain

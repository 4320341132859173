#include "families/tt/TtDesign.h"

#include "sim/config/ConfigNode.h"
#include "models/tt_engine/TtEngineTiming.h"
#include "sim/config/DesignConfig.h"

namespace ftsim::tt {

using workload::LayerType;

ProgramOptions denseBaselineOptions(const ProgramOptions& design) {
  ProgramOptions o;
  const auto f32 = kernels::NumberFormat::fp32();
  o.formats = TtFormats{f32, f32, f32, f32};
  o.optimizer = design.optimizer;
  o.dense = true;
  o.cost = [](const GemmShape& g) { return g.flops(); };
  return o;
}

MemoryAtRanks memoryAtStep(const config::DesignConfig& d, std::int64_t step) {
  MemoryAtRanks m;
  m.step = step;
  m.maxRank = d.workload.maxRankAt(step);
  const ProgramOptions o = models::programOptions(d.tt, m.maxRank);
  const TtProgram p = buildProgram(d.workload, o);
  const TtProgram dense = buildProgram(d.workload, denseBaselineOptions(o));
  m.params = p.params;
  m.denseParams = dense.params;
  m.flops = p.flops();
  m.denseFlops = dense.flops();
  m.design = analyzeMemory(p);
  m.dense = analyzeMemory(dense);
  return m;
}

TtDesignPlan planTtDesign(const config::DesignConfig& d) {
  TtDesignPlan plan;
  const int maxRank = d.workload.maxRankAt(d.workload.step);
  plan.program = buildProgram(d.workload, models::programOptions(d.tt, maxRank));
  plan.memory = memoryAtStep(d, d.workload.step);
  for (const workload::RankStep& rs : d.workload.rankSchedule) plan.schedule.push_back(memoryAtStep(d, rs.step));
  plan.onChip = allocateOnChip(plan.memory.design, d.board.resources, d.tt.buffers.memory, d.tt.buffers.banks);
  return plan;
}

void validateTtDesign(const config::DesignConfig& d, const config::ConfigNode& root) {
  const config::ConfigNode acc = root.at("accelerator");
  const auto layerNodes = root.at("workload").at("layers").items();
  for (std::size_t i = 0; i < d.workload.layers.size(); ++i) {
    const workload::Layer& l = d.workload.layers[i];
    const bool runs = l.needsTtEngine() || l.type == LayerType::Fc || l.type == LayerType::Relu ||
                      l.type == LayerType::Add;
    if (!runs)
      layerNodes[i].at("type").fail("the tt accelerator runs tt_linear, tt_embedding, fc, relu, gelu, layernorm, "
                                    "add and attention layers");
  }
  if (d.tt.functional && d.workload.layers.back().type == LayerType::Relu)
    acc.at("functional").fail("the last layer feeds the softmax loss: it must be tt_linear or fc");

  if (d.memory.model == "ideal" && d.memory.ideal.bytesPerCycle > d.tt.dma.bytesPerCycle())
    root.at("memory").at("ideal").at("bytes_per_cycle")
        .fail("must be <= the DMA stream width (" + std::to_string(d.tt.dma.bytesPerCycle()) +
              " bytes per cycle): a stream never takes more");

  const int dsp = d.tt.dsps();
  if (dsp > d.board.resources.dsp)
    acc.at("pe_array").fail("the engine needs " + std::to_string(dsp) + " DSP48E2 (PE array " +
                            std::to_string(d.tt.peDsps()) + " at " + std::to_string(d.tt.macsPerDsp()).substr(0, 4) +
                            " MAC/DSP for " + std::to_string(d.tt.multiplierBits()) + "-bit operands, vector unit " +
                            std::to_string(d.tt.vectorDsps()) + "), board " + d.board.name + " has " +
                            std::to_string(d.board.resources.dsp));

  const int maxRank = d.workload.maxRankAt(d.workload.step);
  const TtProgram p = buildProgram(d.workload, models::programOptions(d.tt, maxRank));
  const OnChipAllocation a =
      allocateOnChip(analyzeMemory(p), d.board.resources, d.tt.buffers.memory, d.tt.buffers.banks);
  if (!a.fits)
    (acc.has("buffers") ? acc.at("buffers") : acc)
        .fail("training needs everything on chip and does not fit board " + d.board.name + ": " + a.overflow);
}

}  // namespace ftsim::tt

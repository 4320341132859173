#include "sim/config/DesignConfig.h"

#include <filesystem>

#include "sim/config/ConfigNode.h"
#include "sim/resources/ResourceModel.h"
#include "sim/tt/TtDesign.h"

namespace ftsim::config {

DesignConfig DesignConfig::load(const std::string& path, const std::vector<std::string>& overrides) {
  if (!std::filesystem::is_regular_file(path)) throw UserError(path + ": no such design file");
  ConfigNode root = ConfigNode::loadFile(path);
  for (const std::string& o : overrides) root.applyOverride(o);
  return fromNode(root, path);
}

DesignConfig DesignConfig::fromNode(const ConfigNode& root, const std::string& file) {
  DesignConfig d;
  d.file = file;
  d.name = root.getString("name", std::filesystem::path(file).stem().string());
  d.seed = static_cast<std::uint64_t>(root.getInt("seed", 1, 0, INT64_MAX));
  d.board = BoardConfig::fromYaml(root.at("board"));
  if (const auto m = root.find("measured")) d.measured = MeasuredConfig::fromYaml(*m);
  d.kind = root.at("accelerator").getEnum("kind", {"eftrain", "tt"});
  d.kindLoc = root.at("accelerator").at("kind").loc();
  if (d.kind == "tt") {
    d.tt = models::TtEngineConfig::fromYaml(root.at("accelerator"), d.board.host.dmaStartNs);
    // One DMA engine and one stream port bring the input batches.
    d.implementation = resources::ImplementationConfig::fromYaml(root.at("accelerator"), d.board.resourceModel,
                                                                 false, 1, 1);
    d.workload = workload::Network::fromYaml(root.at("workload"));
    d.memory = models::MemoryConfig::fromYaml(root.find("memory"), d.board.ddr, root.at("board").at("ddr"),
                                              d.tt.clock);
    // The TT engine keeps every tensor on chip and reads only input batches
    // from DDR: it runs with the ideal memory, its default.
    const auto mem = root.find("memory");
    if (!mem || !mem->has("model")) d.memory.model = "ideal";
    else if (d.memory.model != "ideal")
      mem->at("model").fail("the tensorized-training accelerator runs with the ideal memory (its tensors stay on chip)");
    if (root.has("cpu_baseline")) d.cpuBaseline = models::CpuBaselineConfig::fromYaml(root.at("cpu_baseline"));
    root.checkNoUnknownKeys();
    tt::validateTtDesign(d, root);
    resources::checkResourceBudget(d, root);
    return d;
  }
  d.accelerator = models::EfTrainConfig::fromYaml(root.at("accelerator"), d.board.host.dmaStartNs);
  // EF-Train's four AXI DMA engines and five AXI-Stream ports (sdk/main.cc,
  // HLS/hls_main6.cpp top(); docs/sources.md §10).
  d.implementation = resources::ImplementationConfig::fromYaml(root.at("accelerator"), d.board.resourceModel,
                                                               true, 4, 5);
  d.workload = workload::Network::fromYaml(root.at("workload"));
  d.memory = models::MemoryConfig::fromYaml(root.find("memory"), d.board.ddr, root.at("board").at("ddr"),
                                            d.accelerator.clock);
  root.checkNoUnknownKeys();
  // The ideal section is checked whenever it is written, so that
  // --set memory.model=ideal never turns a valid design into an invalid one.
  const bool idealRateGiven = root.has("memory") && root.at("memory").has("ideal") &&
                              root.at("memory").at("ideal").has("bytes_per_cycle");
  if ((d.memory.model == "ideal" || idealRateGiven) && d.memory.ideal.bytesPerCycle > d.accelerator.dma.bytesPerCycle())
    root.at("memory").at("ideal").at("bytes_per_cycle")
        .fail("must be <= the DMA stream width (" + std::to_string(d.accelerator.dma.bytesPerCycle()) +
              " bytes per cycle): a stream never takes more");
  const auto layerNodes = root.at("workload").at("layers").items();
  for (std::size_t i = 0; i < d.workload.layers.size(); ++i)
    if (d.workload.layers[i].needsTtEngine())
      layerNodes[i].at("type").fail("needs the tensorized-training accelerator (accelerator.kind: tt)");

  const std::uint64_t bufBytes = d.accelerator.buffers.totalBytes();
  const std::uint64_t onChip = d.board.resources.onChipBytes();
  if (bufBytes > onChip) {
    root.at("accelerator").at("buffers").fail(
        "on-chip buffers need " + std::to_string(bufBytes) + " bytes, board " + d.board.name +
        " has " + std::to_string(onChip) + " bytes of BRAM/URAM");
  }
  resources::checkResourceBudget(d, root);
  return d;
}

}  // namespace ftsim::config

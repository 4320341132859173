#include "sim/analytical/RunAnnotation.h"

#include "sim/analytical/EfTrainAnalytical.h"
#include "sim/analytical/Roofline.h"

namespace ftsim::analytical {

namespace {
Pass passOf(schedule::Phase p) {
  switch (p) {
    case schedule::Phase::FP: return Pass::FP;
    case schedule::Phase::BP: return Pass::BP;
    case schedule::Phase::WU: return Pass::WU;
  }
  return Pass::FP;
}
}  // namespace

double rooflineBytesPerCycle(const config::DesignConfig& d) {
  const double bytesPerSecond =
      d.analytical.bandwidthGbPerS ? *d.analytical.bandwidthGbPerS * 1e9 : d.board.ddr.peakBytesPerSecond();
  return bytesPerSecond / (d.accelerator.clock.freqMhz() * 1e6);
}

void annotateModels(const config::DesignConfig& d, stats::RunResult& run) {
  const EfTrainParams params = EfTrainParams::fromConfig(d.accelerator);
  RooflineParams roof;
  roof.tm = d.accelerator.peArray.tm;
  roof.tn = d.accelerator.peArray.tn;
  roof.bytesPerCycle = rooflineBytesPerCycle(d);
  roof.wordBytes = d.accelerator.wordBits / 8;
  roof.outputReuse = d.analytical.outputReuse;
  for (stats::PhaseResult& p : run.phases) {
    if (!p.hasTiling || p.layer < 0) continue;
    const workload::Layer& layer = d.workload.layers[p.layer];
    if (!layer.isMac()) continue;
    const Pass pass = passOf(p.phase);
    const ConvShape shape = shapeOf(layer, pass, d.workload.batch, params.tm, params.tn);
    EfTrainTiling t;
    t.mOn = p.tiling.mOn;
    t.tr = p.tiling.tr;
    t.tc = p.tiling.tc;
    p.eftrainCycles = estimate(shape, pass, t, params).cycles;
    p.rooflineCycles = roofline(shape, pass, t, roof).cycles;
    p.analyticalCycles =
        d.analytical.model == config::AnalyticalConfig::Model::EfTrain ? p.eftrainCycles : p.rooflineCycles;
  }
}

}  // namespace ftsim::analytical

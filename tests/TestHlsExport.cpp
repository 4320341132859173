// `ftsim hls-export`'s rules that are not the exported project itself (that
// one is checked by its own `make csim`, tests/hls/test_hls_export.py): the
// one structure both the resource estimate and the export follow, and the
// reader of Vitis HLS's csynth.xml.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "families/Registry.h"
#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "sim/hls/CsynthReport.h"
#include "sim/hls/HlsExport.h"
#include "sim/resources/EfTrainHlsStructure.h"
#include "sim/resources/ResourceModel.h"
#include "tests/Harness.h"

using ftsim::config::DesignConfig;
using namespace ftsim::test;

namespace {

std::string vgg16() { return sourceDir() + "/configs/designs/eftrain-vgg16-zcu102.yaml"; }

const ftsim::resources::ResourceLine& line(const ftsim::resources::ResourceEstimate& e, const std::string& unit) {
  for (const auto& l : e.lines)
    if (l.unit == unit) return l;
  throw std::runtime_error("no line " + unit);
}

}  // namespace

TEST(HlsStructure, Vgg16TopIsWhatTheEstimatePrices) {
  const DesignConfig d = DesignConfig::load(vgg16(), {});
  const auto st = ftsim::resources::efTrainHlsStructure(d.accelerator);
  ASSERT_EQ(st.operators.size(), 3u);
  EXPECT_EQ(st.operators[0].count, 256);  // 16 x 16 fmul
  EXPECT_EQ(st.operators[1].count, 240);  // 16 trees x (16 - 1) fadd
  EXPECT_EQ(st.operators[2].count, 16);   // one accumulator per output lane
  ASSERT_EQ(st.arrays.size(), 3u);
  // ifm[2][16][2486], ofm[2][16][2016], wbuf[2][64][16][16][9]: 32, 32 and
  // 2·16·16 = 512 memories of 2486, 2016 and 64·9 = 576 words.
  EXPECT_EQ(st.arrays[0].memories(), 32u);
  EXPECT_EQ(st.arrays[1].memories(), 32u);
  EXPECT_EQ(st.arrays[2].memories(), 512u);
  EXPECT_EQ(st.arrays[2].depthWords, 576u);
  EXPECT_EQ(st.arrays[2].partitionDims, (std::vector<int>{1, 3, 4}));
  const auto e = ftsim::families::estimateResources(d);
  // Weight memories of 576 x 32 bit: one RAMB36 (1K x 36) each, 512 of them.
  EXPECT_DOUBLE_EQ(line(e, "buffers.weight").bram36, 512);
}

TEST(HlsStructure, AnotherStructureMovesTheEstimate) {
  // One weight bank instead of two: the exported wbuf[1][...] has 256
  // memories, and the estimate follows (512 -> 256 RAMB36).
  const DesignConfig one = DesignConfig::load(vgg16(), {"accelerator.buffers.weight.banks=1"});
  EXPECT_EQ(ftsim::resources::efTrainHlsStructure(one.accelerator).arrays[2].memories(), 256u);
  EXPECT_DOUBLE_EQ(line(ftsim::families::estimateResources(one), "buffers.weight").bram36, 256);
  // Tn = 12 (not a power of two): kernels::adderTree pads to 16 leaves, the
  // last 4 zeros. Level 1: 8 adds, 2 of them 0 + 0 (folded) -> 6; level 2:
  // (6 real + 2 zero) -> 3; level 3: (3 real + 1 zero) -> 2, one of them
  // x + 0 which strict fp32 keeps; level 4: 1. 12 adders per tree, not 11.
  DesignConfig d = DesignConfig::load(vgg16(), {});
  d.accelerator.peArray.tn = 12;
  const auto st = ftsim::resources::efTrainHlsStructure(d.accelerator);
  EXPECT_EQ(st.operators[1].count, 16 * 12);
  EXPECT_EQ(st.operators[0].count, 16 * 12);
  // ... and the estimate prices those 192 adders at 2 DSPs (fadd full_dsp).
  EXPECT_DOUBLE_EQ(line(ftsim::families::estimateResources(d), "pe_array.adder_trees").dsp, 16 * 12 * 2);
  // Tn = 24: 32 leaves; 12 + 6 + 3 + 2 + 1 = 24 adders per tree.
  d.accelerator.peArray.tn = 24;
  EXPECT_EQ(ftsim::resources::efTrainHlsStructure(d.accelerator).operators[1].count, 16 * 24);
}

TEST(HlsExport, DefaultLayerOfVgg16IsConv51) {
  // Per image: conv5_x 512·512·14²·9 = 462.4 M MACs, conv1_1 3·64·224²·9 =
  // 86.7 M but without BP, conv2_1 64·128·112²·9 = 924.8 M.
  EXPECT_EQ(ftsim::hls::defaultExportLayer(DesignConfig::load(vgg16(), {})), "conv5_1");
}

TEST(CsynthReport, ReadsTheHandWrittenSample) {
  // tests/hls/csynth_sample.xml is written by hand in csynth.xml's schema.
  const auto r = ftsim::hls::readCsynthReport(sourceDir() + "/tests/hls/csynth_sample.xml");
  EXPECT_EQ(r.part, "xczu9eg-ffvb1156-2-e");
  EXPECT_EQ(r.topModel, "eftrain_top");
  EXPECT_DOUBLE_EQ(*r.targetClockNs, 10.0);
  EXPECT_DOUBLE_EQ(*r.estimatedClockNs, 8.0);
  EXPECT_DOUBLE_EQ(*r.latencyMinCycles, 40000);
  EXPECT_DOUBLE_EQ(*r.latencyMaxCycles, 50000);
  EXPECT_DOUBLE_EQ(*r.intervalMaxCycles, 50001);
  EXPECT_DOUBLE_EQ(*r.dsp, 1000);
  EXPECT_DOUBLE_EQ(*r.bram18k, 500);
  EXPECT_DOUBLE_EQ(*r.uram, 0);
  EXPECT_DOUBLE_EQ(*r.lut, 100000);
  EXPECT_DOUBLE_EQ(*r.ff, 150000);
}

TEST(CsynthReport, BadFiguresNameFileLineAndElement) {
  const std::string path = ::testing::TempDir() + "/bad_csynth.xml";
  {
    std::ofstream f(path);
    f << "<profile>\n<PerformanceEstimates>\n<SummaryOfOverallLatency>\n"
         "<Worst-caseLatency>lots</Worst-caseLatency>\n</SummaryOfOverallLatency>\n</PerformanceEstimates>\n</profile>\n";
  }
  try {
    ftsim::hls::readCsynthReport(path);
    FAIL() << "no error";
  } catch (const ftsim::UserError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":4: <Worst-caseLatency> = 'lots': must be a number"), std::string::npos)
        << e.what();
  }
  {
    std::ofstream f(path);
    f << "<html></html>\n";
  }
  EXPECT_THROW(ftsim::hls::readCsynthReport(path), ftsim::UserError);
  std::remove(path.c_str());
}

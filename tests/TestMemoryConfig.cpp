// The memory section of a design (memory.model, memory.ddr4,
// memory.interconnect) and accelerator.dma.layout: the defaults, the shipped
// designs, and one negative test per rule (file:line: key = value: rule).

#include <gtest/gtest.h>

#include <filesystem>

#include "sim/config/DesignConfig.h"
#include "sim/core/Error.h"
#include "tests/Harness.h"

using ftsim::ConfigError;
using ftsim::config::DesignConfig;
using namespace ftsim::test;

namespace {

const char* kNet = R"(  name: tiny
  batch: 1
  input: {channels: 16, height: 4, width: 4}
  layers:
    - {name: conv1, type: conv, out_channels: 16, kernel: 3, pad: 1}
)";

DesignConfig load(const std::vector<std::string>& sets, const std::string& extra = "") {
  return DesignConfig::load(writeDesign(tempDir("d"), kNet, extra), sets);
}

/// Loading with `set` fails at `key` with a rule containing `rule`.
void expectRule(const std::string& set, const std::string& key, const std::string& rule) {
  try {
    load({set});
    ADD_FAILURE() << set << ": no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), key) << e.what();
    EXPECT_NE(e.rule().find(rule), std::string::npos) << e.what();
  }
}

TEST(MemoryConfig, DefaultsToDdr4WithAcceleratorClockPorts) {
  const auto d = load({});
  EXPECT_EQ(d.memory.model, "ddr4");
  EXPECT_EQ(d.memory.interconnect.portWidthBits, 128);
  EXPECT_EQ(d.memory.interconnect.clock.freqHz(), d.accelerator.clock.freqHz());
  EXPECT_EQ(d.memory.ddr4.mapping.text(), "row[15]:bank[2]:column[7]:bankgroup[2]");
  EXPECT_EQ(d.memory.device.speedGrade, "DDR4-2133P");
  EXPECT_FALSE(d.accelerator.dma.plainLayout);
}

TEST(MemoryConfig, ReadsEveryKey) {
  const auto d = load({"memory.ddr4.page_policy=closed", "memory.ddr4.read_queue_bursts=16",
                       "memory.ddr4.write_queue_bursts=12", "memory.ddr4.write_high_watermark_bursts=10",
                       "memory.ddr4.write_low_watermark_bursts=2", "memory.ddr4.fast_path=false",
                       "memory.ddr4.address_mapping=row:column:bank:bankgroup",
                       "memory.interconnect.port_width_bits=64", "memory.interconnect.clock_mhz=250",
                       "memory.interconnect.max_outstanding=4", "memory.interconnect.max_burst_beats=16",
                       "accelerator.dma.layout=plain", "memory.model=ideal"});
  EXPECT_EQ(d.memory.model, "ideal");
  EXPECT_EQ(d.memory.ddr4.pagePolicy, ftsim::models::PagePolicy::Closed);
  EXPECT_EQ(d.memory.ddr4.readQueueBursts, 16);
  EXPECT_EQ(d.memory.ddr4.writeQueueBursts, 12);
  EXPECT_EQ(d.memory.ddr4.writeHighWatermarkBursts, 10);
  EXPECT_EQ(d.memory.ddr4.writeLowWatermarkBursts, 2);
  EXPECT_FALSE(d.memory.ddr4.fastPath);
  EXPECT_EQ(d.memory.ddr4.mapping.text(), "row[15]:column[7]:bank[2]:bankgroup[2]");
  EXPECT_EQ(d.memory.interconnect.portWidthBits, 64);
  EXPECT_EQ(d.memory.interconnect.clock.freqHz(), 250000000u);
  EXPECT_EQ(d.memory.interconnect.maxOutstanding, 4);
  EXPECT_EQ(d.memory.interconnect.maxBurstBeats, 16);
  EXPECT_TRUE(d.accelerator.dma.plainLayout);
}

TEST(MemoryConfig, EveryShippedDesignLoadsWithEitherModel) {
  int eftrain = 0;
  for (const auto& f : std::filesystem::directory_iterator(sourceDir() + "/configs/designs")) {
    const std::string path = f.path().string();
    if (DesignConfig::load(path, {}).kind != "eftrain") continue;
    ++eftrain;
    for (const char* model : {"ideal", "ddr4"}) {
      const auto d = DesignConfig::load(path, {std::string("memory.model=") + model});
      EXPECT_EQ(d.memory.model, model) << path;
    }
    EXPECT_EQ(DesignConfig::load(path, {}).memory.model, "ddr4") << path;
  }
  EXPECT_EQ(eftrain, 9);  // vgg16, vgg11, lenet5, resnet18, alexnet (zcu102), MobileNetV2 (ImageNet, CIFAR-10),
                          // the two-group AlexNet, alexnet-vc707-64x7-inference
}

TEST(MemoryConfig, TensorizedTrainingStaysOnTheIdealMemory) {
  // Its tensors stay on chip; only input batches come from DDR.
  const std::string tt = sourceDir() + "/configs/designs/tt-mlp-mnist-zcu102.yaml";
  EXPECT_EQ(DesignConfig::load(tt, {}).memory.model, "ideal");
  try {
    DesignConfig::load(tt, {"memory.model=ddr4"});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), "memory.model") << e.what();
    EXPECT_NE(e.rule().find("runs with the ideal memory"), std::string::npos) << e.what();
  }
}

TEST(MemoryConfigErrors, Model) { expectRule("memory.model=hbm", "memory.model", "must be one of"); }

TEST(MemoryConfigErrors, MappingUnknownField) {
  expectRule("memory.ddr4.address_mapping=row:bank:column:chip", "memory.ddr4.address_mapping", "unknown field");
}
TEST(MemoryConfigErrors, MappingMissingField) {
  expectRule("memory.ddr4.address_mapping=row:bank:column", "memory.ddr4.address_mapping",
             "'bankgroup' is missing");
}
TEST(MemoryConfigErrors, MappingWidthsDoNotAddUp) {
  expectRule("memory.ddr4.address_mapping=row:bank:column[5]:bankgroup", "memory.ddr4.address_mapping",
             "give 5 bits; the device needs 7");
}
TEST(MemoryConfigErrors, MappingWidthSyntax) {
  expectRule("memory.ddr4.address_mapping=row:bank:column[x]:bankgroup", "memory.ddr4.address_mapping",
             "name[bits]");
}
TEST(MemoryConfigErrors, MappingFieldTwiceWithoutWidth) {
  expectRule("memory.ddr4.address_mapping=row:column:bank:column:bankgroup", "memory.ddr4.address_mapping",
             "twice without a width");
}
TEST(MemoryConfigErrors, MappingNeedsPowerOfTwoOrganisation) {
  // Without a memory section the default mapping is checked against the board.
  expectRule("board.ddr.rows=30000", "board.ddr", "power-of-two number of rows");
  try {
    load({"board.ddr.rows=30000"}, "memory: {ddr4: {page_policy: open}}\n");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), "memory.ddr4") << e.what();
    EXPECT_NE(e.rule().find("power-of-two number of rows"), std::string::npos) << e.what();
  }
}
TEST(MemoryConfigErrors, AtMost64Banks) {
  try {
    load({"board.ddr.ranks=4", "board.ddr.banks_per_group=8"});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), "board.ddr") << e.what();
    EXPECT_NE(e.rule().find("at most 64 banks"), std::string::npos) << e.what();
  }
}
TEST(MemoryConfigErrors, PagePolicy) {
  expectRule("memory.ddr4.page_policy=adaptive", "memory.ddr4.page_policy", "must be one of");
}
TEST(MemoryConfigErrors, ReadQueueDepth) {
  expectRule("memory.ddr4.read_queue_bursts=0", "memory.ddr4.read_queue_bursts", "must be >= 1");
}
TEST(MemoryConfigErrors, WriteQueueDepth) {
  expectRule("memory.ddr4.write_queue_bursts=257", "memory.ddr4.write_queue_bursts", "must be <= 256");
}
TEST(MemoryConfigErrors, HighWatermarkAboveQueue) {
  expectRule("memory.ddr4.write_high_watermark_bursts=40", "memory.ddr4.write_high_watermark_bursts",
             "must be <= write_queue_bursts (32)");
}
TEST(MemoryConfigErrors, LowWatermarkNotBelowHigh) {
  expectRule("memory.ddr4.write_low_watermark_bursts=24", "memory.ddr4.write_low_watermark_bursts",
             "must be < write_high_watermark_bursts (24)");
}
TEST(MemoryConfigErrors, FastPathIsABool) {
  expectRule("memory.ddr4.fast_path=sometimes", "memory.ddr4.fast_path", "true or false");
}
TEST(MemoryConfigErrors, UnknownDdr4Key) {
  try {
    load({"memory.ddr4.read_queue_depth=8"});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("read_queue_bursts"), std::string::npos) << e.what();
  }
}
TEST(MemoryConfigErrors, PortWidth) {
  expectRule("memory.interconnect.port_width_bits=96", "memory.interconnect.port_width_bits",
             "must be an AXI data width");
}
TEST(MemoryConfigErrors, PortClock) {
  expectRule("memory.interconnect.clock_mhz=0", "memory.interconnect.clock_mhz", "must be >= 1");
}
TEST(MemoryConfigErrors, MaxOutstanding) {
  expectRule("memory.interconnect.max_outstanding=0", "memory.interconnect.max_outstanding", "must be >= 1");
}
TEST(MemoryConfigErrors, MaxBurstBeats) {
  expectRule("memory.interconnect.max_burst_beats=512", "memory.interconnect.max_burst_beats", "must be <= 256");
}
TEST(MemoryConfigErrors, DmaLayout) {
  expectRule("accelerator.dma.layout=tiled", "accelerator.dma.layout", "must be one of");
}

}  // namespace

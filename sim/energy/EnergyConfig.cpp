#include "sim/energy/EnergyConfig.h"

#include "sim/config/ConfigNode.h"

namespace ftsim::energy {

EnergyConfig EnergyConfig::fromYaml(const config::ConfigNode& node) {
  EnergyConfig c;
  c.present = true;
  c.fp32MulPj = node.getDouble("fp32_mul_pj", 0.0, 1e6);
  c.fp32AddPj = node.getDouble("fp32_add_pj", 0.0, 1e6);
  c.bramReadPj = node.getDouble("bram_read_pj", 0.0, 1e6);
  c.bramWritePj = node.getDouble("bram_write_pj", 0.0, 1e6);
  c.dmaBeatPj = node.getDouble("dma_beat_pj", 0.0, 1e6);
  c.int8MulPj = node.getDouble("int8_mul_pj", 0.0, 1e6);
  c.int8AddPj = node.getDouble("int8_add_pj", 0.0, 1e6);
  c.int16MulPj = node.getDouble("int16_mul_pj", 0.0, 1e6);
  c.int16AddPj = node.getDouble("int16_add_pj", 0.0, 1e6);
  c.int32MulPj = node.getDouble("int32_mul_pj", 0.0, 1e6);
  c.int32AddPj = node.getDouble("int32_add_pj", 0.0, 1e6);
  c.fabricScale = node.getDouble("fabric_scale", 1.0, 0.0, 1e4);
  c.plStaticW = node.getDouble("pl_static_w", 0.0, 1e3);
  c.psStaticW = node.getDouble("ps_static_w", 0.0, 1e3);
  c.ddrIoReadMwPerPin = node.getDouble("ddr_io_read_mw_per_pin", 0.0, 1e3);
  c.ddrTermWriteMwPerPin = node.getDouble("ddr_term_write_mw_per_pin", 0.0, 1e3);
  return c;
}

}  // namespace ftsim::energy

#pragma once
// The board's energy table (`board.energy`, optional): energy per counted
// action in pJ, the static power of the PL and the PS, and the DDR I/O
// powers. The DRAM's own currents live with its timing in `board.ddr.power`.
// Without the section, runs report energy as not modelled.

namespace ftsim::config { class ConfigNode; }

namespace ftsim::energy {

struct EnergyConfig {
  bool present = false;
  double fp32MulPj = 0;          ///< one fp32 multiply
  double fp32AddPj = 0;          ///< one fp32 add (adder tree, accumulation, vector path element)
  double bramReadPj = 0;         ///< one 32-bit word read from one buffer bank
  double bramWritePj = 0;        ///< one 32-bit word written into one buffer bank
  double dmaBeatPj = 0;          ///< one stream beat through a DMA engine and the interconnect
  // Integer arithmetic of the TT engine's fixed-point and bfp datapath.
  double int8MulPj = 0;          ///< one 8-bit integer multiply
  double int8AddPj = 0;          ///< one 8-bit integer add
  double int16MulPj = 0;         ///< one 16-bit integer multiply
  double int16AddPj = 0;         ///< one 16-bit integer add
  double int32MulPj = 0;         ///< one 32-bit integer multiply
  double int32AddPj = 0;         ///< one 32-bit integer add
  double fabricScale = 1;        ///< multiplies every on-chip dynamic energy above
  double plStaticW = 0;          ///< programmable logic, static
  double psStaticW = 0;          ///< processing system, static (includes the host's polling loop)
  double ddrIoReadMwPerPin = 0;  ///< DRAM output drivers per DQ/DQS pin while a read burst is on the bus
  double ddrTermWriteMwPerPin = 0;  ///< on-die termination per DQ/DQS/DM pin during a write burst

  static EnergyConfig fromYaml(const config::ConfigNode& node);
};

}  // namespace ftsim::energy

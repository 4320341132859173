#pragma once
// Peak on-chip buffer use of a program against each buffer's capacity (both
// ping-pong banks), from the tilings the scheduler chose.

#include <cstdint>
#include <string>
#include <vector>

#include "models/accel/EfTrainConfig.h"
#include "sim/schedule/Program.h"

namespace ftsim::schedule {

struct BufferUse {
  std::string name;            ///< input_buffer, output_buffer, weight_buffer
  std::uint64_t capacityBytes = 0;
  std::uint64_t peakBytes = 0;  ///< largest tile footprint × banks
  std::string peakAt;           ///< layer and phase where the peak occurs
};

std::vector<BufferUse> bufferUsage(const Program& prog, const models::EfTrainConfig& accel);

}  // namespace ftsim::schedule

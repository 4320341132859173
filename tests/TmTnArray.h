#pragma once
// --set overrides that turn the EF-Train 16×16 accelerator into Tm × Tn
// (tests of non-square arrays).

#include <algorithm>
#include <string>
#include <vector>

namespace ftsim::test {

inline std::vector<std::string> tmTnArray(int tm, int tn, std::vector<std::string> more = {}) {
  std::vector<std::string> s{"accelerator.pe_array.tm=" + std::to_string(tm),
                             "accelerator.pe_array.tn=" + std::to_string(tn),
                             "accelerator.buffers.weight.tm=" + std::to_string(tm),
                             "accelerator.buffers.weight.tn=" + std::to_string(tn),
                             "accelerator.buffers.output.lanes=" + std::to_string(tm),
                             "accelerator.buffers.input.lanes=" + std::to_string(tn),
                             "accelerator.vector.lanes=" + std::to_string(std::min(tn, 16)),
                             // 448 weight lanes of 64 slots would not fit the ZCU102's BRAM
                             "accelerator.buffers.weight.slots=8"};
  s.insert(s.end(), more.begin(), more.end());
  return s;
}

}  // namespace ftsim::test

#include "sim/core/Error.h"

namespace ftsim {

void panic(const char* file, int line, const std::string& msg) {
  throw InternalError(std::string(file) + ":" + std::to_string(line) + ": internal error: " + msg);
}

}  // namespace ftsim

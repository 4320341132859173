// .npy reading (sim/functional/Npy): the input is the file `--init` names,
// read as a float array and as an integer (labels) array.
#include "sim/core/Error.h"
#include "sim/functional/Npy.h"
#include "tests/fuzz/FuzzTarget.h"

FTSIM_FUZZ_TARGET(npy) {
  const std::string path = ftsim::fuzz::scratchDir() + "/fuzz.npy";
  ftsim::fuzz::writeFile(path, data, size);
  try {
    ftsim::functional::readNpy(path);
  } catch (const ftsim::UserError&) {
  }
  try {
    ftsim::functional::readNpyInt(path);
  } catch (const ftsim::UserError&) {
  }
  return 0;
}

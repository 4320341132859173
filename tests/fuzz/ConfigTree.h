#pragma once
// A private copy of the configs/ tree for the harnesses that load files
// through the real loader: every configs/<dir> is a symbolic link to the
// source tree's, except `own`, which is an empty real directory the harness
// writes its input into. A design or sweep written as <tree>/<own>/fuzz.yaml
// therefore resolves `include: ../boards/zcu102.yaml` and
// `design: ../designs/...` exactly as the committed files do.
#include <string>

namespace ftsim::fuzz {

/// The tree's root, built on first use (`own` becomes a real directory).
const std::string& configTree(const std::string& own);

}  // namespace ftsim::fuzz

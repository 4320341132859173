#pragma once
// Writes a file so that a reader never sees half of it: the text goes to a
// temporary file in the same directory, synced to disk, then renamed over the
// target.

#include <string>

namespace ftsim::traces {

/// Throws UserError naming the path if it cannot be written.
void writeFileAtomically(const std::string& path, const std::string& contents);

}  // namespace ftsim::traces

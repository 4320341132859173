#pragma once
// Files `ftsim hls-export` writes into a project unchanged: every kernel
// header of models/kernels/ (verbatim) and the templates of sim/hls/templates/.
// The build embeds them (CMakeLists.txt writes HlsEmbedded.cpp from the
// files), so the program exports what it was compiled from.

namespace ftsim::hls {

struct EmbeddedFile {
  const char* path;     ///< repository path, e.g. models/kernels/MacTile.h
  const char* content;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const int kEmbeddedFileCount;

}  // namespace ftsim::hls

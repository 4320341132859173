#pragma once
// NumPy's .npy format (version 1.0/2.0/3.0 read, 1.0 written): little-endian
// float32, int32 and int64 arrays in C order. Errors name the file and what
// is wrong with it (UserError: exit code 2 in the programs).

#include <cstdint>
#include <string>
#include <vector>

namespace ftsim::functional {

struct NpyArray {
  std::vector<std::int64_t> shape;
  std::vector<float> data;  ///< converted to float (int arrays: exact below 2^24)
  std::uint64_t elements() const;
};

/// Read an array of dtype <f4, <i4 or <i8 (C order).
NpyArray readNpy(const std::string& path);
/// Read an integer array (<i4 or <i8) without conversion through float.
std::vector<std::int64_t> readNpyInt(const std::string& path, std::vector<std::int64_t>* shape = nullptr);

/// Write a float32 array, atomically (temporary file, then rename).
void writeNpy(const std::string& path, const std::vector<std::int64_t>& shape, const float* data);
/// Write an int64 array.
void writeNpyInt(const std::string& path, const std::vector<std::int64_t>& shape, const std::int64_t* data);

}  // namespace ftsim::functional

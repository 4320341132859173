#include "sim/functional/Npy.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sim/core/Error.h"

namespace ftsim::functional {

namespace {

constexpr char kMagic[] = "\x93NUMPY";

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw UserError(path + ": not a usable .npy file: " + what);
}

struct Header {
  std::string descr;
  bool fortran = false;
  std::vector<std::int64_t> shape;
  std::streamoff dataOffset = 0;
  std::uint64_t dataBytes = 0;  ///< what the file holds after the header
};

/// The value of `'key':` in the header dict, as raw text up to the next
/// top-level comma or the closing brace.
std::string dictValue(const std::string& path, const std::string& dict, const std::string& key) {
  const std::string k = "'" + key + "'";
  const auto at = dict.find(k);
  if (at == std::string::npos) fail(path, "header has no " + k + " entry");
  auto p = dict.find(':', at + k.size());
  if (p == std::string::npos) fail(path, "header entry " + k + " has no value");
  ++p;
  while (p < dict.size() && dict[p] == ' ') ++p;
  int depth = 0;
  std::size_t e = p;
  for (; e < dict.size(); ++e) {
    const char c = dict[e];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
  }
  return dict.substr(p, e - p);
}

Header readHeader(const std::string& path, std::ifstream& in) {
  // Lengths in the file are checked against its size before anything is
  // allocated: a corrupt length must not ask for gigabytes.
  in.seekg(0, std::ios::end);
  const std::streamoff fileBytes = in.tellg();
  in.seekg(0, std::ios::beg);
  char magic[6];
  if (!in.read(magic, 6) || std::memcmp(magic, kMagic, 6) != 0) fail(path, "missing the \\x93NUMPY magic");
  unsigned char ver[2];
  if (!in.read(reinterpret_cast<char*>(ver), 2)) fail(path, "truncated version");
  std::uint32_t len = 0;
  if (ver[0] == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) fail(path, "truncated header length");
    len = b[0] | (b[1] << 8);
  } else if (ver[0] == 2 || ver[0] == 3) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) fail(path, "truncated header length");
    len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
  } else {
    fail(path, "format version " + std::to_string(ver[0]) + " (1, 2 or 3 expected)");
  }
  if (static_cast<std::streamoff>(len) > fileBytes - in.tellg()) fail(path, "truncated header");
  std::string dict(len, '\0');
  if (!in.read(dict.data(), len)) fail(path, "truncated header");
  Header h;
  std::string d = dictValue(path, dict, "descr");
  if (d.size() < 2 || (d.front() != '\'' && d.front() != '"')) fail(path, "descr is not a string: " + d);
  h.descr = d.substr(1, d.size() - 2);
  const std::string f = dictValue(path, dict, "fortran_order");
  if (f != "False" && f != "True") fail(path, "fortran_order is neither True nor False: " + f);
  h.fortran = f == "True";
  const std::string s = dictValue(path, dict, "shape");
  if (s.empty() || s.front() != '(' || s.back() != ')') fail(path, "shape is not a tuple: " + s);
  std::stringstream ss(s.substr(1, s.size() - 2));
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    try {
      std::size_t used = 0;
      const long long v = std::stoll(item.substr(b), &used);
      if (v < 0) fail(path, "negative extent in shape " + s);
      h.shape.push_back(v);
    } catch (const std::logic_error&) {
      fail(path, "shape " + s + " has a non-integer extent '" + item + "'");
    }
  }
  h.dataOffset = in.tellg();
  h.dataBytes = static_cast<std::uint64_t>(fileBytes - h.dataOffset);
  return h;
}

std::uint64_t count(const std::vector<std::int64_t>& shape) {
  std::uint64_t n = 1;
  for (auto e : shape) n *= static_cast<std::uint64_t>(e);
  return n;
}

/// The element count of the shape, once the file is known to hold that many
/// `itemBytes`-byte items (no product that overflows, no allocation beyond it).
std::uint64_t payloadElements(const std::string& path, const Header& h, std::uint64_t itemBytes) {
  std::uint64_t n = 1;
  for (auto e : h.shape) {
    const auto extent = static_cast<std::uint64_t>(e);
    if (extent != 0 && n > h.dataBytes / itemBytes / extent) n = h.dataBytes / itemBytes + 1;  // too many: stop
    else n *= extent;
  }
  if (n > h.dataBytes / itemBytes)
    fail(path, "data truncated: the shape needs more than the " + std::to_string(h.dataBytes) + " bytes after the header");
  return n;
}

void readPayload(const std::string& path, std::ifstream& in, char* dst, std::uint64_t bytes) {
  if (!in.read(dst, static_cast<std::streamsize>(bytes)))
    fail(path, "data truncated: the shape needs " + std::to_string(bytes) + " bytes");
  in.peek();
  if (!in.eof()) fail(path, "trailing bytes after the data the shape describes");
}

void writeRaw(const std::string& path, const std::string& descr, const std::vector<std::int64_t>& shape,
              const char* data, std::uint64_t bytes) {
  std::string tuple = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) tuple += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) tuple += ",";
  tuple += ")";
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
  // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64.
  const std::size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw UserError(path + ": cannot write the .npy file");
    out.write(kMagic, 6);
    const char ver[2] = {1, 0};
    out.write(ver, 2);
    const unsigned char len[2] = {static_cast<unsigned char>(dict.size() & 0xff),
                                  static_cast<unsigned char>(dict.size() >> 8)};
    out.write(reinterpret_cast<const char*>(len), 2);
    out.write(dict.data(), static_cast<std::streamsize>(dict.size()));
    out.write(data, static_cast<std::streamsize>(bytes));
    if (!out) throw UserError(path + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw UserError(path + ": cannot move the finished file in place");
}

}  // namespace

std::uint64_t NpyArray::elements() const { return count(shape); }

NpyArray readNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path + ": cannot open the .npy file");
  const Header h = readHeader(path, in);
  if (h.fortran) fail(path, "Fortran order; write it in C order (numpy.ascontiguousarray)");
  NpyArray a;
  a.shape = h.shape;
  const std::uint64_t n = payloadElements(path, h, h.descr == "<i8" ? 8 : h.descr == "<f4" || h.descr == "<i4" ? 4 : 1);
  a.data.resize(n);
  if (h.descr == "<f4") {
    readPayload(path, in, reinterpret_cast<char*>(a.data.data()), n * 4);
  } else if (h.descr == "<i4") {
    std::vector<std::int32_t> v(n);
    readPayload(path, in, reinterpret_cast<char*>(v.data()), n * 4);
    for (std::uint64_t i = 0; i < n; ++i) a.data[i] = static_cast<float>(v[i]);
  } else if (h.descr == "<i8") {
    std::vector<std::int64_t> v(n);
    readPayload(path, in, reinterpret_cast<char*>(v.data()), n * 8);
    for (std::uint64_t i = 0; i < n; ++i) a.data[i] = static_cast<float>(v[i]);
  } else {
    fail(path, "dtype '" + h.descr + "' (float32 '<f4', int32 '<i4' or int64 '<i8' expected)");
  }
  return a;
}

std::vector<std::int64_t> readNpyInt(const std::string& path, std::vector<std::int64_t>* shape) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path + ": cannot open the .npy file");
  const Header h = readHeader(path, in);
  if (h.fortran) fail(path, "Fortran order; write it in C order (numpy.ascontiguousarray)");
  const std::uint64_t n = payloadElements(path, h, h.descr == "<i8" ? 8 : h.descr == "<i4" ? 4 : 1);
  std::vector<std::int64_t> out(n);
  if (h.descr == "<i8") {
    readPayload(path, in, reinterpret_cast<char*>(out.data()), n * 8);
  } else if (h.descr == "<i4") {
    std::vector<std::int32_t> v(n);
    readPayload(path, in, reinterpret_cast<char*>(v.data()), n * 4);
    for (std::uint64_t i = 0; i < n; ++i) out[i] = v[i];
  } else {
    fail(path, "dtype '" + h.descr + "' (integer labels: int32 '<i4' or int64 '<i8' expected)");
  }
  if (shape) *shape = h.shape;
  return out;
}

void writeNpy(const std::string& path, const std::vector<std::int64_t>& shape, const float* data) {
  writeRaw(path, "<f4", shape, reinterpret_cast<const char*>(data), count(shape) * 4);
}

void writeNpyInt(const std::string& path, const std::vector<std::int64_t>& shape, const std::int64_t* data) {
  writeRaw(path, "<i8", shape, reinterpret_cast<const char*>(data), count(shape) * 8);
}

}  // namespace ftsim::functional

// C testbench of the exported top: for every exported phase of the layer it
// reads the input streams that ftsim's functional mode moved (data/), runs
// eftrain_top once, and compares every output word bit for bit with what
// the functional mode wrote (the golden vectors). Exit status 0: all equal;
// 1: a mismatch; 2: a missing or short data file.
//
// Written by `ftsim hls-export`; the vectors are described in tb_vectors.h.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tb_vectors.h"

void eftrain_top(const float* in_stream, const float* in2_stream, const float* w_stream, float* out_stream,
                 float* wout_stream, int state, int out_ch, int in_ch, int out_h, int out_w, int in_h, int in_w,
                 int kernel, int stride, int pad, int tr, int tc, int m_on, int images, int weights_resident,
                 int relu_on_store, float lr, int counts[5]);

namespace {

bool readWords(const std::string& path, std::size_t words, std::vector<float>& out) {
  out.assign(words + 1, 0.0f);  // one guard word: an over-read shows as a count mismatch
  if (words == 0) return true;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    std::fprintf(stderr, "error: cannot open %s\n", path.c_str());
    return false;
  }
  const std::size_t got = std::fread(out.data(), sizeof(float), words, f);
  std::fclose(f);
  if (got != words) {
    std::fprintf(stderr, "error: %s: %zu words, expected %zu\n", path.c_str(), got, words);
    return false;
  }
  return true;
}

/// Bitwise comparison; prints the first mismatches. Returns the count.
std::size_t compare(const char* what, const std::vector<float>& got, const std::vector<float>& want, std::size_t n) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t a, b;
    std::memcpy(&a, &got[i], 4);
    std::memcpy(&b, &want[i], 4);
    if (a == b) continue;
    if (bad < 5)
      std::printf("  %s word %zu: got %.9g (0x%08x), expected %.9g (0x%08x)\n", what, i, static_cast<double>(got[i]), a,
                  static_cast<double>(want[i]), b);
    ++bad;
  }
  return bad;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "data";
  int failures = 0;
  for (const TbPhase& p : kTbPhases) {
    std::vector<float> in, in2, w, outWant, woutWant;
    const std::string base = dir + "/" + p.name;
    if (!readWords(base + "_in.bin", p.words[0], in) || !readWords(base + "_in2.bin", p.words[1], in2) ||
        !readWords(base + "_w.bin", p.words[2], w) || !readWords(base + "_out.bin", p.words[3], outWant) ||
        !readWords(base + "_wout.bin", p.words[4], woutWant))
      return 2;
    std::vector<float> out(p.words[3] + 1, 0.0f), wout(p.words[4] + 1, 0.0f);
    int counts[5] = {0, 0, 0, 0, 0};
    eftrain_top(in.data(), in2.data(), w.data(), out.data(), wout.data(), p.state, p.outCh, p.inCh, p.outH, p.outW,
                p.inH, p.inW, p.kernel, p.stride, p.pad, p.tr, p.tc, p.mOn, p.images, p.weightsResident,
                p.reluOnStore, p.lr, counts);
    std::size_t bad = 0;
    static const char* kStreams[5] = {"in", "in2", "w", "out", "wout"};
    for (int s = 0; s < 5; ++s)
      if (static_cast<std::size_t>(counts[s]) != p.words[s]) {
        std::printf("  %s stream: the top moved %d words, the schedule moves %zu\n", kStreams[s], counts[s],
                    p.words[s]);
        ++bad;
      }
    bad += compare("out", out, outWant, p.words[3]);
    bad += compare("wout", wout, woutWant, p.words[4]);
    std::printf("%s %-4s %s: %zu output words, %zu weight words: %s\n", kTbLayer, p.name, kTbDesign, p.words[3],
                p.words[4], bad == 0 ? "bit-exact" : "MISMATCH");
    if (bad) ++failures;
  }
  std::printf(failures ? "FAIL: %d phase(s) differ from ftsim's functional output\n"
                       : "PASS: every phase bit-exact against ftsim's functional output\n",
              failures);
  return failures ? 1 : 0;
}

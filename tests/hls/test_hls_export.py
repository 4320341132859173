#!/usr/bin/env python3
"""`ftsim hls-export` end to end: export a design into a temporary directory and
run the project's `make csim` (g++ only), whose testbench compares the top's
output words bit for bit with ftsim's functional mode; and the checks around it.

  test_hls_export.py --ftsim BIN csim DESIGN [--layer L] [--phase P ...]
  test_hls_export.py --ftsim BIN tamper DESIGN      # a flipped golden bit, a short file
  test_hls_export.py --ftsim BIN subset DESIGN      # a heap / STL use in a kernel breaks make csim
  test_hls_export.py --ftsim BIN badinput DESIGN
  test_hls_export.py --ftsim BIN compare DESIGN SAMPLE.xml
  test_hls_export.py --ftsim BIN ttcsim DESIGN --layer L  # a TT layer's forward chain; a flipped golden word
  test_hls_export.py --ftsim BIN ttbadinput DESIGN
"""
import argparse
import csv
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def export(ftsim, design, out, extra=()):
    rc, text = run([ftsim, "hls-export", design, "--out", out] + list(extra))
    print(text)
    if rc != 0:
        sys.exit("hls-export failed (%d)" % rc)
    return text


def csim(ftsim, design, layer, phases):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "proj")
        extra = (["--layer", layer] if layer else []) + sum((["--phase", p] for p in phases), [])
        export(ftsim, design, out, extra)
        for f in ["Makefile", "README.md", "eftrain_top.cpp", "tb.cpp", "ftsim_design.h", "tb_vectors.h",
                  "directives.tcl", "run_hls.tcl", "build_bd.tcl", "kernels/MacTile.h", "kernels/HlsSubset.h",
                  "kernels/WeightLoader.h", "ftsim_export.json"]:
            check(os.path.isfile(os.path.join(out, f)), "project has " + f)
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "kernels", "MacTile.h")
        check(open(src).read() == open(os.path.join(out, "kernels", "MacTile.h")).read(),
              "kernels/MacTile.h is models/kernels/MacTile.h verbatim")
        run_hls = open(os.path.join(out, "run_hls.tcl")).read()
        for step in ["csim_design", "csynth_design", "cosim_design", "export_design"]:
            check(step in run_hls, "run_hls.tcl runs " + step)
        check(re.search(r"set_part \{xczu9eg-ffvb1156-2-e\}", run_hls) is not None, "run_hls.tcl: the ZCU102 part")
        # accelerator.clock_mhz = 100 -> 10 ns
        check(re.search(r"create_clock -period 10 ", run_hls) is not None, "run_hls.tcl: 10 ns clock (100 MHz)")
        directives = open(os.path.join(out, "directives.tcl")).read()
        check("set_directive_array_partition -type complete -dim 3 eftrain_top wbuf" in directives and
              "set_directive_array_partition -type complete -dim 4 eftrain_top wbuf" in directives,
              "directives.tcl partitions the weights along Tm and Tn")
        check("#pragma HLS PIPELINE II = 1" in open(os.path.join(out, "kernels", "MacTile.h")).read(),
              "the MAC loop is pipelined at II = 1")
        bd = open(os.path.join(out, "build_bd.tcl")).read()
        check("CONFIG.c_include_sg 0" in bd and "write_bitstream" in bd and "assign_bd_address" in bd,
              "build_bd.tcl: simple-mode DMAs, address map, bitstream")
        rc, text = run(["make", "csim"], cwd=out)
        print(text[-3000:])
        check(rc == 0, "make csim exits 0")
        check("PASS: every phase bit-exact" in text, "the testbench reports every phase bit-exact")
        for p in phases or []:
            check(re.search(r"\b%s\b.*bit-exact" % p, text) is not None, p + " is bit-exact")


def tamper(ftsim, design):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "proj")
        export(ftsim, design, out, ["--phase", "FP"])
        rc, text = run(["make", "csim"], cwd=out)
        check(rc == 0, "untouched project passes")
        # Flip the lowest mantissa bit of one golden output word: one ulp.
        path = os.path.join(out, "data", "FP_out.bin")
        data = bytearray(open(path, "rb").read())
        word = len(data) // 8  # a word in the middle
        v = struct.unpack_from("<I", data, 4 * word)[0] ^ 1
        struct.pack_into("<I", data, 4 * word, v)
        open(path, "wb").write(bytes(data))
        rc, text = run(["./build/csim", "data"], cwd=out)
        print(text)
        check(rc == 1, "one flipped bit of a golden word: exit status 1")
        check("word %d:" % word in text and "MISMATCH" in text, "the mismatch names the word")
        # A short input stream file: exit status 2.
        inp = os.path.join(out, "data", "FP_in.bin")
        open(inp, "wb").write(open(inp, "rb").read()[:-4])
        rc, text = run(["./build/csim", "data"], cwd=out)
        check(rc == 2 and "FP_in.bin" in text, "a short stream file: exit status 2 naming it")


def subset(ftsim, design):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "proj")
        export(ftsim, design, out, ["--phase", "FP"])
        mac = os.path.join(out, "kernels", "MacTile.h")
        orig = open(mac).read()
        anchor = "          const int p = r * t.cols + c;\n"
        assert anchor in orig
        cases = [
            ("new/delete", orig.replace(anchor, anchor + "          float* heap = new float[Tn];\n"
                                                          "          delete[] heap;\n", 1), "poisoned \"new\""),
            ("std::vector", orig.replace("#include <cstdint>\n", "#include <cstdint>\n#include <vector>\n", 1)
             .replace(anchor, anchor + "          std::vector<float> scratch(Tn);\n", 1), "poisoned"),
            ("double", orig.replace(anchor, anchor + "          double acc = 0;\n          (void)acc;\n", 1),
             "poisoned \"double\""),
        ]
        for name, text, needle in cases:
            open(mac, "w").write(text)
            shutil.rmtree(os.path.join(out, "build"), ignore_errors=True)
            rc, log = run(["make", "build/csim"], cwd=out)
            print(log[-800:])
            check(rc != 0 and needle in log, "a kernel with %s does not build (%s)" % (name, needle))
        open(mac, "w").write(orig)
        shutil.rmtree(os.path.join(out, "build"), ignore_errors=True)
        rc, log = run(["make", "build/csim"], cwd=out)
        check(rc == 0, "the restored kernel builds")


def badinput(ftsim, design):
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            (["--layer", "no_such_layer"], "has no conv layer of that name"),
            (["--layer", "pool1"], "has no conv layer of that name"),
            (["--phase", "XX"], "must be FP, BP or WU"),
            (["--images", "0"], "--images 0"),
        ]
        for extra, needle in cases:
            rc, text = run([ftsim, "hls-export", design, "--out", os.path.join(tmp, "p")] + extra)
            check(rc == 2 and needle in text, "%s: exit 2, '%s' (got %d: %s)" % (" ".join(extra), needle, rc,
                                                                               text.strip()))
        rc, text = run([ftsim, "hls-export", design])
        check(rc == 2 and "--out DIR is required" in text, "missing --out: exit 2")
        rc, text = run([ftsim, "hls-export", "--help"])
        check(rc == 0 and "run_hls.tcl" in text and "make csim" in text, "--help describes the project")


def compare(ftsim, design, sample):
    with tempfile.TemporaryDirectory() as tmp:
        rc, text = run([ftsim, "compare", design, "--out", tmp, "--quiet", "--set", "memory.model=ideal",
                        "--hls-report", sample, "--hls-layer", "conv2", "--hls-phase", "FP"])
        print(text)
        check(rc == 0, "compare --hls-report exits 0")
        rows = list(csv.DictReader(open(os.path.join(tmp, "compare.csv"))))
        hls = {r["quantity"]: r for r in rows if r["section"] == "hls"}
        phase = [r for r in rows if r["section"] == "phase" and r["layer"] == "conv2" and r["phase"] == "FP"
                 and r["quantity"] == "cycles"]
        check(len(phase) == 1, "the run has a conv2 FP row")
        cycles = float(phase[0]["simulated"])
        # The sample's figures (tests/hls/csynth_sample.xml, written by hand).
        sample_values = {"latency_min": 40000, "latency_max": 50000, "interval": 50001, "dsp": 1000,
                         "bram18k": 500, "lut": 100000, "ff": 150000, "clock_mhz": 1000 / 8.0}
        for q, v in sample_values.items():
            check(q in hls and abs(float(hls[q]["measured"]) - v) < 1e-9, "%s: report value %g" % (q, v))
        for q in ["latency_min", "latency_max", "interval"]:
            check(abs(float(hls[q]["simulated"]) - cycles) < 1e-9, q + ": ftsim value is the run's conv2 FP cycles")
        check(abs(float(hls["clock_mhz"]["simulated"]) - 100.0) < 1e-9, "clock_mhz: ftsim's is accelerator.clock_mhz")
        for q, r in hls.items():
            if r["measured"] in ("", "0"):
                continue
            want = (float(r["simulated"]) - float(r["measured"])) / float(r["measured"]) * 100.0
            check(abs(float(r["error_vs_measured_percent"]) - want) < 1e-6, q + ": error (ftsim - report) / report")
        # The estimate of the exported top's units, from `ftsim check`'s table.
        rc, table = run([ftsim, "check", design])
        dsp = 0.0
        for line in table.splitlines():
            m = re.match(r"\s*(pe_array\.\w+|buffers\.\w+)\s+([\d.]+)", line)
            if m:
                dsp += float(m.group(2))
        check(dsp > 0 and abs(float(hls["dsp"]["simulated"]) - dsp) < 1e-6,
              "dsp: ftsim's is the estimate of pe_array.* and buffers.* (%g)" % dsp)
        md = open(os.path.join(tmp, "compare.md")).read()
        check("## Vitis HLS synthesis report" in md, "compare.md has the HLS section")
        bad = os.path.join(tmp, "bad.xml")
        open(bad, "w").write(open(sample).read().replace("<DSP>1000</DSP>", "<DSP>many</DSP>"))
        rc, text = run([ftsim, "compare", design, "--out", tmp, "--quiet", "--hls-report", bad])
        check(rc == 2 and "bad.xml:" in text and "<DSP> = 'many': must be a number" in text,
              "a non-numeric figure: exit 2 naming file, line and element (%s)" % text.strip())


def ttcsim(ftsim, design, layer):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "proj")
        export(ftsim, design, out, ["--layer", layer] if layer else [])
        for f in ["Makefile", "README.md", "tt_top.cpp", "tt_layer.h", "tb.cpp", "run_hls.tcl", "directives.tcl",
                  "models/kernels/TtContraction.h", "models/kernels/TtQuantizer.h", "models/kernels/TtFormat.h",
                  "models/kernels/Lfsr.h", "models/kernels/HlsSubset.h", "ftsim_export.json"]:
            check(os.path.isfile(os.path.join(out, f)), "project has " + f)
        kernels = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "kernels")
        for k in ["TtContraction.h", "TtQuantizer.h", "TtFormat.h"]:
            check(open(os.path.join(kernels, k)).read() == open(os.path.join(out, "models", "kernels", k)).read(),
                  "models/kernels/%s is ftsim's verbatim" % k)
        top = open(os.path.join(out, "tt_top.cpp")).read()
        check("k::ttGemmInt<kRows, kDepth, Bounds0>" in top and "k::ttQuantizeAcc<" in top,
              "tt_top.cpp runs the integer contraction and the rounding unit")
        run_hls = open(os.path.join(out, "run_hls.tcl")).read()
        check("set_top tt_top" in run_hls and "csynth_design" in run_hls, "run_hls.tcl: tt_top, csynth")
        rc, text = run(["make", "csim"], cwd=out)
        print(text[-2000:])
        check(rc == 0, "make csim exits 0")
        check(re.search(r"forward: \d+ words bit-exact", text) is not None and "PASS" in text,
              "the testbench reports the chain bit-exact")
        # One golden word flipped (its lowest bit): the testbench must fail.
        data = os.path.join(out, "data")
        meta = open(os.path.join(out, "tb.cpp")).read()
        want = re.search(r'readWords\(dir, "([^"]+)", ftsim_hls::k\w+Words, want\)', meta).group(1) + ".bin"
        path = os.path.join(data, want)
        raw = bytearray(open(path, "rb").read())
        (w,) = struct.unpack_from("<I", raw, 4 * 7)
        struct.pack_into("<I", raw, 4 * 7, w ^ 1)
        open(path, "wb").write(bytes(raw))
        rc, text = run(["./build/csim", "data"], cwd=out)
        print(text[-1000:])
        check(rc == 1 and "word 7:" in text and "FAIL" in text, "a flipped golden word: exit 1 naming word 7")
        open(path, "wb").write(bytes(raw[:-4]))
        rc, text = run(["./build/csim", "data"], cwd=out)
        check(rc == 2, "a short golden file: exit 2")


def ttbadinput(ftsim, design):
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            (["--layer", "relu1"], "has no tt_linear layer of that name"),
            (["--layer", "no_such_layer"], "has no tt_linear layer of that name"),
            (["--phase", "BP"], "forward contraction chain only"),
            # tt1's rounding drew first; the top seeds its lanes afresh.
            (["--layer", "tt2"], "stochastic rounding has drawn before this layer's forward pass"),
        ]
        for extra, needle in cases:
            rc, text = run([ftsim, "hls-export", design, "--out", os.path.join(tmp, "p")] + extra)
            check(rc == 2 and needle in text, "%s: exit 2, '%s' (got %d: %s)" % (" ".join(extra), needle, rc,
                                                                               text.strip()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ftsim", required=True)
    ap.add_argument("mode", choices=["csim", "tamper", "subset", "badinput", "compare", "ttcsim", "ttbadinput"])
    ap.add_argument("design")
    ap.add_argument("sample", nargs="?")
    ap.add_argument("--layer")
    ap.add_argument("--phase", action="append", default=[])
    a = ap.parse_args()
    if a.mode == "csim":
        csim(a.ftsim, a.design, a.layer, a.phase)
    elif a.mode == "tamper":
        tamper(a.ftsim, a.design)
    elif a.mode == "subset":
        subset(a.ftsim, a.design)
    elif a.mode == "badinput":
        badinput(a.ftsim, a.design)
    elif a.mode == "ttcsim":
        ttcsim(a.ftsim, a.design, a.layer)
    elif a.mode == "ttbadinput":
        ttbadinput(a.ftsim, a.design)
    else:
        compare(a.ftsim, a.design, a.sample)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        sys.exit(1)


if __name__ == "__main__":
    main()

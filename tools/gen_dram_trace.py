#!/usr/bin/env python3
"""Generate address traces for `ftsim dram` (DRAMsim3 text format by default).

  tools/gen_dram_trace.py PATTERN -n N [--gap CYCLES] [--format dramsim3|stl|ramulator] [--seed S] > file

Patterns (64-byte requests; addresses are for the default DDR4 mapping
row:bank:column:bankgroup of a x8 4 Gb part: bank group bits 6-7, column
8-14, bank 15-16, row 17-31):
  seq        sequential reads
  random     uniformly random 64-byte reads over 4 GiB
  mix        sequential, every other 4 KB block written (read/write mix)
  bankstreams  four streams that all land in bank 0 of bank group 0, each in its own row
  rowstride  reads one row apart (stride 128 KB): the same bank, a new row each time
  bankset    reads cycling over the 16 banks, a new row each visit (stride 32 KB)
  page       reads within one 8 KB page (row) of one bank, over and over
Requests are `gap` DDR cycles apart (default 0: all at cycle 0, so they
enter as fast as the controller takes them).
"""
import argparse
import random
import sys

ROW_SHIFT, BANK_SHIFT, COL_SHIFT, BG_SHIFT = 17, 15, 8, 6


def addr(row, bank, col, bg):
    return (row << ROW_SHIFT) | (bank << BANK_SHIFT) | (col << COL_SHIFT) | (bg << BG_SHIFT)


def requests(pattern, n, rng):
    if pattern == "seq":
        for i in range(n):
            yield i * 64, False
    elif pattern == "random":
        for _ in range(n):
            yield rng.randrange(0, 1 << 26) * 64, False
    elif pattern == "mix":
        for i in range(n):
            yield i * 64, (i // 64) % 2 == 1
    elif pattern == "bankstreams":
        for i in range(n):
            s, k = i % 4, i // 4
            yield addr(s, 0, k % 128, 0), False
    elif pattern == "rowstride":
        for i in range(n):
            yield addr(i % 32768, 0, 0, 0), False
    elif pattern == "bankset":
        for i in range(n):
            b = i % 16
            yield addr((i // 16) % 32768, b % 4, 0, b // 4), False
    elif pattern == "page":
        for i in range(n):
            yield addr(0, 0, i % 128, 0), False
    else:
        sys.exit(f"unknown pattern {pattern}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pattern")
    p.add_argument("-n", type=int, default=100000)
    p.add_argument("--gap", type=int, default=0)
    p.add_argument("--format", default="dramsim3", choices=["dramsim3", "stl", "ramulator"])
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    out = sys.stdout
    lines = []
    for i, (ad, w) in enumerate(requests(a.pattern, a.n, rng)):
        c = i * a.gap
        if a.format == "dramsim3":
            lines.append(f"0x{ad:x} {'WRITE' if w else 'READ'} {c}\n")
        elif a.format == "stl":
            lines.append(f"{c}: {'write' if w else 'read'} 0x{ad:x}\n")
        else:
            lines.append(f"0x{ad:x} {'W' if w else 'R'}\n")
        if len(lines) >= 65536:
            out.write("".join(lines))
            lines = []
    out.write("".join(lines))


if __name__ == "__main__":
    main()

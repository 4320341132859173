#!/usr/bin/python3
"""PNG plots of an `ftsim run` output directory.

  breakdown.png      per layer and phase (FP / BP / WU): compute, DMA wait and DDR stall cycles
                     (layers.csv; the definitions are in docs/modelling.md, "Stall breakdown")
  roofline.png       the design's roofline (peak GFLOPS = Tm x Tn x 2 x clock, the DDR peak
                     bandwidth) with every conv/FC layer x phase as a point (summary.json)
  ddr_bandwidth.png  DDR data-bus bandwidth over simulated time (timeline.json, `ftsim run
                     --timeline`), with the layer phases of the window shaded

Exit status: 0 when the plots were written, 2 for a missing or unreadable input file, 1 when
matplotlib (Debian: python3-matplotlib) is missing.
"""

import argparse
import csv
import json
import math
import os
import sys

PLOTS = ("breakdown", "roofline", "bandwidth")
PHASES = ("FP", "BP", "WU")
COLOURS = {"compute": "#4c72b0", "dma_wait": "#dd8452", "ddr_stall": "#c44e52"}
PHASE_COLOURS = {"FP": "#4c72b0", "BP": "#55a868", "WU": "#8172b2"}
DPI = 100


class InputError(Exception):
    """A missing or malformed input file (exit 2)."""


def fail(msg, code):
    print(f"plot.py: error: {msg}", file=sys.stderr)
    sys.exit(code)


def load_matplotlib():
    try:
        import matplotlib
    except ImportError:
        fail("matplotlib is not installed (Debian: apt-get install python3-matplotlib)", 1)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file")
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: not a readable JSON file ({e})")


def read_layers(path):
    need = ("layer", "phase", "cycles", "compute_cycles", "dma_wait_cycles", "ddr_stall_cycles")
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file")
    except (OSError, csv.Error, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a readable CSV file ({e})")
    if not rows or any(k not in rows[0] for k in need):
        raise InputError(f"{path}: expected a layers.csv with the columns {', '.join(need)}")
    try:
        for r in rows:
            for k in need[2:]:
                r[k] = int(r[k])
    except ValueError as e:
        raise InputError(f"{path}: bad number ({e})")
    return rows


def plot_breakdown(plt, rows, summary, out):
    phases = [p for p in PHASES if any(r["phase"] == p for r in rows)]
    clock_mhz = summary.get("clock_mhz", 0) if summary else 0
    scale, unit = (1e3 / clock_mhz / 1e6, "ms") if clock_mhz else (1e-6, "M cycles")
    n = max((sum(1 for r in rows if r["phase"] == p) for p in phases), default=1)
    fig, axes = plt.subplots(len(phases), 1, figsize=(max(8, 0.28 * n + 2), 2.6 * len(phases) + 0.8), squeeze=False)
    for ax, phase in zip(axes[:, 0], phases):
        sel = [r for r in rows if r["phase"] == phase]
        x = range(len(sel))
        bottom = [0.0] * len(sel)
        for key, label in (("compute", "compute"), ("dma_wait", "DMA wait"), ("ddr_stall", "DDR stall")):
            v = [r[f"{key}_cycles"] * scale for r in sel]
            ax.bar(x, v, bottom=bottom, color=COLOURS[key], label=label, width=0.8)
            bottom = [b + y for b, y in zip(bottom, v)]
        ax.set_xticks(list(x))
        ax.set_xticklabels([r["layer"] for r in sel], rotation=60, ha="right", fontsize=7)
        ax.set_ylabel(unit)
        ax.set_title(f"{phase}", fontsize=10, loc="left")
        ax.margins(x=0.01)
        ax.set_ylim(0, max(bottom, default=0) * 1.08 or 1)
        ax.grid(axis="y", alpha=0.3)
    axes[0, 0].legend(loc="upper right", fontsize=8)
    design = summary.get("design", "") if summary else ""
    fig.suptitle(f"{design}: cycles per layer and phase", fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    plt.close(fig)


def plot_roofline(plt, summary, out, path):
    try:
        clock_mhz = float(summary["clock_mhz"])
        layers = summary["layers"]
        tiling = next(l["tiling"] for l in layers if l.get("tiling"))
        tm, tn = int(tiling["Tm"]), int(tiling["Tn"])
    except (KeyError, TypeError, ValueError, StopIteration) as e:
        raise InputError(f"{path}: missing clock_mhz, layers or a layer's tiling ({e})")
    peak_gflops = tm * tn * 2 * clock_mhz * 1e6 / 1e9
    ddr = (summary.get("memory") or {}).get("ddr") or {}
    peak_bw = ddr.get("peak_gb_per_s")
    points = {}
    for l in layers:
        if not l.get("flops"):
            continue
        traffic = l.get("ddr_bytes") or (l.get("bytes_read", 0) + l.get("bytes_written", 0))
        if not traffic:
            continue
        points.setdefault(l["phase"], []).append((l["flops"] / traffic, l["gflops"], l["layer"]))
    if not points:
        raise InputError(f"{path}: no conv/FC layer with FLOPs and memory traffic")
    fig, ax = plt.subplots(figsize=(8, 5.5))
    xs = [p[0] for v in points.values() for p in v]
    lo, hi = min(xs) / 4, max(xs) * 4
    if peak_bw:
        ridge = peak_gflops / peak_bw
        lo, hi = min(lo, ridge / 4), max(hi, ridge * 4)
        grid = [lo * (hi / lo) ** (i / 200) for i in range(201)]
        ax.plot(grid, [min(peak_gflops, peak_bw * x) for x in grid], color="black", lw=1.5,
                label=f"roof: {peak_gflops:.1f} GFLOPS, DDR {peak_bw:.2f} GB/s")
    else:
        ax.axhline(peak_gflops, color="black", lw=1.5, label=f"peak {peak_gflops:.1f} GFLOPS (no DDR model)")
    for phase in PHASES:
        if phase in points:
            ax.scatter([p[0] for p in points[phase]], [p[1] for p in points[phase]], s=22,
                       color=PHASE_COLOURS[phase], label=phase, zorder=3)
    # Name the points well under their roof (the ones worth a look); the
    # crowd at the roof stays unlabelled.
    labels = []  # points within ~10% of each other share one label
    for phase in PHASES:
        for x, y, name in points.get(phase, []):
            roof = min(peak_gflops, peak_bw * x) if peak_bw else peak_gflops
            if y >= 0.5 * roof:
                continue
            near = next((l for l in labels if abs(math.log(l[0] / x)) < 0.1 and abs(math.log(l[1] / y)) < 0.1), None)
            if near:
                near[2].append(f"{name} {phase}")
            else:
                labels.append([x, y, [f"{name} {phase}"]])
    for x, y, names in labels:
        ax.annotate(", ".join(names), (x, y), xytext=(4, 2), textcoords="offset points", fontsize=7,
                    color="#444444")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("operational intensity (FLOP per DDR byte)")
    ax.set_ylabel("GFLOPS")
    ax.set_title(f"{summary.get('design', '')}: roofline (Tm={tm}, Tn={tn}, {clock_mhz:g} MHz)", fontsize=11)
    ax.grid(which="both", alpha=0.25)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    plt.close(fig)


def plot_bandwidth(plt, trace, summary, out, path):
    try:
        events = trace["traceEvents"]
    except (KeyError, TypeError):
        raise InputError(f"{path}: not a Chrome trace (no traceEvents)")
    counter = sorted((e["ts"], e["args"]["GB/s"]) for e in events
                     if e.get("ph") == "C" and e.get("name") == "ddr_bandwidth")
    if not counter:
        raise InputError(f"{path}: no ddr_bandwidth counter (DDR4 memory only: memory.model=ddr4)")
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
               if e.get("ph") == "M" and e.get("name") == "thread_name"}
    spans = [e for e in events if e.get("ph") == "X" and threads.get((e["pid"], e.get("tid"))) == "layers"]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    t = [c[0] / 1e3 for c in counter]
    ax.step(t, [c[1] for c in counter], where="post", color="#c44e52", lw=1, label="DDR data bus")
    ax.fill_between(t, [c[1] for c in counter], step="post", color="#c44e52", alpha=0.25)
    peak = (((summary or {}).get("memory") or {}).get("ddr") or {}).get("peak_gb_per_s")
    if peak:
        ax.axhline(peak, color="black", lw=1, ls="--", label=f"peak {peak:.2f} GB/s")
    t0, t1 = t[0], t[-1]
    shown = [s for s in spans if min((s["ts"] + s["dur"]) / 1e3, t1) > max(s["ts"] / 1e3, t0)]
    for i, s in enumerate(shown):
        b, e = max(s["ts"] / 1e3, t0), min((s["ts"] + s["dur"]) / 1e3, t1)
        ax.axvspan(b, e, color="grey" if i % 2 else "white", alpha=0.15, lw=0)
        if (e - b) > 0.015 * (t1 - t0):
            ax.text((b + e) / 2, 0.97, s["name"], transform=ax.get_xaxis_transform(), ha="center", va="top",
                    fontsize=7, rotation=90 if len(shown) > 6 else 0)
    bucket = trace.get("otherData", {}).get("ddr_bandwidth_bucket_us")
    ax.set_xlabel("simulated time (ms)")
    ax.set_ylabel("GB/s" + (f" (per {bucket:g} µs)" if bucket else ""))
    ax.set_xlim(t0, t1)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False)
    window = trace.get("otherData", {}).get("window", "")
    ax.set_title(f"{(summary or {}).get('design', '')}: DDR bandwidth ({window})", fontsize=11, loc="left")
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="PNG plots of an `ftsim run` output directory: per-layer stall breakdown "
                    "(layers.csv), roofline (summary.json), DDR bandwidth over time (timeline.json).")
    ap.add_argument("dir", help="output directory of `ftsim run` (holds summary.json, layers.csv, "
                                "and timeline.json with --timeline)")
    ap.add_argument("--out", "-o", help="directory for the PNGs (default: DIR)")
    ap.add_argument("--plots", default=",".join(PLOTS),
                    help="comma-separated subset of: " + ", ".join(PLOTS) + " (default: all)")
    ap.add_argument("--prefix", default="", help="prefix of the PNG file names")
    args = ap.parse_args(argv)
    plots = [p.strip() for p in args.plots.split(",") if p.strip()]
    for p in plots:
        if p not in PLOTS:
            ap.error(f"--plots: unknown plot '{p}' (choose from {', '.join(PLOTS)})")
    if not os.path.isdir(args.dir):
        fail(f"{args.dir}: no such directory", 2)
    out_dir = args.out or args.dir
    plt = load_matplotlib()
    try:
        os.makedirs(out_dir, exist_ok=True)
        summary_path = os.path.join(args.dir, "summary.json")
        summary = read_json(summary_path)
        if not isinstance(summary, dict):
            raise InputError(f"{summary_path}: expected a JSON object")
        written = []
        if "breakdown" in plots:
            rows = read_layers(os.path.join(args.dir, "layers.csv"))
            path = os.path.join(out_dir, args.prefix + "breakdown.png")
            plot_breakdown(plt, rows, summary, path)
            written.append(path)
        if "roofline" in plots:
            path = os.path.join(out_dir, args.prefix + "roofline.png")
            plot_roofline(plt, summary, path, summary_path)
            written.append(path)
        if "bandwidth" in plots:
            tl_path = os.path.join(args.dir, "timeline.json")
            if not os.path.exists(tl_path):
                raise InputError(f"{tl_path}: no such file (run `ftsim run ... --timeline`)")
            path = os.path.join(out_dir, args.prefix + "ddr_bandwidth.png")
            plot_bandwidth(plt, read_json(tl_path), summary, path, tl_path)
            written.append(path)
    except InputError as e:
        fail(str(e), 2)
    except OSError as e:
        fail(str(e), 2)
    for w in written:
        print(f"wrote {w}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

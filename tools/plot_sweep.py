#!/usr/bin/python3
"""PNG plots of an `ftsim sweep` output directory (docs/sweeps.md).

  pareto.png       GFLOPS against GFLOPS/W of every point that ran, coloured by BRAM36;
                   the points of pareto.csv (non-dominated on the sweep's objectives) ringed
  pareto_bram.png  GFLOPS against BRAM36, the same points

--mark KEY=VALUE[,KEY=VALUE...] draws a star on the point whose swept values match (for
example EF-Train's published 16x16 design) and names it; repeatable.

Exit status: 0 when the plots were written, 2 for a missing or unreadable input or a --mark
that matches no point, 1 when matplotlib (Debian: python3-matplotlib) is missing.
"""

import argparse
import csv
import os
import sys

DPI = 100
NUMERIC = ("gflops", "gflops_per_w", "bram36")


class InputError(Exception):
    """A missing or malformed input (exit 2)."""


def read_rows(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}")
    for i, row in enumerate(rows, start=2):
        if "point" not in row or "status" not in row:
            raise InputError(f"{path}:{i}: not a sweep results table (no point/status column)")
    return rows


def ran(rows):
    out = []
    for r in rows:
        if r["status"] != "ok" or any(r.get(k, "") == "" for k in NUMERIC):
            continue
        out.append({**r, **{k: float(r[k]) for k in NUMERIC}})
    return out


def parse_mark(text, columns):
    want = {}
    for item in text.split(","):
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise InputError(f"--mark {text}: expected KEY=VALUE[,KEY=VALUE...]")
        if key not in columns:
            raise InputError(f"--mark {text}: {key} is not a swept key of this sweep")
        want[key] = value
    return want


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="the sweep's output directory (results.csv, pareto.csv)")
    ap.add_argument("--mark", action="append", default=[], metavar="KEY=VALUE,...",
                    help="a point to star and name, by its swept values")
    ap.add_argument("--label", action="append", default=[], help="the name of each --mark, in order")
    ap.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_sweep.py: matplotlib is missing (Debian: apt-get install python3-matplotlib)", file=sys.stderr)
        return 1
    try:
        rows = read_rows(os.path.join(args.dir, "results.csv"))
        front_ids = {r["point"] for r in read_rows(os.path.join(args.dir, "pareto.csv"))}
        columns = list(rows[0].keys()) if rows else []
        marks = []
        for i, m in enumerate(args.mark):
            want = parse_mark(m, columns)
            hit = [r for r in ran(rows) if all(r[k] == v for k, v in want.items())]
            if not hit:
                raise InputError(f"--mark {m}: no point that ran has these values")
            label = args.label[i] if i < len(args.label) else m
            marks.append((hit[0], label))
    except InputError as e:
        print(f"plot_sweep.py: {e}", file=sys.stderr)
        return 2

    pts = ran(rows)
    front = [r for r in pts if r["point"] in front_ids]
    n_inf = sum(1 for r in rows if r["status"] == "infeasible")
    n_err = sum(1 for r in rows if r["status"] == "error")
    title = (f"{len(rows)} points: {len(pts)} ran, {n_inf} infeasible, {n_err} failed; "
             f"{len(front)} on the Pareto front")
    written = []
    for name, xk, yk, xl, yl in (
            ("pareto.png", "gflops_per_w", "gflops", "energy efficiency (GFLOPS/W)", "throughput (GFLOPS)"),
            ("pareto_bram.png", "bram36", "gflops", "BRAM36 (estimate)", "throughput (GFLOPS)")):
        fig, ax = plt.subplots(figsize=(8, 5.5), dpi=DPI)
        if pts:
            sc = ax.scatter([r[xk] for r in pts], [r[yk] for r in pts], c=[r["bram36"] for r in pts],
                            cmap="viridis", s=18, alpha=0.8, zorder=2)
            fig.colorbar(sc, ax=ax, label="BRAM36")
        ax.scatter([r[xk] for r in front], [r[yk] for r in front], s=70, facecolors="none",
                   edgecolors="#c44e52", linewidths=1.4, zorder=3, label="Pareto front")
        for r, label in marks:
            ax.scatter([r[xk]], [r[yk]], marker="*", s=260, color="#dd8452", edgecolors="black", zorder=4,
                       label=label)
            ax.annotate(label, (r[xk], r[yk]), textcoords="offset points", xytext=(8, -12), fontsize=9)
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.set_title(title, fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize=9)
        fig.tight_layout()
        path = os.path.join(args.dir, name)
        fig.savefig(path + ".tmp.png")
        os.replace(path + ".tmp.png", path)
        plt.close(fig)
        written.append(path)
    if not args.quiet:
        print("wrote " + ", ".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())

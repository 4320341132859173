#!/usr/bin/python3
"""ftsim's functional training step against PyTorch's (tools/torch_reference.py).

Runs ftsim_train_step (or, with --systemc, `ftsim run --functional`: the
SystemC models) on a design (initial parameters and data seeded by ftsim
and dumped with --dump-init, or a data set given with --data), runs the
PyTorch reference from the same files, and compares:
  - every updated parameter tensor: max |w_ftsim - w_torch| <= rtol * max|w_torch| + atol
    (rtol 1e-5, atol 1e-6: fp32 reassociation - the hardware's adder tree and
    accumulation order differ from PyTorch's - moves results by a few ulp per
    reduction, far below what a wrong tile, layout or flipped weight moves);
  - the update itself is visible: for every conv/FC weight, max |w_new - w_init|
    is at least 20x that tolerance, so the check could see a wrong gradient;
  - the loss of every step within --loss-rtol (relative).
With --inference (a `workload.mode: inference` design, through `ftsim run
--functional`): one forward pass, PyTorch in eval mode (batch norm with the
running statistics, dropout the identity); the logits must agree,
max |z_ftsim - z_torch| <= rtol * max|z_torch| + atol, and summary.json's
logits checksum must be the FNV-1a 64 of logits.npy's fp32 bytes.
Prints the per-tensor table. Exit 1 on a mismatch, 2 on bad usage.
"""
import argparse
import os
import subprocess
import sys

import numpy as np


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print(" ".join(cmd), file=sys.stderr)
        print(r.stdout, r.stderr, file=sys.stderr)
        sys.exit(1)
    return r.stdout


def learnable_set(path, steps, batch, shape, classes, seed):
    """Seeded synthetic classes: a fixed random prototype per class plus noise."""
    rng = np.random.default_rng(seed)
    protos = rng.standard_normal((classes,) + shape).astype(np.float32)
    n = steps * batch
    labels = rng.integers(0, classes, n).astype(np.int64)
    x = protos[labels] + 0.5 * rng.standard_normal((n,) + shape).astype(np.float32)
    os.makedirs(path, exist_ok=True)
    np.save(f"{path}/input.npy", x.astype(np.float32))
    np.save(f"{path}/labels.npy", labels)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def compare_inference(a):
    import json
    here = os.path.dirname(os.path.abspath(__file__))
    ref = os.path.join(here, "..", "..", "tools", "torch_reference.py")
    fdir, tdir = f"{a.work}/ftsim", f"{a.work}/torch"
    cmd = [a.ftsim, "run", a.design, "--functional", "--quiet", "--out", fdir, "--dump-init", "--seed", str(a.seed),
           "--set", f"workload.batch={a.batch}"]
    for s in a.set:
        cmd += ["--set", s]
    run(cmd)
    print(run([sys.executable, ref, "--workload", a.workload, "--init", f"{fdir}/init", "--out", tdir,
               "--batch", str(a.batch)]).strip())
    zf = np.load(f"{fdir}/logits.npy")
    zt = np.load(f"{tdir}/logits.npy")
    if zf.shape != zt.shape:
        print(f"logits: shape {zf.shape} (ftsim) vs {zt.shape} (torch)\nFAIL")
        return 1
    scale = np.abs(zt.astype(np.float64)).max()
    d = np.abs(zf.astype(np.float64) - zt.astype(np.float64))
    tol = a.rtol * scale + a.atol
    ok = d.max() <= tol and scale > 0
    print(f"logits {zf.shape}: max|dz|/max|z| {d.max() / scale:.3e}, mean|dz|/max|z| {d.mean() / scale:.3e}, "
          f"max|z| {scale:.4f}, tolerance {tol:.2e}{'' if ok else '  MISMATCH'}")
    with open(f"{fdir}/summary.json") as f:
        fn = json.load(f)["functional"]
    want = fnv1a64(np.ascontiguousarray(zf, dtype="<f4").tobytes())
    if fn.get("logits_checksum_fnv1a64") != want or fn.get("mode") != "inference":
        print(f"summary.json functional section {fn} does not name logits.npy's checksum {want}")
        ok = False
    for f in ("loss.npy", "weights"):
        if os.path.exists(f"{fdir}/{f}"):
            print(f"an inference run wrote {f}")
            ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ftsim", required=True, help="the ftsim_train_step binary (with --systemc: ftsim)")
    ap.add_argument("--systemc", action="store_true",
                    help="run the step through the SystemC models: ftsim run --functional (one step)")
    ap.add_argument("--design", required=True)
    ap.add_argument("--workload", required=True, help="the workload YAML the design includes")
    ap.add_argument("--work", required=True, help="scratch directory")
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--steps", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--rtol", type=float, default=1e-5)
    ap.add_argument("--atol", type=float, default=1e-6)
    ap.add_argument("--loss-rtol", type=float, default=1e-5)
    ap.add_argument("--learnable", type=int, metavar="CLASSES", help="train on a seeded learnable set; loss must fall")
    ap.add_argument("--input-shape", help="C,H,W of the learnable set")
    ap.add_argument("--plot", help="write the loss curves as a PNG")
    ap.add_argument("--inference", action="store_true",
                    help="an inference design: compare the logits of one forward pass (implies --systemc)")
    a = ap.parse_args()
    if a.inference:
        return compare_inference(a)

    here = os.path.dirname(os.path.abspath(__file__))
    ref = os.path.join(here, "..", "..", "tools", "torch_reference.py")
    fdir, tdir = f"{a.work}/ftsim", f"{a.work}/torch"
    if a.systemc:
        if a.steps != 1 or a.learnable:
            print("--systemc runs one step (ftsim run --functional)", file=sys.stderr)
            return 2
        cmd = [a.ftsim, "run", a.design, "--functional", "--quiet", "--out", fdir, "--dump-init", "--lr", str(a.lr),
               "--seed", str(a.seed), "--set", f"workload.batch={a.batch}"]
    else:
        cmd = [a.ftsim, a.design, "--out", fdir, "--dump-init", "--lr", str(a.lr), "--steps", str(a.steps),
               "--seed", str(a.seed), "--set", f"workload.batch={a.batch}"]
    for s in a.set:
        cmd += ["--set", s]
    if a.learnable:
        shape = tuple(int(v) for v in a.input_shape.split(","))
        learnable_set(f"{a.work}/data", a.steps, a.batch, shape, a.learnable, a.seed)
        # LeCun-scaled weights (ftsim's seeded U(+-1/sqrt(fan_in)) times sqrt(3): std 1/sqrt(fan_in), LeCun),
        # so that a bias-free ReLU network trains in a few dozen steps.
        run(cmd[:2] + ["--out", f"{a.work}/seeded", "--dump-init", "--seed", str(a.seed),
                       "--set", f"workload.batch={a.batch}"] + sum((["--set", s] for s in a.set), []))
        for f in os.listdir(f"{a.work}/seeded/init"):
            if f.endswith(".weight.npy"):
                w = np.load(f"{a.work}/seeded/init/{f}")
                np.save(f"{a.work}/data/{f}", (w * np.float32(np.sqrt(3.0))).astype(np.float32))
        cmd += ["--init", f"{a.work}/data"]
    print(run(cmd).strip())
    print(run([sys.executable, ref, "--workload", a.workload, "--init", f"{fdir}/init", "--out", tdir,
               "--batch", str(a.batch), "--lr", str(a.lr), "--steps", str(a.steps)]).strip())

    ok = True
    print(f"{'parameter':28} {'max|dw|/max|w|':>15} {'mean|dw|/max|w|':>16} {'tolerance':>10} {'max update':>11}")
    for f in sorted(os.listdir(f"{tdir}/weights")):
        wt = np.load(f"{tdir}/weights/{f}").astype(np.float64)
        wf = np.load(f"{fdir}/weights/{f}").astype(np.float64)
        w0 = np.load(f"{fdir}/init/{f}").astype(np.float64)
        if wt.shape != wf.shape:
            print(f"{f}: shape {wf.shape} (ftsim) vs {wt.shape} (torch)")
            ok = False
            continue
        scale = np.abs(wt).max()
        d = np.abs(wf - wt)
        tol = a.rtol * scale + a.atol
        upd = np.abs(wt - w0).max()
        bad = not d.max() <= tol  # a NaN is a mismatch, not a pass
        weak = not f.endswith(".bias.npy") and not a.learnable and upd < 20 * tol
        print(f"{f[:-4]:28} {d.max() / scale:15.3e} {d.mean() / scale:16.3e} {tol:10.2e} {upd:11.3e}"
              f"{'  MISMATCH' if bad else ''}{'  UPDATE TOO SMALL TO CHECK' if weak else ''}")
        ok = ok and not bad and not weak
    lf, lt = np.load(f"{fdir}/loss.npy").astype(np.float64), np.load(f"{tdir}/loss.npy").astype(np.float64)
    rel = np.abs(lf - lt) / np.abs(lt)
    print(f"loss ftsim {lf[-1]:.8f} torch {lt[-1]:.8f}; max relative difference over {len(lf)} step(s) "
          f"{rel.max():.3e} (tolerance {a.loss_rtol:.0e})")
    if not rel.max() <= a.loss_rtol:
        ok = False
        print("LOSS MISMATCH at steps", [int(i) for i in np.nonzero(~(rel <= a.loss_rtol))[0]])
    if a.learnable:
        first, last = lf[:5].mean(), lf[-5:].mean()
        print(f"loss falls: mean of the first 5 steps {first:.4f}, of the last 5 {last:.4f}")
        if not last < 0.5 * first:
            ok = False
            print("LOSS DOES NOT FALL")
    if a.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 3.6))
        ax.plot(range(1, len(lt) + 1), lt, "-", lw=3, alpha=0.5, label="PyTorch SGD step")
        ax.plot(range(1, len(lf) + 1), lf, "k.", ms=4, label="ftsim functional step (HLS kernels)")
        ax.set_xlabel("training step")
        ax.set_ylabel("cross-entropy loss")
        ax.set_title(f"LeNet-5, batch {a.batch}, lr {a.lr}: max relative loss difference {rel.max():.1e}")
        ax.legend()
        fig.tight_layout()
        fig.savefig(a.plot, dpi=110)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

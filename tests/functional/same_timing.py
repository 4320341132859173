#!/usr/bin/python3
"""`ftsim run --functional` keeps the timing: runs a design without and with
--functional and requires layers.csv to be byte-identical and summary.json to
be equal apart from the functional results ("functional") and the wall time
("simulator"). Exit 1 on a difference, 2 on bad usage.
"""
import argparse
import json
import subprocess
import sys


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print(" ".join(cmd), file=sys.stderr)
        print(r.stdout, r.stderr, file=sys.stderr)
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ftsim", required=True)
    ap.add_argument("--design", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--set", action="append", default=[])
    a = ap.parse_args()
    sets = sum((["--set", s] for s in a.set), [])
    run([a.ftsim, "run", a.design, "--quiet", "--out", f"{a.work}/timing"] + sets)
    run([a.ftsim, "run", a.design, "--quiet", "--functional", "--out", f"{a.work}/functional"] + sets)
    ok = True
    with open(f"{a.work}/timing/layers.csv") as f1, open(f"{a.work}/functional/layers.csv") as f2:
        l1, l2 = f1.read().splitlines(), f2.read().splitlines()
    if l1 != l2:
        ok = False
        diff = [i for i in range(min(len(l1), len(l2))) if l1[i] != l2[i]]
        print(f"layers.csv differs ({len(l1)} vs {len(l2)} lines); first differing line {diff[:1]}:")
        for i in diff[:3]:
            print("  timing:    ", l1[i])
            print("  functional:", l2[i])
    with open(f"{a.work}/timing/summary.json") as f1, open(f"{a.work}/functional/summary.json") as f2:
        s1, s2 = json.load(f1), json.load(f2)
    if "functional" not in s2 or "functional" in s1:
        ok = False
        print("summary.json: the functional run must have a \"functional\" section and the timing run none")
    fn = s2.pop("functional", {})
    s1.pop("simulator", None)
    s2.pop("simulator", None)
    if s1 != s2:
        ok = False
        for k in s1:
            if s1.get(k) != s2.get(k):
                print(f"summary.json: \"{k}\" differs")
    print(f"{len(l1) - 1} layer phases, {s1['total']['cycles']} cycles; functional loss {fn.get('loss')}, "
          f"weights {fn.get('weight_checksum_fnv1a64')}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

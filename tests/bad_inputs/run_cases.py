#!/usr/bin/env python3
"""The bad-input corpus: every case is a directory under tests/bad_inputs/ with
a case.yaml manifest:

    about:  what is wrong, in a few words
    cmd:    [ftsim, check, design.yaml, ...]   or  [onnx2ftsim, model.onnx, ...]
            ({repo} is the repository root; other paths are relative to the
            case's own copy, the working directory of the command)
    setup:  optional Python script of the case that writes its input files first
            (tiny ONNX models, .npy arrays, FIFOs)
    exit:   the expected exit code (2: a user error)
    expect: fragments the error output must contain (file:line, key, rule)

Each case runs in a fresh copy of its directory; after the command, no file
or directory may have appeared there (nothing is written on bad input, not
even an empty output directory). The table in
README.md is generated from the manifests (--write-readme) and checked here.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
README = os.path.join(HERE, "README.md")


def load_cases():
    cases = []
    for name in sorted(os.listdir(HERE)):
        manifest = os.path.join(HERE, name, "case.yaml")
        if not os.path.isfile(manifest):
            continue
        with open(manifest) as f:
            m = yaml.safe_load(f)
        for key in ("about", "cmd", "exit", "expect"):
            if key not in m:
                raise SystemExit(f"{manifest}: missing key '{key}'")
        unknown = set(m) - {"about", "cmd", "exit", "expect", "setup"}
        if unknown:
            raise SystemExit(f"{manifest}: unknown key(s) {sorted(unknown)}")
        m["name"] = name
        cases.append(m)
    return cases


def files_under(root):
    """Every file and directory under root (directories with a trailing /), so
    that an empty output directory left behind counts as written."""
    out = set()
    for d, dirs, files in os.walk(root):
        for f in files:
            out.add(os.path.relpath(os.path.join(d, f), root))
        for sub in dirs:
            out.add(os.path.relpath(os.path.join(d, sub), root) + "/")
    return out


def run_case(case, ftsim, show=False):
    """'' when the case behaves as its manifest says, else why not."""
    with tempfile.TemporaryDirectory(prefix="ftsim-bad-") as tmp:
        work = os.path.join(tmp, case["name"])
        shutil.copytree(os.path.join(HERE, case["name"]), work, symlinks=True)
        # Case files name the repository's configs as {repo}/configs/...
        for d, _, names in os.walk(work):
            for n in names:
                path = os.path.join(d, n)
                if n.endswith((".yaml", ".txt")) and n != "case.yaml" and not os.path.islink(path):
                    with open(path) as f:
                        text = f.read()
                    if "{repo}" in text:
                        with open(path, "w") as f:
                            f.write(text.replace("{repo}", REPO))
        if case.get("setup"):
            r = subprocess.run(["/usr/bin/python3", case["setup"]], cwd=work, capture_output=True, text=True)
            if r.returncode != 0:
                return f"setup {case['setup']} failed: {r.stderr.strip()}"
        before = files_under(work)
        args = [str(a).replace("{repo}", REPO) for a in case["cmd"]]
        if args[0] == "ftsim":
            args[0] = ftsim
        elif args[0] == "onnx2ftsim":
            args = ["/usr/bin/python3", os.path.join(REPO, "tools", "onnx2ftsim.py")] + args[1:]
        else:
            return f"cmd must start with ftsim or onnx2ftsim, not {args[0]}"
        try:
            r = subprocess.run(args, cwd=work, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            return "timed out after 120 s"
        output = r.stderr + r.stdout
        if show:
            print(f"--- {case['name']} (exit {r.returncode})\n{output.rstrip()}")
        problems = []
        if r.returncode != case["exit"]:
            problems.append(f"exit {r.returncode}, expected {case['exit']}")
        for frag in case["expect"]:
            if str(frag) not in output:
                problems.append(f"missing fragment: {frag!r}")
        new = sorted(files_under(work) - before)
        if new:
            problems.append(f"wrote {', '.join(new)}")
        if problems:
            return "; ".join(problems) + "\n    output: " + output.strip().replace("\n", "\n            ")
        return ""


def readme_text(cases):
    lines = [
        "# The bad-input corpus",
        "",
        "Each directory is one bad input: its `case.yaml` gives the command, the exit code",
        "and the fragments the error message must contain (file:line, key, rule).",
        "`run_cases.py` (the CTest test `BadInputs`) runs every case in a fresh copy of its",
        "directory and checks the exit code, the fragments and that no file or directory",
        "appeared (not even an empty output directory).",
        "This table is generated from the manifests: `tests/bad_inputs/run_cases.py --write-readme`;",
        "the test fails when it is stale.",
        "",
        "| case | what is wrong | command | exit | message contains |",
        "|---|---|---|---|---|",
    ]
    for c in cases:
        cmd = " ".join(str(a) for a in c["cmd"]).replace("|", "\\|")
        frags = "; ".join(f"`{f}`" for f in c["expect"]).replace("|", "\\|")
        lines.append(f"| {c['name']} | {c['about']} | `{cmd}` | {c['exit']} | {frags} |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ftsim", help="the ftsim binary")
    ap.add_argument("--only", action="append", help="run only this case (repeatable)")
    ap.add_argument("--write-readme", action="store_true", help="regenerate README.md from the manifests")
    ap.add_argument("--min-cases", type=int, default=60)
    ap.add_argument("--show", action="store_true", help="print every command's output")
    a = ap.parse_args()
    cases = load_cases()
    if a.write_readme:
        with open(README, "w") as f:
            f.write(readme_text(cases))
        print(f"wrote {README} ({len(cases)} cases)")
        return 0
    if not a.ftsim:
        ap.error("--ftsim is required")
    failures = []
    if not a.only:
        if len(cases) < a.min_cases:
            failures.append(f"only {len(cases)} cases, at least {a.min_cases} expected")
        with open(README) as f:
            if f.read() != readme_text(cases):
                failures.append("README.md is stale: run tests/bad_inputs/run_cases.py --write-readme")
    for c in cases:
        if a.only and c["name"] not in a.only:
            continue
        why = run_case(c, os.path.abspath(a.ftsim), a.show)
        print(f"{'FAIL' if why else 'ok  '} {c['name']}" + (f": {why}" if why else ""))
        if why:
            failures.append(c["name"])
    if failures:
        print("\n".join(["", "failed:"] + failures))
        return 1
    print(f"all {len(cases) if not a.only else len(a.only)} cases behave")
    return 0


if __name__ == "__main__":
    sys.exit(main())

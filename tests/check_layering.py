#!/usr/bin/env python3
"""The include layering of ftsim, checked.

    tests/check_layering.py SOURCE_DIR       check the tree
    tests/check_layering.py --self-test      check that the checker finds a bad include and a cycle

The layers are the table in docs/architecture.md (rows `| N | name | `pattern` ... |`,
bottom N = 0 to top). A pattern ending in `/` holds every file below that folder;
any other pattern is a glob on the path from the source root. A file belongs to
the row of the longest pattern that matches it. The checks, each failing with the
file and line:

- every .h/.cpp of the tree belongs to a layer, and every pattern matches a file
  (so the table draws the tree as it is);
- an `#include "..."` of a project file points to its own layer or below;
- no chain of includes leads from a file back to itself.
"""

import fnmatch
import os
import re
import sys
import tempfile

SKIP_DIRS = {".git", "out", "__pycache__"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|(.*)\|\s*$")


def read_layers(doc):
    layers = []  # (rank, name, [patterns])
    with open(doc, encoding="utf-8") as f:
        for line in f:
            m = ROW.match(line)
            if not m:
                continue
            patterns = re.findall(r"`([^`]+)`", m.group(3))
            layers.append((int(m.group(1)), m.group(2), patterns))
    return layers


def source_files(root):
    out = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS and not x.startswith("build")
                         and not (rel == "." and x.startswith(".")))
        for name in sorted(files):
            if name.endswith((".h", ".cpp")):
                out.append(os.path.normpath(os.path.join(rel, name)).replace(os.sep, "/"))
    return out


def matches(pattern, path):
    if pattern.endswith("/"):
        return path.startswith(pattern)
    return fnmatch.fnmatchcase(path, pattern)


def check(root, doc):
    """Return the list of problems (empty: the layering holds)."""
    problems = []
    layers = read_layers(doc)
    if not layers:
        return [f"{doc}: no layer table (rows '| N | name | `pattern` |')"]
    files = source_files(root)
    layer_of = {}
    used = set()
    for path in files:
        best = None
        for rank, name, patterns in layers:
            for p in patterns:
                if matches(p, path) and (best is None or len(p) > len(best[2])):
                    best = (rank, name, p)
        if best is None:
            problems.append(f"{path}: belongs to no layer of {doc}")
            continue
        layer_of[path] = best
        used.add(best[2])
    for rank, name, patterns in layers:
        for p in patterns:
            if not any(matches(p, f) for f in files):
                problems.append(f"{doc}: layer {rank} {name}: `{p}` matches no file of the tree")

    edges = {}  # path -> [(line, target)]
    for path in files:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = os.path.normpath(m.group(1)).replace(os.sep, "/")
                if target not in layer_of and not os.path.isfile(os.path.join(root, target)):
                    continue  # not a project file
                edges.setdefault(path, []).append((number, target))
                if path in layer_of and target in layer_of:
                    (fr, fname, _), (tr, tname, _) = layer_of[path], layer_of[target]
                    if tr > fr:
                        problems.append(f"{path}:{number}: includes \"{target}\" of layer {tr} {tname}, above "
                                        f"its own layer {fr} {fname}: an include points to its own layer or below")

    # Cycles: depth-first search, reporting each cycle once with every include of it.
    state = {}
    stack = []
    reported = set()

    def visit(node):
        state[node] = 1
        for number, target in edges.get(node, []):
            stack.append((node, number, target))
            if state.get(target) == 1:
                start = next(i for i, (src, _, _) in enumerate(stack) if src == target)
                cycle = stack[start:]
                key = frozenset((s, t) for s, _, t in cycle)
                if key not in reported:
                    reported.add(key)
                    chain = " -> ".join(f"{s}:{n}" for s, n, _ in cycle) + f" -> {target}"
                    problems.append(f"{cycle[0][0]}:{cycle[0][1]}: include cycle: {chain}")
            elif state.get(target) is None:
                visit(target)
            stack.pop()
        state[node] = 2

    sys.setrecursionlimit(10000)
    for path in files:
        if state.get(path) is None:
            visit(path)
    return problems


def self_test():
    """A tree with one include pointing up and one cycle: both must be found, by file and line."""
    with tempfile.TemporaryDirectory() as root:
        def write(path, text):
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(text)
        write("docs/architecture.md", "| 0 | low | `low/` |\n| 1 | high | `high/` |\n")
        write("low/A.h", '#pragma once\n#include <vector>\n#include "high/B.h"\n')
        write("high/B.h", '#pragma once\n#include "low/C.h"\n')
        write("low/C.h", '#pragma once\n#include "low/D.h"\n')
        write("low/D.h", '#include "low/C.h"\n')
        got = check(root, os.path.join(root, "docs/architecture.md"))
    want = ['low/A.h:3: includes "high/B.h" of layer 1 high, above its own layer 0 low',
            "include cycle: low/C.h:2 -> low/D.h:1 -> low/C.h"]
    ok = len(got) == 2 and all(any(w in g for g in got) for w in want)
    for g in got:
        print(g)
    print("self-test: " + ("ok" if ok else "FAILED, wanted: " + "; ".join(want)))
    return 0 if ok else 1


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    root = argv[1]
    doc = os.path.join(root, "docs", "architecture.md")
    problems = check(root, doc)
    for p in problems:
        print(p)
    files = len(source_files(root))
    print(f"{files} files, {len(problems)} problems" + ("" if problems else ": the layering of docs/architecture.md holds"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

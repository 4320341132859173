#!/usr/bin/env python3
"""Fail if any function in a GCC call graph (-fcallgraph-info .ci files, VCG
format) can reach itself. Used on the HLS kernels: HLS has no call stack.

usage: check_no_recursion.py FILE.ci [FILE.ci ...]
"""
import re
import sys


def parse(path):
    nodes, edges = {}, []
    text = open(path, encoding="utf-8", errors="replace").read()
    for m in re.finditer(r'node:\s*\{\s*title:\s*"([^"]+)"\s*label:\s*"([^"\n]*)', text):
        nodes[m.group(1)] = m.group(2)
    for m in re.finditer(r'edge:\s*\{\s*sourcename:\s*"([^"]+)"\s*targetname:\s*"([^"]+)"', text):
        edges.append((m.group(1), m.group(2)))
    return nodes, edges


def find_cycle(edges):
    graph = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    state = {}
    for start in graph:
        if state.get(start):
            continue
        stack = [(start, iter(graph.get(start, [])))]
        path = [start]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(graph.get(nxt, []))))
                path.append(nxt)
    return None


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    total = 0
    for path in argv[1:]:
        try:
            nodes, edges = parse(path)
        except OSError as e:
            print(f"{path}: cannot read: {e}", file=sys.stderr)
            return 2
        if not nodes:
            print(f"{path}: no call-graph nodes (was it written by -fcallgraph-info?)", file=sys.stderr)
            return 2
        total += len(nodes)
        cycle = find_cycle(edges)
        if cycle:
            names = " -> ".join(nodes.get(n, n).split("\\n")[0] for n in cycle)
            print(f"{path}: recursive call chain: {names}", file=sys.stderr)
            return 1
    print(f"no recursion among {total} functions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

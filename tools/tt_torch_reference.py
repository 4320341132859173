#!/usr/bin/python3
"""The PyTorch reference of the TT engine's fp32 training step.

Builds the network of a TT workload YAML (the `workload:` section ftsim reads:
tt_linear, tt_embedding, fc, attention, add, layernorm, gelu, relu), with every TT layer's
dense weight rebuilt from its cores so that autograd differentiates the cores
themselves, runs the forward pass, the mean softmax cross-entropy over the
rows (positions x batch), the backward pass and one SGD step, in float64, and
compares with what the engine computed.

usage: tt_torch_reference.py --workload W.yaml --dir DIR --lr X

DIR holds, as the tests TtTransformer.PyTorchReferenceAgrees* write them:
input.npy [rows][channels] (token ids for a tt_embedding), labels.npy [rows] (int64), for every TT layer L
its cores L.G<k>.npy [r_{k-1}][m_k][n_k][r_k] (the TT-matrix the engine
trains; TT-format layers have n_k = 1 on the output side, m_k = 1 on the
input side), for every layer norm L.gamma.npy and L.beta.npy, the engine's
loss loss.npy [1], and for every weight <name> the engine's gradient
<name>.grad.npy and updated weight <name>.updated.npy. Exit 0 when the loss
agrees to 1e-5 (relative), every gradient to 1e-4 of its largest magnitude
plus 1e-4 of itself, and every updated weight to 1e-5 of the largest step
(lr x gradient) plus 1e-6 of the weight; 1 otherwise, 2 on bad input.
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import yaml


def dense_from_cores(cores):
    """W[(i_1..i_d), (j_1..j_d)] = G_1[:, i_1, j_1, :] ... G_d[:, i_d, j_d, :]."""
    t = cores[0][0]  # [m, n, r]
    for g in cores[1:]:
        i, j, _ = t.shape
        _, m, n, r = g.shape
        t = torch.einsum("IJa,amnb->ImJnb", t, g).reshape(i * m, j * n, r)
    return t[..., 0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workload", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--lr", type=float, required=True)
    a = ap.parse_args()
    with open(a.workload) as f:
        w = yaml.safe_load(f)["workload"]
    d = a.dir
    load = lambda name: torch.tensor(np.load(os.path.join(d, name)), dtype=torch.float64)

    x = load("input.npy")
    labels = torch.tensor(np.load(os.path.join(d, "labels.npy")), dtype=torch.int64)
    params = {}
    outs = {"image": x}
    prev = "image"
    for layer in w["layers"]:
        name, kind = layer["name"], layer["type"]
        srcs = layer.get("inputs") or [layer.get("input", prev)]
        ins = [outs[s] for s in srcs]
        if kind in ("tt_linear", "fc"):
            cores = []
            k = 1
            while os.path.exists(os.path.join(d, f"{name}.G{k}.npy")):
                g = load(f"{name}.G{k}.npy").requires_grad_(True)
                params[f"{name}.G{k}"] = g
                cores.append(g)
                k += 1
            wm = dense_from_cores(cores)
            y = ins[0].reshape(-1, wm.shape[1]) @ wm.T
        elif kind == "tt_embedding":
            cores = []
            k = 1
            while os.path.exists(os.path.join(d, f"{name}.G{k}.npy")):
                g = load(f"{name}.G{k}.npy").requires_grad_(True)
                params[f"{name}.G{k}"] = g
                cores.append(g)
                k += 1
            table = dense_from_cores(cores)  # [dimension][vocabulary]
            y = table[:, ins[0].reshape(-1).long()].T
        elif kind == "attention":
            q, kk, v = ins
            heads = layer["heads"]
            rows, c = q.shape
            e = c // heads
            split = lambda t: t.reshape(rows, heads, e).transpose(0, 1)  # [h, s, e]
            s = split(q) @ split(kk).transpose(1, 2) / math.sqrt(e)
            y = (torch.softmax(s, dim=-1) @ split(v)).transpose(0, 1).reshape(rows, c)
        elif kind == "add":
            y = sum(ins)
        elif kind == "layernorm":
            gamma = load(f"{name}.gamma.npy").requires_grad_(True)
            beta = load(f"{name}.beta.npy").requires_grad_(True)
            params[f"{name}.gamma"], params[f"{name}.beta"] = gamma, beta
            y = F.layer_norm(ins[0], (ins[0].shape[-1],), gamma, beta, eps=1e-5)
        elif kind == "gelu":
            y = F.gelu(ins[0])
        elif kind == "relu":
            y = F.relu(ins[0])
        else:
            print(f"tt_torch_reference.py: layer {name}: type {kind} is not supported", file=sys.stderr)
            return 2
        outs[name] = y
        prev = name
    logits = outs[prev].reshape(labels.numel(), -1)
    loss = F.cross_entropy(logits, labels)
    loss.backward()

    ok = True
    got_loss = float(np.load(os.path.join(d, "loss.npy"))[0])
    if abs(got_loss - loss.item()) > 1e-5 * abs(loss.item()):
        print(f"loss: engine {got_loss!r}, PyTorch {loss.item()!r}")
        ok = False
    for pname, p in params.items():
        g = p.grad.numpy()
        got_g = np.load(os.path.join(d, f"{pname}.grad.npy")).astype(np.float64).reshape(g.shape)
        bad = np.abs(got_g - g) > 1e-4 * np.abs(g).max() + 1e-4 * np.abs(g)
        if not np.abs(g).max() > 0 or bad.any():
            i = int(np.argmax(np.abs(got_g - g)))
            print(f"{pname}: gradient: {int(bad.sum())} of {g.size} elements differ; "
                  f"element {i}: engine {got_g.flat[i]!r}, PyTorch {g.flat[i]!r}")
            ok = False
        want = (p - a.lr * p.grad).detach().numpy()
        got = np.load(os.path.join(d, f"{pname}.updated.npy")).astype(np.float64).reshape(want.shape)
        step = a.lr * float(p.grad.abs().max())
        tol = 1e-5 * step + 1e-6 * np.abs(want)
        bad = np.abs(got - want) > tol
        if step == 0 or bad.any():
            i = int(np.argmax(np.abs(got - want) - tol))
            print(f"{pname}: {int(bad.sum())} of {want.size} elements differ (largest step {step:.3g}); "
                  f"element {i}: engine {got.flat[i]!r}, PyTorch {want.flat[i]!r}")
            ok = False
    print(f"tt_torch_reference.py: loss {loss.item():.9f}, {len(params)} weights compared: "
          + ("agree" if ok else "DIFFER"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

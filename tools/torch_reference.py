#!/usr/bin/python3
"""The PyTorch reference of ftsim's functional training step.

Builds the network of a workload YAML (the `workload:` section ftsim reads),
loads the initial parameters and the batch from .npy files, runs SGD steps
(no momentum, batch norm in training mode with batch statistics, eps 1e-5,
bias-free conv/FC as in EF-Train, mean cross-entropy over the batch) and
writes the updated parameters and the loss of every step as .npy.

usage: torch_reference.py --workload W.yaml --init DIR --out DIR [--batch B] [--lr X] [--steps N]

A workload with `mode: inference` runs one forward pass in eval mode instead
(batch norm with its running statistics <layer>.running_mean/.running_var.npy,
dropout the identity, no labels, no update) and writes the last layer's output
as logits.npy [B][C][1][1] (or [B][C][H][W]).

DIR holds <layer>.weight.npy (conv [M][N][K][K], fc [out][in] with the input
flattened as (c, h, w)), <layer>.weight/.bias.npy for batch norm (gamma, beta),
input.npy [S*B][C][H][W] float32 and labels.npy [S*B] int64, as ftsim_train_step
--dump-init writes them.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import yaml


def fail(msg):
    print(f"torch_reference.py: {msg}", file=sys.stderr)
    sys.exit(2)


def out_extent(n, k, s, before, after):
    return (n + before + after - k) // s + 1


def padding_of(l, h, w, k, s):
    """Zero padding (top, bottom, left, right) of `padding: valid | same | same_lower | N |
    [top, bottom, left, right]` or `pad: N`. `same` puts an odd pixel after the map (ONNX
    SAME_UPPER, TensorFlow's SAME), `same_lower` before it."""
    p = l.get("padding", l.get("pad", 0))
    if p == "valid":
        return (0, 0, 0, 0)
    if p in ("same", "same_upper", "same_lower"):
        sides = []
        for n in (h, w):
            total = max(0, (-(-n // s) - 1) * s + k - n)
            before = total - total // 2 if p == "same_lower" else total // 2
            sides += [before, total - before]
        return tuple(sides)
    if isinstance(p, list):
        return tuple(int(v) for v in p)
    return (int(p),) * 4


def padded(x, pad, value=0.0):
    """x with F.pad's (left, right, top, bottom) border; PyTorch's conv and pools pad symmetrically only."""
    top, bottom, left, right = pad
    return F.pad(x, (left, right, top, bottom), value=value)


def dropout_mask(seed, p, shape):
    """Kept elements of a dropout layer: element i (its [B][C][H][W] index) is
    dropped when the top 24 bits of splitmix64's finalizer of
    seed + (i+1)*0x9E3779B97F4A7C15 fall below round(p * 2^24)."""
    with np.errstate(over="ignore"):
        i = np.arange(int(np.prod(shape)), dtype=np.uint64)
        z = np.uint64(seed) + (i + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    keep = (z >> np.uint64(40)) >= np.uint64(int(round(p * 16777216.0)))
    return torch.tensor(keep.reshape(shape), dtype=torch.float32)


def build(workload):
    """Layers with their inputs and shapes, as ftsim infers them."""
    inp = workload["input"]
    image = (inp["channels"], inp["height"], inp["width"])
    layers, by_name = [], {}
    for i, l in enumerate(workload["layers"]):
        t = l["type"]
        if "inputs" in l:
            srcs = [("image" if n == "image" else by_name[n]) for n in l["inputs"]]
        elif "input" in l:
            srcs = ["image" if l["input"] == "image" else by_name[l["input"]]]
        else:
            srcs = [i - 1 if i > 0 else "image"]
        shape = image if srcs[0] == "image" else layers[srcs[0]]["out"]
        c, h, w = shape
        k = l.get("kernel", 1)
        if t == "conv":
            s = l.get("stride", 1)
            p = padding_of(l, h, w, k, s)
            out = (l["out_channels"], out_extent(h, k, s, p[0], p[1]), out_extent(w, k, s, p[2], p[3]))
        elif t == "fc":
            out = (l["out_features"], 1, 1)
        elif t in ("maxpool", "avgpool"):
            s = l.get("stride", k)
            p = padding_of(l, h, w, k, s)
            out = (c, out_extent(h, k, s, p[0], p[1]), out_extent(w, k, s, p[2], p[3]))
        elif t == "global_avgpool":
            out = (c, 1, 1)
        elif t in ("batchnorm", "relu", "relu6", "add", "dropout"):
            out = shape
        elif t == "concat":
            parts = [image if src == "image" else layers[src]["out"] for src in srcs]
            out = (sum(q[0] for q in parts), h, w)
        else:
            fail(f"layer {l['name']}: type {t} has no reference")
        pad = padding_of(l, h, w, k, l.get("stride", k if t in ("maxpool", "avgpool") else 1)) if t in (
            "conv", "maxpool", "avgpool") else (0, 0, 0, 0)
        layers.append(dict(cfg=l, type=t, srcs=srcs, inp=shape, out=out, pad=pad, index=i))
        by_name[l["name"]] = i
    return layers


def forward(layers, params, x_img, batch, inference=False):
    """The network's forward pass; returns the last layer's output."""
    outs = []
    for l in layers:
        name, t, cfg = l["cfg"]["name"], l["type"], l["cfg"]
        xs = [x_img if s == "image" else outs[s] for s in l["srcs"]]
        x = xs[0]
        if t == "conv":
            v = F.conv2d(padded(x, l["pad"]), params[name + ".weight"], stride=cfg.get("stride", 1),
                         groups=cfg.get("groups", 1))
        elif t == "fc":
            v = torch.flatten(x, 1) @ params[name + ".weight"].t()
            v = v.reshape(batch, -1, 1, 1)
        elif t == "maxpool":
            k = cfg["kernel"]
            v = F.max_pool2d(padded(x, l["pad"], float("-inf")), k, stride=cfg.get("stride", k))
        elif t == "avgpool":
            k = cfg["kernel"]
            # count_include_pad: the divisor is K² with the padding's zeros in the window.
            v = F.avg_pool2d(padded(x, l["pad"]), k, stride=cfg.get("stride", k))
        elif t == "global_avgpool":
            v = x.mean(dim=(2, 3), keepdim=True)
        elif t == "batchnorm" and inference:
            v = F.batch_norm(x, params[name + ".running_mean"], params[name + ".running_var"],
                             params[name + ".weight"], params[name + ".bias"], training=False, eps=1e-5)
        elif t == "batchnorm":
            v = F.batch_norm(x, None, None, params[name + ".weight"], params[name + ".bias"], training=True, eps=1e-5)
        elif t == "relu":
            v = F.relu(x)
        elif t == "relu6":
            v = F.relu6(x)
        elif t == "dropout" and inference:
            v = x
        elif t == "dropout":
            # Inverted dropout with ftsim's seeded mask (the layer's `seed`,
            # by default its position in the list + 1).
            pr = float(cfg.get("p", 0.5))
            scale = torch.tensor(1.0, dtype=torch.float32) / (1.0 - torch.tensor(pr, dtype=torch.float32))
            v = x * (dropout_mask(int(cfg.get("seed", l["index"] + 1)), pr, tuple(x.shape)) * scale)
        elif t == "concat":
            v = torch.cat(xs, dim=1)
        elif t == "add":
            v = xs[0]
            for o in xs[1:]:
                v = v + o
        outs.append(v)
    return outs[-1]


def load(path):
    if not os.path.exists(path):
        fail(f"{path}: missing")
    return np.load(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--steps", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(1)
    with open(a.workload) as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or "workload" not in doc:
        fail(f"{a.workload}: no `workload:` section")
    wl = doc["workload"]
    batch = a.batch or wl["batch"]
    layers = build(wl)
    inference = wl.get("mode", "training") == "inference"

    params = {}
    for l in layers:
        name = l["cfg"]["name"]
        if l["type"] in ("conv", "fc"):
            params[name + ".weight"] = torch.tensor(load(f"{a.init}/{name}.weight.npy"), dtype=torch.float32, requires_grad=True)
        elif l["type"] == "batchnorm":
            for p in ("weight", "bias") + (("running_mean", "running_var") if inference else ()):
                params[f"{name}.{p}"] = torch.tensor(load(f"{a.init}/{name}.{p}.npy"), dtype=torch.float32,
                                                     requires_grad=not inference)
    images = torch.tensor(load(f"{a.init}/input.npy"), dtype=torch.float32)
    if inference:
        with torch.no_grad():
            logits = forward(layers, params, images[:batch], batch, inference=True)
        os.makedirs(a.out, exist_ok=True)
        np.save(f"{a.out}/logits.npy", logits.numpy().astype(np.float32))
        print(f"logits {tuple(logits.shape)}, sum {float(logits.sum()):.7g} (eval mode)")
        return
    labels = torch.tensor(load(f"{a.init}/labels.npy"), dtype=torch.int64)
    batches = images.shape[0] // batch

    losses = []
    for step in range(a.steps):
        b = 0 if batches == 1 else step
        x_img = images[b * batch:(b + 1) * batch]
        y = labels[b * batch:(b + 1) * batch]
        logits = forward(layers, params, x_img, batch).reshape(batch, -1)
        loss = F.cross_entropy(logits, y)
        for p in params.values():
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params.values():
                p -= a.lr * p.grad
        losses.append(loss.item())

    os.makedirs(f"{a.out}/weights", exist_ok=True)
    for n, p in params.items():
        np.save(f"{a.out}/weights/{n}.npy", p.detach().numpy().astype(np.float32))
    np.save(f"{a.out}/loss.npy", np.array(losses, dtype=np.float32))
    print(f"loss {losses[-1]:.7g} (step {a.steps})")


if __name__ == "__main__":
    main()

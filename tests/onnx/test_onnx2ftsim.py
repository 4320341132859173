#!/usr/bin/python3
"""tools/onnx2ftsim.py, checked on networks PyTorch exports here (tests/onnx/networks.py) and on
small graphs built with onnx.helper, then simulated by ftsim.

    tests/onnx/test_onnx2ftsim.py --ftsim build/ftsim [unittest arguments, e.g. Vgg16]

The references are independent of the importer: the shipped workloads written by hand
(configs/workloads/*.yaml), read here with python3-yaml under ftsim's documented defaults, and
ftsim's own cycles for them. Needs Debian's python3-torch, python3-onnx and python3-yaml; a
missing one is a failure, never a skip.
"""

import atexit
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(ROOT, "tools", "onnx2ftsim.py")
PYTHON = "/usr/bin/python3"
FTSIM = None
TMP = tempfile.mkdtemp(prefix="ftsim-onnx-")
atexit.register(shutil.rmtree, TMP, True)

import numpy as np  # noqa: E402  (python3-numpy comes with python3-onnx)
import onnx  # noqa: E402
import yaml  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

sys.path.insert(0, HERE)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stdout, p.stderr


def import_onnx(path, *args):
    return run([PYTHON, TOOL, path] + list(args))


_exported = {}
_imported = {}


def exported(name):
    """The network's ONNX file, exported once per process."""
    if name not in _exported:
        import networks  # imports torch (only the classes that export pay for it)
        module, shape = networks.build(name)
        path = os.path.join(TMP, name + ".onnx")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            networks.export(module, shape, path)
        _exported[name] = path
    return _exported[name]


def imported_network(name, *args):
    """(exit code, stdout, stderr) of the importer on an exported network, once per process."""
    key = (name,) + args
    if key not in _imported:
        _imported[key] = import_onnx(exported(name), *args)
    return _imported[key]


def normalised(workload):
    """A workload's layers as ftsim reads them (sim/workload/Network.cpp), names replaced by
    positions: conv stride 1 and pad 0 by default, a pool's stride its kernel, a layer's input
    the previous layer unless `input`/`inputs` say otherwise ('image' is -1)."""
    index = {}
    out = []
    for i, layer in enumerate(workload["layers"]):
        t = layer["type"]
        row = {"type": t}
        if t == "conv":
            row.update(out_channels=layer["out_channels"], kernel=layer["kernel"], stride=layer.get("stride", 1),
                       pad=layer.get("pad", 0), groups=layer.get("groups", 1))
        elif t in ("maxpool", "avgpool"):
            row.update(kernel=layer["kernel"], stride=layer.get("stride", layer["kernel"]), pad=layer.get("pad", 0))
        elif t == "fc":
            row.update(out_features=layer["out_features"])
        names = layer.get("inputs") or ([layer["input"]] if "input" in layer else None)
        if names is None:
            row["inputs"] = [i - 1]
        else:
            row["inputs"] = [-1 if n == "image" else index[n] for n in names]
        index[layer["name"]] = i
        out.append(row)
    return {"batch": workload["batch"], "input": workload["input"], "layers": out}


def shipped(name):
    with open(os.path.join(ROOT, "configs", "workloads", name)) as f:
        return yaml.safe_load(f)["workload"]


def design_with(workload_yaml, name):
    """A design: the shipped VGG-16 design point (ZCU102, EF-Train 16x16, its memory and vector
    settings) with its workload replaced by an imported one."""
    wpath = os.path.join(TMP, name + "-workload.yaml")
    with open(wpath, "w") as f:
        f.write(workload_yaml)
    dpath = os.path.join(TMP, name + "-design.yaml")
    with open(dpath, "w") as f:
        f.write(f"name: {name}\ninclude:\n  - {ROOT}/configs/designs/eftrain-vgg16-zcu102.yaml\n  - {wpath}\n")
    return dpath


def simulate(design, *sets):
    """ftsim run with the ideal memory: (total cycles, [(type, phase, cycles) per layers.csv row])."""
    out = tempfile.mkdtemp(dir=TMP)
    cmd = [FTSIM, "run", design, "--quiet", "--out", out, "--set", "memory.model=ideal"]
    for s in sets:
        cmd += ["--set", s]
    rc, so, se = run(cmd)
    assert rc == 0, f"{' '.join(cmd)} -> {rc}\n{so}\n{se}"
    with open(os.path.join(out, "summary.json")) as f:
        total = json.load(f)["total"]["cycles"]
    with open(os.path.join(out, "layers.csv")) as f:
        rows = [(r["type"], r["phase"], int(r["cycles"])) for r in csv.DictReader(f)]
    return total, rows


class Vgg16(unittest.TestCase):
    def test_imported_layers_equal_the_shipped_workload(self):
        rc, yml, err = imported_network("vgg16", "--batch", "16")
        self.assertEqual(rc, 0, err)
        self.assertEqual(normalised(yaml.safe_load(yml)["workload"]), normalised(shipped("vgg16-imagenet.yaml")))

    def test_imported_vgg16_gives_the_shipped_cycles(self):
        rc, yml, err = imported_network("vgg16", "--batch", "16")
        self.assertEqual(rc, 0, err)
        ref_total, ref_rows = simulate(os.path.join(ROOT, "configs", "designs", "eftrain-vgg16-zcu102.yaml"))
        total, rows = simulate(design_with(yml, "vgg16-onnx"))
        # 13 conv x FP/BP/WU, their BN and ReLU, 5 pools, the pool, FC: the same rows in the same
        # order; the reference is ftsim on the hand-written vgg16-imagenet.yaml.
        self.assertEqual(len(rows), len(ref_rows))
        self.assertEqual(rows, ref_rows)
        self.assertEqual(total, ref_total)
        self.assertGreater(total, 0)


class ResNet18(unittest.TestCase):
    def test_cifar_variant_equals_the_shipped_workload_and_its_cycles(self):
        rc, yml, err = import_onnx(exported("resnet18_cifar"), "--batch", "16")
        self.assertEqual(rc, 0, err)
        self.assertEqual(normalised(yaml.safe_load(yml)["workload"]), normalised(shipped("resnet18-cifar10.yaml")))
        design = os.path.join(TMP, "resnet18-shipped.yaml")
        with open(design, "w") as f:
            f.write(f"name: resnet18-shipped\ninclude:\n  - {ROOT}/configs/designs/eftrain-vgg16-zcu102.yaml\n"
                    f"  - {ROOT}/configs/workloads/resnet18-cifar10.yaml\n")
        self.assertEqual(simulate(design_with(yml, "resnet18-onnx")), simulate(design))

    def test_imagenet_variant_imports_and_checks(self):
        rc, yml, err = import_onnx(exported("resnet18_imagenet"), "--batch", "4")
        self.assertEqual(rc, 0, err)
        w = normalised(yaml.safe_load(yml)["workload"])
        layers = w["layers"]
        types = [l["type"] for l in layers]
        # He et al.: 1 stem conv + 8 blocks x 2 convs + 3 projection convs = 20; 8 residual adds.
        self.assertEqual(types.count("conv"), 20)
        self.assertEqual(types.count("add"), 8)
        self.assertEqual(types.count("batchnorm"), 20)
        self.assertEqual(layers[0], {"type": "conv", "out_channels": 64, "kernel": 7, "stride": 2, "pad": 3,
                                     "groups": 1, "inputs": [-1]})  # normalised() spells out groups: 1
        self.assertEqual(layers[3], {"type": "maxpool", "kernel": 3, "stride": 2, "pad": 1, "inputs": [2]})
        self.assertEqual(layers[-1], {"type": "fc", "out_features": 1000, "inputs": [len(layers) - 2]})
        for i, l in enumerate(layers):
            if l["type"] == "add":  # a block's second BN, and the block's input (the stem's max-pool, a
                self.assertEqual(layers[l["inputs"][0]]["type"], "batchnorm", i)  # ReLU) or projection BN
                self.assertIn(layers[l["inputs"][1]]["type"], ("maxpool", "relu", "batchnorm"), i)
        design = design_with(yml, "resnet18-imagenet-onnx")
        rc, so, se = run([FTSIM, "check", design])
        self.assertEqual(rc, 0, so + se)
        total, rows = simulate(design, "workload.batch=1")
        self.assertEqual(sorted({t for t, _, _ in rows}), sorted(set(types) | {"softmax_loss"}))  # host loss row
        self.assertGreater(total, 0)


class MobileNetV2(unittest.TestCase):
    def test_imports_every_depthwise_conv_and_relu6_and_simulates(self):
        path = exported("mobilenet_v2")
        rc, yml, se = import_onnx(path, "--batch", "16")
        self.assertEqual(rc, 0, se)
        w = yaml.safe_load(yml)["workload"]
        graph = onnx.load(path).graph
        inits = {t.name: t for t in graph.initializer}
        depthwise = {}
        for n in graph.node:
            g = [a.i for a in n.attribute if a.name == "group"]
            if n.op_type == "Conv" and g and g[0] > 1 and list(inits[n.input[1]].dims)[1] == 1:
                depthwise[n.name] = g[0]
        # Sandler et al., Table 2: one depthwise conv per bottleneck, 1+2+3+4+3+3+1 = 17.
        self.assertEqual(len(depthwise), 17)
        convs = [l for l in w["layers"] if l["type"] == "conv"]
        grouped = [l for l in convs if l.get("groups", 1) > 1]
        self.assertEqual(len(grouped), 17)
        for l in grouped:  # depthwise: one group per channel, as many outputs as inputs
            self.assertEqual(l["groups"], l["out_channels"])
        self.assertEqual(sorted(l["groups"] for l in grouped), sorted(depthwise.values()))
        # 52 convs: the stem, 3 per bottleneck but 2 in the t = 1 one (16 x 3 + 2), the last 1x1.
        self.assertEqual(len(convs), 52)
        # ReLU6 (Clip 0..6): the stem, two per bottleneck but one in the t = 1 one, the last 1x1: 35.
        self.assertEqual(sum(l["type"] == "relu6" for l in w["layers"]), 35)
        self.assertEqual([(l["type"], l.get("p")) for l in w["layers"] if l["type"] == "dropout"], [("dropout", 0.2)])
        self.assertEqual(sum(l["type"] == "add" for l in w["layers"]), 10)  # stride-1 blocks with cin == cout
        self.assertEqual(w["layers"][-1]["out_features"], 1000)
        self.assertEqual(normalised(w), normalised(shipped("mobilenetv2-imagenet.yaml")))
        design = design_with(yml, "mobilenet-v2-onnx")
        rc, so, se = run([FTSIM, "check", design])
        self.assertEqual(rc, 0, so + se)
        total, rows = simulate(design, "workload.batch=1")
        self.assertGreater(total, 0)
        types = {t for t, _, _ in rows}
        self.assertTrue({"conv", "relu6", "dropout", "add", "fc"} <= types, types)


def tensor(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def weight(name, *shape):
    return numpy_helper.from_array(np.zeros(shape, dtype=np.float32), name)


def save(nodes, inits, in_shape, out_shape, name, out="y"):
    graph = helper.make_graph(nodes, name, [tensor("x", in_shape)], [tensor(out, out_shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    path = os.path.join(TMP, name + ".onnx")
    onnx.save(model, path)
    return path


def conv(name, x, y, w, **attrs):
    return helper.make_node("Conv", [x, w], [y], name=name, **attrs)


class SmallGraphs(unittest.TestCase):
    def refused(self, path, *needles):
        rc, so, se = import_onnx(path, "--batch", "2")
        self.assertEqual(rc, 2, se)
        self.assertEqual(so, "")
        for n in needles:
            self.assertIn(n, se)

    def imported(self, path):
        rc, so, se = import_onnx(path, "--batch", "2")
        self.assertEqual(rc, 0, se)
        return so, yaml.safe_load(so)["workload"]

    def test_matmul_with_bias_after_reshape_is_one_fc(self):
        shape = numpy_helper.from_array(np.array([-1, 8 * 4 * 4], dtype=np.int64), "shape")
        path = save([conv("c", "x", "a", "w", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                     helper.make_node("Relu", ["a"], ["r"], name="act"),
                     helper.make_node("Reshape", ["r", "shape"], ["f"], name="flat"),
                     helper.make_node("MatMul", ["f", "wf"], ["m"], name="fc/MatMul"),
                     helper.make_node("Add", ["m", "bias"], ["y"], name="fc/Add")],
                    [weight("w", 8, 3, 3, 3), shape, weight("wf", 128, 10), weight("bias", 10)],
                    [2, 3, 4, 4], [2, 10], "mlp")
        _, w = self.imported(path)
        self.assertEqual(w["layers"], [
            {"name": "c", "type": "conv", "out_channels": 8, "kernel": 3, "pad": 1},
            {"name": "act", "type": "relu"},
            {"name": "fc_MatMul", "type": "fc", "out_features": 10}])

    def test_dropout_is_a_layer_with_its_ratio(self):
        path = save([helper.make_node("Flatten", ["x"], ["f"], name="flat"),
                     helper.make_node("Gemm", ["f", "w1"], ["h"], name="fc1", transB=1),
                     helper.make_node("Relu", ["h"], ["r"], name="relu"),
                     helper.make_node("Dropout", ["r"], ["d"], name="drop"),
                     helper.make_node("Gemm", ["d", "w2"], ["y"], name="fc2", transB=1)],
                    [weight("w1", 32, 48), weight("w2", 10, 32)], [2, 3, 4, 4], [2, 10], "dropout")
        _, w = self.imported(path)
        self.assertEqual([l["name"] for l in w["layers"]], ["fc1", "relu", "drop", "fc2"])
        self.assertEqual(w["layers"][2], {"name": "drop", "type": "dropout", "p": 0.5})
        self.assertEqual(w["layers"][3], {"name": "fc2", "type": "fc", "out_features": 10})
        self.assertEqual(w["input"], {"channels": 3, "height": 4, "width": 4})

    def test_average_pool_stride_and_names_made_unique(self):
        path = save([conv("/a.b/conv", "x", "a", "w", kernel_shape=[1, 1]),
                     helper.make_node("AveragePool", ["a"], ["p"], name="/a.b/conv_2", kernel_shape=[3, 3],
                                      strides=[2, 2], pads=[1, 1, 1, 1]),
                     helper.make_node("Relu", ["p"], ["y"], name="")],
                    [weight("w", 4, 3, 1, 1)], [2, 3, 9, 9], [2, 4, 5, 5], "names")
        _, w = self.imported(path)
        self.assertEqual(w["layers"], [
            {"name": "a_b_conv", "type": "conv", "out_channels": 4, "kernel": 1},
            {"name": "a_b_conv_2", "type": "avgpool", "kernel": 3, "stride": 2, "pad": 1},
            {"name": "relu", "type": "relu"}])

    def test_unsupported_op_is_named(self):
        path = save([conv("c", "x", "a", "w", kernel_shape=[1, 1]),
                     helper.make_node("Sigmoid", ["a"], ["y"], name="gate")],
                    [weight("w", 4, 3, 1, 1)], [1, 3, 4, 4], [1, 4, 4, 4], "sigmoid")
        self.refused(path, f"{path}: node 'gate' (Sigmoid): op not supported by ftsim",
                     "1 node(s) refused (Sigmoid x1); nothing written")

    def test_dilation_pool_pads_other_clips_and_concat_axes_are_refused(self):
        lo, hi = numpy_helper.from_array(np.array(0, dtype=np.float32), "lo"), \
            numpy_helper.from_array(np.array(1, dtype=np.float32), "hi")
        path = save([conv("dil", "x", "a", "w", kernel_shape=[3, 3], dilations=[2, 2]),
                     helper.make_node("MaxPool", ["x"], ["c"], name="widepad", kernel_shape=[2, 2],
                                      pads=[0, 0, 2, 0]),
                     conv("ok", "x", "d", "w", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                     helper.make_node("Clip", ["d", "lo", "hi"], ["e"], name="clip01"),
                     helper.make_node("Concat", ["d", "e"], ["y"], name="cat", axis=2)],
                    [weight("w", 4, 4, 3, 3), lo, hi], [1, 4, 8, 8], [1, 4, 16, 8], "refusals")
        self.refused(path, "node 'dil' (Conv): dilations = [2, 2]: ftsim has no dilated convolution",
                     "node 'widepad' (MaxPool): pad [0, 2, 0, 0] with kernel 2: ftsim pools with pad <= kernel/2",
                     "node 'clip01' (Clip): min = 0.0, max = 1.0: ftsim imports Clip only as ReLU6",
                     "node 'cat' (Concat): axis = 2: ftsim concatenates feature maps along the channels")

    def test_asymmetric_pads_and_same_upper_import_per_side_and_simulate(self):
        # ONNX orders pads [top, left, bottom, right]; ftsim's list is [top, bottom, left, right].
        # TF-style stride-2 SAME_UPPER on an even map pads only the bottom and the right.
        path = save([conv("asym", "x", "a", "w1", kernel_shape=[3, 3], pads=[0, 1, 2, 0]),
                     helper.make_node("Relu", ["a"], ["r"], name="act"),
                     conv("down", "r", "b", "w2", kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER"),
                     helper.make_node("MaxPool", ["b"], ["p"], name="pool", kernel_shape=[2, 2],
                                      strides=[2, 2], pads=[1, 0, 0, 1]),
                     helper.make_node("GlobalAveragePool", ["p"], ["g"], name="gap"),
                     helper.make_node("Flatten", ["g"], ["f"], name="flat"),
                     helper.make_node("Gemm", ["f", "wf"], ["y"], name="fc", transB=1)],
                    [weight("w1", 16, 3, 3, 3), weight("w2", 16, 16, 3, 3), weight("wf", 10, 16)],
                    [2, 3, 8, 8], [2, 10], "asym")
        yml, w = self.imported(path)
        # asym: (8 + 0 + 2 − 3) + 1 = 8 rows, (8 + 1 + 0 − 3) + 1 = 7 columns;
        # down: ⌈8/2⌉ = 4 rows, ⌈7/2⌉ = 4 columns: rows (4−1)·2 + 3 − 8 = 1 → [0, 1],
        # columns (4−1)·2 + 3 − 7 = 2 → [1, 1]; pool: (4 + 1 + 0 − 2)/2 + 1 = 2 rows and columns.
        self.assertEqual(w["layers"][:4], [
            {"name": "asym", "type": "conv", "out_channels": 16, "kernel": 3, "padding": [0, 2, 1, 0]},
            {"name": "act", "type": "relu"},
            {"name": "down", "type": "conv", "out_channels": 16, "kernel": 3, "stride": 2,
             "padding": [0, 1, 1, 1]},
            {"name": "pool", "type": "maxpool", "kernel": 2, "stride": 2, "padding": [1, 0, 0, 1]}])
        _, rows = simulate(design_with(yml, "asym"))
        self.assertEqual([(t, ph) for t, ph, _ in rows if t == "conv"],
                         [("conv", "FP"), ("conv", "FP"), ("conv", "BP"), ("conv", "WU"), ("conv", "WU")])

    def test_grouped_and_depthwise_convs_relu6_and_concat(self):
        lo, hi = numpy_helper.from_array(np.array(0, dtype=np.float32), "lo"), \
            numpy_helper.from_array(np.array(6, dtype=np.float32), "hi")
        path = save([conv("grp", "x", "a", "wg", kernel_shape=[3, 3], group=2, pads=[1, 1, 1, 1]),
                     conv("dw", "a", "b", "wd", kernel_shape=[3, 3], group=8, strides=[2, 2], pads=[1, 1, 1, 1]),
                     helper.make_node("Clip", ["b", "lo", "hi"], ["c"], name="act"),
                     conv("pw", "x", "d", "wp", kernel_shape=[1, 1], strides=[2, 2]),
                     helper.make_node("Concat", ["c", "d"], ["y"], name="cat", axis=1)],
                    [weight("wg", 8, 2, 3, 3), weight("wd", 8, 1, 3, 3), weight("wp", 16, 4, 1, 1), lo, hi],
                    [1, 4, 8, 8], [1, 24, 4, 4], "grouped")
        _, w = self.imported(path)
        self.assertEqual(w["layers"], [
            {"name": "grp", "type": "conv", "out_channels": 8, "kernel": 3, "pad": 1, "groups": 2},
            {"name": "dw", "type": "conv", "out_channels": 8, "kernel": 3, "stride": 2, "pad": 1, "groups": 8},
            {"name": "act", "type": "relu6"},
            {"name": "pw", "type": "conv", "out_channels": 16, "kernel": 1, "stride": 2, "input": "image"},
            {"name": "cat", "type": "concat", "inputs": ["act", "pw"]}])

    def test_flattened_map_into_relu_and_ceil_mode_pool_are_refused(self):
        path = save([helper.make_node("MaxPool", ["x"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2],
                                      ceil_mode=1),
                     helper.make_node("Flatten", ["p"], ["f"], name="flat"),
                     helper.make_node("Relu", ["x"], ["r"], name="r0"),
                     helper.make_node("Flatten", ["r"], ["g"], name="flat2"),
                     helper.make_node("Relu", ["g"], ["y"], name="r1")],
                    [], [1, 3, 5, 5], [1, 75], "flatten")
        self.refused(path, "node 'pool' (MaxPool): ceil_mode = 1 gives 3x3 outputs where ftsim's floor rule gives 2x2",
                     "node 'r1' (Relu): reads a flattened 3x5x5 feature map: ftsim flattens a feature map only "
                     "into an FC layer")


class BadInput(unittest.TestCase):
    def test_missing_file(self):
        path = os.path.join(TMP, "nothing-here.onnx")
        rc, so, se = import_onnx(path, "--batch", "1")
        self.assertEqual((rc, so), (2, ""))
        self.assertIn(f"{path}: no such file", se)

    def test_not_an_onnx_file(self):
        path = os.path.join(TMP, "workload.onnx")
        with open(path, "w") as f:
            f.write("workload:\n  name: not-onnx\n  batch: 2\n")
        rc, so, se = import_onnx(path, "--batch", "1")
        self.assertEqual((rc, so), (2, ""))
        self.assertIn(f"{path}: not an ONNX model", se)

    def test_bad_arguments(self):
        path = exported_small()
        for args, needle in [(["--batch", "0"], "--batch 0: must be >= 1"),
                             (["--batch", "2", "--mode", "eval"], "argument --mode: invalid choice: 'eval'"),
                             (["--batch", "2", "--name", "a b"], "--name 'a b'")]:
            rc, so, se = import_onnx(path, *args)
            self.assertEqual((rc, so), (2, ""), args)
            self.assertIn(needle, se)
        rc, so, se = import_onnx(path)
        self.assertEqual((rc, so), (2, ""))
        self.assertIn("--batch", se)

    def test_mode_key_is_written_and_inference_runs_fp_only(self):
        # --mode writes workload.mode; an inference runs FP only (no loss, BP or WU).
        rc, yml, err = import_onnx(exported_small(), "--batch", "2")
        self.assertEqual(rc, 0, err)
        self.assertIn("  mode: training\n", yml)
        rc, yml, err = import_onnx(exported_small(), "--batch", "1", "--mode", "inference")
        self.assertEqual(rc, 0, err)
        self.assertIn("  mode: inference\n", yml)
        _, rows = simulate(design_with(yml, "mode-key"))
        self.assertEqual({phase for _, phase, _ in rows}, {"FP"})
        self.assertNotIn("softmax_loss", {t for t, _, _ in rows})


def exported_small():
    return save([conv("c", "x", "a", "w", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                 helper.make_node("GlobalAveragePool", ["a"], ["g"], name="gap"),
                 helper.make_node("Flatten", ["g"], ["f"], name="flat"),
                 helper.make_node("Gemm", ["f", "wf"], ["y"], name="fc", transB=1)],
                [weight("w", 16, 3, 3, 3), weight("wf", 10, 16)], [1, 3, 8, 8], [1, 10], "small")


def main():
    global FTSIM
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--ftsim":
        print("usage: test_onnx2ftsim.py --ftsim PATH [unittest arguments]", file=sys.stderr)
        return 2
    FTSIM = os.path.abspath(args[1])
    prog = unittest.main(argv=[sys.argv[0]] + args[2:], exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())

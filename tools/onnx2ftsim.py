#!/usr/bin/python3
"""Import an ONNX model as an ftsim workload.

  tools/onnx2ftsim.py model.onnx --batch N [--mode training|inference] [--name NAME] > workload.yaml

Reads the graph of a CNN (one image input [N, C, H, W] or a feature vector [N, F]), infers the
shape of every tensor and prints the `workload:` section ftsim reads (sim/workload/Network.cpp):
one layer per Conv (grouped and depthwise included), Gemm/MatMul, BatchNormalization, Relu,
Clip(0, 6) (as relu6), MaxPool, AveragePool, GlobalAveragePool, Add, Concat (of channels) and
Dropout, named after its ONNX node (sanitised, unique). Flatten and Reshape before an FC layer,
Identity and Constant make no layer. Pads alike on all four sides become `pad: N`, others
`padding: [top, bottom, left, right]` (auto_pad SAME_UPPER/SAME_LOWER resolved against the input
size). Anything else — another op type, a dilated convolution, a Clip other than (0, 6), a Concat
along another axis — is refused: every
offending node is named with its op type and the rule, nothing is written to stdout and the exit
status is 2.
docs/onnx.md has the op table.

Needs Debian's python3-onnx (exit status 2 with a message when it is missing).
"""

import argparse
import math
import os
import re
import sys
import warnings

EXIT_INPUT = 2
YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "image"}


class InputError(Exception):
    """A file or argument ftsim cannot take (exit 2)."""


def fail(msg):
    print(f"onnx2ftsim: {msg}", file=sys.stderr)
    sys.exit(EXIT_INPUT)


# --- values flowing along the graph -------------------------------------------------------

class Act:
    """An activation tensor of one image: `producer` is the ftsim layer that writes it ('image'
    for the network input); `dims` are its ONNX dims without the batch ([C, H, W] or [F]);
    `fc_bias_target` marks a MatMul's output, whose bias Add folds into the FC layer."""

    def __init__(self, producer, dims, fc_bias_target=False):
        self.producer = producer
        self.dims = list(dims)
        self.fc_bias_target = fc_bias_target

    def ftsim_shape(self):
        """The shape ftsim gives this tensor: an FC output is (F, 1, 1)."""
        if len(self.dims) == 3:
            return tuple(self.dims)
        return (self.dims[0], 1, 1)

    def elements(self):
        return math.prod(self.dims)

    def is_flattened_map(self):
        """A feature map with H·W > 1 seen as a vector: only an FC layer may read it."""
        return False


class Flat(Act):
    """A flattened view of a feature map (Flatten/Reshape): the producer's [C, H, W] tensor
    read as one vector, which ftsim's FC layer does by itself."""

    def __init__(self, source):
        super().__init__(source.producer, [source.elements()])
        self.map_dims = source.dims if len(source.dims) == 3 else [source.elements(), 1, 1]

    def ftsim_shape(self):
        return tuple(self.map_dims)

    def is_flattened_map(self):
        return self.map_dims[1] * self.map_dims[2] > 1


class Const:
    """A constant tensor (an initializer or a Constant node's value). Weights are only looked at
    for their shape, so their data is converted only when asked for (a Reshape's shape)."""

    def __init__(self, tensor, numpy_helper):
        self.tensor = tensor
        self.shape = tuple(tensor.dims)
        self.numpy_helper = numpy_helper
        self._array = None

    @property
    def array(self):
        if self._array is None:
            self._array = self.numpy_helper.to_array(self.tensor)
        return self._array


class Unmodelled:
    """An output ftsim does not model (a dropout mask, batch norm's running statistics)."""

    def __init__(self, why):
        self.why = why


class Unknown:
    """An output of a refused node: its consumers are not checked further."""


# --- naming ---------------------------------------------------------------------------------

def layer_name_from(node_name, op_type, taken):
    """A YAML-safe, unique layer name from an ONNX node name. PyTorch's scoped names repeat
    the module path ('/layer1/layer1.0/conv1/Conv'); a scope that the next one extends is
    dropped ('layer1_0_conv1_Conv')."""
    parts = [p for p in re.split(r"/", node_name or "") if p]
    kept = [p for i, p in enumerate(parts) if not (i + 1 < len(parts) and parts[i + 1].startswith(p + "."))]
    base = re.sub(r"[^A-Za-z0-9_]+", "_", "_".join(kept)).strip("_")
    if not base:
        base = op_type.lower()
    if base[0].isdigit():
        base = "n" + base
    if base.lower() in YAML_WORDS:
        base += "_"
    name, k = base, 2
    while name in taken:
        name = f"{base}_{k}"
        k += 1
    taken.add(name)
    return name


# --- the importer ---------------------------------------------------------------------------

class Importer:
    def __init__(self, onnx, numpy_helper, model, path):
        self.onnx = onnx
        self.numpy_helper = numpy_helper
        self.model = model
        self.path = path
        self.values = {}
        self.layers = []       # (name, [input producers], [(key, value)])
        self.comments = {}     # index in self.layers before which a comment stands -> [lines]
        self.refusals = []
        self.taken = set()
        self.inferred = {}
        self.input_dims = None

    # messages
    def refuse(self, node, why):
        label = node.name if node.name else f"#{self.node_index}"
        self.refusals.append(f"{self.path}: node '{label}' ({node.op_type}): {why}")

    def attrs(self, node):
        return {a.name: self.onnx.helper.get_attribute_value(a) for a in node.attribute}

    # graph input and inferred shapes
    def read_inputs(self):
        graph = self.model.graph
        inits = {t.name for t in graph.initializer}
        for t in graph.initializer:
            self.values[t.name] = Const(t, self.numpy_helper)
        data = [i for i in graph.input if i.name not in inits]
        if len(data) != 1:
            raise InputError(f"{self.path}: the graph has {len(data)} data inputs "
                             f"({', '.join(i.name for i in data) or 'none'}); ftsim takes one image or vector input")
        inp = data[0]
        dims = [d.dim_value if d.HasField("dim_value") else None for d in inp.type.tensor_type.shape.dim]
        if len(dims) not in (2, 4) or any(d is None or d < 1 for d in dims[1:]):
            shown = ["?" if d is None else str(d) for d in dims]
            raise InputError(f"{self.path}: input '{inp.name}' has shape [{', '.join(shown)}]; ftsim takes "
                             "[N, C, H, W] or [N, F] with C, H, W, F fixed")
        self.input_dims = dims[1:]
        self.values[inp.name] = Act("image", dims[1:])
        try:
            inferred = self.onnx.shape_inference.infer_shapes(self.model)
            for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
                d = [x.dim_value if x.HasField("dim_value") else None for x in vi.type.tensor_type.shape.dim]
                if d and all(x is not None for x in d[1:]):
                    self.inferred[vi.name] = d[1:]
        except Exception:  # the cross-check is optional; our own shapes stand alone
            self.inferred = {}

    def const_of(self, name):
        v = self.values.get(name)
        if isinstance(v, Const):
            return v.array
        return None

    def weight_shape(self, name):
        """The shape of a constant weight operand, or None when the operand is not a constant."""
        v = self.values.get(name)
        return v.shape if isinstance(v, Const) else None

    def add_layer(self, node, inputs, fields):
        name = layer_name_from(node.name, node.op_type, self.taken)
        self.layers.append((name, [a.producer for a in inputs], fields))
        return name

    def set_out(self, node, value):
        out = node.output[0]
        if isinstance(value, Act) and out in self.inferred and self.inferred[out] != value.dims:
            self.refuse(node, f"ftsim's shape rules give {value.dims} per image but ONNX infers "
                              f"{self.inferred[out]}")
            value = Unknown()
        self.values[out] = value
        for extra in node.output[1:]:
            if extra:
                self.values[extra] = Unmodelled(f"output '{extra}' of {node.op_type} node '{node.name}'")

    # ops
    def spatial(self, node, a, kind):
        """kernel and stride of a conv or pool: square kernel and stride (pads: self.pads)."""
        k = a.get("kernel_shape")
        strides = a.get("strides", [1, 1])
        dil = a.get("dilations", [1, 1])
        if k is not None and len(k) != 2:
            return self.refuse(node, f"{len(k)}-D {kind}: ftsim takes 2-D only")
        if any(d != 1 for d in dil):
            return self.refuse(node, f"dilations = {list(dil)}: ftsim has no dilated {kind}")
        if k is not None and k[0] != k[1]:
            return self.refuse(node, f"kernel_shape = {list(k)}: ftsim's {kind} has one square kernel size")
        if strides[0] != strides[1]:
            return self.refuse(node, f"strides = {list(strides)}: ftsim's {kind} has one stride for H and W")
        return (k[0] if k else None), strides[0]

    def pads(self, node, a, act, k, s):
        auto = a.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else auto
        if auto in ("SAME_UPPER", "SAME_LOWER"):
            p = []
            for extent in act.dims[1:3]:
                total = max((math.ceil(extent / s) - 1) * s + k - extent, 0)
                p.append((total // 2, total - total // 2) if auto == "SAME_UPPER" else (total - total // 2, total // 2))
            pads = [p[0][0], p[1][0], p[0][1], p[1][1]]
        elif auto == "VALID":
            pads = [0, 0, 0, 0]
        else:
            pads = list(a.get("pads", [0, 0, 0, 0]))
        if len(pads) != 4 or any(p < 0 for p in pads):
            self.refuse(node, f"pads = {pads} (auto_pad {auto}): ftsim takes four non-negative pads of a 2-D map")
            return None
        # ONNX orders pads [top, left, bottom, right]; ftsim's list is [top, bottom, left, right].
        return (int(pads[0]), int(pads[2]), int(pads[1]), int(pads[3]))

    @staticmethod
    def pad_fields(p):
        """`pad: N` where all four sides are alike (as ftsim's own workloads), else the four sides."""
        if len(set(p)) == 1:
            return [("pad", p[0])] if p[0] != 0 else []
        return [("padding", f"[{p[0]}, {p[1]}, {p[2]}, {p[3]}]")]

    @staticmethod
    def out_extents(x, p, k, s):
        return [(x.dims[1] + p[0] + p[1] - k) // s + 1, (x.dims[2] + p[2] + p[3] - k) // s + 1]

    def op_conv(self, node, x):
        a = self.attrs(node)
        w = self.weight_shape(node.input[1])
        ok = True
        g = int(a.get("group", 1))
        if w is None:
            self.refuse(node, "the weights are not a constant initializer: ftsim trains a conv's own weights")
            return
        if len(w) != 4:
            self.refuse(node, f"a {len(w) - 2}-D convolution: ftsim takes 2-D only")
            return
        sp = self.spatial(node, {**a, "kernel_shape": a.get("kernel_shape", list(w[2:]))}, "convolution")
        if not ok or sp is None or not isinstance(x, Act):
            return
        k, s = sp
        if len(x.dims) != 3:
            return self.refuse(node, f"its input is a vector of {x.dims[0]} features: a conv reads a feature map")
        if x.dims[0] != w[1] * g:
            return self.refuse(node, f"weights for {w[1]} input channels per group x {g} groups, input has "
                                     f"{x.dims[0]}")
        if w[0] % g != 0:
            return self.refuse(node, f"group = {g} does not divide the {w[0]} output channels")
        p = self.pads(node, a, x, k, s)
        if p is None:
            return
        out = [int(w[0])] + self.out_extents(x, p, k, s)
        fields = [("type", "conv"), ("out_channels", int(w[0])), ("kernel", k)]
        if s != 1:
            fields.append(("stride", s))
        fields += self.pad_fields(p)
        if g != 1:
            fields.append(("groups", g))
        name = self.add_layer(node, [x], fields)
        self.set_out(node, Act(name, out))

    def op_pool(self, node, x, ftype):
        a = self.attrs(node)
        sp = self.spatial(node, a, "pooling")
        if sp is None or not isinstance(x, Act):
            return
        k, s = sp
        if len(x.dims) != 3:
            return self.refuse(node, "its input is a vector: pooling reads a feature map")
        p = self.pads(node, a, x, k, s)
        if p is None:
            return
        if 2 * max(p) > k:
            shown = p[0] if len(set(p)) == 1 else list(p)
            return self.refuse(node, f"pad {shown} with kernel {k}: ftsim pools with pad <= kernel/2")
        floor_out = self.out_extents(x, p, k, s)
        if a.get("ceil_mode", 0):
            ceil_out = [math.ceil((x.dims[1] + p[0] + p[1] - k) / s) + 1,
                        math.ceil((x.dims[2] + p[2] + p[3] - k) / s) + 1]
            if ceil_out != floor_out:
                return self.refuse(node, f"ceil_mode = 1 gives {ceil_out[0]}x{ceil_out[1]} outputs where ftsim's "
                                         f"floor rule gives {floor_out[0]}x{floor_out[1]}")
        fields = [("type", ftype), ("kernel", k), ("stride", s)] + self.pad_fields(p)
        name = self.add_layer(node, [x], fields)
        self.set_out(node, Act(name, [x.dims[0]] + floor_out))

    def op_gap(self, node, x):
        if not isinstance(x, Act):
            return
        if len(x.dims) != 3:
            return self.refuse(node, "its input is a vector: pooling reads a feature map")
        if x.dims[1] != x.dims[2]:
            return self.refuse(node, f"a {x.dims[1]}x{x.dims[2]} input: ftsim's global_avgpool pools a square "
                                     "window (kernel = height)")
        name = self.add_layer(node, [x], [("type", "global_avgpool")])
        self.set_out(node, Act(name, [x.dims[0], 1, 1]))

    def op_elementwise(self, node, x, ftype):
        if not isinstance(x, Act):
            return
        if x.is_flattened_map():
            return self.refuse(node, f"reads a flattened {x.map_dims[0]}x{x.map_dims[1]}x{x.map_dims[2]} feature "
                                     "map: ftsim flattens a feature map only into an FC layer")
        name = self.add_layer(node, [x], [("type", ftype)])
        self.set_out(node, Act(name, x.dims))

    def op_fc(self, node, x, out_features, in_features):
        if not isinstance(x, Act):
            return
        if len(x.dims) != 1:
            return self.refuse(node, f"reads a {len(x.dims) + 1}-D tensor: an FC layer reads [N, F] "
                                     "(flatten the feature map first)")
        if in_features != x.dims[0]:
            return self.refuse(node, f"weights for {in_features} input features, input has {x.dims[0]}")
        name = self.add_layer(node, [x], [("type", "fc"), ("out_features", int(out_features))])
        self.set_out(node, Act(name, [int(out_features)], fc_bias_target=node.op_type == "MatMul"))

    def op_gemm(self, node, x):
        a = self.attrs(node)
        w = self.weight_shape(node.input[1])
        if a.get("transA", 0):
            return self.refuse(node, "transA = 1: the activations must be the first operand, [N, F]")
        if w is None or len(w) != 2:
            return self.refuse(node, "operand B is not a constant 2-D weight matrix: ftsim's FC layer trains its "
                                     "own weights")
        m, k = (w[0], w[1]) if a.get("transB", 0) else (w[1], w[0])
        self.op_fc(node, x, m, k)

    def op_matmul(self, node, x):
        w = self.weight_shape(node.input[1])
        if w is None or len(w) != 2:
            return self.refuse(node, "operand B is not a constant 2-D weight matrix: ftsim's FC layer trains its "
                                     "own weights (a product of two activations has no ftsim layer)")
        self.op_fc(node, x, w[1], w[0])

    def op_add(self, node, ins):
        consts = [i for i, v in enumerate(ins) if isinstance(v, Const)]
        acts = [v for v in ins if isinstance(v, Act)]
        if len(consts) == 1 and len(acts) == 1:
            x, bias = acts[0], ins[consts[0]].shape
            if x.fc_bias_target and math.prod(bias) == x.dims[0]:
                self.values[node.output[0]] = Act(x.producer, x.dims)   # the FC's bias: no layer
                return
            return self.refuse(node, "adds a constant tensor: ftsim adds a constant only as an FC layer's bias "
                                     "(a MatMul's)")
        if len(acts) != 2:
            return
        if acts[0].dims != acts[1].dims:
            return self.refuse(node, f"adds {acts[0].dims} and {acts[1].dims}: ftsim's add takes inputs of one "
                                     "shape (no broadcasting)")
        for v in acts:
            if v.is_flattened_map():
                return self.refuse(node, "reads a flattened feature map: ftsim flattens only into an FC layer")
        if acts[0].producer == acts[1].producer:
            return self.refuse(node, "adds a tensor to itself: ftsim's add takes two different layers' outputs")
        name = self.add_layer(node, acts, [("type", "add")])
        self.set_out(node, Act(name, acts[0].dims))

    def op_flatten(self, node, x):
        a = self.attrs(node)
        if a.get("axis", 1) != 1:
            return self.refuse(node, f"axis = {a['axis']}: ftsim flattens each image whole (axis 1)")
        if isinstance(x, Act):
            self.values[node.output[0]] = Flat(x) if len(x.dims) == 3 else x

    def op_reshape(self, node, x):
        shape = self.const_of(node.input[1])
        if shape is None:
            return self.refuse(node, "the target shape is computed in the graph: ftsim takes a constant "
                                     "flattening reshape [N, -1] (export with torch.flatten, or fold the shape)")
        if not isinstance(x, Act):
            return
        target = [int(v) for v in shape.tolist()]
        feats = x.elements()
        if len(target) != 2 or target[1] not in (-1, feats) or target[0] not in (-1, 0) and target[0] < 1:
            return self.refuse(node, f"shape = {target}: ftsim takes only the flattening reshape [N, {feats}] "
                                     "before an FC layer")
        self.values[node.output[0]] = Flat(x) if len(x.dims) == 3 else x

    def op_dropout(self, node, x):
        if not isinstance(x, Act):
            return
        ratio = self.attrs(node).get("ratio")
        if ratio is None and len(node.input) > 1 and node.input[1]:
            r = self.const_of(node.input[1])
            ratio = float(r) if r is not None else None
        ratio = 0.5 if ratio is None else float(ratio)
        if not 0.0 <= ratio < 1.0:
            return self.refuse(node, f"ratio = {ratio:g}: ftsim's dropout takes 0 <= p < 1")
        if x.is_flattened_map():
            return self.refuse(node, "reads a flattened feature map: ftsim flattens only into an FC layer")
        # ONNX exports a training-mode dropout with the mask as a second output;
        # ftsim regenerates the mask from a seed, so the mask output is not modelled.
        name = self.add_layer(node, [x], [("type", "dropout"), ("p", f"{ratio:g}")])
        self.set_out(node, Act(name, x.dims))

    def op_concat(self, node, ins):
        axis = self.attrs(node).get("axis", 1)
        acts = [v for v in ins if isinstance(v, Act)]
        if axis not in (1, -3):
            return self.refuse(node, f"axis = {axis}: ftsim concatenates feature maps along the channels (axis 1)")
        if any(isinstance(v, Const) for v in ins):
            return self.refuse(node, "concatenates a constant: ftsim's concat joins layers' outputs")
        if len(acts) != len(ins):
            return  # an input already refused
        if any(len(v.dims) != 3 for v in acts):
            return self.refuse(node, f"axis = {axis}: ftsim concatenates feature maps along the channels (axis 1)")
        if len({tuple(v.dims[1:]) for v in acts}) != 1:
            return self.refuse(node, "inputs of different heights and widths: ftsim's concat joins maps of one size")
        if len(acts) < 2:
            self.values[node.output[0]] = acts[0]
            return
        if len({v.producer for v in acts}) != len(acts):
            return self.refuse(node, "concatenates a tensor with itself: ftsim's concat takes different layers' "
                                     "outputs")
        name = self.add_layer(node, acts, [("type", "concat")])
        self.set_out(node, Act(name, [sum(v.dims[0] for v in acts)] + list(acts[0].dims[1:])))

    def op_clip(self, node, x, ins):
        a = self.attrs(node)
        lo, hi = a.get("min"), a.get("max")
        if len(ins) > 1 and node.input[1]:
            c = self.const_of(node.input[1])
            lo = float(c) if c is not None else "?"
        if len(ins) > 2 and node.input[2]:
            c = self.const_of(node.input[2])
            hi = float(c) if c is not None else "?"
        if lo is None or hi is None or float(lo) != 0.0 or float(hi) != 6.0:
            return self.refuse(node, f"min = {lo}, max = {hi}: ftsim imports Clip only as ReLU6 (min 0, max 6)")
        self.op_elementwise(node, x, "relu6")

    def run(self):
        self.read_inputs()
        simple = {"Relu": "relu", "BatchNormalization": "batchnorm"}
        for self.node_index, node in enumerate(self.model.graph.node):
            op = node.op_type
            if node.domain not in ("", "ai.onnx"):
                self.refuse(node, f"op of domain '{node.domain}': ftsim imports the standard ONNX ops only")
                continue
            if op == "Constant":
                value = [a for a in node.attribute if a.name == "value"]
                if not value:
                    self.refuse(node, "a Constant without a tensor 'value'")
                    continue
                self.values[node.output[0]] = Const(value[0].t, self.numpy_helper)
                continue
            ins = [self.values.get(n, Unknown()) if n else None for n in node.input]
            first = ins[0] if ins else None
            for v in ins:
                if isinstance(v, Unmodelled):
                    self.refuse(node, f"reads {v.why}, which ftsim does not model")
            if any(isinstance(v, Unmodelled) for v in ins):
                for out in node.output:
                    self.values[out] = Unknown()
                continue
            before = len(self.refusals)
            if isinstance(first, Const) and op not in ("Identity", "Add", "Concat"):
                self.refuse(node, "its first input is a constant, not an activation: ftsim simulates layers on "
                                  "the data that flows from the network input")
                for out in node.output:
                    self.values[out] = Unknown()
                continue
            if op == "Conv":
                self.op_conv(node, first)
            elif op in simple:
                self.op_elementwise(node, first, simple[op])
            elif op == "MaxPool":
                self.op_pool(node, first, "maxpool")
            elif op == "AveragePool":
                self.op_pool(node, first, "avgpool")
            elif op == "GlobalAveragePool":
                self.op_gap(node, first)
            elif op == "Gemm":
                self.op_gemm(node, first)
            elif op == "MatMul":
                self.op_matmul(node, first)
            elif op == "Add":
                self.op_add(node, ins)
            elif op == "Flatten":
                self.op_flatten(node, first)
            elif op == "Reshape":
                self.op_reshape(node, first)
            elif op == "Dropout":
                self.op_dropout(node, first)
            elif op == "Identity":
                if isinstance(first, (Act, Const)):
                    self.values[node.output[0]] = first
            elif op == "Concat":
                self.op_concat(node, ins)
            elif op == "Clip":
                self.op_clip(node, first, ins)
            else:
                self.refuse(node, "op not supported by ftsim (docs/onnx.md lists the ops it imports)")
            for out in node.output:
                if out and out not in self.values:
                    self.values[out] = Unknown()
            if len(self.refusals) == before and any(isinstance(v, Unknown) for v in ins) and not self.refusals:
                self.refuse(node, "reads a tensor no earlier node produces")
        self.check_output()
        if self.refusals:
            ops = {}
            for r in self.refusals:
                op = re.search(r"' \((\w+)\): ", r)
                key = op.group(1) if op else "?"
                ops[key] = ops.get(key, 0) + 1
            summary = ", ".join(f"{k} x{v}" for k, v in sorted(ops.items()))
            raise InputError("\n".join(self.refusals + [f"{self.path}: {len(self.refusals)} node(s) refused "
                                                          f"({summary}); nothing written"]))

    def check_output(self):
        outs = list(self.model.graph.output)
        if self.refusals:
            return
        if len(outs) != 1:
            raise InputError(f"{self.path}: the graph has {len(outs)} outputs; ftsim trains a network with one "
                             "output (the host computes its loss)")
        v = self.values.get(outs[0].name)
        if not isinstance(v, Act) or not self.layers:
            raise InputError(f"{self.path}: output '{outs[0].name}' is produced by no layer ftsim can simulate")
        if v.producer != self.layers[-1][0]:
            raise InputError(f"{self.path}: output '{outs[0].name}' comes from layer '{v.producer}', not from the "
                             f"last node '{self.layers[-1][0]}': ftsim computes the loss on its last layer")

    # output
    def yaml(self, name, batch, source, mode="training"):
        lines = [f"# Imported by tools/onnx2ftsim.py from {os.path.basename(source)}"
                 f" (ONNX opset {self.opset()}, producer {self.model.producer_name or '?'}"
                 f" {self.model.producer_version or ''}".rstrip() + ").",
                 "# Layer names are the ONNX node names; conv and FC biases are not modelled (EF-Train's layers",
                 "# are bias-free). Include this file from a design (docs/onnx.md).",
                 "workload:",
                 f"  name: {name}",
                 f"  mode: {mode}",
                 f"  batch: {batch}"]
        d = self.input_dims
        c, h, w = (d[0], d[1], d[2]) if len(d) == 3 else (d[0], 1, 1)
        lines.append(f"  input: {{channels: {c}, height: {h}, width: {w}}}")
        lines.append("  layers:")
        previous = "image"
        for i, (lname, producers, fields) in enumerate(self.layers):
            for comment in self.comments.get(i, []):
                lines.append("    " + comment)
            items = [f"name: {lname}"]
            items += [f"{k}: {v}" for k, v in fields[:1]]
            items += [f"{k}: {v}" for k, v in fields[1:]]
            if len(producers) > 1:
                items.append(f"inputs: [{', '.join(producers)}]")
            elif producers[0] != previous:
                items.append(f"input: {producers[0]}")
            lines.append("    - {" + ", ".join(items) + "}")
            previous = lname
        for comment in self.comments.get(len(self.layers), []):
            lines.append("    " + comment)
        return "\n".join(lines) + "\n"

    def opset(self):
        for o in self.model.opset_import:
            if o.domain in ("", "ai.onnx"):
                return o.version
        return "?"


def load_model(onnx, path):
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not an ONNX model")
    if not os.path.isfile(path):
        raise InputError(f"{path}: is a special file (a device, pipe or socket), not an ONNX model")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}")
    try:
        # protobuf warns on stderr before it fails; the error below says it all
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = onnx.load_model_from_string(data)
    except Exception as e:  # protobuf's DecodeError and friends
        raise InputError(f"{path}: not an ONNX model (the protobuf does not parse: {e})")
    try:
        onnx.load_external_data_for_model(model, os.path.dirname(os.path.abspath(path)))
    except OSError as e:
        raise InputError(f"{path}: cannot read the model's external data: {e}")
    if model.ir_version < 1 or len(model.graph.node) == 0:
        raise InputError(f"{path}: not an ONNX model (no IR version or no graph nodes)")
    try:
        onnx.checker.check_model(model)
    except Exception as e:
        raise InputError(f"{path}: not a valid ONNX model: {str(e).strip().splitlines()[0]}")
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="onnx2ftsim.py",
        description="Print the ftsim workload (YAML) of an ONNX model: its conv (grouped, depthwise), FC, "
                    "batch-norm, ReLU, ReLU6, pooling, residual-add, concat and dropout layers with the shapes "
                    "inferred. Unsupported nodes are named and refused "
                    "(exit 2). See docs/onnx.md.",
        epilog="example: tools/onnx2ftsim.py resnet18.onnx --batch 16 > resnet18.yaml")
    ap.add_argument("model", help="the .onnx file")
    ap.add_argument("--batch", type=int, required=True, help="mini-batch size of the workload (>= 1)")
    ap.add_argument("--mode", choices=("training", "inference"), default="training",
                    help="the workload's mode: training (default; FP, loss, BP, WU) or inference (FP only)")
    ap.add_argument("--name", help="workload name (default: the file's name without .onnx)")
    args = ap.parse_args(argv)

    if args.batch < 1:
        fail(f"--batch {args.batch}: must be >= 1")
    name = args.name if args.name is not None else re.sub(r"\.onnx$", "", os.path.basename(args.model))
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", name or ""):
        fail(f"--name '{name}': use letters, digits, '_', '-' and '.', starting with a letter or digit")
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        fail("needs the ONNX Python package: apt-get install python3-onnx (run with /usr/bin/python3)")
    try:
        model = load_model(onnx, args.model)
        imp = Importer(onnx, numpy_helper, model, args.model)
        imp.run()
        text = imp.yaml(name, args.batch, args.model, args.mode)
    except InputError as e:
        for line in str(e).splitlines():
            print(f"onnx2ftsim: {line}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

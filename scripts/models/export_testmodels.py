#!/usr/bin/python3
"""Export small deterministic PyTorch models to ONNX for qinfer's tests.

Usage: /usr/bin/python3 scripts/models/export_testmodels.py [--out DIR] [--only NAME ...]

Every model is built from fixed seeds and exported with torch.onnx.export
(some after torch.jit.script, some edited afterwards with onnx.helper to add
forms the exporter never writes). For each model and each test case the
script writes, under DIR/<model>/:

    model.onnx
    case<K>/in<I>.npy    inputs (fixed-seed random)
    case<K>/out<J>.npy   PyTorch's outputs for those inputs

and DIR/manifest.json describing every model: opset, inputs (name, dtype,
export-time shape, dynamic axes), outputs, and per case the input shapes and
file names. runtime/exported_test.go reads the manifest, runs qinfer and ONNX
Runtime on every case and compares all three.

Runs offline in well under a minute on 2 cores; the files are small (< 100 KB
each).
"""

import argparse
import hashlib
import json
import os
import sys
import warnings
from typing import List

import numpy as np
import onnx
import onnx.helper as oh
import onnx.numpy_helper as onh
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_num_threads(1)


def _seed(s):
    torch.manual_seed(s)
    np.random.seed(s)


def _randomize_bn(m, seed):
    """Give every BatchNorm non-trivial running statistics and affine params."""
    g = torch.Generator().manual_seed(seed)
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            n = mod.num_features
            mod.running_mean.copy_(torch.randn(n, generator=g) * 0.5)
            mod.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            mod.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            mod.bias.data.copy_(torch.randn(n, generator=g) * 0.2)


# --------------------------------------------------------------------------
# Models


class BiLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 12, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x, h0, c0):
        y, (h, c) = self.rnn(x, (h0, c0))
        return y, h, c


class BiGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 12, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x, h0):
        y, h = self.rnn(x, h0)
        return y, h


class PackedLSTM(nn.Module):
    """Variable-length batch (unsorted lengths): pack_padded_sequence → LSTM →
    pad_packed_sequence."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 12, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x, lengths, h0, c0):
        # h0/c0 are inputs: without them the exporter bakes the traced batch
        # size into the zero initial state (Expand of a [2·2, B, H] constant),
        # which fails in every runtime at another batch size.
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.rnn(packed, (h0, c0))
        y, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        return y, h, c


class IfModel(nn.Module):
    """Scripted data-dependent If; both branches read y and z from outside."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(6, 6)

    def forward(self, x):
        y = self.lin(x)
        z = torch.relu(y)
        if x.sum() > 0:
            out = z * 2.0 + y
        else:
            out = z - torch.sigmoid(y)
        return out


class LoopModel(nn.Module):
    """Scripted for loop with a data-dependent trip count carrying state,
    a nested If reading an outer-scope tensor, and a data-dependent while."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(6, 6)
        self.rec = nn.Linear(6, 6)

    def forward(self, x, n):
        w = self.inp(x)
        h = torch.zeros_like(x)
        acc = torch.zeros(1)
        for i in range(int(n)):
            h = torch.tanh(self.rec(h) + w)
            if i % 2 == 0:
                h = h + 0.5 * w
            else:
                h = h - 0.25 * w
            acc = acc + h.mean() * float(i + 1)
        s = x.abs().sum()
        k = torch.zeros(1)
        while bool(s < 100.0):
            s = s * 1.5 + 1.0
            k = k + 1.0
        return h, acc, s.reshape(1) + k


class LoopSeqModel(nn.Module):
    """Scripted loop appending to a list (Sequence ops / scan outputs)."""

    def __init__(self):
        super().__init__()
        self.wx = nn.Linear(4, 6)
        self.wh = nn.Linear(6, 6, bias=False)

    def forward(self, x):  # x: [T, B, 4]
        h = torch.zeros(x.size(1), 6)
        outs: List[torch.Tensor] = []
        for t in range(x.size(0)):
            h = torch.tanh(self.wx(x[t]) + self.wh(h))
            outs.append(h)
        return torch.stack(outs, 0), h


class CNNExtras(nn.Module):
    """Conv variants and layers the small CNN lacks."""

    def __init__(self):
        super().__init__()
        self.dw = nn.Conv2d(4, 8, 3, padding=2, dilation=2, groups=4)
        self.inorm = nn.InstanceNorm2d(8, affine=True)
        self.gnorm = nn.GroupNorm(2, 8)
        self.up = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)
        self.c1d = nn.Conv1d(4, 4, 3, stride=2, padding=1)
        self.shuffle = nn.PixelShuffle(2)
        self.prelu = nn.PReLU(4)

    def forward(self, x):  # x: [B, 4, H, W]
        y = F.pad(x, (1, 2, 2, 1), mode="reflect")
        y = self.dw(y)
        y = F.hardswish(self.inorm(y)) + F.silu(self.gnorm(y))
        y = F.max_pool2d(y, 3, stride=2, ceil_mode=True)
        u = F.leaky_relu(self.up(y), 0.1)
        s = self.shuffle(torch.cat([u, u * 0.5, u.abs(), -u], 1)[:, :16])
        a = F.adaptive_avg_pool2d(self.prelu(s), (1, 1))
        b = F.interpolate(u, scale_factor=0.5, mode="bilinear", align_corners=True)
        seq = b.flatten(2)  # [B, 4, L]
        c = torch.clamp(self.c1d(seq), -0.5, 0.5)
        return a.flatten(1), c, torch.max(y.flatten(2), dim=2)[0]


class Wide(nn.Module):
    """Odd, larger sizes that reach the GEMM/conv tiling and threading paths:
    strided conv, a 360×33 · 33×360 batched MatMul, Einsum, wide Linears."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 19, 5, stride=2, padding=2)
        self.c2 = nn.Conv2d(19, 33, 3, padding=1)
        self.l1 = nn.Linear(33, 67)
        self.l2 = nn.Linear(67, 131)

    def forward(self, x):  # x: [B, 3, H, W]
        y = F.relu(self.c2(F.relu(self.c1(x))))  # [B, 33, H/2, W/2]
        f = y.flatten(2).transpose(1, 2)  # [B, L, 33]
        att = torch.softmax(torch.matmul(f, f.transpose(1, 2)) * 0.05, dim=-1)  # [B, L, L]
        g = torch.matmul(att, f).mean(dim=1)  # [B, 33]
        gram = torch.einsum("bchw,bdhw->bcd", y, y) / y.shape[2] / y.shape[3]
        h = self.l2(F.gelu(self.l1(g)))
        return h, gram


class DynReshape(nn.Module):
    """Shape-dependent view/reshape with dynamic batch and spatial dims."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.lin = nn.Linear(8, 5)

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.conv(x)
        t = y.permute(0, 2, 3, 1).reshape(b, h * w, 8)
        t = self.lin(t)
        pos = torch.arange(h * w, dtype=torch.float32).view(1, -1, 1) * 0.01
        t = t + pos
        flat = x.view(x.size(0), -1)
        pooled = flat.mean(dim=1, keepdim=True)
        t = t + pooled.unsqueeze(-1)
        grid = t.reshape(b, h, w, 5).transpose(1, 3)
        # Resize with a sizes input computed from Shape; Gather with a
        # negative constant index.
        big = F.interpolate(y, size=(h * 2, w * 3), mode="nearest")
        last = big[:, -1] + big[:, :, -1:].mean()
        return t, grid, flat.view(b, c, -1).sum(-1), last


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.c3 = nn.Conv2d(24, 8, 1)
        self.avg = nn.AvgPool2d(2)
        self.fc = nn.Linear(8 * 6 * 6, 10)

    def forward(self, x):  # x: [B, 3, 16, 16]
        y = F.relu(self.bn1(self.c1(x)))  # conv+bn (the exporter folds it)
        r = F.relu(self.bn2(self.c2(y) + y))  # residual add, a real BatchNormalization
        p = self.pool(r)  # [B, 8, 8, 8]
        u = F.interpolate(p, scale_factor=2.0, mode="nearest")  # [B, 8, 16, 16]
        ub = F.interpolate(p, scale_factor=2.0, mode="bilinear", align_corners=False)
        cat = torch.cat([u, r, ub], dim=1)  # [B, 24, 16, 16]
        # Split (attr split before opset 13, input after), channel Softmax
        # (opset < 13 flattens to 2-D), Clip (attrs before 11), Pad (attrs
        # before 11), ReduceSum (axes attr before 13), ReduceMax.
        s1, s2, s3 = torch.split(cat, [8, 8, 8], dim=1)
        sm = torch.softmax(s1, dim=1) + torch.clamp(s2, -0.5, 0.5) * s3.sum(dim=1, keepdim=True)
        sm = F.pad(sm, (1, 1, 0, 2), value=0.25)[:, :, 1:-1, 1:-1]
        sm = sm * s3.amax(dim=(2, 3), keepdim=True)
        cat = torch.cat([sm, r, ub], dim=1)
        z = F.relu(self.c3(cat))
        z = self.avg(z)  # [B, 8, 8, 8]
        z = z[:, :, 1:-1, 1:-1]  # Slice: [B, 8, 6, 6]
        g = z.mean(dim=(2, 3))  # [B, 8]
        z = z * torch.sigmoid(g).unsqueeze(-1).unsqueeze(-1)
        out = self.fc(torch.flatten(z, 1)).unsqueeze(1)  # [B, 1, 10]
        return out.squeeze(1), g


class SharedWeights(nn.Module):
    """The same Linear applied twice, and an output projection tied to the
    embedding table."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8)
        self.lin = nn.Linear(8, 8)
        self.out = nn.Linear(8, 20, bias=False)
        self.out.weight = self.emb.weight

    def forward(self, ids, x):
        e = self.emb(ids) + x
        h = self.lin(torch.relu(self.lin(e)))
        return self.out(h)


class ConstBase(nn.Module):
    """A tiny graph the script then extends with Constant nodes of every
    attribute form."""

    def forward(self, x):
        return x * 2.0 + torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(
            d_model=16, nhead=2, dim_feedforward=32, dropout=0.0, activation="gelu", batch_first=True
        )
        self.norm = nn.LayerNorm(16)

    def forward(self, x):
        y = self.layer(x)
        return torch.softmax(self.norm(y), dim=-1)


class MaskedEncoder(Encoder):
    """Encoder with a boolean key padding mask (masked_fill with -inf)."""

    def forward(self, x, pad):
        y = self.layer(x, src_key_padding_mask=pad)
        return torch.softmax(self.norm(y), dim=-1)


class TextClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 16)
        self.fc = nn.Linear(16, 4)

    def forward(self, ids):
        e = self.emb(ids)  # [B, T, 16]
        pooled = e.mean(dim=1)
        logp = torch.log_softmax(self.fc(torch.tanh(pooled)), dim=-1)
        top, idx = torch.topk(logp, 2, dim=-1)
        return logp, logp.argmax(dim=-1), top, idx


# --------------------------------------------------------------------------
# Graph edits


def add_constant_forms(model):
    """Append Constant nodes using value_float, value_floats, value_int,
    value_ints, value_string, value_strings and sparse_value, all feeding
    the graph's output so a wrong decoding changes the result.

    New output y2 = Reshape(out * cf + cfs + Cast(ci) + Cast(cis6)
                     + sparse + Cast(Size(strs)) + Cast(Size(str)), cis)
    where out is the original [B, 6] output.
    """
    g = model.graph
    out = g.output[0].name
    nodes = [
        oh.make_node("Constant", [], ["c_f"], value_float=0.5),
        oh.make_node("Constant", [], ["c_fs"], value_floats=[0.1, -0.2, 0.3, -0.4, 0.5, -0.6]),
        oh.make_node("Constant", [], ["c_i"], value_int=3),
        oh.make_node("Constant", [], ["c_is6"], value_ints=[1, 2, 3, 4, 5, 6]),
        oh.make_node("Constant", [], ["c_shape"], value_ints=[-1, 2, 3]),
        oh.make_node("Constant", [], ["c_strs"], value_strings=[b"a", b"bc", b"def"]),
        oh.make_node("Constant", [], ["c_str"], value_string=b"hello"),
        oh.make_node(
            "Constant",
            [],
            ["c_sparse"],
            sparse_value=oh.make_sparse_tensor(
                oh.make_tensor("sv", onnx.TensorProto.FLOAT, [2], [5.0, -7.0]),
                oh.make_tensor("si", onnx.TensorProto.INT64, [2], [1, 4]),
                [6],
            ),
        ),
        oh.make_node("Mul", [out, "c_f"], ["k1"]),
        oh.make_node("Add", ["k1", "c_fs"], ["k2"]),
        oh.make_node("Cast", ["c_i"], ["c_i_f"], to=onnx.TensorProto.FLOAT),
        oh.make_node("Add", ["k2", "c_i_f"], ["k3"]),
        oh.make_node("Cast", ["c_is6"], ["c_is6_f"], to=onnx.TensorProto.FLOAT),
        oh.make_node("Add", ["k3", "c_is6_f"], ["k4"]),
        oh.make_node("Add", ["k4", "c_sparse"], ["k5"]),
        oh.make_node("Size", ["c_strs"], ["n_strs"]),
        oh.make_node("Cast", ["n_strs"], ["n_strs_f"], to=onnx.TensorProto.FLOAT),
        oh.make_node("Add", ["k5", "n_strs_f"], ["k6"]),
        oh.make_node("Size", ["c_str"], ["n_str"]),
        oh.make_node("Cast", ["n_str"], ["n_str_f"], to=onnx.TensorProto.FLOAT),
        oh.make_node("Sub", ["k6", "n_str_f"], ["k7"]),
        oh.make_node("Reshape", ["k7", "c_shape"], ["y2"]),
    ]
    g.node.extend(nodes)
    g.output.append(oh.make_tensor_value_info("y2", onnx.TensorProto.FLOAT, ["batch", 2, 3]))
    return model


def numpy_constant_forms(out):
    """PyTorch cannot run the edited graph; this mirrors add_constant_forms."""
    sparse = np.zeros(6, np.float32)
    sparse[1], sparse[4] = 5.0, -7.0
    k = out * np.float32(0.5) + np.array([0.1, -0.2, 0.3, -0.4, 0.5, -0.6], np.float32)
    k = k + np.float32(3) + np.arange(1, 7, dtype=np.float32) + sparse + np.float32(3) - np.float32(1)
    return k.reshape(-1, 2, 3).astype(np.float32)


def ensure_identity_for_tied(model):
    """Route one consumer of each initializer used by several nodes through an
    Identity node, the form older exporters emit for tied parameters. Keeps
    the graph as is when the exporter already wrote Identity nodes."""
    g = model.graph
    if any(n.op_type == "Identity" for n in g.node):
        return model
    inits = {t.name for t in g.initializer}
    uses = {}
    for n in g.node:
        for i, name in enumerate(n.input):
            if name in inits:
                uses.setdefault(name, []).append((n, i))
    new = []
    for name, us in uses.items():
        if len(us) < 2:
            continue
        alias = name + "_tied"
        new.append(oh.make_node("Identity", [name], [alias], name="tie_" + name))
        n, i = us[-1]
        n.input[i] = alias
    # Identity nodes first keeps the graph topologically sorted.
    nodes = new + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    return model


# --------------------------------------------------------------------------
# Specs


def f32(rs, *shape, scale=1.0):
    return (rs.standard_normal(shape) * scale).astype(np.float32)


def i64(rs, high, *shape):
    return rs.randint(0, high, size=shape).astype(np.int64)


def rnn_cases(with_c):
    cases = []
    for seed, (b, t) in enumerate([(2, 5), (3, 7), (1, 1)]):
        rs = np.random.RandomState(100 + seed)
        c = {"x": f32(rs, b, t, 8), "h0": f32(rs, 4, b, 12, scale=0.5)}
        if with_c:
            c["c0"] = f32(rs, 4, b, 12, scale=0.5)
        cases.append(c)
    return cases


def packed_cases():
    cases = []
    for seed, (b, t, lens) in enumerate([(3, 6, [4, 6, 2]), (4, 5, [3, 5, 1, 5])]):
        rs = np.random.RandomState(200 + seed)
        cases.append(
            {
                "x": f32(rs, b, t, 8),
                "lengths": np.array(lens, np.int64),
                "h0": f32(rs, 4, b, 12, scale=0.5),
                "c0": f32(rs, 4, b, 12, scale=0.5),
            }
        )
    return cases


def if_cases():
    rs = np.random.RandomState(300)
    return [
        {"x": np.abs(f32(rs, 3, 6))},  # sum > 0: then-branch
        {"x": -np.abs(f32(rs, 4, 6))},  # sum < 0: else-branch
    ]


def loop_cases():
    rs = np.random.RandomState(400)
    return [
        {"x": f32(rs, 2, 6), "n": np.array(3, np.int64)},
        {"x": f32(rs, 3, 6, scale=0.1), "n": np.array(6, np.int64)},
        {"x": f32(rs, 1, 6), "n": np.array(0, np.int64)},
    ]


def loopseq_cases():
    rs = np.random.RandomState(450)
    return [{"x": f32(rs, 4, 2, 4)}, {"x": f32(rs, 7, 3, 4)}, {"x": f32(rs, 1, 1, 4)}]


def extras_cases():
    rs = np.random.RandomState(650)
    return [{"x": f32(rs, 1, 4, 9, 10)}, {"x": f32(rs, 2, 4, 12, 7)}]


def masked_cases():
    rs = np.random.RandomState(950)
    pad0 = np.zeros((2, 5), bool)
    pad0[0, 3:] = True
    pad1 = np.zeros((3, 8), bool)
    pad1[1, 2:] = True
    pad1[2, 7:] = True
    return [{"x": f32(rs, 2, 5, 16), "pad": pad0}, {"x": f32(rs, 3, 8, 16), "pad": pad1}]


def wide_cases():
    rs = np.random.RandomState(550)
    return [{"x": f32(rs, 2, 3, 40, 36)}, {"x": f32(rs, 3, 3, 17, 23)}]


def dyn_cases():
    rs = np.random.RandomState(500)
    return [{"x": f32(rs, 1, 3, 4, 5)}, {"x": f32(rs, 2, 3, 6, 3)}, {"x": f32(rs, 1, 3, 1, 1)}]


def cnn_cases():
    rs = np.random.RandomState(600)
    return [{"x": f32(rs, 1, 3, 16, 16)}, {"x": f32(rs, 3, 3, 16, 16)}]


def shared_cases():
    rs = np.random.RandomState(700)
    return [
        {"ids": i64(rs, 20, 2, 5), "x": f32(rs, 2, 5, 8)},
        {"ids": i64(rs, 20, 1, 3), "x": f32(rs, 1, 3, 8)},
    ]


def const_cases():
    rs = np.random.RandomState(800)
    return [{"x": f32(rs, 2, 6)}, {"x": f32(rs, 5, 6)}]


def encoder_cases():
    rs = np.random.RandomState(900)
    return [{"x": f32(rs, 2, 5, 16)}, {"x": f32(rs, 1, 9, 16)}, {"x": f32(rs, 3, 1, 16)}]


def text_cases():
    rs = np.random.RandomState(1000)
    return [{"ids": i64(rs, 50, 2, 7)}, {"ids": i64(rs, 50, 4, 3)}, {"ids": i64(rs, 50, 1, 1)}]


def specs():
    s = []
    s.append(
        dict(
            name="lstm_bidir",
            build=BiLSTM,
            inputs=["x", "h0", "c0"],
            outputs=["y", "hn", "cn"],
            dynamic_axes={"x": {0: "batch", 1: "seq"}, "h0": {1: "batch"}, "c0": {1: "batch"}},
            opset=14,
            cases=rnn_cases(True),
        )
    )
    s.append(
        dict(
            name="lstm_bidir_opset9",
            build=BiLSTM,
            inputs=["x", "h0", "c0"],
            outputs=["y", "hn", "cn"],
            dynamic_axes={"x": {0: "batch", 1: "seq"}, "h0": {1: "batch"}, "c0": {1: "batch"}},
            opset=9,
            cases=rnn_cases(True),
        )
    )
    s.append(
        dict(
            name="gru_bidir",
            build=BiGRU,
            inputs=["x", "h0"],
            outputs=["y", "hn"],
            dynamic_axes={"x": {0: "batch", 1: "seq"}, "h0": {1: "batch"}},
            opset=14,
            cases=rnn_cases(False),
        )
    )
    s.append(
        dict(
            name="lstm_packed",
            build=PackedLSTM,
            inputs=["x", "lengths", "h0", "c0"],
            outputs=["y", "hn", "cn"],
            dynamic_axes={"x": {0: "batch", 1: "seq"}, "lengths": {0: "batch"}, "h0": {1: "batch"}, "c0": {1: "batch"}},
            opset=14,
            cases=packed_cases(),
        )
    )
    s.append(
        dict(
            name="script_if",
            build=IfModel,
            script=True,
            inputs=["x"],
            outputs=["out"],
            dynamic_axes={"x": {0: "batch"}},
            opset=13,
            cases=if_cases(),
        )
    )
    s.append(
        dict(
            name="script_loop",
            build=LoopModel,
            script=True,
            inputs=["x", "n"],
            outputs=["h", "acc", "s"],
            dynamic_axes={"x": {0: "batch"}},
            opset=13,
            cases=loop_cases(),
        )
    )
    s.append(
        dict(
            name="script_loop_seq",
            build=LoopSeqModel,
            script=True,
            inputs=["x"],
            outputs=["hs", "h"],
            dynamic_axes={"x": {0: "seq", 1: "batch"}},
            opset=13,
            cases=loopseq_cases(),
        )
    )
    s.append(
        dict(
            name="cnn_extras",
            build=CNNExtras,
            inputs=["x"],
            outputs=["gap", "seq", "chmax"],
            dynamic_axes={"x": {0: "batch", 2: "height", 3: "width"}},
            opset=13,
            cases=extras_cases(),
        )
    )
    s.append(
        dict(
            name="wide",
            build=Wide,
            inputs=["x"],
            outputs=["h", "gram"],
            dynamic_axes={"x": {0: "batch", 2: "height", 3: "width"}},
            opset=13,
            cases=wide_cases(),
        )
    )
    for name, opset in (("dynamic_reshape", 13), ("dynamic_reshape_opset11", 11)):
        s.append(
            dict(
                name=name,
                build=DynReshape,
                inputs=["x"],
                outputs=["t", "grid", "sums", "last"],
                dynamic_axes={"x": {0: "batch", 2: "height", 3: "width"}},
                opset=opset,
                cases=dyn_cases(),
            )
        )
    for opset in (9, 10, 11, 13, 17):
        s.append(
            dict(
                name="cnn_opset%d" % opset,
                build=SmallCNN,
                inputs=["x"],
                outputs=["logits", "gap"],
                dynamic_axes={"x": {0: "batch"}},
                opset=opset,
                cases=cnn_cases(),
                # Before Resize-11 ONNX has no half-pixel linear mode: the
                # exporter warns, ONNX and PyTorch disagree by design.
                torch_check=opset >= 11,
            )
        )
    # float64 end to end (torch runs double on CPU): Conv, BatchNorm,
    # Resize, Gemm, LayerNorm... on doubles. Checked against PyTorch only:
    # ONNX Runtime's CPU provider has no float64 Conv, Erf or GRU.
    s.append(
        dict(
            name="cnn_float64",
            build=SmallCNN,
            double=True,
            inputs=["x"],
            outputs=["logits", "gap"],
            dynamic_axes={"x": {0: "batch"}},
            opset=13,
            cases=[{k: v.astype(np.float64) for k, v in c.items()} for c in cnn_cases()],
        )
    )
    s.append(
        dict(
            name="encoder_float64",
            build=Encoder,
            double=True,
            inputs=["x"],
            outputs=["y"],
            dynamic_axes={"x": {0: "batch", 1: "seq"}},
            opset=17,
            cases=[{k: v.astype(np.float64) for k, v in c.items()} for c in encoder_cases()],
        )
    )
    s.append(
        dict(
            name="gru_float64",
            build=BiGRU,
            double=True,
            inputs=["x", "h0"],
            outputs=["y", "hn"],
            dynamic_axes={"x": {0: "batch", 1: "seq"}, "h0": {1: "batch"}},
            opset=14,
            cases=[{k: v.astype(np.float64) for k, v in c.items()} for c in rnn_cases(False)],
        )
    )
    s.append(
        dict(
            name="shared_weights",
            build=SharedWeights,
            inputs=["ids", "x"],
            outputs=["logits"],
            dynamic_axes={"ids": {0: "batch", 1: "seq"}, "x": {0: "batch", 1: "seq"}},
            opset=13,
            cases=shared_cases(),
            edit=ensure_identity_for_tied,
        )
    )
    s.append(
        dict(
            name="shared_weights_init_inputs",
            build=SharedWeights,
            inputs=["ids", "x"],
            outputs=["logits"],
            dynamic_axes={"ids": {0: "batch", 1: "seq"}, "x": {0: "batch", 1: "seq"}},
            opset=11,
            cases=shared_cases(),
            keep_initializers_as_inputs=True,
        )
    )
    s.append(
        dict(
            name="constant_forms",
            build=ConstBase,
            inputs=["x"],
            outputs=["y"],
            dynamic_axes={"x": {0: "batch"}},
            opset=13,
            cases=const_cases(),
            edit=add_constant_forms,
            extra_outputs=lambda outs: [numpy_constant_forms(outs[0])],
        )
    )
    # Opset 17 has LayerNormalization; before it the exporter decomposes it.
    for name, opset in (("transformer_encoder", 17), ("transformer_encoder_opset14", 14)):
        s.append(
            dict(
                name=name,
                build=Encoder,
                inputs=["x"],
                outputs=["y"],
                dynamic_axes={"x": {0: "batch", 1: "seq"}},
                opset=opset,
                cases=encoder_cases(),
            )
        )
    s.append(
        dict(
            name="transformer_encoder_mask",
            build=MaskedEncoder,
            inputs=["x", "pad"],
            outputs=["y"],
            dynamic_axes={"x": {0: "batch", 1: "seq"}, "pad": {0: "batch", 1: "seq"}},
            opset=17,
            cases=masked_cases(),
        )
    )
    s.append(
        dict(
            name="text_classifier",
            build=TextClassifier,
            inputs=["ids"],
            outputs=["logp", "label", "top", "top_idx"],
            dynamic_axes={"ids": {0: "batch", 1: "seq"}},
            opset=13,
            cases=text_cases(),
        )
    )
    return s


# --------------------------------------------------------------------------
# Export


def export_one(spec, outdir):
    name = spec["name"]
    mdir = os.path.join(outdir, name)
    os.makedirs(mdir, exist_ok=True)
    _seed(1234)
    module = spec["build"]()
    _randomize_bn(module, 4321)
    module.eval()
    if spec.get("double"):
        module = module.double()
    if spec.get("script"):
        module = torch.jit.script(module)
    cases = spec["cases"]
    in_names = spec["inputs"]
    example = tuple(torch.from_numpy(cases[0][n]) for n in in_names)
    path = os.path.join(mdir, "model.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            example,
            path,
            input_names=in_names,
            output_names=spec["outputs"],
            dynamic_axes=spec.get("dynamic_axes"),
            opset_version=spec["opset"],
            do_constant_folding=True,
            keep_initializers_as_inputs=spec.get("keep_initializers_as_inputs", False),
        )
    model = onnx.load(path)
    if spec.get("edit"):
        model = spec["edit"](model)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    out_names = [o.name for o in model.graph.output]

    entry = {
        "name": name,
        "file": os.path.join(name, "model.onnx"),
        "opset": spec["opset"],
        "torch_check": spec.get("torch_check", True),
        # ONNX Runtime's CPU provider lacks float64 Conv, Erf, GRU, ...
        "ort_check": not spec.get("double", False),
        "inputs": [],
        "outputs": out_names,
        "ops": sorted({n.op_type for n in _all_nodes(model.graph)}),
        "cases": [],
    }
    dyn = spec.get("dynamic_axes") or {}
    for n in in_names:
        a = cases[0][n]
        entry["inputs"].append(
            {
                "name": n,
                "dtype": str(a.dtype),
                "shape": list(a.shape),
                "dynamic_axes": {str(k): v for k, v in dyn.get(n, {}).items()},
            }
        )
    for k, case in enumerate(cases):
        cdir = os.path.join(mdir, "case%d" % k)
        os.makedirs(cdir, exist_ok=True)
        with torch.no_grad():
            res = module(*[torch.from_numpy(case[n]) for n in in_names])
        if not isinstance(res, (tuple, list)):
            res = (res,)
        outs = [r.detach().numpy() for r in res]
        if spec.get("extra_outputs"):
            outs += spec["extra_outputs"](outs)
        if len(outs) != len(out_names):
            raise SystemExit("%s: %d torch outputs for %d graph outputs" % (name, len(outs), len(out_names)))
        c = {"dir": os.path.join(name, "case%d" % k), "inputs": {}, "outputs": {}}
        for i, n in enumerate(in_names):
            f = "in%d.npy" % i
            np.save(os.path.join(cdir, f), case[n])
            c["inputs"][n] = {"file": f, "shape": list(case[n].shape)}
        for j, n in enumerate(out_names):
            f = "out%d.npy" % j
            np.save(os.path.join(cdir, f), np.ascontiguousarray(outs[j]))
            c["outputs"][n] = {"file": f, "shape": list(outs[j].shape)}
        entry["cases"].append(c)
    return entry


def _all_nodes(g):
    for n in g.node:
        yield n
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from _all_nodes(a.g)
            for sg in a.graphs:
                yield from _all_nodes(sg)


def script_hash():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=".cache/models", help="output folder (default .cache/models)")
    ap.add_argument("--only", nargs="*", help="export only these models")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    entries = []
    for spec in specs():
        if args.only and spec["name"] not in args.only:
            continue
        entries.append(export_one(spec, args.out))
    manifest = {
        "script_sha256": script_hash(),
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "models": entries,
    }
    tmp = os.path.join(args.out, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
    os.replace(tmp, os.path.join(args.out, "manifest.json"))
    print("exported %d models to %s" % (len(entries), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()

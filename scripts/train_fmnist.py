#!/usr/bin/python3
"""Train qinfer's embedded demo model: a small CNN on Fashion-MNIST.

Reads Debian's dataset-fashion-mnist IDX files (no network), trains with
PyTorch on the CPU, deterministically (fixed seeds, deterministic algorithms,
a fixed thread count), and writes into demo/:

  fmnist.onnx                    opset 13, input "input" N x 1 x 28 x 28
                                 float32 in [0, 1], output "logits" N x 10;
                                 dynamic batch dimension
  t1k-images-idx3-ubyte.gz       the first 1,000 test images (uint8, IDX)
  t1k-labels-idx1-ubyte.gz       their labels (IDX)

Preprocessing lives INSIDE the model: the graph starts with
(input - 0.2860) / 0.3530, so callers feed raw pixels / 255 and need no
--preprocess. BatchNormalization nodes are kept in the exported graph
(TrainingMode.PRESERVE on an eval-mode model skips PyTorch's Conv+BN fusion),
so the quantizer's BN folding has something to do.

Usage: /usr/bin/python3 scripts/train_fmnist.py [--epochs N] [--threads N]
It prints the fp32 top-1 accuracy on the full 10k test set and on the first
1,000 images; copy them into demo/README.md and demo/demo.go.
"""

import argparse
import gzip
import io
import os
import random
import struct
import sys
import time

import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "demo")


def read_idx(path):
    """Return the IDX array at path (gzipped or not) as a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        b = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", b[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not a uint8 IDX file")
    dims = struct.unpack(">" + "I" * ndim, b[4 : 4 + 4 * ndim])
    data = np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(dims)


def write_idx_gz(path, arr):
    """Write a uint8 array as a gzipped IDX file, byte-for-byte reproducible."""
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    head = struct.pack(">HBB", 0, 0x08, arr.ndim)
    head += struct.pack(">" + "I" * arr.ndim, *arr.shape)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as g:
        g.write(head + arr.tobytes())
    with open(path, "wb") as f:
        f.write(buf.getvalue())


class Net(nn.Module):
    """Three conv+BN+ReLU blocks (28->28->14->7), global average pooling, one linear layer."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(16)
        self.c2 = nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(32)
        self.c3 = nn.Conv2d(32, 64, 3, stride=2, padding=1, bias=False)
        self.b3 = nn.BatchNorm2d(64)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = (x - MEAN) / STD
        x = F.relu(self.b1(self.c1(x)))
        x = F.relu(self.b2(self.c2(x)))
        x = F.relu(self.b3(self.c3(x)))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


def accuracy(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            pred = model(x[i : i + batch]).argmax(1)
            correct += (pred == y[i : i + batch]).sum().item()
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=88)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)

    t0 = time.time()
    xtr = read_idx(f"{DATA}/train-images-idx3-ubyte.gz")
    ytr = read_idx(f"{DATA}/train-labels-idx1-ubyte.gz")
    xte = read_idx(f"{DATA}/t10k-images-idx3-ubyte.gz")
    yte = read_idx(f"{DATA}/t10k-labels-idx1-ubyte.gz")
    to_x = lambda a: torch.from_numpy(a.astype(np.float32) / 255.0).unsqueeze(1)
    xtr, xte = to_x(xtr), to_x(xte)
    ytr, yte = torch.from_numpy(ytr.astype(np.int64)), torch.from_numpy(yte.astype(np.int64))

    model = Net()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    steps = args.epochs * ((len(xtr) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    gen = torch.Generator().manual_seed(args.seed)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        total = 0.0
        for i in range(0, len(xtr), args.batch):
            idx = perm[i : i + args.batch]
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx], label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        acc = accuracy(model, xte, yte)
        print(f"epoch {epoch + 1:2d}  loss {total / len(xtr):.4f}  test top-1 {acc * 100:.2f}%  "
              f"({time.time() - t0:.0f}s)", flush=True)

    model.eval()
    acc10k = accuracy(model, xte, yte)
    acc1k = accuracy(model, xte[:1000], yte[:1000])
    correct1k = round(acc1k * 1000)

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "fmnist.onnx")
    # The constant-folding warning concerns models in training mode; ours is in
    # eval mode, PRESERVE only keeps BatchNormalization unfused.
    warnings.filterwarnings("ignore", message=".*constant folding.*")
    torch.onnx.export(
        model,
        torch.zeros(1, 1, 28, 28),
        onnx_path,
        opset_version=13,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=True,
    )
    raw_te = read_idx(f"{DATA}/t10k-images-idx3-ubyte.gz")[:1000]
    raw_lb = read_idx(f"{DATA}/t10k-labels-idx1-ubyte.gz")[:1000]
    write_idx_gz(os.path.join(args.out, "t1k-images-idx3-ubyte.gz"), raw_te)
    write_idx_gz(os.path.join(args.out, "t1k-labels-idx1-ubyte.gz"), raw_lb)

    try:
        import onnx

        m = onnx.load(onnx_path)
        onnx.checker.check_model(m)
        ops = sorted({n.op_type for n in m.graph.node})
        print(f"onnx: opset {m.opset_import[0].version}, ops {ops}")
    except ImportError:
        pass
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes)")
    print(f"fp32 top-1 on full 10k test set: {acc10k * 100:.2f}%")
    print(f"fp32 top-1 on first 1,000 test images: {acc1k * 100:.1f}% ({correct1k}/1000)")
    print(f"total time {time.time() - t0:.0f}s on {args.threads} threads")
    return 0


if __name__ == "__main__":
    sys.exit(main())

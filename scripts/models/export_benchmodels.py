#!/usr/bin/python3
"""Export the models `make bench` (scripts/bench.sh) measures.

Usage: /usr/bin/python3 scripts/models/export_benchmodels.py [--out DIR] [--only NAME ...] [--force]

Writes to DIR (default .cache/bench at the repository root), opset 13, fp32:

    resnet18.onnx        ResNet-18 (torchvision layout, written out here),
                         input "x" 1x3x224x224, output "logits" 1x1000
    mobilenetv2.onnx     MobileNetV2 (width 1.0, torchvision layout),
                         input "x" 1x3x224x224, output "logits" 1x1000
    matmul4_<K>.onnx     a transformer-style stack of 4 plain MatMuls y = x @ W
                         (W: KxK) for K in 1024, 2048, 4096; input "x" is
                         [1, seq, K] with symbolic dim "seq" (export size 1),
                         output "y". The float source for int4 weight tests.

Weights are random with fixed seeds (no network, no pretrained weights):
enough for speed measurements, meaningless as classifiers. BatchNorm layers
get non-trivial statistics so folding them is real work. Existing files are
kept unless --force. Needs Debian's python3-torch (no torchvision).
"""

import argparse
import os
import sys
import warnings

import torch
import torch.nn as nn

torch.set_num_threads(1)

OPSET = 13


def _randomize_bn(m, seed):
    g = torch.Generator().manual_seed(seed)
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            n = mod.num_features
            mod.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            mod.running_var.copy_(torch.rand(n, generator=g) * 0.5 + 0.75)
            mod.weight.data.copy_(torch.rand(n, generator=g) * 0.5 + 0.75)
            mod.bias.data.copy_(torch.randn(n, generator=g) * 0.1)


# --------------------------------------------------------------------------
# ResNet-18 (He et al. 2015; layer names as in torchvision.models.resnet18)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + idt)


class ResNet18(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        layers, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            layers.append(nn.Sequential(BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)))
            cin = cout
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# --------------------------------------------------------------------------
# MobileNetV2 (Sandler et al. 2018; torchvision's layout, width 1.0)


def _conv_bn(cin, cout, k, stride, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6(inplace=True))
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.use_res = stride == 1 and cin == cout
        layers = []
        if expand != 1:
            layers.append(_conv_bn(cin, hidden, 1, 1))
        layers.append(_conv_bn(hidden, hidden, 3, stride, groups=hidden))
        layers.append(_conv_bn(hidden, cout, 1, 1, act=False))
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        y = self.conv(x)
        return x + y if self.use_res else y


class MobileNetV2(nn.Module):
    # (expansion t, channels c, repeats n, first stride s)
    CFG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self, num_classes=1000):
        super().__init__()
        layers, cin = [_conv_bn(3, 32, 3, 2)], 32
        for t, c, n, s in self.CFG:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(_conv_bn(cin, 1280, 1, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")

    def forward(self, x):
        x = self.features(x)
        x = nn.functional.adaptive_avg_pool2d(x, 1)
        return self.classifier(torch.flatten(x, 1))


# --------------------------------------------------------------------------
# Transformer-style MatMul stack


class MatMulStack(nn.Module):
    def __init__(self, k, layers=4):
        super().__init__()
        # std 1/sqrt(K) keeps activations of unit scale through the stack.
        self.w = nn.ParameterList([nn.Parameter(torch.randn(k, k) / k**0.5) for _ in range(layers)])

    def forward(self, x):
        for w in self.w:
            x = torch.matmul(x, w)
        return x


# --------------------------------------------------------------------------


def _specs():
    specs = [
        dict(name="resnet18", build=ResNet18, shape=(1, 3, 224, 224), out="logits", dyn=None),
        dict(name="mobilenetv2", build=MobileNetV2, shape=(1, 3, 224, 224), out="logits", dyn=None),
    ]
    for k in (1024, 2048, 4096):
        specs.append(dict(name="matmul4_%d" % k, build=lambda k=k: MatMulStack(k), shape=(1, 1, k), out="y",
                          dyn={"x": {1: "seq"}, "y": {1: "seq"}}))
    return specs


def export(spec, outdir, force):
    path = os.path.join(outdir, spec["name"] + ".onnx")
    if os.path.exists(path) and not force:
        print("kept     %s" % path)
        return
    torch.manual_seed(20240611)
    model = spec["build"]()
    _randomize_bn(model, 1234)
    model.eval()
    x = torch.randn(*spec["shape"], generator=torch.Generator().manual_seed(7))
    tmp = path + ".tmp"
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (x,), tmp, input_names=["x"], output_names=[spec["out"]],
                          dynamic_axes=spec["dyn"], opset_version=OPSET, do_constant_folding=True)
    os.replace(tmp, path)
    print("exported %s (%.1f MB)" % (path, os.path.getsize(path) / 1e6))


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(root, ".cache", "bench"))
    ap.add_argument("--only", nargs="*", help="model names to export")
    ap.add_argument("--force", action="store_true", help="overwrite existing files")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    specs = _specs()
    names = [s["name"] for s in specs]
    for n in a.only or []:
        if n not in names:
            sys.exit("export_benchmodels.py: unknown model %r (have: %s)" % (n, ", ".join(names)))
    for s in specs:
        if not a.only or s["name"] in a.only:
            export(s, a.out, a.force)


if __name__ == "__main__":
    main()

"""Writes the ONNX backbones of DML4J's import tests (tribuo-extensions/src/test/resources/onnx/).

Two randomly initialized networks (no downloads), exported from PyTorch with torch.onnx.export at opset 13:
  * resnet18-narrow.onnx: ResNet-18's topology (7x7/2 stem, 3x3/2 max pooling, four stages of two BasicBlocks,
    1x1/2 downsampling shortcuts, global average pooling, a linear layer) with widths 8, 16, 32, 64 over 1x28x28 input;
  * mobilenet-small.onnx: a MobileNetV2-style network (3x3/2 stem, inverted residual blocks: 1x1 expansion,
    depthwise 3x3 with groups = channels, one of them dilated, ReLU6, 1x1 projection, residual Add where the shapes
    match), global average pooling and a linear layer over 1x28x28 input.
Batch-norm running statistics are randomized too, so inference-mode batch normalization is exercised. The graphs keep
their BatchNormalization nodes (exported in training mode with constant folding off, then the training outputs are
not used) and flatten with torch.flatten (an ONNX Flatten node).

  .bench-venv/bin/python experiments/bench/onnx_backbones.py [OUTPUT_DIR]
"""
import sys
from pathlib import Path

import torch
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet18(nn.Module):
    def __init__(self, widths=(8, 16, 32, 64), out=32):
        super().__init__()
        self.conv1 = nn.Conv2d(1, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            stride = 1 if i == 0 else 2
            layers.append(nn.Sequential(BasicBlock(cin, w, stride), BasicBlock(w, w, 1)))
            cin = w
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(widths[-1], out)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand, dilation=1):
        super().__init__()
        hidden = cin * expand
        self.use_residual = stride == 1 and cin == cout
        self.block = nn.Sequential(
            nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(),
            nn.Conv2d(hidden, hidden, 3, stride, dilation, dilation=dilation, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden), nn.ReLU6(),
            nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.block(x)
        return x + out if self.use_residual else out


class MobileNetSmall(nn.Module):
    def __init__(self, out=24):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.blocks = nn.Sequential(
            InvertedResidual(8, 8, 1, 2),
            InvertedResidual(8, 16, 2, 3),
            InvertedResidual(16, 16, 1, 3, dilation=2),
            InvertedResidual(16, 24, 2, 3))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(24, out)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))


def randomize_batch_norm(model, generator):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=generator) * 0.1)


def export(model, path):
    generator = torch.Generator().manual_seed(7)
    with torch.no_grad():
        randomize_batch_norm(model, generator)
    model.eval()
    # TrainingMode.PRESERVE on an eval-mode model keeps BatchNormalization nodes (TrainingMode.EVAL folds them into
    # the convolutions); constant folding off keeps every weight an initializer of its own node.
    torch.onnx.export(model, torch.randn(2, 1, 28, 28), str(path), opset_version=13,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    print(path, path.stat().st_size, "bytes")


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tribuo-extensions/src/test/resources/onnx")
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(17)
    export(ResNet18(), out / "resnet18-narrow.onnx")
    torch.manual_seed(18)
    export(MobileNetSmall(), out / "mobilenet-small.onnx")


if __name__ == "__main__":
    main()

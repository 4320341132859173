"""The networks the ONNX import is tested on, written here from their papers (no torchvision,
nothing downloaded; random weights) and exported by torch.onnx.export.

- vgg16: VGG-16 with batch norm as configs/workloads/vgg16-imagenet.yaml describes it (13 conv
  3x3 pad 1 + BN + ReLU, five 2x2 max-pools, global average pool, FC 512 -> 1000).
- resnet18_cifar: ResNet-18 for 32x32 images as configs/workloads/resnet18-cifar10.yaml
  (3x3 stem, no max-pool, 1x1 stride-2 projection shortcuts).
- resnet18_imagenet: He et al.'s ResNet-18 (7x7 stride-2 stem, 3x3 stride-2 max-pool pad 1).
- mobilenet_v2: Sandler et al.'s MobileNetV2 (inverted residuals, depthwise 3x3, ReLU6,
  dropout 0.2 before the classifier).
"""

import torch
from torch import nn


def conv_bn_relu(cin, cout, k, stride=1, pad=0):
    return [nn.Conv2d(cin, cout, k, stride, pad, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class Vgg16(nn.Module):
    CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]

    def __init__(self, classes=1000):
        super().__init__()
        layers, cin = [], 3
        for v in self.CFG:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += conv_bn_relu(cin, v, 3, 1, 1)
                cin = v
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        shortcut = self.proj(x) if self.proj is not None else x
        return torch.relu(out + shortcut)


class ResNet18(nn.Module):
    def __init__(self, imagenet, classes):
        super().__init__()
        if imagenet:
            self.stem = nn.Sequential(*conv_bn_relu(3, 64, 7, 2, 3), nn.MaxPool2d(3, 2, 1))
        else:
            self.stem = nn.Sequential(*conv_bn_relu(3, 64, 3, 1, 1))
        blocks, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            blocks += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = []
        if expand != 1:
            layers += [nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(inplace=True)]
        layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden),
                   nn.ReLU6(inplace=True), nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNetV2(nn.Module):
    # (expansion t, channels c, repeats n, first stride s): Sandler et al., CVPR 2018, Table 2
    CFG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self, classes=1000):
        super().__init__()
        layers = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6(inplace=True)]
        cin = 32
        for t, c, n, s in self.CFG:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers += [nn.Conv2d(cin, 1280, 1, bias=False), nn.BatchNorm2d(1280), nn.ReLU6(inplace=True)]
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def build(name):
    torch.manual_seed(0)
    if name == "vgg16":
        return Vgg16(), (1, 3, 224, 224)
    if name == "resnet18_cifar":
        return ResNet18(False, 10), (1, 3, 32, 32)
    if name == "resnet18_imagenet":
        return ResNet18(True, 1000), (1, 3, 224, 224)
    if name == "mobilenet_v2":
        return MobileNetV2(), (1, 3, 224, 224)
    raise KeyError(name)


def export(module, input_shape, path):
    """Export in training mode: eval-mode export folds batch norm into the conv before it,
    and ftsim trains the batch norm as a layer of its own."""
    module.train()
    torch.onnx.export(module, torch.randn(*input_shape), path, input_names=["image"], output_names=["logits"],
                      training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False, opset_version=14)

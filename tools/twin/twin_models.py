"""PyTorch twins of pairnet zoo models, with pairnet's parameter names (so a kit's initial.safetensors loads strictly).
Each forward returns (main, digits) with digits = (first, second) digit logits or None. A twin is checked before it
trains: its initial test loss must equal pairnet's (tools/twin/twin.py), so a wrong definition cannot pass silently."""
from collections import OrderedDict

import torch
from torch import nn


def shared_pair(branch, x):
    """pairnet's PairShared: the branch runs once on the 2B images, first images then second ones."""
    b = x.shape[0]
    y = branch(torch.cat([x[:, 0:1], x[:, 1:2]], 0)).reshape(2 * b, -1)
    return torch.cat([y[:b], y[b:]], 1)


class PairShared(nn.Module):
    def __init__(self, branch):
        super().__init__()
        self.branch = branch

    def forward(self, x):
        return shared_pair(self.branch, x)


def conv_stack(in_channels, p):
    """Report 000's convolutions: conv 12, ReLU, conv 32, ReLU, max pool 2, dropout, flatten -> 800."""
    return [("conv1", nn.Conv2d(in_channels, 12, 3)), ("relu1", nn.ReLU()), ("conv2", nn.Conv2d(12, 32, 3)),
            ("relu2", nn.ReLU()), ("pool", nn.MaxPool2d(2)), ("drop1", nn.Dropout(p)), ("flatten", nn.Flatten())]


class ColumnsNet(nn.Module):
    """FCNet / ConvNet: a front ending in a 20-unit layer (digit logits = its columns 0..9 and 10..19), then the
    ReLU -> Linear(20, 2) comparison."""

    def __init__(self, front, relu_name):
        super().__init__()
        for name, m in front:
            self.add_module(name, m)
        self.front_names = [name for name, _ in front]
        self.relu_name = relu_name
        self.fc3 = nn.Linear(20, 2)

    def forward(self, x):
        for name in self.front_names:
            x = getattr(self, name)(x)
        return self.fc3(torch.relu(x)), (x[:, :10], x[:, 10:])


def fcnet(o):
    p = o["dropout"]
    return ColumnsNet([("flatten", nn.Flatten()), ("fc1", nn.Linear(392, 200)), ("relu1", nn.ReLU()),
                       ("drop1", nn.Dropout(p)), ("fc2", nn.Linear(200, 20))], "relu2")


def convnet(o):
    p = o["dropout"]
    return ColumnsNet(conv_stack(2, p) + [("fc1", nn.Linear(800, 100)), ("relu3", nn.ReLU()), ("drop2", nn.Dropout(p)),
                                          ("fc2", nn.Linear(100, 20))], "relu4")


class SepNet(nn.Module):
    """ConvSepNet / FinalNet: a shared DigitNet per image -> 10 + 10 logits, then 20-10-2."""

    def __init__(self, hidden, p):
        super().__init__()
        entries = conv_stack(1, p)
        width = 800
        for i, h in enumerate(hidden):
            entries += [(f"fc{i + 1}", nn.Linear(width, h)), (f"relu{i + 3}", nn.ReLU()), (f"drop{i + 2}", nn.Dropout(p))]
            width = h
        entries.append((f"fc{len(hidden) + 1}", nn.Linear(width, 10)))
        self.digitnet = PairShared(nn.Sequential(OrderedDict(entries)))
        self.fc1, self.fc2 = nn.Linear(20, 10), nn.Linear(10, 2)

    def forward(self, x):
        d = self.digitnet(x)
        return self.fc2(torch.relu(self.fc1(d))), (d[:, :10], d[:, 10:])


def default_comparator(builder):
    def build(o):
        if o.get("comparator", "learned") != "learned":
            raise ValueError(f"twin: comparator {o['comparator']!r} has no PyTorch twin yet")
        return builder(o)
    return build


MODELS = {
    "fcnet": default_comparator(fcnet),
    "convnet": default_comparator(convnet),
    "convsepnet": default_comparator(lambda o: SepNet([100], o["dropout"])),
    "finalnet": default_comparator(lambda o: SepNet([400, 100], o["dropout"])),
}

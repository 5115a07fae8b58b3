"""PyTorch twins of pairnet zoo models, with pairnet's parameter names (so a kit's initial.safetensors loads strictly).
Each forward returns (main, digits) with digits = (first, second) digit logits or None. A twin is checked before it
trains: its initial test loss must equal pairnet's (tools/twin/twin.py), so a wrong definition cannot pass silently."""
from collections import OrderedDict

import torch
import torch.nn.functional as F
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

    head_modules = ["fc3"]

    def pair_digits(self, x):
        for name in self.front_names:
            x = getattr(self, name)(x)
        return x

    def forward(self, x):
        d = self.pair_digits(x)
        return self.fc3(torch.relu(d)), (d[:, :10], d[:, 10:])


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

    head_modules = ["fc1", "fc2"]

    def pair_digits(self, x):
        return self.digitnet(x)

    def forward(self, x):
        d = self.digitnet(x)
        return self.fc2(torch.relu(self.fc1(d))), (d[:, :10], d[:, 10:])


class Probabilistic(nn.Module):
    """The parameter-free probabilistic comparison on a model's [B, 20] digit logits: log P(first > second),
    log P(first <= second) from the two digit softmaxes (float64, floored at 1e-30 as pairnet's head), NLL main loss.
    The wrapped model's learned head is removed, so the state_dict holds pairnet's names only."""

    def __init__(self, inner):
        super().__init__()
        for name in list(inner.head_modules):
            delattr(inner, name)
        self.inner = inner
        self.register_buffer("le_mask", torch.triu(torch.ones(10, 10, dtype=torch.float64)), persistent=False)

    def forward(self, x):
        d = self.inner.pair_digits(x)
        p, q = torch.softmax(d[:, :10].double(), 1), torch.softmax(d[:, 10:].double(), 1)
        joint = p[:, :, None] * q[:, None, :]
        le = (joint * self.le_mask).sum(dim=(1, 2)).clamp_min(1e-30)
        gt = (joint * (1 - self.le_mask)).sum(dim=(1, 2)).clamp_min(1e-30)
        return torch.stack([gt.log(), le.log()], 1).float(), (d[:, :10], d[:, 10:])

    def state_dict(self, *args, **kwargs):
        return self.inner.state_dict(*args, **kwargs)

    def load_state_dict(self, state, strict=True):
        return self.inner.load_state_dict(state, strict)


def default_comparator(builder):
    """A model with the report's learned comparison head, or with comparator=probabilistic the parameter-free one."""
    def build(o):
        comparator = o.get("comparator", "learned")
        if comparator == "probabilistic":
            return Probabilistic(builder(o))
        if comparator != "learned":
            raise ValueError(f"twin: comparator {comparator!r}")
        return builder(o)
    return build


def seq(*entries):
    """nn.Sequential with pairnet's entry names (entries that are None are left out, as pairnet's layers() does)."""
    return nn.Sequential(OrderedDict((name, m) for name, m in entries if m is not None))


class PairSeparate(nn.Module):
    """pairnet's PairSeparate: `first` on the first image, `second` on the second, outputs side by side."""

    def __init__(self, first, second):
        super().__init__()
        self.first, self.second = first, second

    def forward(self, x):
        return torch.cat([self.first(x[:, 0:1]), self.second(x[:, 1:2])], 1)


class DigitsThenHead(nn.Module):
    """A pair stage giving [B, 20] digit logits (columns 0..9 first image) followed by a comparison head."""

    def __init__(self, pair_name, pair, head_entries):
        super().__init__()
        self.pair_name = pair_name
        self.add_module(pair_name, pair)
        self.head_names = [name for name, m in head_entries if m is not None]
        for name, m in head_entries:
            if m is not None:
                self.add_module(name, m)

    @property
    def head_modules(self):
        return self.head_names

    def pair_digits(self, x):
        return getattr(self, self.pair_name)(x)

    def forward(self, x):
        d = getattr(self, self.pair_name)(x)
        y = d
        for name in self.head_names:
            y = getattr(self, name)(y)
        return y, (d[:, :10], d[:, 10:])


class Plain(nn.Module):
    """A single network on the 2-channel pair, no digit outputs."""

    def __init__(self, *entries):
        super().__init__()
        self.net = seq(*entries)

    def forward(self, x):
        return self.net(x), None

    def state_dict(self, *args, **kwargs):  # pairnet names the layers at the top level
        return self.net.state_dict(*args, **kwargs)

    def load_state_dict(self, state, strict=True):
        return self.net.load_state_dict(state, strict)


# Report 004: digit CNNs (Adadelta), weight sharing, batch norm, dropout, auxiliary losses on the digit layer.
def digit_convs(in_channels, bn):
    return [("conv1", nn.Conv2d(in_channels, 32, 3)), ("bn1", nn.BatchNorm2d(32) if bn else None), ("pool1", nn.MaxPool2d(2)),
            ("relu1", nn.ReLU()), ("conv2", nn.Conv2d(32, 64, 3)), ("bn2", nn.BatchNorm2d(64) if bn else None),
            ("pool2", nn.MaxPool2d(2)), ("relu2", nn.ReLU()), ("flatten", nn.Flatten())]


def digitcnn_basic(o):
    return Plain(*digit_convs(2, False), ("fc1", nn.Linear(256, 204)), ("relu3", nn.ReLU()), ("fc2", nn.Linear(204, 2)))


def digitcnn_ws(o):
    if o["auxAt"] != "late":
        raise ValueError("twin: digitcnn-ws with auxAt=early has no twin yet")
    branch = seq(*digit_convs(1, o["batchNorm"]), ("drop1", nn.Dropout(0.1) if o["dropout"] else None),
                 ("fc1", nn.Linear(256, 204)), ("relu3", nn.ReLU()), ("drop2", nn.Dropout(0.2) if o["dropout"] else None),
                 ("fc2", nn.Linear(204, 10)))
    return DigitsThenHead("branch", PairShared(branch), [("fc3", nn.Linear(20, 146)), ("relu4", nn.ReLU()), ("fc4", nn.Linear(146, 2))])


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = seq(("conv1", nn.Conv2d(c, c, 3, padding=1)), ("bn1", nn.BatchNorm2d(c)), ("relu", nn.ReLU()),
                        ("conv2", nn.Conv2d(c, c, 3, padding=1)), ("bn2", nn.BatchNorm2d(c)))

    def forward(self, x):
        return torch.relu(self.body(x) + x)


def resnet_trunk(in_channels, c, blocks, pool):
    return seq(("conv", nn.Conv2d(in_channels, c, 3, padding=1)), ("bn", nn.BatchNorm2d(c)), ("relu", nn.ReLU()),
               ("blocks", nn.Sequential(*[ResidualBlock(c) for _ in range(blocks)])), ("pool", nn.AvgPool2d(pool)),
               ("flatten", nn.Flatten()))


def resnet_features(c, pool):
    return c * (14 // pool) ** 2


def resnet10_ws(o):
    c = o["channels"]
    branch = seq(("trunk", resnet_trunk(1, c, o["blocks"], 14)), ("fc", nn.Linear(c, 10)))
    return DigitsThenHead("branch", PairShared(branch), [("relu", nn.ReLU()), ("fc_out", nn.Linear(20, 2))])


# Report 003: MLP / CNN / ResNet, plain, Siamese, Aux (separate branches), AuxSiamese; BCE on two sigmoid outputs.
def bce_trunk(arch, in_channels, o):
    if arch == "mlp":
        return [("flatten", nn.Flatten()), ("fc1", nn.Linear(196 * in_channels, 160)), ("relu1", nn.ReLU())], 160
    if arch == "cnn":
        return [("conv1", nn.Conv2d(in_channels, 32, 3)), ("pool1", nn.MaxPool2d(2)), ("relu1", nn.ReLU()),
                ("conv2", nn.Conv2d(32, 64, 3)), ("pool2", nn.MaxPool2d(2)), ("relu2", nn.ReLU()), ("flatten", nn.Flatten()),
                ("fc1", nn.Linear(256, 200)), ("relu3", nn.ReLU())], 200
    return [("resnet", resnet_trunk(in_channels, o["channels"], o["blocks"], o["pool"]))], resnet_features(o["channels"], o["pool"])


class SoftmaxedDigits(nn.Module):
    """A branch whose digit logits are returned both raw (the auxiliary loss) and softmaxed (the comparison input)."""

    def __init__(self, entries):
        super().__init__()
        self.net = seq(*entries)

    def forward(self, x):
        logits = self.net(x)
        return logits, logits.softmax(1)


class BceAux(nn.Module):
    def __init__(self, arch, o, shared):
        super().__init__()
        make = lambda: SoftmaxedDigits(bce_trunk(arch, 1, o)[0] + [("fc_digits", nn.Linear(bce_trunk(arch, 1, o)[1], 10))])
        self.shared = shared
        self.branches = nn.ModuleDict({"branch": make()} if shared else {"first": make(), "second": make()})
        self.fc_out = nn.Linear(20, 2)

    def forward(self, x):
        if self.shared:
            b = x.shape[0]
            logits, soft = self.branches["branch"](torch.cat([x[:, 0:1], x[:, 1:2]], 0))
            d1, d2, s = logits[:b], logits[b:], torch.cat([soft[:b], soft[b:]], 1)
        else:
            (d1, s1), (d2, s2) = self.branches["first"](x[:, 0:1]), self.branches["second"](x[:, 1:2])
            s = torch.cat([s1, s2], 1)
        return self.fc_out(s), (d1, d2)

    def state_dict(self, *args, **kwargs):
        return _strip(super().state_dict(*args, **kwargs), ".net.")

    def load_state_dict(self, state, strict=True):
        return super().load_state_dict(_unstrip(state, self), strict)


def _strip(state, part):
    return OrderedDict((k.replace(part, "."), v) for k, v in state.items())


def _unstrip(state, module):
    own = {k.replace(".net.", "."): k for k in nn.Module.state_dict(module).keys()}
    return OrderedDict((own.get(k, k), v) for k, v in state.items())


class BceResnetAux(nn.Module):
    """003's AuxResNet: two separate trunks, ONE digit classifier for both images (the parameter count implies it)."""

    def __init__(self, o):
        super().__init__()
        trunk = lambda: nn.ModuleDict({"resnet": bce_trunk("resnet", 1, o)[0][0][1]})
        width = resnet_features(o["channels"], o["pool"])
        self.branches = nn.ModuleDict({"trunks": nn.ModuleDict({"first": trunk(), "second": trunk()}), "fc_digits": nn.Linear(width, 10)})
        self.fc_out = nn.Linear(20, 2)

    def forward(self, x):
        t, fc = self.branches["trunks"], self.branches["fc_digits"]
        d1, d2 = fc(t["first"]["resnet"](x[:, 0:1])), fc(t["second"]["resnet"](x[:, 1:2]))
        return self.fc_out(torch.cat([d1.softmax(1), d2.softmax(1)], 1)), (d1, d2)


def bce_plain(arch, o):
    entries, width = bce_trunk(arch, 2, o)
    if arch == "mlp":
        tail = [("fc2", nn.Linear(160, 64)), ("relu2", nn.ReLU()), ("fc3", nn.Linear(64, 2))]
    elif arch == "cnn":
        tail = [("fc2", nn.Linear(200, 10)), ("relu4", nn.ReLU()), ("fc3", nn.Linear(10, 2))]
    else:
        tail = [("fc", nn.Linear(width, 2))]
    return Plain(*entries, *tail)


def bce_siamese(arch, o):
    entries, width = bce_trunk(arch, 1, o)
    branch = seq(*entries, ("fc_digits", nn.Linear(width, 10)))
    return DigitsThenHead("branches", PairShared(branch), [("relu", nn.ReLU()), ("fc_out", nn.Linear(20, 2))])


def bce(arch, variant):
    def build(o):
        if variant == "plain":
            return bce_plain(arch, o)
        if variant == "siamese":
            return bce_siamese(arch, o)
        if variant == "aux" and arch == "resnet":
            return BceResnetAux(o)
        return BceAux(arch, o, shared=variant == "aux-siamese")
    return build


# Report 001: LeakyReLU CNNs (model_0..2), weight sharing (WS), separate digit branches (AUX2).
def lrelu():
    return nn.LeakyReLU(0.01)


def cnn1(in_channels, out):
    return [("conv1", nn.Conv2d(in_channels, 16, 2, padding=1)), ("act1", lrelu()), ("conv2", nn.Conv2d(16, 32, 2)),
            ("act2", lrelu()), ("pool", nn.MaxPool2d(2)), ("act3", lrelu()), ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(1568, 16)), ("act4", lrelu()), ("fc2", nn.Linear(16, out))]


def cnn2(in_channels, out, p):
    tail = ([("fc2", nn.Linear(64, 12)), ("drop", nn.Dropout(p)), ("fc3", nn.Linear(12, 2))] if out == 2
            else [("fc2", nn.Linear(64, out))])
    return [("conv1", nn.Conv2d(in_channels, 32, 2)), ("act1", lrelu()), ("conv2", nn.Conv2d(32, 64, 2)), ("act2", lrelu()),
            ("pool", nn.MaxPool2d(2)), ("conv3", nn.Conv2d(64, 128, 2)), ("act3", lrelu()), ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(3200, 64)), ("act4", lrelu())] + tail


def leaky(deep, mode):
    def build(o):
        p = o.get("dropout", 0.5)
        branch = (lambda i, out: seq(*cnn2(i, out, p))) if deep else (lambda i, out: seq(*cnn1(i, out)))
        if mode == "plain":
            return Plain(*(cnn2(2, 2, p) if deep else cnn1(2, 2)))
        pair = PairShared(branch(1, 10)) if mode == "ws" else PairSeparate(branch(1, 10), branch(1, 10))
        head = ([("act", lrelu()), ("fc1", nn.Linear(20, 12)), ("drop", nn.Dropout(p)), ("fc2", nn.Linear(12, 2))] if deep
                else [("act", lrelu()), ("fc", nn.Linear(20, 2))])
        return DigitsThenHead("branches", pair, head)
    return build


class LeakyCnn2Aux1(nn.Module):
    """001's model_2 AUX1: model_2 with a second comparison head after conv2 (pool, 2304-16-2). forward returns
    (main, None) and leaves the head's output in self.aux_main (scored like main, weighted by loss.aux)."""

    def __init__(self, p):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(2, 32, 2), nn.Conv2d(32, 64, 2)
        self.aux1 = nn.ModuleDict({"head": seq(("pool", nn.MaxPool2d(2)), ("act1", lrelu()), ("flatten", nn.Flatten()),
                                               ("fc1", nn.Linear(2304, 16)), ("act2", lrelu()), ("fc2", nn.Linear(16, 2)))})
        self.conv3 = nn.Conv2d(64, 128, 2)
        self.fc1, self.fc2, self.drop, self.fc3 = nn.Linear(3200, 64), nn.Linear(64, 12), nn.Dropout(p), nn.Linear(12, 2)
        self.aux_main = None

    def forward(self, x):
        x = F.leaky_relu(self.conv2(F.leaky_relu(self.conv1(x), 0.01)), 0.01)
        self.aux_main = self.aux1["head"](x)
        x = F.leaky_relu(self.conv3(F.max_pool2d(x, 2)), 0.01).flatten(1)
        return self.fc3(self.drop(self.fc2(F.leaky_relu(self.fc1(x), 0.01)))), None


def lrelu_mlp(o):
    return Plain(("flatten", nn.Flatten()), ("fc1", nn.Linear(392, 128)), ("act1", lrelu()), ("fc2", nn.Linear(128, 64)),
                 ("act2", lrelu()), ("fc3", nn.Linear(64, 2)))


# Report 002: Net1 (a ConvNet on the pair) and Net2 (a shared digit network + a comparison network), LogSoftmax + NLL.
def nll_convs(in_channels, p):
    return [("conv1", nn.Conv2d(in_channels, 10, 3)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(10, 20, 3)), ("relu2", nn.ReLU()), ("drop", nn.Dropout(p)), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten())]


def nll_convnet(o):
    return Plain(*nll_convs(2, o["dropout"]), ("fc1", nn.Linear(80, 50)), ("relu3", nn.ReLU()), ("fc2", nn.Linear(50, 10)),
                 ("relu4", nn.ReLU()), ("fc3", nn.Linear(10, 2)), ("logsoftmax", nn.LogSoftmax(1)))


def nll_siamese(o):
    digitnet = seq(*nll_convs(1, o["dropout"]), ("fc1", nn.Linear(80, 80)), ("relu3", nn.ReLU()), ("fc2", nn.Linear(80, 10)))
    comparison = seq(("fc1", nn.Linear(20, 50)), ("relu", nn.ReLU()), ("fc2", nn.Linear(50, 2)), ("logsoftmax", nn.LogSoftmax(1)))
    return DigitsThenHead("digitnet", PairShared(digitnet), [("comparison", comparison)])


MODELS = {
    "lrelu-mlp": lrelu_mlp,
    "lrelu-cnn1": leaky(False, "plain"),
    "lrelu-cnn1-ws": default_comparator(leaky(False, "ws")),
    "lrelu-cnn1-aux2": default_comparator(leaky(False, "aux2")),
    "lrelu-cnn2": leaky(True, "plain"),
    "lrelu-cnn2-ws": default_comparator(leaky(True, "ws")),
    "lrelu-cnn2-aux2": default_comparator(leaky(True, "aux2")),
    "lrelu-cnn2-aux1": lambda o: LeakyCnn2Aux1(o["dropout"]),
    "nll-convnet": nll_convnet,
    "nll-siamese": default_comparator(nll_siamese),
    "digitcnn-basic": digitcnn_basic,
    "digitcnn-ws": default_comparator(digitcnn_ws),
    "digitcnn-ws-dropout": default_comparator(digitcnn_ws),
    "digitcnn-ws-bn": default_comparator(digitcnn_ws),
    "digitcnn-ws-bn-dropout": default_comparator(digitcnn_ws),
    "resnet10-ws": default_comparator(resnet10_ws),
    **{f"bce-{arch}{'' if v == 'plain' else '-' + v}": (default_comparator(bce(arch, v)) if v == "siamese" else bce(arch, v))
       for arch in ("mlp", "cnn", "resnet") for v in ("plain", "siamese", "aux", "aux-siamese")},
    "fcnet": default_comparator(fcnet),
    "convnet": default_comparator(convnet),
    "convsepnet": default_comparator(lambda o: SepNet([100], o["dropout"])),
    "finalnet": default_comparator(lambda o: SepNet([400, 100], o["dropout"])),
}

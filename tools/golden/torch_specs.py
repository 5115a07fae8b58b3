"""Builds PyTorch modules from the JSON module specs shared with test/engine/golden-spec.ts.

A spec is a dict with a "type" and that type's arguments; the TypeScript side builds the matching
pairnet module from the same dict, so one fixture describes both models.
"""
import torch
from torch import nn


class Residual(nn.Module):
    """out = after(body(x) + shortcut(x)); children named as pairnet's Residual (body, shortcut, after)."""

    def __init__(self, body, shortcut=None, after=None):
        super().__init__()
        self.body = body
        if shortcut is not None:
            self.shortcut = shortcut
        if after is not None:
            self.after = after

    def forward(self, x):
        s = self.shortcut(x) if hasattr(self, "shortcut") else x
        y = self.body(x) + s
        return self.after(y) if hasattr(self, "after") else y


class PairShared(nn.Module):
    """pairnet's PairShared: the branch runs once on the 2B images stacked (first images, then second ones)."""

    def __init__(self, branch):
        super().__init__()
        self.branch = branch

    def forward(self, x):
        b = x.shape[0]
        stacked = torch.cat([x[:, 0:1], x[:, 1:2]], 0)
        y = self.branch(stacked).reshape(2 * b, -1)
        return torch.cat([y[:b], y[b:]], 1)


def build(spec):
    t = spec["type"]
    if t == "Linear":
        return nn.Linear(spec["in"], spec["out"], bias=spec.get("bias", True))
    if t == "Conv2d":
        return nn.Conv2d(spec["in"], spec["out"], spec["kernel"], stride=spec.get("stride", 1),
                         padding=spec.get("padding", 0), bias=spec.get("bias", True))
    if t == "MaxPool2d":
        return nn.MaxPool2d(spec["kernel"], spec.get("stride", spec["kernel"]))
    if t == "AvgPool2d":
        return nn.AvgPool2d(spec["kernel"], spec.get("stride", spec["kernel"]))
    if t in ("BatchNorm1d", "BatchNorm2d"):
        return getattr(nn, t)(spec["features"], momentum=spec.get("momentum", 0.1), eps=spec.get("eps", 1e-5))
    if t == "Dropout":
        return nn.Dropout(spec["p"])
    if t == "LeakyReLU":
        return nn.LeakyReLU(spec.get("slope", 0.01))
    if t in ("ReLU", "Tanh", "Sigmoid", "Flatten"):
        return getattr(nn, t)()
    if t in ("Softmax", "LogSoftmax"):
        return getattr(nn, t)(dim=1)
    if t == "Sequential":
        return nn.Sequential(*[build(child) for child in spec["children"]])
    if t == "Residual":
        return Residual(build(spec["body"]),
                        build(spec["shortcut"]) if "shortcut" in spec else None,
                        build(spec["after"]) if "after" in spec else None)
    if t == "PairShared":
        return PairShared(build(spec["branch"]))
    raise ValueError(f"unknown module spec type {t!r}")

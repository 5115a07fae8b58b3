"""PyTorch 1.13 twin of bench/zoo.ts: trains one zoo model, built from pairnet's module spec, timed per epoch.

    echo '{"spec": ..., "mainLoss": "ce", "aux": true, "pairs": 1000, "batch": 25, "epochs": 2}' \\
      | /usr/bin/python3 bench/zoo_torch.py --threads 1

The spec is pairnet's module tree (bench/zoo-spec.ts) in tools/golden/torch_specs.py's format, with the zoo's
containers added here. Loss as pairnet's trainer (src/training/pair-loss.ts): the main loss of the model's kind, plus
with "aux" 0.5 x the cross-entropy of every auxiliary output (digit logits, or 001's comparison head); Adam 1e-3, random
pairs of the course's shape. One warm-up epoch, then prints one JSON line {"parameters", "msPerEpoch", "medianMs", "cpuMsPerEpoch",
"medianCpuMs"} (CPU time of the whole process).
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "golden"))
import torch_specs  # noqa: E402


class AuxTap(nn.Module):
    """Passes its input on and keeps head(input) (or the input) as the auxiliary output of this step."""

    def __init__(self, head=None):
        super().__init__()
        self.head = head
        self.output = None

    def forward(self, x):
        self.output = self.head(x) if self.head is not None else x
        return x


class PairSeparate(nn.Module):
    def __init__(self, first, second):
        super().__init__()
        self.first, self.second = first, second

    def forward(self, x):
        return torch.cat([self.first(x[:, 0:1]).flatten(1), self.second(x[:, 1:2]).flatten(1)], 1)


class View(nn.Module):
    def __init__(self, shape, batch_factor):
        super().__init__()
        self.shape, self.batch_factor = shape, batch_factor

    def forward(self, x):
        return x.reshape(int(x.shape[0] * self.batch_factor), *self.shape)


class ProbabilisticComparison(nn.Module):
    """[log P(first > second), log P(first <= second)] from two digit softmaxes, as pairnet's."""

    def forward(self, x):
        p, q = torch.softmax(x[:, :10], 1), torch.softmax(x[:, 10:], 1)
        joint = p[:, :, None] * q[:, None, :]
        le = torch.triu(torch.ones(10, 10))
        pl = (joint * le).sum((1, 2)).clamp_min(1e-30)
        pg = (joint * (1 - le)).sum((1, 2)).clamp_min(1e-30)
        return torch.stack([pg.log(), pl.log()], 1)


def build(spec):
    t = spec["type"]
    if t == "AuxTap":
        return AuxTap(build(spec["head"]) if "head" in spec else None)
    if t == "PairSeparate":
        return PairSeparate(build(spec["first"]), build(spec["second"]))
    if t == "View":
        return View(spec["shape"], spec["batchFactor"])
    if t == "ProbabilisticComparison":
        return ProbabilisticComparison()
    if t == "Sequential":
        return nn.Sequential(*[build(c) for c in spec["children"]])
    if t == "Residual":
        return torch_specs.Residual(build(spec["body"]), build(spec["shortcut"]) if "shortcut" in spec else None,
                                    build(spec["after"]) if "after" in spec else None)
    if t == "PairShared":
        return torch_specs.PairShared(build(spec["branch"]))
    return torch_specs.build(spec)


def main_loss(kind):
    ce, nll, bce = nn.CrossEntropyLoss(), nn.NLLLoss(), nn.BCEWithLogitsLoss()
    if kind == "ce":
        return ce
    if kind == "nll":
        return nll
    if kind == "bce":
        return lambda out, target: bce(out.reshape(-1), target.float())
    return lambda out, target: bce(out, nn.functional.one_hot(target, 2).float())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    job = json.load(sys.stdin)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    pairs, batch = job["pairs"], job["batch"]
    x = torch.randn(pairs, 2, 14, 14)
    classes = torch.randint(0, 10, (pairs, 2))
    target = (classes[:, 0] <= classes[:, 1]).long()
    model = build(job["spec"])
    model.train()
    taps = [m for m in model.modules() if isinstance(m, AuxTap)] if job["aux"] else []
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_main, ce = main_loss(job["mainLoss"]), nn.CrossEntropyLoss()
    times, cpu_times = [], []
    for epoch in range(job["epochs"] + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        perm = torch.randperm(pairs)
        for i in range(0, pairs - batch + 1, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_main(model(x[idx]), target[idx])
            for tap in taps:
                out = tap.output
                if out.numel() == 2 * batch:
                    loss = loss + 0.5 * loss_main(out, target[idx])
                else:
                    digits = out.reshape(-1, 10)
                    loss = loss + 0.5 * ce(digits, classes[idx].reshape(-1)[:digits.shape[0]])
            loss.backward()
            opt.step()
        if epoch > 0:
            times.append((time.perf_counter() - start) * 1000)
            cpu_times.append((time.process_time() - cpu_start) * 1000)
    print(json.dumps({"parameters": sum(p.numel() for p in model.parameters()), "msPerEpoch": times, "medianMs": statistics.median(times), "cpuMsPerEpoch": cpu_times,
                      "medianCpuMs": statistics.median(cpu_times)}))


if __name__ == "__main__":
    main()

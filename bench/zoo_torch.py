"""PyTorch 1.13 side of bench/zoo.ts: trains one zoo model's PyTorch twin (tools/twin/twin_models.py, checked against
pairnet's outputs by tools/twin/check_models.py), timed per epoch.

    echo '{"model": "convsepnet", "options": {...}, "mainLoss": "ce", "aux": true, "pairs": 1000, "batch": 25,
           "epochs": 2}' | /usr/bin/python3 bench/zoo_torch.py --threads 1

Loss as pairnet's trainer (src/training/pair-loss.ts): the main loss of the model's kind, plus with "aux"
0.5 x (CE(first digit) + CE(second digit)); Adam 1e-3, random pairs of the course's shape, no evaluation. One warm-up
epoch, then prints one JSON line {"parameters", "msPerEpoch", "medianMs", "cpuMsPerEpoch", "medianCpuMs"} (CPU time
of the whole process); exits 3 when the model has no twin.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "twin"))
from twin_models import MODELS  # noqa: E402


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
    if job["model"] not in MODELS:
        sys.exit(3)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    pairs, batch = job["pairs"], job["batch"]
    x = torch.randn(pairs, 2, 14, 14)
    classes = torch.randint(0, 10, (pairs, 2))
    target = (classes[:, 0] <= classes[:, 1]).long()
    model = MODELS[job["model"]](job["options"])
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_main, ce = main_loss(job["mainLoss"]), nn.CrossEntropyLoss()
    times, cpu_times = [], []
    for epoch in range(job["epochs"] + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        perm = torch.randperm(pairs)
        for i in range(0, pairs - batch + 1, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            out, digits = model(x[idx])
            loss = loss_main(out, target[idx])
            if job["aux"] and digits is not None:
                loss = loss + 0.5 * (ce(digits[0], classes[idx, 0]) + ce(digits[1], classes[idx, 1]))
            loss.backward()
            opt.step()
        if epoch > 0:
            times.append((time.perf_counter() - start) * 1000)
            cpu_times.append((time.process_time() - cpu_start) * 1000)
    print(json.dumps({"parameters": sum(p.numel() for p in model.parameters()), "msPerEpoch": times,
                      "medianMs": statistics.median(times), "cpuMsPerEpoch": cpu_times,
                      "medianCpuMs": statistics.median(cpu_times)}))


if __name__ == "__main__":
    main()

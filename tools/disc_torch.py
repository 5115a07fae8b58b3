#!/usr/bin/env python3
"""The disc task's network (2 -> 25 -> 25 -> 25 -> 1 or 2, MSE, plain SGD with one lr drop) in PyTorch, for a side-by-side
with `pairnet disc`. Run it with Debian's PyTorch: /usr/bin/python3 tools/disc_torch.py [options].

Without --data it draws its own disc sets (1000 train / 1000 test points uniform in [0,1]^2, label 1 inside the
disc of centre (0.5, 0.5) and radius 1/sqrt(2*pi)). With --data FILE (written by `pairnet disc --compare-torch`)
it trains on exactly the sets pairnet used, one run per set. Prints one JSON object on stdout.
"""
import argparse
import json
import math
import sys
import time

import torch
from torch import nn


def make_disc(n, gen):
    x = torch.rand(n, 2, generator=gen)
    y = ((x - 0.5).pow(2).sum(1) < 1 / (2 * math.pi)).long()
    return x, y


def build(activation, outputs):
    act = nn.Tanh if activation == 'tanh' else nn.ReLU
    return nn.Sequential(
        nn.Linear(2, 25), act(), nn.Linear(25, 25), act(), nn.Linear(25, 25), act(), nn.Linear(25, outputs)
    )


def targets_for(y, outputs):
    if outputs == 1:
        return y.float().unsqueeze(1)
    return nn.functional.one_hot(y, 2).float()


def error_rate(model, x, y, outputs):
    with torch.no_grad():
        out = model(x)
        pred = (out[:, 0] > 0.5).long() if outputs == 1 else out.argmax(1)
        return (pred != y).float().mean().item()


def train_one(args, seed, train_x, train_y, test_x, test_y):
    torch.manual_seed(seed)
    if args.standardize:
        # One scalar mean and std over all training coordinates, as pairnet (and the course) does.
        mu, sd = train_x.mean(), train_x.std()
        train_x, test_x = (train_x - mu) / sd, (test_x - mu) / sd
    model = build(args.activation, args.outputs)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)
    decay_epoch = args.epochs // 2 if args.decay_epoch is None else args.decay_epoch
    milestones = [decay_epoch] if decay_epoch > 0 else []
    schedule = torch.optim.lr_scheduler.MultiStepLR(opt, milestones, gamma=args.decay_factor)
    loss_fn = nn.MSELoss()
    train_t = targets_for(train_y, args.outputs)
    n = train_x.shape[0]
    start = time.perf_counter()
    cpu_start = time.process_time()
    losses = []
    for _ in range(args.epochs):
        perm = torch.randperm(n)
        total = 0.0
        for b in range(0, n, args.batch_size):
            idx = perm[b:b + args.batch_size]
            opt.zero_grad()
            loss = loss_fn(model(train_x[idx]), train_t[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        schedule.step()
        losses.append(total / n)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    return {
        'seed': seed,
        'trainError': error_rate(model, train_x, train_y, args.outputs),
        'testError': error_rate(model, test_x, test_y, args.outputs),
        'finalLoss': losses[-1],
        'seconds': seconds,
        'cpuSeconds': cpu_seconds,
    }


def load_sets(path):
    with open(path) as f:
        doc = json.load(f)
    sets = []
    for i, s in enumerate(doc['sets']):
        tx = torch.tensor(s['trainX'], dtype=torch.float32).view(-1, 2)
        ex = torch.tensor(s['testX'], dtype=torch.float32).view(-1, 2)
        ty = torch.tensor(s['trainY'], dtype=torch.long)
        ey = torch.tensor(s['testY'], dtype=torch.long)
        if tx.shape[0] != ty.shape[0] or ex.shape[0] != ey.shape[0]:
            sys.exit(f'disc_torch.py: {path}: set {i} has mismatched point and label counts')
        sets.append((s.get('seed', i), tx, ty, ex, ey))
    return sets


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--epochs', type=int, default=100)
    p.add_argument('--lr', type=float, default=0.2)
    p.add_argument('--decay-epoch', type=int, default=None, help='lr *= decay-factor after this epoch (default epochs/2, 0 = constant)')
    p.add_argument('--decay-factor', type=float, default=0.1)
    p.add_argument('--no-standardize', dest='standardize', action='store_false')
    p.add_argument('--batch-size', type=int, default=10)
    p.add_argument('--activation', choices=['tanh', 'relu'], default='tanh')
    p.add_argument('--outputs', type=int, choices=[1, 2], default=1)
    p.add_argument('--runs', type=int, default=1, help='ignored with --data (one run per set)')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--data', help='JSON file {"sets": [{seed, trainX, trainY, testX, testY}, ...]}')
    p.add_argument('--threads', type=int, default=1, help='torch intra-op threads (pairnet runs on one thread)')
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    if args.data:
        sets = load_sets(args.data)
    else:
        sets = []
        for r in range(args.runs):
            gen = torch.Generator().manual_seed(args.seed + r)
            tx, ty = make_disc(1000, gen)
            ex, ey = make_disc(1000, gen)
            sets.append((args.seed + r, tx, ty, ex, ey))

    runs = [train_one(args, seed, tx, ty, ex, ey) for seed, tx, ty, ex, ey in sets]
    errors = [r['testError'] for r in runs]
    mean = sum(errors) / len(errors)
    std = math.sqrt(sum((e - mean) ** 2 for e in errors) / (len(errors) - 1)) if len(errors) > 1 else 0.0
    print(json.dumps({
        'torch': torch.__version__,
        'threads': args.threads,
        'config': {k: getattr(args, k) for k in ('epochs', 'lr', 'batch_size', 'activation', 'outputs', 'standardize', 'decay_epoch', 'decay_factor')},
        'runs': runs,
        'meanTestError': mean,
        'stdTestError': std,
        'meanSeconds': sum(r['seconds'] for r in runs) / len(runs),
        'meanCpuSeconds': sum(r['cpuSeconds'] for r in runs) / len(runs),
    }))


if __name__ == '__main__':
    main()

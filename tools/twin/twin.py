"""Trains a kit's run (tools/twin/export-kit.mjs) in PyTorch 1.13: the same pairs, the same initial weights, the
same minibatch order, the same optimizer, schedule and loss weights as pairnet; only dropout masks differ. Prints one
JSON line with PyTorch's final metrics beside pairnet's stored ones.

    /usr/bin/python3 tools/twin/twin.py KIT_DIR [--threads 1]

Before training it checks that the twin reproduces pairnet's initial test loss (relative 1e-4): a model definition
that differs from pairnet's fails there instead of producing a misleading number.
"""
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "golden"))
sys.path.insert(0, HERE)
import safetensors_io  # noqa: E402
from twin_models import MODELS  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        tensors, _ = safetensors_io.decode(f.read())
    return tensors


def main_loss(kind, out, target):
    if kind == "ce":
        return F.cross_entropy(out, target)
    if kind == "nll":
        return F.nll_loss(out, target)
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(out.reshape(-1), target.float())
    onehot = torch.stack([1 - target, target], 1).float()  # bce-onehot: both sigmoids against [1 - t, t]
    return F.binary_cross_entropy_with_logits(out, onehot)


def predict(kind, out):
    return (out.reshape(-1) > 0).long() if kind == "bce" else (out[:, 1] > out[:, 0]).long()


def aux_weight_at(loss, epoch, epochs):
    if loss["auxSchedule"] == "constant" or epochs == 1:
        return loss["aux"]
    t = epoch / (epochs - 1)
    return loss["aux"] * (1 - t) if loss["auxSchedule"] == "linear" else loss["aux"] * 0.5 * (1 + math.cos(math.pi * t))


def make_optimizer(o, params):
    if o["name"] == "adam":
        return torch.optim.Adam(params, lr=o["lr"], betas=tuple(o["betas"]), eps=o["eps"], weight_decay=o["weightDecay"])
    if o["name"] == "sgd":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], dampening=o["dampening"],
                               nesterov=o["nesterov"], weight_decay=o["weightDecay"])
    if o["name"] == "adadelta":
        return torch.optim.Adadelta(params, lr=o["lr"], rho=o["rho"], eps=o["eps"], weight_decay=o["weightDecay"])
    raise ValueError(f"twin: optimizer {o['name']!r}")


def make_schedule(s, opt):
    kind = s["kind"]
    if kind == "constant":
        return None
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(opt, s["stepSize"], s["gamma"])
    if kind == "multistep":
        return torch.optim.lr_scheduler.MultiStepLR(opt, s["milestones"], s["gamma"])
    if kind == "exponential":
        return torch.optim.lr_scheduler.ExponentialLR(opt, s["gamma"])
    raise ValueError(f"twin: schedule {kind!r}")


def evaluate(model, kind, x, classes, target, batch=500):
    model.eval()
    loss_sum, correct, digits_correct, has_digits = 0.0, 0, 0, False
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            xb, cb, tb = x[i:i + batch], classes[i:i + batch], target[i:i + batch]
            main, digits = model(xb)
            loss_sum += float(main_loss(kind, main, tb)) * xb.shape[0]
            correct += int((predict(kind, main) == tb).sum())
            if digits is not None:
                has_digits = True
                digits_correct += int((digits[0].argmax(1) == cb[:, 0]).sum() + (digits[1].argmax(1) == cb[:, 1]).sum())
    n = x.shape[0]
    return {"loss": loss_sum / n, "accuracy": correct / n, "digitAccuracy": digits_correct / (2 * n) if has_digits else None}


def train(kit_dir, threads=1):
    torch.set_num_threads(threads)
    with open(os.path.join(kit_dir, "kit.json")) as f:
        kit = json.load(f)
    c, kind = kit["config"], kit["mainLoss"]
    data = read_safetensors(os.path.join(kit_dir, "data.safetensors"))
    x, classes, target = data["train_input"], data["train_classes"].long(), data["train_target"].long()
    tx, tclasses, ttarget = data["test_input"], data["test_classes"].long(), data["test_target"].long()
    orders = data["orders"].long()
    model = MODELS[c["model"]](kit["options"])
    model.load_state_dict(read_safetensors(os.path.join(kit_dir, "initial.safetensors")), strict=True)
    initial = evaluate(model, kind, tx, tclasses, ttarget)
    want = kit["pairnet"]["initialTestLoss"]
    if abs(initial["loss"] - want) > 1e-4 * max(1.0, abs(want)):
        raise SystemExit(f"twin: {c['model']}: initial test loss {initial['loss']:.6f} != pairnet's {want:.6f}: the twin is not the same model")
    torch.manual_seed(c["seed"])
    opt = make_optimizer(c["optimizer"], model.parameters())
    schedule = make_schedule(c["schedule"], opt)
    n, bs = x.shape[0], c["batchSize"]
    t0 = time.time()
    train_loss = []
    for epoch in range(c["epochs"]):
        model.train()
        loss_sum = 0.0
        aux = aux_weight_at(c["loss"], epoch, c["epochs"])
        order = orders[epoch]
        for i in range(0, n, bs):
            idx = order[i:i + bs]
            main, digits = model(x[idx])
            loss = c["loss"]["main"] * main_loss(kind, main, target[idx])
            if aux > 0:
                cb = classes[idx]
                if digits is not None:
                    loss = loss + aux * (F.cross_entropy(digits[0], cb[:, 0]) + F.cross_entropy(digits[1], cb[:, 1]))
                if getattr(model, "aux_main", None) is not None:  # 001's AUX1: a second comparison head
                    loss = loss + aux * main_loss(kind, model.aux_main, target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += float(main_loss(kind, main, target[idx])) * idx.shape[0]
        train_loss.append(loss_sum / n)
        if schedule is not None:
            schedule.step()
    seconds = time.time() - t0
    test = evaluate(model, kind, tx, tclasses, ttarget)
    tr = evaluate(model, kind, x, classes, target)
    return {"key": kit["key"], "model": c["model"], "initialTestLoss": initial["loss"],
            "torch": {"testAccuracy": test["accuracy"], "testDigitAccuracy": test["digitAccuracy"],
                      "trainAccuracy": tr["accuracy"], "testLoss": test["loss"], "seconds": seconds, "trainLoss": train_loss},
            "pairnet": {**kit["pairnet"]["final"], "trainLoss": kit["pairnet"]["trainLoss"]}}


if __name__ == "__main__":
    args = sys.argv[1:]
    threads = int(args[args.index("--threads") + 1]) if "--threads" in args else 1
    print(json.dumps(train(args[0], threads)))

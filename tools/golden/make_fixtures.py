"""Writes the PyTorch golden fixtures of test/fixtures/golden/ (run with Debian's PyTorch 1.13):

    /usr/bin/python3 tools/golden/make_fixtures.py

modules.json: per case a module spec (see torch_specs.py), mode, input, weights and buffers before, a random
upstream gradient, and PyTorch's output, input gradient, parameter gradients and buffers after one forward/backward.
losses.json: predictions, targets, loss and gradient w.r.t. the predictions.
optim.json: three steps of each optimizer from given gradients, and each schedule's lr sequence.
weights.safetensors + weights.json: a trained-state model saved by PyTorch, an input and its eval-mode output.
convsepnet.json + convsepnet_*.safetensors: three Adam steps of the zoo's ConvSepNet with auxiliary losses.
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from module_cases import MODULE_CASES  # noqa: E402
from torch_specs import build  # noqa: E402
from training_case import training_case  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "golden")


def tensor(t):
    """A tensor as {shape, data}, each float at 9 significant digits (exact for float32)."""
    values = t.detach().to(torch.float64).reshape(-1).tolist()
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in values]}


def module_case(case):
    model = build(case["spec"])
    for name, value in case.get("set_buffers", {}).items():
        dict(model.named_buffers())[name].copy_(value(dict(model.named_buffers())[name]))
    model.train(case["training"])
    params_before = {n: tensor(p) for n, p in model.named_parameters()}
    buffers_before = {n: tensor(b.float()) for n, b in model.named_buffers()}
    x = case["input"]().requires_grad_(True)
    y = model(x)
    g = torch.randn_like(y)
    y.backward(g)
    return {
        "name": case["name"],
        "spec": case["spec"],
        "training": case["training"],
        "input": tensor(x),
        "params": params_before,
        "buffers": buffers_before,
        "gradOut": tensor(g),
        "output": tensor(y),
        "gradIn": tensor(x.grad),
        "paramGrads": {n: tensor(p.grad) for n, p in model.named_parameters()},
        "buffersAfter": {n: tensor(b.float()) for n, b in model.named_buffers()},
    }


def loss_cases():
    cases = []

    def add(name, loss, pred, target, target_kind):
        pred = pred.clone().requires_grad_(True)
        value = loss(pred, target)
        value.backward()
        t = tensor(target.float()) if target_kind == "float" else {"shape": list(target.shape), "data": target.tolist()}
        cases.append({"name": name, "loss": type(loss).__name__, "pred": tensor(pred), "target": t,
                      "targetKind": target_kind, "value": float(value), "grad": tensor(pred.grad)})

    add("mse", nn.MSELoss(), torch.randn(4, 3), torch.randn(4, 3), "float")
    add("mse_vector", nn.MSELoss(), torch.randn(7), torch.randn(7), "float")
    add("cross_entropy", nn.CrossEntropyLoss(), torch.randn(5, 4), torch.randint(0, 4, (5,)), "int")
    add("cross_entropy_large_logits", nn.CrossEntropyLoss(), 40 * torch.randn(6, 3), torch.randint(0, 3, (6,)), "int")
    add("cross_entropy_binary", nn.CrossEntropyLoss(), torch.randn(8, 2), torch.randint(0, 2, (8,)), "int")
    add("nll", nn.NLLLoss(), torch.log_softmax(torch.randn(5, 4), 1), torch.randint(0, 4, (5,)), "int")
    add("bce_with_logits", nn.BCEWithLogitsLoss(), torch.randn(6), torch.randint(0, 2, (6,)).float(), "float")
    add("bce_with_logits_column", nn.BCEWithLogitsLoss(), torch.randn(6, 1), torch.randint(0, 2, (6, 1)).float(), "float")
    add("bce_with_logits_soft_large", nn.BCEWithLogitsLoss(), 30 * torch.randn(6), torch.rand(6), "float")
    return cases


OPTIMIZERS = [
    ("sgd_plain", "SGD", {"lr": 0.1}),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("sgd_nesterov_weight_decay", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("sgd_dampening", "SGD", {"lr": 0.1, "momentum": 0.8, "dampening": 0.3}),
    ("adam", "Adam", {"lr": 0.01}),
    ("adam_weight_decay", "Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("adadelta", "Adadelta", {}),
    ("adadelta_weight_decay", "Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.05}),
]

SCHEDULES = [
    ("step", "StepLR", {"step_size": 3, "gamma": 0.5}),
    ("multistep", "MultiStepLR", {"milestones": [2, 5, 5, 8], "gamma": 0.1}),
    ("exponential", "ExponentialLR", {"gamma": 0.9}),
    ("cosine", "CosineAnnealingLR", {"T_max": 7}),
    ("cosine eta_min, past T_max", "CosineAnnealingLR", {"T_max": 4, "eta_min": 0.01}),
]


def optim_fixture():
    optimizers = []
    for name, kind, options in OPTIMIZERS:
        params = [torch.randn(3, 4, requires_grad=True), torch.randn(3, requires_grad=True)]
        start = [tensor(p) for p in params]
        opt = getattr(torch.optim, kind)(params, **options)
        steps = []
        for _ in range(3):
            for p in params:
                p.grad = torch.randn_like(p)
            grads = [tensor(p.grad) for p in params]
            opt.step()
            steps.append({"grads": grads, "params": [tensor(p) for p in params]})
        optimizers.append({"name": name, "optimizer": kind, "options": options, "params": start, "steps": steps})
    schedules = []
    for name, kind, options in SCHEDULES:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched = getattr(torch.optim.lr_scheduler, kind)(opt, **options)
        lrs = [opt.param_groups[0]["lr"]]
        for _ in range(10):
            opt.step()
            sched.step()
            lrs.append(opt.param_groups[0]["lr"])
        schedules.append({"name": name, "schedule": kind, "options": options, "initialLr": 0.1, "lrs": lrs})
    return {"optimizers": optimizers, "schedules": schedules}


WEIGHTS_SPEC = {"type": "PairShared", "branch": {"type": "Sequential", "children": [
    {"type": "Conv2d", "in": 1, "out": 4, "kernel": 3},
    {"type": "BatchNorm2d", "features": 4},
    {"type": "ReLU"},
    {"type": "MaxPool2d", "kernel": 2},
    {"type": "Flatten"},
    {"type": "Linear", "in": 36, "out": 5},
    {"type": "BatchNorm1d", "features": 5},
]}}


def weights_fixture():
    """A model after three training-mode forwards (so running stats and num_batches_tracked are not defaults)."""
    model = build(WEIGHTS_SPEC)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(4, 2, 8, 8))
    model.eval()
    x = torch.randn(3, 2, 8, 8)
    with torch.no_grad():
        y = model(x)
    data = safetensors_io.encode(model.state_dict(), {"format": "pt", "source": "tools/golden/make_fixtures.py"})
    # The file must load back into the same torch module, strictly, and give the same output.
    loaded, _ = safetensors_io.decode(data)
    twin = build(WEIGHTS_SPEC)
    twin.load_state_dict(loaded, strict=True)
    assert torch.equal(twin.eval()(x), y)
    return data, {"spec": WEIGHTS_SPEC, "input": tensor(x), "output": tensor(y)}


def write_json(name, obj):
    path = os.path.join(OUT, name)
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    os.replace(path + ".tmp", path)


def write_bytes(name, data):
    path = os.path.join(OUT, name)
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


def main():
    torch.manual_seed(20240611)
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    meta = {"torch": torch.__version__, "script": "tools/golden/make_fixtures.py"}
    write_json("modules.json", {**meta, "cases": [module_case(c) for c in MODULE_CASES]})
    write_json("losses.json", {**meta, "cases": loss_cases()})
    write_json("optim.json", {**meta, **optim_fixture()})
    data, info = weights_fixture()
    write_bytes("weights.safetensors", data)
    write_json("weights.json", {**meta, **info})
    info, files = training_case(tensor, safetensors_io.encode)
    for name, data in files.items():
        write_bytes(name, data)
    write_json("convsepnet.json", {**meta, **info})


if __name__ == "__main__":
    main()

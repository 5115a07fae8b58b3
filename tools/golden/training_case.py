"""Three Adam steps of the zoo's ConvSepNet with auxiliary losses (dropout 0 so PyTorch and pairnet agree),
for test/engine/golden-convsepnet.test.ts. Parameter names are pairnet's (digitnet.branch.conv1.weight, ...)."""
from collections import OrderedDict

import torch
from torch import nn

from torch_specs import PairShared


class ConvSepNet(nn.Module):
    """Report 000's ConvSepNet as src/models/sepnets.ts builds it: DigitNet shared over both images, its two
    10-logit outputs concatenated (the digit logits of the auxiliary losses), then 20 -> 10, ReLU, 10 -> 2."""

    def __init__(self, dropout):
        super().__init__()
        self.digitnet = PairShared(nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(1, 12, 3)), ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(12, 32, 3)), ("relu2", nn.ReLU()),
            ("pool", nn.MaxPool2d(2)), ("drop1", nn.Dropout(dropout)), ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(800, 100)), ("relu3", nn.ReLU()), ("drop2", nn.Dropout(dropout)),
            ("fc2", nn.Linear(100, 10)),
        ])))
        self.fc1 = nn.Linear(20, 10)
        self.fc2 = nn.Linear(10, 2)

    def forward(self, x):
        digits = self.digitnet(x)
        return self.fc2(torch.relu(self.fc1(digits))), digits[:, :10], digits[:, 10:]


def training_case(tensor, encode):
    """Returns (json, {file name: safetensors bytes}): batches, per-step losses, step-1 outputs; initial weights,
    step-1 gradients and the weights after three steps as safetensors files."""
    model = ConvSepNet(0.0).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ce = nn.CrossEntropyLoss()
    initial = encode({k: v.clone() for k, v in model.state_dict().items()})
    steps = []
    files = {"convsepnet_initial.safetensors": initial}
    for step in range(3):
        x = torch.randn(6, 2, 14, 14)
        classes = torch.randint(0, 10, (6, 2))
        target = (classes[:, 0] <= classes[:, 1]).long()
        opt.zero_grad()
        main, d1, d2 = model(x)
        losses = [ce(main, target), ce(d1, classes[:, 0]), ce(d2, classes[:, 1])]
        loss = 0.5 * losses[0] + 0.25 * (losses[1] + losses[2])
        loss.backward()
        record = {"input": tensor(x), "classes": classes.reshape(-1).tolist(), "target": target.tolist(),
                  "losses": [float(v) for v in losses], "loss": float(loss)}
        if step == 0:
            record["main"] = tensor(main)
            record["digits"] = [tensor(d1), tensor(d2)]
            files["convsepnet_grads1.safetensors"] = encode({n: p.grad.clone() for n, p in model.named_parameters()})
        steps.append(record)
        opt.step()
    files["convsepnet_final.safetensors"] = encode({k: v.clone() for k, v in model.state_dict().items()})
    return {"model": "convsepnet", "options": {"dropout": 0}, "lr": 1e-3, "steps": steps}, files

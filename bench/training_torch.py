"""PyTorch 1.13 twin of bench/training.ts: ConvSepNet with auxiliary losses on random pairs, timed per epoch.

    /usr/bin/python3 bench/training_torch.py --threads 1 --epochs 4 [--pairs 1000 --batch 25] [--model resnet]

DigitNet (conv 1->12 k3, ReLU, conv 12->32 k3, ReLU, maxpool 2, dropout 0.5, fc 800->100, ReLU, dropout 0.5,
fc 100->10) runs once on the 2B images stacked (as pairnet's PairShared); head: concat 20->10, ReLU, 10->2.
Loss 0.5 * CE(main) + 0.25 * (CE(digit 1) + CE(digit 2)), Adam 1e-3. The first epoch is a warm-up; prints one
JSON line {"threads", "msPerEpoch": [...], "medianMs", "cpuMsPerEpoch": [...], "medianCpuMs"} (CPU time of the
whole process, all threads: steadier than wall time on a shared machine).
--model resnet: report 003's Siamese ResNet (pairnet's bce-resnet-siamese: conv 1->32 k3 pad 1, BatchNorm, ReLU, 4
residual blocks [conv, BN, ReLU, conv, BN, + x, ReLU], average pool 4, fc 288->10 per image; head ReLU, 20->2) on
CE(main) alone.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 12, 3)
        self.conv2 = nn.Conv2d(12, 32, 3)
        self.pool = nn.MaxPool2d(2)
        self.drop1 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(800, 100)
        self.drop2 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(100, 10)

    def forward(self, x):
        x = self.drop1(self.pool(torch.relu(self.conv2(torch.relu(self.conv1(x))))))
        return self.fc2(self.drop2(torch.relu(self.fc1(x.flatten(1)))))


class ConvSepNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.digitnet = DigitNet()
        self.fc1 = nn.Linear(20, 10)
        self.fc2 = nn.Linear(10, 2)

    def forward(self, x):
        b = x.shape[0]
        d = self.digitnet(torch.cat([x[:, 0:1], x[:, 1:2]], 0))
        d1, d2 = d[:b], d[b:]
        return self.fc2(torch.relu(self.fc1(torch.cat([d1, d2], 1)))), d1, d2


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x))))) + x)


class ResNetSiamese(nn.Module):
    def __init__(self, c=32):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU())
        self.blocks = nn.Sequential(*[Block(c) for _ in range(4)])
        self.pool = nn.AvgPool2d(4)
        self.fc_digits = nn.Linear(c * 9, 10)
        self.fc_out = nn.Linear(20, 2)

    def forward(self, x):
        b = x.shape[0]
        d = self.fc_digits(self.pool(self.blocks(self.stem(torch.cat([x[:, 0:1], x[:, 1:2]], 0)))).flatten(1))
        return self.fc_out(torch.relu(torch.cat([d[:b], d[b:]], 1))), None, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=4, help="timed epochs (after one warm-up epoch)")
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--model", choices=["convsepnet", "resnet"], default="convsepnet")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(args.pairs, 2, 14, 14)
    classes = torch.randint(0, 10, (args.pairs, 2))
    target = (classes[:, 0] <= classes[:, 1]).long()
    model = ConvSepNet() if args.model == "convsepnet" else ResNetSiamese()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ce = nn.CrossEntropyLoss()
    times = []
    cpu_times = []
    for epoch in range(args.epochs + 1):
        start = time.perf_counter()
        cpu_start = time.process_time()
        perm = torch.randperm(args.pairs)
        for i in range(0, args.pairs, args.batch):
            idx = perm[i:i + args.batch]
            opt.zero_grad()
            out, d1, d2 = model(x[idx])
            if d1 is None:
                loss = ce(out, target[idx])
            else:
                loss = 0.5 * ce(out, target[idx]) + 0.25 * (ce(d1, classes[idx, 0]) + ce(d2, classes[idx, 1]))
            loss.backward()
            opt.step()
        if epoch > 0:
            times.append((time.perf_counter() - start) * 1000)
            cpu_times.append((time.process_time() - cpu_start) * 1000)
    print(json.dumps({"threads": args.threads, "msPerEpoch": times, "medianMs": statistics.median(times),
                      "cpuMsPerEpoch": cpu_times, "medianCpuMs": statistics.median(cpu_times)}))


if __name__ == "__main__":
    main()

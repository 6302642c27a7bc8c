"""PyTorch twins for bench/training-speed.ts: training samples/s of the same CNN and MLP.

Models (the same layers as the TypeScript side; "-bn" = batch norm after every hidden layer, whose
conv/dense then has no bias):
  mlp     784-256-256-10, ReLU
  cnn     conv 32 -> conv 64 (3x3, same padding, ReLU, 2x2 max-pool) -> dense 128 -> dense 10
BatchNorm1d/BatchNorm2d with PyTorch's defaults (eps 1e-5, momentum 0.1); the CNN runs channels_last
(NHWC in memory, like TensorFlow). SGD lr 0.01 momentum 0.9, cross-entropy, batch 64, random
28x28x1 input. Protocol: every model of `--models` is set up, runs 1 warm-up pass, and then
`--passes` timed passes over `--samples` samples, the passes interleaved across the models
(interleaved_passes); prints one JSON object per model:
{"model", "pass_samples_per_second": [...], "pass_samples_per_cpu_second": [...]}.

Usage: .venv-ref/bin/python bench/pytorch-training-speed.py --models mlp,mlp-bn,cnn,cnn-bn \
           --batch 64 --samples 4096 --passes 3 --threads 2
"""

import argparse
import json
import time

import torch
from torch import nn


def build(name: str) -> nn.Module:
    """The twin of bench/twin-models.ts' model `name`."""
    bn = name.endswith("-bn")
    if name.startswith("mlp"):
        layers: list[nn.Module] = [nn.Flatten()]
        cin = 784
        for width in (256, 256):
            layers += [nn.Linear(cin, width, bias=not bn)]
            if bn:
                layers += [nn.BatchNorm1d(width)]
            layers += [nn.ReLU()]
            cin = width
        return nn.Sequential(*layers, nn.Linear(cin, 10))
    if name.startswith("cnn"):
        layers = []
        cin = 1
        for cout in (32, 64):
            layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=not bn)]
            if bn:
                layers += [nn.BatchNorm2d(cout)]
            layers += [nn.ReLU(), nn.MaxPool2d(2)]
            cin = cout
        layers += [nn.Flatten(), nn.Linear(64 * 7 * 7, 128, bias=not bn)]
        if bn:
            layers += [nn.BatchNorm1d(128)]
        layers += [nn.ReLU(), nn.Linear(128, 10)]
        return nn.Sequential(*layers)
    raise ValueError(f"unknown model {name!r}; expected mlp, mlp-bn, cnn or cnn-bn")


class Trainee:
    """One model with its data, optimizer and loss, ready to run passes."""

    def __init__(self, name: str, batch: int, samples: int) -> None:
        torch.manual_seed(0)
        self.model = build(name)
        self.model.train()
        self.xs = torch.rand(samples, 1, 28, 28)
        self.ys = torch.randint(0, 10, (samples,))
        if name.startswith("cnn"):
            self.model = self.model.to(memory_format=torch.channels_last)
            self.xs = self.xs.contiguous(memory_format=torch.channels_last)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9)
        self.loss_fn = nn.CrossEntropyLoss()
        self.batch = batch
        self.steps = samples // batch

    def one_pass(self) -> tuple[float, float]:
        """One pass over the samples: its wall and CPU seconds (this process, all threads)."""
        t0 = time.perf_counter()
        c0 = time.process_time()
        for s in range(self.steps):
            x = self.xs[s * self.batch : (s + 1) * self.batch]
            y = self.ys[s * self.batch : (s + 1) * self.batch]
            self.opt.zero_grad(set_to_none=True)
            loss = self.loss_fn(self.model(x), y)
            loss.backward()
            self.opt.step()
        float(loss.detach())
        return time.perf_counter() - t0, time.process_time() - c0


def interleaved_passes(names: list[str], batch: int, samples: int, count: int) -> dict[str, tuple[list[float], list[float]]]:
    """Samples per second of each timed pass, by the wall clock and by CPU time, per model.

    Every model is set up at once and runs one warm-up pass; then the timed passes are interleaved
    across the models (pass p runs every model, in the given order for even p and reversed for
    odd p), as bench/training-speed.ts does on its side, so the models of one process are timed in
    the same minutes. (What made a model's speed depend on what the process had run before was
    glibc's adaptive malloc; bench/reference-python.ts fixes its thresholds.)"""
    trainees = {name: Trainee(name, batch, samples) for name in names}
    for name in names:
        trainees[name].one_pass()
    rates: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in names}
    for p in range(count):
        for name in names if p % 2 == 0 else list(reversed(names)):
            wall, cpu = trainees[name].one_pass()
            rates[name][0].append(samples / wall)
            rates[name][1].append(samples / cpu)
    return rates


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="mlp,mlp-bn,cnn,cnn-bn")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--samples", type=int, default=4096)
    p.add_argument("--passes", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    names = a.models.split(",")
    for name, (rates, cpu_rates) in interleaved_passes(names, a.batch, a.samples, a.passes).items():
        record = {"model": name, "pass_samples_per_second": rates, "pass_samples_per_cpu_second": cpu_rates}
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()

"""PyTorch twins for bench/training-speed.ts: training samples/s of the same CNN and MLP.

Models (the same layers as the TypeScript side; "-bn" = batch norm after every hidden layer, whose
conv/dense then has no bias):
  mlp     784-256-256-10, ReLU
  cnn     conv 32 -> conv 64 (3x3, same padding, ReLU, 2x2 max-pool) -> dense 128 -> dense 10
BatchNorm1d/BatchNorm2d with PyTorch's defaults (eps 1e-5, momentum 0.1); the CNN runs channels_last
(NHWC in memory, like TensorFlow). SGD lr 0.01 momentum 0.9, cross-entropy, batch 64, random
28x28x1 input. Protocol per model: 1 warm-up pass, then `--passes` timed passes over `--samples`
samples; prints one JSON object per model:
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


def passes(name: str, batch: int, samples: int, count: int) -> tuple[list[float], list[float]]:
    """Samples per second of each timed pass (after one warm-up pass), by the wall clock and by
    this process' CPU time (all threads)."""
    torch.manual_seed(0)
    model = build(name)
    model.train()
    xs = torch.rand(samples, 1, 28, 28)
    ys = torch.randint(0, 10, (samples,))
    if name.startswith("cnn"):
        model = model.to(memory_format=torch.channels_last)
        xs = xs.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    steps = samples // batch
    rates, cpu_rates = [], []
    for p in range(count + 1):
        t0 = time.perf_counter()
        c0 = time.process_time()
        for s in range(steps):
            x = xs[s * batch : (s + 1) * batch]
            y = ys[s * batch : (s + 1) * batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        float(loss.detach())
        if p > 0:
            rates.append(steps * batch / (time.perf_counter() - t0))
            cpu_rates.append(steps * batch / (time.process_time() - c0))
    return rates, cpu_rates


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
    for name in a.models.split(","):
        rates, cpu_rates = passes(name, a.batch, a.samples, a.passes)
        record = {"model": name, "pass_samples_per_second": rates, "pass_samples_per_cpu_second": cpu_rates}
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()

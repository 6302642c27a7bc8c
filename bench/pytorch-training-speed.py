"""PyTorch twins for bench/training-speed.ts: training samples/s of the same CNN and MLP.

Models (the same layers as the TypeScript side):
  mlp     784-256-256-10, ReLU
  cnn     conv 32 -> conv 64 (3x3, same padding, ReLU, 2x2 max-pool) -> dense 128 -> dense 10
  mlp-bn, cnn-bn   batch norm after every hidden layer (BatchNorm1d/2d, eps 1e-5, momentum 0.1)
  cnn-gn  GroupNorm(8, C) after each convolution
  cnn-ln  GroupNorm(1, C) after each convolution (layer norm of each example's C x H x W)
  cnn-in  GroupNorm(C, C) after each convolution (instance norm, with per-channel affine)
A conv/dense followed by a normalization has no bias. SGD lr 0.01 momentum 0.9, cross-entropy,
random 28x28x1 input.

Each CNN runs in every memory layout of `--layouts`: channels_last (NHWC in memory, like
TensorFlow) and contiguous (PyTorch's default NCHW); which is faster depends on the CPU and the
oneDNN kernels it gets, so the TypeScript side takes the faster. The MLP has one layout
("contiguous").

Protocol: every (model, layout) is set up, runs 1 warm-up pass, then `--passes` timed passes over
`--samples` samples, the passes interleaved across them (interleaved_passes); prints one JSON
object per (model, layout):
{"model", "layout", "pass_samples_per_second": [...], "pass_samples_per_cpu_second": [...]}.
OpenMP's wait policy is the caller's (OMP_WAIT_POLICY in the environment; see
bench/reference-python.ts).

Usage: .venv-ref/bin/python bench/pytorch-training-speed.py --models mlp,mlp-bn,cnn,cnn-bn \
           --layouts channels_last,contiguous --batch 64 --samples 4096 --passes 3 --threads 2
"""

import argparse
import json
import time

import torch
from torch import nn


MODELS = ("mlp", "mlp-bn", "cnn", "cnn-bn", "cnn-gn", "cnn-ln", "cnn-in")
LAYOUTS = ("channels_last", "contiguous")


def conv_norm(kind: str, channels: int) -> nn.Module | None:
    """The normalization after a convolution of `channels` outputs in model kind `kind`."""
    if kind == "bn":
        return nn.BatchNorm2d(channels)
    if kind == "gn":
        return nn.GroupNorm(8, channels)
    if kind == "ln":
        return nn.GroupNorm(1, channels)
    if kind == "in":
        return nn.GroupNorm(channels, channels)
    return None


def build(name: str) -> nn.Module:
    """The twin of bench/twin-models.ts' model `name`."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {', '.join(MODELS)}")
    bn = name.endswith("-bn")
    kind = name.split("-")[1] if "-" in name else ""
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
            norm = conv_norm(kind, cout)
            layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=norm is None)]
            if norm is not None:
                layers += [norm]
            layers += [nn.ReLU(), nn.MaxPool2d(2)]
            cin = cout
        # Only batch norm also normalizes the dense layer (as in the first twins); the other
        # kinds follow the convolutions only.
        layers += [nn.Flatten(), nn.Linear(64 * 7 * 7, 128, bias=not bn)]
        if bn:
            layers += [nn.BatchNorm1d(128)]
        layers += [nn.ReLU(), nn.Linear(128, 10)]
        return nn.Sequential(*layers)
    raise AssertionError(name)


class Trainee:
    """One model with its data, optimizer and loss, ready to run passes."""

    def __init__(self, name: str, layout: str, batch: int, samples: int) -> None:
        torch.manual_seed(0)
        self.model = build(name)
        self.model.train()
        self.xs = torch.rand(samples, 1, 28, 28)
        self.ys = torch.randint(0, 10, (samples,))
        if layout == "channels_last":
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


Case = tuple[str, str]


def interleaved_passes(cases: list[Case], batch: int, samples: int, count: int) -> dict[Case, tuple[list[float], list[float]]]:
    """Samples per second of each timed pass, by the wall clock and by CPU time, per (model, layout).

    Every case is set up at once and runs one warm-up pass; then the timed passes are interleaved
    across the cases (pass p runs every case, in the given order for even p and reversed for
    odd p), as bench/training-speed.ts does on its side, so the cases of one process are timed in
    the same minutes. (What made a model's speed depend on what the process had run before was
    glibc's adaptive malloc; bench/reference-python.ts fixes its thresholds.)"""
    trainees = {case: Trainee(case[0], case[1], batch, samples) for case in cases}
    for case in cases:
        trainees[case].one_pass()
    rates: dict[Case, tuple[list[float], list[float]]] = {case: ([], []) for case in cases}
    for p in range(count):
        for case in cases if p % 2 == 0 else list(reversed(cases)):
            wall, cpu = trainees[case].one_pass()
            rates[case][0].append(samples / wall)
            rates[case][1].append(samples / cpu)
    return rates


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="mlp,mlp-bn,cnn,cnn-bn")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--samples", type=int, default=4096)
    p.add_argument("--passes", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--layouts", default="channels_last", help="CNN memory layouts: channels_last, contiguous")
    a = p.parse_args()
    names = a.models.split(",")
    layouts = a.layouts.split(",")
    for name in names:
        if name not in MODELS:
            p.error(f"--models: unknown {name!r}; expected some of {', '.join(MODELS)}")
    for layout in layouts:
        if layout not in LAYOUTS:
            p.error(f"--layouts: unknown {layout!r}; expected some of {', '.join(LAYOUTS)}")
    torch.set_num_threads(a.threads)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    cases = [(n, layout) for n in names for layout in (layouts if n.startswith("cnn") else ["contiguous"])]
    for (name, layout), (rates, cpu_rates) in interleaved_passes(cases, a.batch, a.samples, a.passes).items():
        record = {
            "model": name,
            "layout": layout,
            "pass_samples_per_second": rates,
            "pass_samples_per_cpu_second": cpu_rates,
        }
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()

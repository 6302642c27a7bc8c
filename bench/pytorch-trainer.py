"""PyTorch reference for bench/trainer.ts: training samples/s of the same architectures.

Builds, in PyTorch, the zoo's MLP, VGG-style and ResNet-style networks exactly as
lib/models/architectures.ts does (same layers, channels, strides; conv -> norm -> ReLU; no bias
before a normalization), trains them with SGD + momentum on random 28x28x1 inputs and prints one
JSON object per architecture x norm kind: {"arch", "norm", "samples_per_second", "median_step_ms"}.

Usage: .venv-ref/bin/python bench/pytorch-trainer.py --batch 128 --steps 20 --warmup 3 \
           --threads 2 --max-seconds 6 --cases mlp:none,vgg:batch,...
"""

import argparse
import json
import statistics
import time

import torch
from torch import nn


def norm_layer(kind: str, channels: int, spatial: tuple[int, int] | None, groups: int) -> nn.Module:
    """The normalization of `kind` for `channels` features (conv features when `spatial` is set)."""
    eps = 1e-5
    if kind == "none":
        return nn.Identity()
    if kind == "batch":
        return nn.BatchNorm2d(channels, eps=eps) if spatial else nn.BatchNorm1d(channels, eps=eps)
    if kind == "layer":
        # normlab's layer norm normalizes each example over all its features, with gamma/beta of
        # that whole shape (Keras' LayerNormalization over every non-batch axis).
        shape = [channels, *spatial] if spatial else [channels]
        return nn.LayerNorm(shape, eps=eps)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, eps=eps, affine=True)
    if kind == "group":
        return nn.GroupNorm(groups, channels, eps=eps)
    raise ValueError(f"unknown norm kind {kind!r}")


class ConvNorm(nn.Sequential):
    def __init__(self, cin, cout, kind, size, groups, k=3, stride=1):
        out_size = ((size[0] + stride - 1) // stride, (size[1] + stride - 1) // stride)
        super().__init__(
            nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=kind == "none"),
            norm_layer(kind, cout, out_size, groups),
        )
        self.out_size = out_size


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, kind, size, groups, stride):
        super().__init__()
        self.a = ConvNorm(cin, cout, kind, size, groups, 3, stride)
        self.b = ConvNorm(cout, cout, kind, self.a.out_size, groups, 3, 1)
        self.shortcut = (
            ConvNorm(cin, cout, kind, size, groups, 1, stride) if stride != 1 or cin != cout else nn.Identity()
        )
        self.out_size = self.a.out_size

    def forward(self, x):
        y = self.b(torch.relu(self.a(x)))
        return torch.relu(y + self.shortcut(x))


def build(arch: str, kind: str, width: int | None, depth: int | None, groups: int, classes: int = 10) -> nn.Module:
    size = (28, 28)
    if arch == "mlp":
        width, depth = width or 256, depth or 2
        layers: list[nn.Module] = [nn.Flatten()]
        cin = 28 * 28
        for _ in range(depth):
            layers += [nn.Linear(cin, width, bias=kind == "none"), norm_layer(kind, width, None, groups), nn.ReLU()]
            cin = width
        return nn.Sequential(*layers, nn.Linear(cin, classes))
    if arch == "vgg":
        width, depth = width or 16, depth or 3
        layers = []
        cin = 1
        for i in range(depth):
            cout = width * 2 ** min(i, 2)
            block = ConvNorm(cin, cout, kind, size, groups)
            layers += [block, nn.ReLU(), nn.MaxPool2d(2)]
            size = (size[0] // 2, size[1] // 2)
            cin = cout
        return nn.Sequential(*layers, nn.Flatten(), nn.Linear(cin * size[0] * size[1], classes))
    if arch == "resnet":
        width, depth = width or 16, depth or 1
        stem = ConvNorm(1, width, kind, size, groups)
        layers = [stem, nn.ReLU()]
        cin = width
        for stage, factor in enumerate([1, 2, 4]):
            for b in range(depth):
                block = BasicBlock(cin, width * factor, kind, size, groups, 2 if stage > 0 and b == 0 else 1)
                layers.append(block)
                size = block.out_size
                cin = width * factor
        return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes))
    raise ValueError(f"unknown arch {arch!r}")


def bench(arch, kind, batch, steps, warmup, width, depth, groups, max_seconds, channels_last):
    torch.manual_seed(0)
    model = build(arch, kind, width, depth, groups)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    xs = torch.rand(batch, 1, 28, 28)
    if channels_last and arch != "mlp":
        # NHWC memory layout, like TensorFlow's: faster convolutions on CPU.
        model = model.to(memory_format=torch.channels_last)
        xs = xs.contiguous(memory_format=torch.channels_last)
    ys = torch.randint(0, 10, (batch,))
    times = []
    losses = []
    start = time.perf_counter()
    cpu_start = None
    for i in range(warmup + steps):
        if len(times) >= 3 and time.perf_counter() - start > max_seconds:
            break
        if i == warmup:
            cpu_start = time.process_time()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        logits = model(xs)
        loss = loss_fn(logits, ys)
        loss.backward()
        opt.step()
        losses.append(loss.detach())
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    float(torch.stack(losses).sum())
    cpu_ms = 1000 * (time.process_time() - cpu_start) / len(times)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {
        "arch": arch,
        "norm": kind,
        "params": params,
        "samples_per_second": batch / statistics.median(times),
        "median_step_ms": 1000 * statistics.median(times),
        "timed_steps": len(times),
        "cpu_ms_per_step": cpu_ms,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--groups", type=int, default=4)
    p.add_argument("--width", type=int, default=None)
    p.add_argument("--depth", type=int, default=None)
    p.add_argument("--max-seconds", type=float, default=6.0, help="per case: stop after this long (>= 3 timed steps)")
    p.add_argument("--nchw", action="store_true", help="keep PyTorch's default NCHW layout (default: channels_last)")
    p.add_argument("--cases", default="mlp:none,vgg:none,resnet:none")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for case in a.cases.split(","):
        arch, kind = case.split(":")
        print(json.dumps(bench(arch, kind, a.batch, a.steps, a.warmup, a.width, a.depth, a.groups, a.max_seconds, not a.nchw)), flush=True)


if __name__ == "__main__":
    main()

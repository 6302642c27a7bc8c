"""PyTorch side of bench/norm-vs-pytorch.ts: forward + backward time of PyTorch's normalization
layers on the tensors the TypeScript side wrote.

For each case "kind:shape" (shape "conv" = NHWC [64, 28, 28, 32], "dense" = [64, 256]) and each
memory layout of --layouts, it reads x and dy (raw little-endian float32, written by the TypeScript
side) from --data, runs the layer in training mode, `y.backward(dy)`, and prints one JSON object
per case and layout: {"case", "layout", "median_ms", "median_cpu_ms", "reps"} (wall and process
CPU time); both are null for a kind without a PyTorch twin.

Layouts of conv features for BatchNorm2d, InstanceNorm2d(affine=True) and GroupNorm(8), which see
[N, C, H, W]: "channels_last" is a permuted view of the NHWC data (no copy, NHWC in memory);
"contiguous" is PyTorch's default NCHW memory (the data copied into it once, before timing).
Which is faster depends on the CPU and the kernels it gets. LayerNorm normalizes each example over
(H, W, C) with affine weights of that shape, like normlab's layer norm, and RMSNorm likewise; they
and dense features have one layout ("contiguous"). batch-renorm and noisy-batch have no PyTorch
layer (null). OpenMP's wait policy is the caller's (OMP_WAIT_POLICY; bench/reference-python.ts).

Usage: .venv-ref/bin/python bench/pytorch-norm-layers.py --data DIR --cases batch:conv,layer:dense \
           --layouts channels_last,contiguous --reps 10 --threads 2
"""

import argparse
import json
import os
import statistics
import time

import numpy as np
import torch
from torch import nn

SHAPES = {"conv": (64, 28, 28, 32), "dense": (64, 256)}


def layer_for(kind: str, shape: tuple[int, ...]) -> nn.Module | None:
    """PyTorch's layer of `kind` for features of `shape` (NHWC or [N, C]); None when it has none."""
    channels = shape[-1]
    conv = len(shape) == 4
    if kind == "batch":
        return nn.BatchNorm2d(channels) if conv else nn.BatchNorm1d(channels)
    if kind == "layer":
        return nn.LayerNorm(list(shape[1:]))
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=True) if conv else None
    if kind == "group":
        return nn.GroupNorm(8, channels)
    if kind == "rms":
        # normlab's RMS norm (pytorch convention): each example over all its features, gamma of that
        # shape, eps = float32 machine epsilon (nn.RMSNorm's default).
        return nn.RMSNorm(list(shape[1:]))
    return None


LAYOUTS = ("channels_last", "contiguous")


def layouts_of(kind: str, shape_name: str, layouts: list[str]) -> list[str]:
    """The layouts a case runs in: all of `layouts` for channel-wise kinds on conv features."""
    return layouts if shape_name == "conv" and kind in ("batch", "instance", "group") else ["contiguous"]


def time_case(kind: str, shape_name: str, layout: str, data: str, reps: int) -> tuple[float | None, float | None]:
    """Median wall and CPU (process, all threads) ms of forward + backward."""
    shape = SHAPES[shape_name]
    layer = layer_for(kind, shape)
    if layer is None:
        return None, None
    x_nhwc = torch.from_numpy(np.fromfile(os.path.join(data, f"{shape_name}-x.f32"), dtype="<f4").reshape(shape))
    dy_nhwc = torch.from_numpy(np.fromfile(os.path.join(data, f"{shape_name}-dy.f32"), dtype="<f4").reshape(shape))
    channels_first = len(shape) == 4 and kind in ("batch", "instance", "group")
    if channels_first and layout == "contiguous":
        # NCHW in memory: the leaf itself is [N, C, H, W], no permute in the timed part.
        x_leaf = x_nhwc.permute(0, 3, 1, 2).contiguous().requires_grad_()
        dy = dy_nhwc.permute(0, 3, 1, 2).contiguous()
        channels_first = False
    else:
        x_leaf = x_nhwc.clone().requires_grad_()
        dy = dy_nhwc.permute(0, 3, 1, 2) if channels_first else dy_nhwc
    layer.train()
    times, cpu_times = [], []
    for i in range(reps + 2):
        t0 = time.perf_counter()
        c0 = time.process_time()
        x = x_leaf.permute(0, 3, 1, 2) if channels_first else x_leaf
        y = layer(x)
        y.backward(dy)
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0
        x_leaf.grad = None
        for p in layer.parameters():
            p.grad = None
        if i >= 2:
            times.append(elapsed)
            cpu_times.append(cpu)
    return 1000 * statistics.median(times), 1000 * statistics.median(cpu_times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--cases", required=True)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--layouts", default="channels_last", help="conv layouts: channels_last, contiguous")
    a = p.parse_args()
    layouts = a.layouts.split(",")
    for layout in layouts:
        if layout not in LAYOUTS:
            p.error(f"--layouts: unknown {layout!r}; expected some of {', '.join(LAYOUTS)}")
    torch.set_num_threads(a.threads)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for case in a.cases.split(","):
        kind, shape_name = case.split(":")
        if shape_name not in SHAPES:
            p.error(f"--cases: unknown shape {shape_name!r} in {case!r}; expected conv or dense")
        for layout in layouts_of(kind, shape_name, layouts):
            wall, cpu = time_case(kind, shape_name, layout, a.data, a.reps)
            record = {"case": case, "layout": layout, "median_ms": wall, "median_cpu_ms": cpu, "reps": a.reps}
            print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()

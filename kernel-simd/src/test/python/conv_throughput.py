"""PyTorch side of ConvThroughput: median ms of conv2d forward and of forward + backward
(input and weight gradients, bias gradient) per shape, float32, 2 threads.
Run with Debian's python: /usr/bin/python3 kernel-simd/src/test/python/conv_throughput.py [filter]"""
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
SHAPES = [
    ("lenet-conv1", 64, 1, 28, 28, 6, 5, 5, 1, 0),
    ("lenet-conv2", 64, 6, 14, 14, 16, 5, 5, 1, 0),
    ("fmnist-conv1", 64, 1, 28, 28, 32, 5, 5, 1, 2),
    ("fmnist-conv2", 64, 32, 14, 14, 64, 5, 5, 1, 2),
    ("vgg-block", 16, 64, 56, 56, 64, 3, 3, 1, 1),
    ("resnet-block", 32, 128, 28, 28, 128, 3, 3, 1, 1),
    ("alexnet-conv1", 8, 3, 227, 227, 96, 11, 11, 4, 0),
    ("large-kernel", 8, 16, 64, 64, 16, 15, 15, 1, 7),
]


def timed(fn):
    t0 = time.perf_counter()
    warm = 0
    while warm < 3 or (time.perf_counter() - t0 < 0.5 and warm < 50):
        fn()
        warm += 1
    per = (time.perf_counter() - t0) / warm * 1e3
    runs = int(max(5, min(200, 1000 / max(per, 1e-3))))
    ms = []
    for _ in range(runs):
        s = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - s) * 1e3)
    ms.sort()
    return ms[runs // 2]


filt = sys.argv[1] if len(sys.argv) > 1 else ""
print(f"torch {torch.__version__} threads={torch.get_num_threads()}")
print(f"{'shape':14s} {'fwd ms':>10s} {'fwd+bwd ms':>10s}")
for name, n, c, h, w, k, r, s, stride, pad in SHAPES:
    if filt not in name:
        continue
    g = torch.Generator().manual_seed(7)
    x = torch.rand(n, c, h, w, generator=g) * 2 - 1
    wt = (torch.rand(k, c, r, s, generator=g) * 0.4 - 0.2)
    b = torch.rand(k, generator=g) * 2 - 1
    dy = torch.rand(n, k, (h + 2 * pad - r) // stride + 1, (w + 2 * pad - s) // stride + 1, generator=g) * 2 - 1
    xg, wg, bg = x.clone().requires_grad_(), wt.clone().requires_grad_(), b.clone().requires_grad_()

    def fwd():
        with torch.no_grad():
            F.conv2d(x, wt, b, stride=stride, padding=pad)

    def fwd_bwd():
        y = F.conv2d(xg, wg, bg, stride=stride, padding=pad)
        torch.autograd.grad(y, (xg, wg, bg), dy)

    print(f"{name:14s} {timed(fwd):10.2f} {timed(fwd_bwd):10.2f}")

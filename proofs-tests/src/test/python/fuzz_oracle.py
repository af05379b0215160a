#!/usr/bin/python3
"""A randomized differential fuzzer of `faltung oracle` against PyTorch and SciPy.

Not part of the Maven build: run it by hand, with Debian's Python (torch, scipy, numpy), after
`./faltung help` has built the command once:

    /usr/bin/python3 proofs-tests/src/test/python/fuzz_oracle.py --seconds 180
    /usr/bin/python3 proofs-tests/src/test/python/fuzz_oracle.py --ops conv2d,avg_pool2d --seed 7
    /usr/bin/python3 proofs-tests/src/test/python/fuzz_oracle.py --cli --cases 40   # through ./faltung

Every case draws an op's arrays and parameters across the space a demanding user would try
(float32 and float64, sizes 1, 7 and 33, batch 1, strides, dilations, groups, every padding
form, ceil mode, label smoothing, ...), asks torch.nn.functional / scipy.signal for the output
and, with a random --grad-output, the gradients, and runs the oracle on the same files:

- when the reference raises, the oracle must refuse: exit 2, one line on stderr, nothing written;
- otherwise it must exit 0 and write exactly the documented files, each in the dtype of --input,
  within 1e-9 (float64) or 1e-4 (float32) of the largest magnitude of the reference array;
- convolutions run once per --algo (winograd may refuse, naming itself, off 3x3 or 5x5/stride 1/
  dilation 1) and every case once more with --backend simd (--backends simd,opencl for more),
  all within the same tolerance.

A separate batch of malformed requests (unknown op or flag, missing file, wrong dtype, wrong
shape, non-finite or negative parameters...) must each be refused the same way.

By default the cases run inside one JVM (a small driver calling dev.faltung.cli.Main, compiled
from the source below by the java launcher), which is what makes a few thousand cases fit in a
few minutes; --cli runs each case as its own `./faltung oracle` process instead, which also
checks that nothing but the one line reaches stderr. Failing cases are kept under --keep DIR
(default /tmp/fuzz_oracle) with a `cmd` file that replays them.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import numpy as np
import scipy.signal
import torch
import torch.nn.functional as F

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))
ALGOS = ["direct", "im2col", "fft", "winograd", "auto"]
TOL = {np.dtype(np.float64): 1e-9, np.dtype(np.float32): 1e-4}

torch.set_default_dtype(torch.float64)


class Refused(Exception):
    """The reference rejects the request: the oracle must exit 2."""


class Case:
    """One request: the op, its arrays (flag -> array), its other arguments, and what the
    reference says: `expected` (file stem -> array) or `refused` (why the reference raised)."""

    def __init__(self, op, arrays, params, algos=None):
        self.op, self.arrays, self.params, self.algos = op, arrays, list(params), algos
        self.expected, self.refused = None, None
        # stem -> the least scale its tolerance is relative to: where the reference result is
        # all cancellation (tanh' of a large x, the gradient of a two-value batch norm), its
        # largest magnitude says nothing about the size of the rounding errors in it.
        self.scale_floor = {}
        self.mixed = False
        self.exact = {}  # float32 cases: stem -> the float64 result rounded once
        self.save_as = {}  # flag -> the dtype its file holds, when not the array's own

    def describe(self):
        shapes = ", ".join(f"--{k} {a.dtype}{list(a.shape)}" for k, a in self.arrays.items())
        return f"{self.op} {shapes} {' '.join(self.params)}"


# ---- drawing -------------------------------------------------------------------------------

class Draw:
    def __init__(self, rng):
        self.rng = rng

    def pick(self, *options):
        return options[self.rng.integers(len(options))]

    def chance(self, p):
        return self.rng.random() < p

    def int(self, lo, hi):
        return int(self.rng.integers(lo, hi + 1))

    def size(self, lo=1, hi=9):
        """A dimension: mostly small, sometimes the awkward 1, 7 or 33."""
        return self.pick(1, 7, 33) if self.chance(0.2) else self.int(lo, hi)

    def dtype(self):
        return self.pick(np.float32, np.float64)

    def array(self, shape, dtype, lo=-1.0, hi=1.0):
        return np.asarray(self.rng.uniform(lo, hi, size=shape), dtype=dtype)  # 0-d stays an array

    def pair(self, lo, hi, p_same=0.5):
        a = self.int(lo, hi)
        return (a, a) if self.chance(p_same) else (a, self.int(lo, hi))


def flag_value(v):
    return ",".join(str(x) for x in v) if isinstance(v, (tuple, list)) else str(v)


def tensors(case, grads):
    """Torch tensors of the case's arrays; those in `grads` require gradients."""
    out = {}
    for k, a in case.arrays.items():
        t = torch.from_numpy(np.array(a, copy=True))
        if k in grads and t.is_floating_point():
            t = t.to(torch.from_numpy(case.arrays["input"]).dtype).requires_grad_(True)
        out[k] = t
    return out


def mix_dtypes(case, draw):
    """Now and then a float array other than --input is stored in the other float dtype, which
    the oracle converts to the dtype of --input: float64 where the input is float32 (exact), or
    for a float64 input float32 values that the reference then uses widened (exact too)."""
    if case.mixed:
        return
    case.mixed = True
    dt = case.arrays["input"].dtype
    for k, a in list(case.arrays.items()):
        if k != "input" and a.dtype.kind == "f" and draw is not None and draw.chance(0.1):
            if dt == np.float32:
                case.save_as[k] = np.float64
            else:
                case.arrays[k] = a.astype(np.float32).astype(np.float64)
                case.save_as[k] = np.float32


def run_reference(case, forward, grads=("input", "weight", "bias"), draw=None, with_grad=True):
    """Fills case.expected from forward(tensors) -> output or (output, extras), or case.refused."""
    mix_dtypes(case, draw)
    try:
        ts = tensors(case, grads if with_grad else ())
        result = forward(ts)
    except (RuntimeError, ValueError, IndexError, TypeError) as e:
        case.refused = str(e).splitlines()[0] if str(e) else type(e).__name__
        return case
    out, extras = result if isinstance(result, tuple) else (result, {})
    dt = case.arrays["input"].dtype
    expected = {"output": out.detach().numpy().astype(dt)}
    if with_grad and out.requires_grad:
        gy = draw.array(tuple(out.shape), dt, -2, 2)
        if draw.chance(0.1):
            if dt == np.float64:
                gy = gy.astype(np.float32).astype(np.float64)
            case.save_as["grad-output"] = np.float32 if dt == np.float64 else np.float64
        case.arrays["grad-output"] = gy
        out.backward(torch.from_numpy(gy).to(out.dtype))
        for k in grads:
            if k in ts and ts[k].requires_grad:
                g = ts[k].grad
                expected["grad_" + k] = (torch.zeros_like(ts[k]) if g is None else g).detach().numpy().astype(dt)
    for k, v in extras.items():
        expected[k] = v.detach().numpy().astype(dt)
    case.expected = expected
    if dt == np.float32:
        case.exact = float64_reference(case, forward, grads if with_grad else ())
    return case


def float64_reference(case, forward, grads):
    """The float32 case computed in float64 and rounded once. Where torch's own float32 result is
    far off (the log-sum-exp of a confident row, a gradient from a softmax near 1), the oracle
    may match this instead: it is held to torch or to the exact value, not to torch's rounding."""
    ts = {}
    for k, a in case.arrays.items():
        t = torch.from_numpy(np.array(a, copy=True))
        if t.is_floating_point():
            t = t.double()
            if k in grads:
                t.requires_grad_(True)
        ts[k] = t
    result = forward(ts)
    out, extras = result if isinstance(result, tuple) else (result, {})
    exact = {"output": out.detach().numpy().astype(np.float32)}
    if "grad-output" in ts and out.requires_grad:
        out.backward(ts["grad-output"])
        for k in grads:
            if k in ts and ts[k].requires_grad:
                g = ts[k].grad
                exact["grad_" + k] = (torch.zeros_like(ts[k]) if g is None else g).detach().numpy().astype(np.float32)
    for k, v in extras.items():
        exact[k] = v.detach().numpy().astype(np.float32)
    return exact


# ---- convolutions --------------------------------------------------------------------------

def same_pads(n, k, s, d):
    """The documented 'same' rule: output ceil(n/s), the smaller half of the padding first."""
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def conv_winograd(kernel, stride, dilation):
    return tuple(kernel) in ((3, 3), (5, 5)) and tuple(stride) == (1, 1) and tuple(dilation) == (1, 1)


def gen_conv2d(d):
    dt = d.dtype()
    groups = d.pick(1, 1, 2, 3, "depthwise")
    if groups == "depthwise":
        c = d.int(1, 6)
        groups, cpg, kpg = c, 1, d.pick(1, 1, 2)
    else:
        cpg, kpg = d.int(1, 3), d.int(1, 3)
    n = d.pick(1, 1, 2, 3)
    kh, kw = d.pair(1, 5)
    sh, sw = d.pair(1, 3, 0.6) if d.chance(0.5) else (1, 1)
    dh, dw = d.pair(1, 3, 0.6) if d.chance(0.3) else (1, 1)
    h, w = d.size(), d.size()
    form = d.pick("none", "int", "pair", "four", "same", "valid", "full")
    params, pad4 = [], (0, 0, 0, 0)  # top, bottom, left, right
    if form == "int":
        p = d.int(0, 3)
        params += ["--padding", str(p)]
        pad4 = (p, p, p, p)
    elif form == "pair":
        ph, pw = d.int(0, 3), d.int(0, 3)
        params += ["--padding", f"{ph},{pw}"]
        pad4 = (ph, ph, pw, pw)
    elif form == "four":
        pad4 = tuple(d.int(0, 3) for _ in range(4))
        params += ["--padding", flag_value(pad4)]
    elif form == "same":
        params += ["--padding", "same"]
        pad4 = same_pads(h, kh, sh, dh) + same_pads(w, kw, sw, dw)
    elif form == "valid":
        params += ["--padding", "valid"]
    elif form == "full":
        params += ["--padding", "full"]
        pad4 = (dh * (kh - 1),) * 2 + (dw * (kw - 1),) * 2
    if (sh, sw) != (1, 1) or d.chance(0.2):
        params += ["--stride", flag_value((sh, sw) if sh != sw or d.chance(0.5) else sh)]
    if (dh, dw) != (1, 1) or d.chance(0.2):
        params += ["--dilation", flag_value((dh, dw) if dh != dw or d.chance(0.5) else dh)]
    if groups != 1 or d.chance(0.2):
        params += ["--groups", str(groups)]
    arrays = {"input": d.array((n, groups * cpg, h, w), dt),
              "weight": d.array((groups * kpg, cpg, kh, kw), dt)}
    if d.chance(0.6):
        arrays["bias"] = d.array((groups * kpg,), dt)
    case = Case("conv2d", arrays, params, ALGOS if conv_winograd((kh, kw), (sh, sw), (dh, dw)) else
                [a for a in ALGOS if a != "winograd"])

    def forward(t):
        x = F.pad(t["input"], (pad4[2], pad4[3], pad4[0], pad4[1]))
        return F.conv2d(x, t["weight"], t.get("bias"), stride=(sh, sw), dilation=(dh, dw), groups=groups)
    return run_reference(case, forward, draw=d)


def gen_conv1d(d):
    dt = d.dtype()
    groups = d.pick(1, 1, 2, 3)
    cpg, kpg = d.int(1, 3), d.int(1, 3)
    n, length, k = d.pick(1, 2), d.size(1, 12), d.int(1, 5)
    s = d.int(1, 3) if d.chance(0.4) else 1
    dil = d.int(1, 3) if d.chance(0.3) else 1
    form = d.pick("none", "int", "pair", "same", "valid", "full")
    params, pads = [], (0, 0)
    if form == "int":
        p = d.int(0, 3)
        params, pads = ["--padding", str(p)], (p, p)
    elif form == "pair":
        pads = (d.int(0, 3), d.int(0, 3))
        params = ["--padding", flag_value(pads)]
    elif form == "same":
        params, pads = ["--padding", "same"], same_pads(length, k, s, dil)
    elif form == "valid":
        params = ["--padding", "valid"]
    elif form == "full":
        params, pads = ["--padding", "full"], (dil * (k - 1),) * 2
    if s != 1 or d.chance(0.2):
        params += ["--stride", str(s)]
    if dil != 1 or d.chance(0.2):
        params += ["--dilation", str(dil)]
    if groups != 1:
        params += ["--groups", str(groups)]
    arrays = {"input": d.array((n, groups * cpg, length), dt), "weight": d.array((groups * kpg, cpg, k), dt)}
    if d.chance(0.5):
        arrays["bias"] = d.array((groups * kpg,), dt)
    # conv1d runs as a conv2d of height 1, whose winograd would need a 1x3... kernel: never applies.
    case = Case("conv1d", arrays, params, [a for a in ALGOS if a != "winograd"])
    return run_reference(case, lambda t: F.conv1d(F.pad(t["input"], pads), t["weight"], t.get("bias"), stride=s,
                                                  dilation=dil, groups=groups), draw=d)


def gen_conv_transpose2d(d):
    dt = d.dtype()
    groups = d.pick(1, 1, 2, 3)
    cipg, copg = d.int(1, 3), d.int(1, 3)
    n, h, w = d.pick(1, 2), d.size(1, 7), d.size(1, 7)
    kh, kw = d.pair(1, 4)
    sh, sw = d.pair(1, 3, 0.5) if d.chance(0.6) else (1, 1)
    dh, dw = d.pair(1, 3, 0.5) if d.chance(0.3) else (1, 1)
    ph, pw = d.pair(0, 2) if d.chance(0.5) else (0, 0)
    # output_padding below max(stride, dilation), torch's rule; now and then one at the limit.
    oh = d.int(0, max(sh, dh) - 1 + (1 if d.chance(0.1) else 0)) if d.chance(0.5) else 0
    ow = d.int(0, max(sw, dw) - 1 + (1 if d.chance(0.1) else 0)) if d.chance(0.5) else 0
    params = []
    for name, v, dflt in (("stride", (sh, sw), (1, 1)), ("padding", (ph, pw), (0, 0)),
                          ("output-padding", (oh, ow), (0, 0)), ("dilation", (dh, dw), (1, 1))):
        if v != dflt or d.chance(0.15):
            params += ["--" + name, flag_value(v if v[0] != v[1] or d.chance(0.5) else v[0])]
    if groups != 1:
        params += ["--groups", str(groups)]
    arrays = {"input": d.array((n, groups * cipg, h, w), dt), "weight": d.array((groups * cipg, copg, kh, kw), dt)}
    if d.chance(0.5):
        arrays["bias"] = d.array((groups * copg,), dt)
    case = Case("conv_transpose2d", arrays, params,
                ALGOS if conv_winograd((kh, kw), (sh, sw), (dh, dw)) else [a for a in ALGOS if a != "winograd"])
    return run_reference(case, lambda t: F.conv_transpose2d(
        t["input"], t["weight"], t.get("bias"), stride=(sh, sw), padding=(ph, pw), output_padding=(oh, ow),
        groups=groups, dilation=(dh, dw)), draw=d)


def gen_signal(d, op):
    dt = d.dtype()
    a = d.array((d.size(1, 8), d.size(1, 8)), dt)
    k = d.array((d.int(1, 5), d.int(1, 5)) if d.chance(0.7) else (d.size(1, 9), d.size(1, 9)), dt)
    mode = d.pick("full", "same", "valid", None)
    params = [] if mode is None else ["--mode", mode]
    mode = mode or "full"
    f = scipy.signal.correlate2d if op == "correlate2d" else scipy.signal.convolve2d
    case = Case(op, {"input": a, "weight": k}, params,
                ALGOS if k.shape in ((3, 3), (5, 5)) else [x for x in ALGOS if x != "winograd"])
    mix_dtypes(case, d)
    a, k = case.arrays["input"], case.arrays["weight"]
    try:
        y = f(a.astype(np.float64), k.astype(np.float64), mode=mode)
    except ValueError as e:
        case.refused = str(e)
        return case
    # Gradients from torch: the mode's window of the full correlation, found where scipy's
    # result sits inside scipy's full result (so the fuzzer assumes nothing about the centring).
    full = f(a.astype(np.float64), k.astype(np.float64), mode="full")
    hits = [(i, j) for i in range(full.shape[0] - y.shape[0] + 1) for j in range(full.shape[1] - y.shape[1] + 1)
            if np.allclose(full[i:i + y.shape[0], j:j + y.shape[1]], y, rtol=0, atol=1e-12)]
    assert hits, ("fuzzer: scipy's", mode, "result is no window of its full result")
    i0, j0 = hits[0]
    r, s = k.shape

    def forward(t):
        kk = t["weight"] if op == "correlate2d" else torch.flip(t["weight"], (0, 1))
        yf = F.conv2d(F.pad(t["input"][None, None], (s - 1, s - 1, r - 1, r - 1)), kk[None, None])[0, 0]
        return yf[i0:i0 + y.shape[0], j0:j0 + y.shape[1]]
    run_reference(case, forward, draw=d)
    assert np.allclose(case.expected["output"], y.astype(dt), rtol=0,
                       atol=TOL[np.dtype(dt)] * max(1, np.abs(y).max(initial=0))), "fuzzer: torch form of scipy"
    case.expected["output"] = y.astype(dt)
    return case


# ---- pooling -------------------------------------------------------------------------------

def pool_geometry(d, padding=True):
    kh, kw = d.pair(1, 4)
    params = ["--kernel", flag_value((kh, kw) if kh != kw or d.chance(0.5) else kh)]
    stride = None
    if d.chance(0.6):
        stride = d.pair(1, 3)
        params += ["--stride", flag_value(stride)]
    pad = (0, 0)
    if padding and d.chance(0.5):
        pad = (d.int(0, kh // 2 + (1 if d.chance(0.05) else 0)), d.int(0, kw // 2))
        params += ["--padding", flag_value(pad)]
    ceil = d.chance(0.4)
    if ceil:
        params += ["--ceil-mode"]
    return (kh, kw), stride, pad, ceil, params


def pool_input(d, dt, lo=-1.0, hi=1.0):
    shape = (d.pick(1, 2), d.int(1, 3), d.size(1, 9), d.size(1, 9))
    x = d.array(shape, dt, lo, hi)
    if d.chance(0.2):
        # ties in a window: the gradient takes the first. (+ 0.0 turns round's -0.0 into 0.0: at
        # -0.0, lp_pool2d with p = 0.5 has an infinite gradient whose sign torch takes from
        # rsqrt(-0.0) = -inf, a corner not worth matching.)
        x = np.asarray(np.round(x * 2) / 2 + 0.0, dtype=dt)
    elif d.chance(0.1):
        x = np.asarray(np.maximum(x, 0), dtype=dt)  # after a relu: whole windows of zeros
    return specials(d, x)


def gen_max_pool2d(d):
    dt = d.dtype()
    k, s, p, ceil, params = pool_geometry(d)
    case = Case("max_pool2d", {"input": pool_input(d, dt)}, params)
    return run_reference(case, lambda t: F.max_pool2d(t["input"], k, s, p, ceil_mode=ceil), draw=d)


def gen_avg_pool2d(d):
    dt = d.dtype()
    k, s, p, ceil, params = pool_geometry(d)
    include = d.pick(True, False, None)
    if include is not None:
        params += [d.pick("--count-include-pad", "--count-include-pad=true") if include else "--count-include-pad=false"]
    case = Case("avg_pool2d", {"input": pool_input(d, dt)}, params)
    return run_reference(case, lambda t: F.avg_pool2d(t["input"], k, s, p, ceil_mode=ceil,
                                                      count_include_pad=include is not False), draw=d)


def gen_lp_pool2d(d):
    dt = d.dtype()
    k, s, _, ceil, params = pool_geometry(d, padding=False)
    p = d.pick(1, 2, 3, 1.5, 2.5, 4, 0.5)
    params = ["--p", str(p)] + params
    # odd or fractional p of a negative window sum is NaN in torch too; mostly stay positive
    x = pool_input(d, dt, 0.1, 1.0) if p not in (2, 4) and d.chance(0.8) or d.chance(0.5) else pool_input(d, dt)
    if p == 0.5:
        x[x == -np.inf] = np.inf  # torch takes x^0.5 as sqrt(x): NaN at -inf, where pow gives +inf
    case = Case("lp_pool2d", {"input": x}, params)
    return run_reference(case, lambda t: F.lp_pool2d(t["input"], p, k, s, ceil_mode=ceil), draw=d)


# ---- normalisation -------------------------------------------------------------------------

def gen_batch_norm(d):
    dt = d.dtype()
    c = d.int(1, 4)
    shape = (d.pick(1, 2, 3, 5), c) + tuple(d.int(1, 4) for _ in range(d.int(0, 3)))
    arrays = {"input": d.array(shape, dt, -2, 3)}
    if d.chance(0.6):
        arrays["weight"] = d.array((c,), dt)
    if d.chance(0.6):
        arrays["bias"] = d.array((c,), dt)
    training = d.chance(0.6)
    running = not training or d.chance(0.6)
    if running:
        arrays["running-mean"] = d.array((c,), dt)
        arrays["running-var"] = d.array((c,), dt, 0.2, 2.0)
    params = []
    eps, momentum = 1e-5, 0.1
    if d.chance(0.4):
        eps = d.pick(1e-3, 0.1, 1e-8, 0.0 if training else 1e-5)
        params += ["--eps", repr(eps)]
    if training:
        params += ["--training"]
        if d.chance(0.5):
            momentum = d.pick(0.0, 0.3, 1.0, 0.9)
            params += ["--momentum", repr(momentum)]
    elif d.chance(0.2):
        params += ["--training=false"]
    case = Case("batch_norm", arrays, params)

    def forward(t):
        rm = t["running-mean"].clone() if "running-mean" in t else None
        rv = t["running-var"].clone() if "running-var" in t else None
        y = F.batch_norm(t["input"], rm, rv, t.get("weight"), t.get("bias"), training=training, momentum=momentum,
                         eps=eps)
        return (y, {"running_mean": rm, "running_var": rv}) if training and rm is not None else y
    run_reference(case, forward, draw=d)
    if case.expected is not None and "grad-output" in case.arrays:
        # each term of grad_input is about gy·gamma/std; with few values per channel they cancel
        x = case.arrays["input"].astype(np.float64)
        axes = (0,) + tuple(range(2, x.ndim))
        var = x.var(axis=axes) if training else case.arrays["running-var"].astype(np.float64)
        gamma = np.abs(arrays["weight"]).max() if "weight" in arrays else 1.0
        case.scale_floor["grad_input"] = float(np.abs(case.arrays["grad-output"]).max() * max(gamma, 1.0)
                                               / np.sqrt(var.min() + eps))
    return case


def gen_local_response_norm(d):
    dt = d.dtype()
    shape = (d.pick(1, 2), d.int(1, 7)) + tuple(d.int(1, 4) for _ in range(d.int(1, 3)))
    size = d.int(1, 8)
    params = ["--size", str(size)]
    alpha, beta, k = 1e-4, 0.75, 1.0
    if d.chance(0.6):
        alpha = d.pick(0.1, 1.0, 0.01, 2.5)
        params += ["--alpha", repr(alpha)]
    if d.chance(0.6):
        beta = d.pick(0.5, 1.0, 0.25, 2.0)
        params += ["--beta", repr(beta)]
    if d.chance(0.6):
        k = d.pick(2.0, 0.5, 1.0, 3.0)
        params += ["--k", repr(k)]
    case = Case("local_response_norm", {"input": d.array(shape, dt, -2, 2)}, params)
    return run_reference(case, lambda t: F.local_response_norm(t["input"], size, alpha, beta, k), draw=d)


# ---- linear, loss, activations -------------------------------------------------------------

def gen_linear(d):
    dt = d.dtype()
    fin, fout = d.size(1, 8), d.size(1, 8)
    lead = tuple(d.int(1, 4) for _ in range(d.int(0, 3)))
    arrays = {"input": d.array(lead + (fin,), dt), "weight": d.array((fout, fin), dt)}
    if d.chance(0.6):
        arrays["bias"] = d.array((fout,), dt)
    case = Case("linear", arrays, [])
    return run_reference(case, lambda t: F.linear(t["input"], t["weight"], t.get("bias")), draw=d)


def gen_cross_entropy(d):
    dt = d.dtype()
    n, c = d.pick(1, 2, 5, 9), d.int(1, 6)
    target = d.rng.integers(0, c, size=n).astype(d.pick(np.int64, np.int32))
    params = []
    ignore = -100
    if d.chance(0.4):
        ignore = d.pick(-100, -1, 0, c - 1, 7)
        if ignore != -100 or d.chance(0.5):
            params += ["--ignore-index", str(ignore)]
    if d.chance(0.5):
        # a few targets set to the ignore index (never all: the README says the oracle refuses that)
        m = d.rng.random(n) < 0.3
        m[d.int(0, n - 1)] = False
        target[m] = ignore
    smoothing = 0.0
    if d.chance(0.5):
        smoothing = d.pick(0.1, 0.25, 1.0, 0.0, 0.5)
        params += ["--label-smoothing", repr(smoothing)]
    logits = d.array((n, c), dt, *d.pick((-3, 3), (-30, 30), (500, 600)))
    weighted = d.chance(0.3)
    # (with class weights torch multiplies a weight of 0 by a masked -inf: NaN, a quirk)
    if c > 1 and not weighted and d.chance(0.15):
        # masked classes: a logit of -inf (now and then the target's own: an infinite loss). Not
        # a whole row, whose log_softmax is NaN, nor a target under full smoothing, where torch
        # computes 0·inf = NaN: degenerate quirks nobody would compare.
        m = d.rng.random((n, c)) < 0.3
        if smoothing == 1.0 or d.chance(0.8):
            m[np.arange(n), np.clip(target, 0, c - 1)] = False
        m[m.all(axis=1), 0] = False
        logits[m] = -np.inf
    arrays = {"input": logits, "target": target}
    weight = None
    if weighted:
        # class weights, now and then a 0 (or, rarely, the wrong length)
        weight = d.array((c if d.chance(0.95) else c + 1,), dt, 0.0, 2.0)
        weight[d.rng.random(weight.shape) < 0.2] = 0.0
        arrays["weight"] = weight
    case = Case("cross_entropy", arrays, params)
    mix_dtypes(case, d)
    weight = case.arrays.get("weight")
    given = d.chance(0.5)

    def forward(t, weight=None):
        return F.cross_entropy(t["input"], t["target"].long(), weight=weight, ignore_index=ignore,
                               label_smoothing=smoothing)
    try:
        ts = tensors(case, ("input",))
        y = forward(ts, ts.get("weight"))
    except (RuntimeError, IndexError) as e:
        case.refused = str(e).splitlines()[0]
        return case
    if np.all(target == ignore):
        case.refused = "documented difference: every target is the ignore index (torch returns nan)"
        return case
    if weight is not None and weight[target[target != ignore]].sum() == 0:
        case.refused = "documented difference: the counted targets' weights are all 0 (torch returns nan)"
        return case
    gy = np.array(d.pick(1.0, 2.5, -0.5), dtype=dt) if given else np.array(1.0, dtype=dt)
    if given:
        case.arrays["grad-output"] = gy
    y.backward(torch.from_numpy(gy))
    case.expected = {"output": y.detach().numpy().astype(dt), "grad_input": ts["input"].grad.numpy().astype(dt)}
    # (softmax - onehot)·GY/N: where a softmax is within float's ulp of 1 the difference is
    # quantized at that ulp, in torch as here
    case.scale_floor["grad_input"] = abs(float(gy)) / n
    # a loss is log Σ e^(x - max) - (x_t - max): log of a sum near 1 is good to a few ulps of 1,
    # whatever the (tiny) loss of a confident batch
    case.scale_floor["output"] = 1e-6 if dt == np.float64 else 5e-3
    if dt == np.float32:
        x64 = torch.from_numpy(arrays["input"].astype(np.float64)).requires_grad_(True)
        w64 = None if weight is None else torch.from_numpy(weight.astype(np.float64))
        y64 = F.cross_entropy(x64, torch.from_numpy(target).long(), weight=w64, ignore_index=ignore,
                              label_smoothing=smoothing)
        y64.backward(torch.tensor(float(gy), dtype=torch.float64))
        case.exact = {"output": y64.detach().numpy().astype(dt), "grad_input": x64.grad.numpy().astype(dt)}
    return case


def activation_input(d, dt, lo=-3.0, hi=3.0):
    shape = tuple(d.size(1, 6) if d.chance(0.97) else 0 for _ in range(d.int(0, 4)))
    x = d.array(shape, dt, lo, hi)
    if x.size and d.chance(0.5):
        x.reshape(-1)[:: d.int(2, 5)] = 0.0  # the kinks: torch's one-sided derivatives at 0
    return specials(d, x)


def specials(d, x):
    """Now and then an infinity or a NaN among the values: both must come out where torch has them."""
    if x.size and d.chance(0.1):
        flat = x.reshape(-1)
        flat[d.int(0, flat.size - 1)] = d.pick(np.inf, -np.inf, np.nan)
    return x


def gen_activation(d, op):
    dt = d.dtype()
    x = activation_input(d, dt, *((-40, 40) if op in ("tanh", "sigmoid") and d.chance(0.3) else (-3, 3)))
    params = []
    if op == "relu":
        f = F.relu
    elif op == "tanh":
        f = torch.tanh
    elif op == "sigmoid":
        f = torch.sigmoid
    elif op == "elu":
        alpha = 1.0
        if d.chance(0.7):
            alpha = d.pick(0.5, 2.0, 0.0, -0.5, 1.0)
            params = ["--alpha", repr(alpha)]
        f = lambda v: F.elu(v, alpha)  # noqa: E731
    else:
        slope = 0.01
        if d.chance(0.7):
            slope = d.pick(0.2, 0.0, -0.3, 1.5, 1.0)
            params = ["--slope", repr(slope)]
        f = lambda v: F.leaky_relu(v, slope)  # noqa: E731
    case = Case(op, {"input": x}, params)
    run_reference(case, lambda t: f(t["input"]), draw=d)
    if "grad-output" in case.arrays:
        case.scale_floor["grad_input"] = float(np.abs(case.arrays["grad-output"]).max(initial=0))
    return case


def gen_softmax(d, op):
    dt = d.dtype()
    rank = d.int(0, 4) if d.chance(0.9) else 0
    x = d.array(tuple(d.size(1, 6) for _ in range(rank)), dt, -5, 5)
    if d.chance(0.2):
        x = np.asarray(x + dt(d.pick(1000.0, -1000.0)))
    if x.size and d.chance(0.1):
        x.reshape(-1)[d.int(0, x.size - 1)] = -np.inf  # a masked logit: probability 0
    lo, hi = (-1, 0) if rank == 0 else (-rank, rank - 1)  # torch lets a 0-d tensor take dim 0 or -1
    dim = d.int(lo, hi) if d.chance(0.95) else d.pick(hi + 1, lo - 1)
    case = Case(op, {"input": x}, ["--dim", str(dim)])
    f = F.softmax if op == "softmax" else F.log_softmax
    return run_reference(case, lambda t: f(t["input"], dim=dim), draw=d)


def gen_dropout(d):
    dt = d.dtype()
    x = activation_input(d, dt)
    mask = d.rng.random(x.shape) < 0.6
    mask = mask.astype(d.pick(np.bool_, np.uint8, np.int64, np.float32, np.float64))
    params, p = [], 0.5
    if d.chance(0.7):
        p = d.pick(0.0, 0.1, 0.3, 0.9, 1.0)
        params = ["--p", repr(p)]
    case = Case("dropout", {"input": x, "mask": np.asarray(mask)}, params)
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return run_reference(case, lambda t: t["input"] * t["mask"].to(t["input"].dtype) * scale, grads=("input",),
                         draw=d)


GENERATORS = {
    "conv2d": gen_conv2d,
    "conv1d": gen_conv1d,
    "conv_transpose2d": gen_conv_transpose2d,
    "correlate2d": lambda d: gen_signal(d, "correlate2d"),
    "convolve2d": lambda d: gen_signal(d, "convolve2d"),
    "max_pool2d": gen_max_pool2d,
    "avg_pool2d": gen_avg_pool2d,
    "lp_pool2d": gen_lp_pool2d,
    "batch_norm": gen_batch_norm,
    "local_response_norm": gen_local_response_norm,
    "linear": gen_linear,
    "cross_entropy": gen_cross_entropy,
    "softmax": lambda d: gen_softmax(d, "softmax"),
    "log_softmax": lambda d: gen_softmax(d, "log_softmax"),
    "relu": lambda d: gen_activation(d, "relu"),
    "tanh": lambda d: gen_activation(d, "tanh"),
    "sigmoid": lambda d: gen_activation(d, "sigmoid"),
    "elu": lambda d: gen_activation(d, "elu"),
    "leaky_relu": lambda d: gen_activation(d, "leaky_relu"),
    "dropout": gen_dropout,
}


# ---- running the oracle --------------------------------------------------------------------

DRIVER = r"""
import dev.faltung.cli.Main;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

/** Reads one request a line (arguments separated by tabs); answers with the exit code and stderr. */
public class OracleBatch {
    public static void main(String[] a) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream answer = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        for (String line; (line = in.readLine()) != null; ) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code;
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                code = new Main().run(Arrays.asList(line.split("\t")), o, e);
            } catch (Throwable t) {
                code = 99;
                err.writeBytes(("escaped Main.run: " + t).getBytes(StandardCharsets.UTF_8));
            }
            answer.println(code + "\t" + err.toString(StandardCharsets.UTF_8).replace("\\", "\\\\").replace("\n", "\\n"));
        }
    }
}
"""


class Oracle:
    """Runs `faltung oracle` requests, in one JVM (batch) or as separate processes (cli)."""

    def __init__(self, cli):
        self.cli = cli
        self.proc = None
        # builds what changed first, so that "faltung: building..." is not taken for an answer
        subprocess.run([os.path.join(REPO, "faltung"), "help"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        if not cli:
            src = os.path.join(tempfile.mkdtemp(prefix="fuzz_oracle_driver"), "OracleBatch.java")
            with open(src, "w") as f:
                f.write(DRIVER)
            java = java_home() + "/bin/java"
            cp = os.path.join(REPO, "cli/target/classes") + ":" + os.path.join(REPO, "cli/target/lib/*")
            self.proc = subprocess.Popen([java, "--add-modules", "jdk.incubator.vector", "-cp", cp, src],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         text=True, bufsize=1)

    def run(self, argv):
        """(exit code, stderr) of `faltung ARGV`."""
        if self.cli:
            p = subprocess.run([os.path.join(REPO, "faltung")] + argv, capture_output=True, text=True, timeout=300)
            return p.returncode, p.stderr
        self.proc.stdin.write("\t".join(argv) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the batch driver died")
        code, err = line.rstrip("\n").split("\t", 1)
        return int(code), err.replace("\\n", "\n").replace("\\\\", "\\")

    def close(self):
        if self.proc:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def java_home():
    out = subprocess.run(["bash", "-c", f"source {REPO}/scripts/java-home.sh && echo $JAVA_HOME"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def err_lines(err):
    """The non-blank lines of stderr (through ./faltung, the JVM's own notices count too)."""
    return [l for l in err.splitlines() if l.strip()]


def write_case(case, d, draw):
    """Saves the arrays (now and then big-endian) and returns the command line, with now and
    then an option written --name=value."""
    argv = ["oracle", case.op]
    for k, a in case.arrays.items():
        path = os.path.join(d, k.replace("-", "_") + ".npy")
        a = a.astype(case.save_as.get(k, a.dtype))
        if a.dtype.itemsize > 1 and draw.chance(0.1):
            a = a.astype(a.dtype.newbyteorder(">"))
        np.save(path, a, allow_pickle=False)
        argv += ["--" + k, path]
    params = list(case.params)
    if len(params) >= 2 and params[0].startswith("--") and not params[1].startswith("--") and draw.chance(0.2):
        params[:2] = [params[0] + "=" + params[1]]
    return argv + params


def compare(expected, got_dir, scale_floor=None, exact=None, unchecked=()):
    """A list of problems with the files in got_dir against expected (stem -> array); an array
    close to exact[stem] instead (float32 cases) passes too."""
    problems = []
    written = sorted(os.listdir(got_dir)) if os.path.isdir(got_dir) else []
    want = sorted(s + ".npy" for s in expected)
    if written != want:
        problems.append(f"files written {written}, expected {want}")
    for stem, e in expected.items():
        path = os.path.join(got_dir, stem + ".npy")
        if not os.path.exists(path):
            continue
        g = np.load(path)
        if g.dtype != e.dtype:
            problems.append(f"{stem}: dtype {g.dtype}, expected {e.dtype}")
            continue
        if g.shape != e.shape:
            problems.append(f"{stem}: shape {g.shape}, expected {e.shape}")
            continue
        if stem in unchecked:
            continue
        finite = np.isfinite(e)
        scale = max(np.abs(e[finite]).max(initial=0.0), (scale_floor or {}).get(stem, 0.0)) or 1.0
        tol = TOL[e.dtype] * scale
        bad = mismatches(e, g, tol)
        if bad.any() and stem in (exact or {}):
            x = exact[stem]
            bad = bad & mismatches(x, g, TOL[e.dtype] * max(scale, np.abs(x[np.isfinite(x)]).max(initial=0.0)))
        if bad.any():
            i = tuple(int(v) for v in np.argwhere(bad)[0])
            err = np.abs(g.astype(np.float64) - e)[finite].max(initial=0.0)
            problems.append(f"{stem}: {int(bad.sum())} of {e.size} off, first at {list(i)}: got {g[i]!r}, "
                            f"expected {e[i]!r} (max |diff| {err:.3g}, tolerance {tol:.3g})")
    return problems


def mismatches(e, g, tol):
    """Where g is not e: NaN for NaN, infinities exactly, numbers within tol."""
    with np.errstate(invalid="ignore"):
        return ~np.where(np.isnan(e), np.isnan(g),
                         np.where(np.isfinite(e), np.abs(g.astype(np.float64) - e) <= tol, g == e))


def check_refusal(oracle, argv, out, what):
    code, err = oracle.run(argv + ([] if "--out" in argv else ["--out", out]))
    lines = err_lines(err)
    problems = []
    if code != 2:
        problems.append(f"exit {code}, expected 2 ({what})")
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr, expected one")
    if "Exception" in err or "\tat " in err:
        problems.append("a stack trace or exception name on stderr")
    if os.path.exists(out):
        problems.append(f"wrote {os.listdir(out)} on failure")
    return problems, err


def run_case(oracle, case, work, variants, draw):
    """Problems of one case under each variant (extra options); [] when all is well."""
    d = tempfile.mkdtemp(dir=work)
    argv = write_case(case, d, draw)
    problems = []
    for extra in variants:
        out = os.path.join(d, "out-" + "-".join(extra).replace("--", "") if extra else os.path.join(d, "out"))
        label = " ".join(extra) or "defaults"
        if case.refused is not None:
            ps, err = check_refusal(oracle, argv + extra, out, "torch refuses: " + case.refused)
            problems += [f"[{label}] {p}; stderr: {err.strip()!r}" for p in ps]
            continue
        code, err = oracle.run(argv + extra + ["--out", out])
        algo = extra[1] if extra and extra[0] == "--algo" else None
        if code == 2 and algo == "winograd" and "winograd" in err and len(err_lines(err)) == 1:
            continue  # winograd may refuse geometries it does not cover, naming itself
        if code != 0:
            problems.append(f"[{label}] exit {code}, expected 0; stderr: {err.strip()!r}")
            continue
        if err_lines(err):
            problems.append(f"[{label}] succeeded but wrote to stderr: {err.strip()!r}")
        # README: where the input holds a NaN, gradients may differ from torch's (its relu and elu
        # pass GY through a NaN, its sign(NaN) is 0): their files must be there, of the right
        # dtype and shape, but their values are not compared.
        unchecked = {k for k in case.expected if k.startswith("grad_")} if np.isnan(case.arrays["input"]).any() else set()
        problems += [f"[{label}] {p}" for p in compare(case.expected, out, case.scale_floor, case.exact, unchecked)]
    return argv, problems, d


def gradient_floors(case):
    """A gradient is a sum of GY times Jacobian entries of about unit size (the arrays are drawn
    from [-3, 3] at most), so its rounding errors scale with max |GY| even where the sum itself
    cancels to next to nothing (a bias gradient over a few positions)."""
    gy = case.arrays.get("grad-output")
    if gy is None or case.expected is None:
        return
    for stem in case.expected:
        if stem.startswith("grad_"):
            case.scale_floor[stem] = max(case.scale_floor.get(stem, 0.0), float(np.abs(gy).max(initial=0)))


# ---- malformed requests --------------------------------------------------------------------

def bad_requests(d, work):
    """(description, argv without --out) pairs that must each be refused with exit 2."""
    x = os.path.join(work, "bad_x.npy")
    np.save(x, d.array((2, 3, 5, 5), np.float64))
    w = os.path.join(work, "bad_w.npy")
    np.save(w, d.array((4, 3, 3, 3), np.float64))
    files = {}

    def f(name, arr):
        p = os.path.join(work, "bad_" + name + ".npy")
        np.save(p, arr, allow_pickle=False)
        files[name] = p
        return p

    ints = f("ints", np.zeros((2, 3, 5, 5), np.int32))
    text = os.path.join(work, "bad_text.npy")
    with open(text, "w") as fh:
        fh.write("hello")
    f16 = f("f16", np.zeros((2, 3, 5, 5), np.float16))
    logits = f("logits", d.array((3, 4), np.float64))
    tgt = f("tgt", np.array([0, 1, 3], np.int64))
    vec = f("vec", d.array((4,), np.float64))
    scalar = f("scalar", np.array(1.0))
    f("m1", np.ones(4, bool))
    conv = ["conv2d", "--input", x, "--weight", w]
    bn = ["batch_norm", "--input", x, "--training"]
    pool = ["max_pool2d", "--input", x]
    return [
        ("unknown op", ["conv3d", "--input", x]),
        ("no op", ["--input", x]),
        ("unknown flag", conv + ["--strides", "2"]),
        ("flag of another op", ["relu", "--input", x, "--weight", w]),
        ("flag given twice", conv + ["--stride", "1", "--stride", "2"]),
        ("flag without value", conv + ["--stride"]),
        ("stray positional argument", conv + ["2"]),
        ("missing --input", ["relu"]),
        ("missing file", conv + ["--bias", os.path.join(work, "none.npy")]),
        ("directory as file", conv + ["--bias", work]),
        ("not an npy file", conv + ["--bias", text]),
        ("integer input", ["relu", "--input", ints]),
        ("float16 input", ["relu", "--input", f16]),
        ("float targets", ["cross_entropy", "--input", logits, "--target", logits]),
        ("target out of range", ["cross_entropy", "--input", logits, "--target", f("tgt_hi", np.array([0, 1, 4]))]),
        ("negative target", ["cross_entropy", "--input", logits, "--target", f("tgt_neg", np.array([0, -1, 2]))]),
        ("target of the wrong length", ["cross_entropy", "--input", logits, "--target", f("tgt2", np.array([0, 1]))]),
        ("label smoothing above 1", ["cross_entropy", "--input", logits, "--target", tgt, "--label-smoothing", "1.5"]),
        ("negative label smoothing", ["cross_entropy", "--input", logits, "--target", tgt, "--label-smoothing", "-0.1"]),
        ("nan label smoothing", ["cross_entropy", "--input", logits, "--target", tgt, "--label-smoothing", "nan"]),
        ("cross_entropy grad-output not 0-d", ["cross_entropy", "--input", logits, "--target", tgt,
                                               "--grad-output", vec]),
        ("weight of the wrong channels", ["conv2d", "--input", x, "--weight", f("w2", np.zeros((4, 2, 3, 3)))]),
        ("weight of the wrong rank", ["conv2d", "--input", x, "--weight", f("w3", np.zeros((4, 3, 3)))]),
        ("input of the wrong rank", ["conv2d", "--input", vec, "--weight", w]),
        ("bias of the wrong length", conv + ["--bias", f("b3", np.zeros(3))]),
        ("grad-output of the wrong shape", conv + ["--grad-output", f("gy", np.zeros((2, 4, 2, 2)))]),
        ("kernel larger than the input", ["conv2d", "--input", x, "--weight", f("w9", np.zeros((4, 3, 9, 9)))]),
        ("groups not dividing", conv + ["--groups", "2"]),
        ("zero groups", conv + ["--groups", "0"]),
        ("negative groups", conv + ["--groups", "-3"]),
        ("zero stride", conv + ["--stride", "0"]),
        ("negative stride", conv + ["--stride", "-1"]),
        ("zero dilation", conv + ["--dilation", "0"]),
        ("negative padding", conv + ["--padding", "-1"]),
        ("three padding values", conv + ["--padding", "1,2,3"]),
        ("padding word", conv + ["--padding", "middle"]),
        ("non-integer stride", conv + ["--stride", "1.5"]),
        ("unknown algorithm", conv + ["--algo", "magic"]),
        ("unknown backend", ["relu", "--input", x, "--backend", "abacus"]),
        ("conv1d negative padding", ["conv1d", "--input", f("x1", np.zeros((1, 2, 5))), "--weight",
                                     f("w1", np.zeros((3, 2, 2))), "--padding", "-1,0"]),
        ("conv_transpose2d output padding too large", ["conv_transpose2d", "--input", x, "--weight", w,
                                                       "--stride", "2", "--output-padding", "2"]),
        ("conv_transpose2d negative output size", ["conv_transpose2d", "--input", f("xs", np.zeros((1, 4, 1, 1))),
                                                   "--weight", w, "--padding", "3"]),
        ("conv_transpose2d negative padding", ["conv_transpose2d", "--input", f("xt", np.zeros((1, 4, 2, 2))),
                                               "--weight", w, "--padding", "-1"]),
        ("conv_transpose2d weight channels", ["conv_transpose2d", "--input", x, "--weight", w]),
        ("correlate2d 3-D input", ["correlate2d", "--input", x, "--weight", f("k", np.zeros((2, 2)))]),
        ("correlate2d unknown mode", ["correlate2d", "--input", f("a", np.zeros((3, 3))), "--weight", files["k"],
                                      "--mode", "middle"]),
        ("correlate2d valid, neither larger", ["correlate2d", "--input", f("a2", np.zeros((3, 5))), "--weight",
                                               f("k2", np.zeros((5, 3))), "--mode", "valid"]),
        ("pool without kernel", pool),
        ("pool zero kernel", pool + ["--kernel", "0"]),
        ("pool negative kernel", pool + ["--kernel", "-2"]),
        ("pool zero stride", pool + ["--kernel", "2", "--stride", "0"]),
        ("pool padding over half the kernel", pool + ["--kernel", "2", "--padding", "2"]),
        ("pool negative padding", pool + ["--kernel", "2", "--padding", "-1"]),
        ("pool kernel larger than the input", pool + ["--kernel", "6"]),
        ("pool 2-D input", ["max_pool2d", "--input", logits, "--kernel", "2"]),
        ("ceil-mode with a value", pool + ["--kernel", "2", "--ceil-mode=maybe"]),
        ("avg pool divisor 0 count", ["avg_pool2d", "--input", x, "--kernel", "2", "--count-include-pad=2"]),
        ("lp_pool2d p = 0", ["lp_pool2d", "--input", x, "--kernel", "2", "--p", "0"]),
        ("lp_pool2d p = nan", ["lp_pool2d", "--input", x, "--kernel", "2", "--p", "nan"]),
        ("lp_pool2d without p", ["lp_pool2d", "--input", x, "--kernel", "2"]),
        ("batch_norm eval without statistics", ["batch_norm", "--input", x]),
        ("batch_norm running-mean only", bn + ["--running-mean", f("rm", np.zeros(3))]),
        ("batch_norm weight of the wrong length", bn + ["--weight", vec]),
        ("batch_norm one value per channel", ["batch_norm", "--input", f("one", np.zeros((1, 3))), "--training"]),
        ("batch_norm 1-D input", ["batch_norm", "--input", vec, "--training"]),
        ("batch_norm nan eps", bn + ["--eps", "nan"]),
        ("batch_norm infinite eps", bn + ["--eps", "inf"]),
        ("batch_norm NaN eps", bn + ["--eps", "NaN"]),
        ("batch_norm eps that overflows", bn + ["--eps", "1e999"]),
        ("batch_norm Infinity momentum", bn + ["--momentum", "Infinity"]),
        ("elu NaN alpha", ["elu", "--input", x, "--alpha", "NaN"]),
        ("leaky_relu -Infinity slope", ["leaky_relu", "--input", x, "--slope", "-Infinity"]),
        ("label smoothing NaN", ["cross_entropy", "--input", logits, "--target", tgt, "--label-smoothing", "NaN"]),
        ("dropout NaN p", ["dropout", "--input", vec, "--mask", files["m1"], "--p", "NaN"]),
        ("lp_pool2d p = Infinity", ["lp_pool2d", "--input", x, "--kernel", "2", "--p", "Infinity"]),
        ("local_response_norm NaN beta", ["local_response_norm", "--input", x, "--size", "2", "--beta", "NaN"]),
        ("ignore index not an integer", ["cross_entropy", "--input", logits, "--target", tgt, "--ignore-index", "1.5"]),
        ("batch_norm nan momentum", bn + ["--momentum", "nan"]),
        ("local_response_norm size 0", ["local_response_norm", "--input", x, "--size", "0"]),
        ("local_response_norm negative size", ["local_response_norm", "--input", x, "--size", "-2"]),
        ("local_response_norm without size", ["local_response_norm", "--input", x]),
        ("local_response_norm 2-D input", ["local_response_norm", "--input", logits, "--size", "2"]),
        ("local_response_norm nan alpha", ["local_response_norm", "--input", x, "--size", "2", "--alpha", "nan"]),
        ("local_response_norm infinite k", ["local_response_norm", "--input", x, "--size", "2", "--k", "inf"]),
        ("linear feature mismatch", ["linear", "--input", x, "--weight", f("lw", np.zeros((2, 4)))]),
        ("linear 0-d input", ["linear", "--input", scalar, "--weight", f("lw1", np.zeros((2, 1)))]),
        ("linear without weight", ["linear", "--input", x]),
        ("softmax without dim", ["softmax", "--input", x]),
        ("softmax dim out of range", ["softmax", "--input", x, "--dim", "4"]),
        ("softmax dim below range", ["log_softmax", "--input", x, "--dim", "-5"]),
        ("elu nan alpha", ["elu", "--input", x, "--alpha", "nan"]),
        ("leaky_relu infinite slope", ["leaky_relu", "--input", x, "--slope", "inf"]),
        ("leaky_relu word slope", ["leaky_relu", "--input", x, "--slope", "steep"]),
        ("dropout mask of the wrong shape", ["dropout", "--input", x, "--mask", vec]),
        ("dropout mask with 2", ["dropout", "--input", vec, "--mask", f("m2", np.array([0, 1, 2, 1]))]),
        ("dropout p above 1", ["dropout", "--input", vec, "--mask", files["m1"], "--p", "1.5"]),
        ("dropout negative p", ["dropout", "--input", vec, "--mask", files["m1"], "--p", "-0.5"]),
        ("dropout without mask", ["dropout", "--input", vec]),
        ("--out naming a file", ["relu", "--input", x, "--out", x]),
        ("fortran-ordered weight", ["conv2d", "--input", x, "--weight", f("wf", np.asfortranarray(np.zeros((4, 3, 3, 2))))]),
    ]


# ---- main ----------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock, printed)")
    ap.add_argument("--seconds", type=float, default=120, help="stop drawing cases after this long")
    ap.add_argument("--cases", type=int, default=None, help="stop after this many cases")
    ap.add_argument("--ops", default=None, help="comma-separated ops (default: every op)")
    ap.add_argument("--cli", action="store_true", help="one ./faltung process per request (slow)")
    ap.add_argument("--no-variants", action="store_true", help="skip the other --algo and --backend simd runs")
    ap.add_argument("--no-bad", action="store_true", help="skip the malformed requests")
    ap.add_argument("--backends", default="simd", help="comma-separated backends to run every case on too")
    ap.add_argument("--keep", default="/tmp/fuzz_oracle", help="where failing cases are kept")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int(time.time()) % 100000
    print(f"fuzz_oracle: seed {seed}", flush=True)
    draw = Draw(np.random.default_rng(seed))
    ops = args.ops.split(",") if args.ops else list(GENERATORS)
    unknown = [o for o in ops if o not in GENERATORS]
    if unknown:
        sys.exit(f"unknown ops {unknown}")
    work = tempfile.mkdtemp(prefix="fuzz_oracle")
    oracle = Oracle(args.cli)
    failures, count, refused = [], 0, 0
    try:
        if not args.no_bad:
            for what, argv in bad_requests(draw, work):
                out = tempfile.mkdtemp(dir=work)
                os.rmdir(out)
                problems, err = check_refusal(oracle, ["oracle"] + argv, out, what)
                if problems:
                    failures.append((f"bad request: {what}", ["oracle"] + argv, problems + [f"stderr: {err.strip()!r}"]))
                    print(f"FAIL bad request: {what}: {'; '.join(problems)}; stderr: {err.strip()!r}", flush=True)
            print(f"fuzz_oracle: malformed requests checked", flush=True)
        start = time.time()
        while time.time() - start < args.seconds and (args.cases is None or count < args.cases):
            op = ops[count % len(ops)]
            try:
                case = GENERATORS[op](draw)
            except AssertionError as e:
                print(f"fuzzer self-check failed for {op}: {e}", flush=True)
                continue
            count += 1
            refused += case.refused is not None
            variants = [[]]
            if not args.no_variants and case.refused is None:
                if case.algos:
                    variants += [["--algo", a] for a in ALGOS if a != "direct"]
                variants += [["--backend", b] for b in args.backends.split(",") if b]
            gradient_floors(case)
            argv, problems, d = run_case(oracle, case, work, variants, draw)
            if problems:
                keep = os.path.join(args.keep, f"{len(failures):03d}-{op}")
                shutil.rmtree(keep, ignore_errors=True)
                shutil.copytree(d, keep, ignore=shutil.ignore_patterns("out*"))
                cmd = " ".join(a.replace(d, keep) for a in ["./faltung"] + argv)
                with open(os.path.join(keep, "cmd"), "w") as fh:
                    fh.write(cmd + " --out /tmp/out\n" + "\n".join(problems) + "\n")
                failures.append((case.describe(), argv, problems))
                print(f"FAIL {case.describe()}\n  " + "\n  ".join(problems) + f"\n  kept in {keep}", flush=True)
            shutil.rmtree(d, ignore_errors=True)
    finally:
        oracle.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"fuzz_oracle: seed {seed}, {count} cases ({refused} refused by the reference), {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

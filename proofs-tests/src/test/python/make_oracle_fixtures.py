#!/usr/bin/python3
"""Generates the fixtures of OracleFixturesTest: small cases of every `faltung oracle` op with
the outputs and gradients PyTorch (torch.nn.functional) and SciPy (scipy.signal) compute.

Run with Debian's Python (apt-get install python3-torch python3-scipy python3-numpy):

    /usr/bin/python3 proofs-tests/src/test/python/make_oracle_fixtures.py

Each case is a directory under proofs-tests/src/test/resources/oracle/ holding
  args.txt     the command line after `faltung oracle`, one argument per line; an argument
               ending in .npy names a file of the case directory; --out is added by the test
  *.npy        the inputs
  expected/    exactly the files the command must write, with torch's / scipy's values
and cases.txt lists the cases, one per line: NAME<TAB>ALGOS, where ALGOS is '-' for ops that
have no --algo, else the convolution algorithms that apply to the case's geometry (winograd
only for 3x3 and 5x5 kernels, stride 1, dilation 1); the test expects the others to be refused.
"""
import os
import shutil

import numpy as np
import scipy.signal
import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "oracle")
RNG = np.random.default_rng(20261123)
ALL_ALGOS = ["direct", "im2col", "fft", "winograd", "auto"]
CASES = []


def rand(shape, dtype, lo=-1.0, hi=1.0):
    return RNG.uniform(lo, hi, size=shape).astype(dtype)


def save(path, array):
    np.save(path, np.array(array, order="C"), allow_pickle=False)  # ascontiguousarray would make 0-d arrays 1-d


def case(name, op, inputs, params, forward, grad=True, algos=None, grad_names=("input", "weight", "bias")):
    """inputs: flag -> numpy array (the file is FLAG.npy with '-' as '_'); params: list of strings.
    forward(tensors) returns the output tensor, or (output, extras dict)."""
    d = os.path.join(ROOT, name)
    os.makedirs(os.path.join(d, "expected"))
    args = [op]
    tensors = {}
    for flag, array in inputs.items():
        file = flag.replace("-", "_") + ".npy"
        save(os.path.join(d, file), array)
        args += ["--" + flag, file]
        t = torch.from_numpy(array.copy())
        if flag in grad_names and grad:
            t.requires_grad_(True)
        tensors[flag] = t
    args += params
    result = forward(tensors)
    out, extras = result if isinstance(result, tuple) else (result, {})
    expected = {"output": out.detach()}
    if grad:
        gy = rand(tuple(out.shape), inputs["input"].dtype, -2.0, 2.0)
        if op == "cross_entropy":
            gy = np.array(2.5, dtype=inputs["input"].dtype)
        if op != "cross_entropy" or grad == "given":
            save(os.path.join(d, "grad_output.npy"), gy)
            args += ["--grad-output", "grad_output.npy"]
        else:
            gy = np.array(1.0, dtype=inputs["input"].dtype)
        out.backward(torch.from_numpy(gy))
        for flag in grad_names:
            if flag in tensors:
                expected["grad_" + flag] = tensors[flag].grad
    for stem, t in extras.items():
        expected[stem] = t
    for stem, t in expected.items():
        a = t.detach().numpy() if isinstance(t, torch.Tensor) else t
        assert a.dtype == inputs["input"].dtype, (name, stem, a.dtype)
        save(os.path.join(d, "expected", stem + ".npy"), a)
    with open(os.path.join(d, "args.txt"), "w") as f:
        f.write("\n".join(args) + "\n")
    CASES.append((name, "-" if algos is None else ",".join(algos)))


def conv_algos(kernel_hw, stride=(1, 1), dilation=(1, 1)):
    winograd = tuple(kernel_hw) in ((3, 3), (5, 5)) and tuple(stride) == (1, 1) and tuple(dilation) == (1, 1)
    return [a for a in ALL_ALGOS if a != "winograd" or winograd]


def same_pads(n, k, s, d):
    """TensorFlow's 'same' rule: output ceil(n/s), the smaller half of the padding first."""
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


# ---- conv2d --------------------------------------------------------------------------------

def conv2d_cases():
    for dt, tag in ((np.float64, "f64"), (np.float32, "f32")):
        case("conv2d_basic_" + tag, "conv2d",
             {"input": rand((2, 3, 6, 5), dt), "weight": rand((4, 3, 3, 3), dt), "bias": rand((4,), dt)},
             ["--padding", "1"], lambda t: F.conv2d(t["input"], t["weight"], t["bias"], padding=1),
             algos=conv_algos((3, 3)))
    case("conv2d_forward_only_f32", "conv2d",
         {"input": rand((1, 2, 5, 5), np.float32), "weight": rand((3, 2, 3, 3), np.float32)},
         [], lambda t: F.conv2d(t["input"], t["weight"]), grad=False, algos=conv_algos((3, 3)))
    # same padding with an even kernel at stride 2: torch refuses padding='same' when strided,
    # so the reference pads explicitly by TensorFlow's rule, the one the oracle documents.
    for dt, tag in ((np.float64, "f64"), (np.float32, "f32")):
        def same_s2(t):
            ph, pw = same_pads(7, 4, 2, 1), same_pads(8, 4, 2, 1)
            return F.conv2d(F.pad(t["input"], (pw[0], pw[1], ph[0], ph[1])), t["weight"], t["bias"], stride=2)
        case("conv2d_same_even_kernel_stride2_" + tag, "conv2d",
             {"input": rand((2, 2, 7, 8), dt), "weight": rand((3, 2, 4, 4), dt), "bias": rand((3,), dt)},
             ["--stride", "2", "--padding", "same"], same_s2, algos=conv_algos((4, 4), (2, 2)))
    case("conv2d_same_even_kernel_stride1", "conv2d",
         {"input": rand((1, 2, 6, 7), np.float64), "weight": rand((2, 2, 2, 4), np.float64)},
         ["--padding", "same"], lambda t: F.conv2d(t["input"], t["weight"], padding="same"),
         algos=conv_algos((2, 4)))
    case("conv2d_same_dilated_stride1", "conv2d",
         {"input": rand((1, 2, 7, 6), np.float64), "weight": rand((2, 2, 3, 2), np.float64),
          "bias": rand((2,), np.float64)},
         ["--padding", "same", "--dilation", "2,3"],
         lambda t: F.conv2d(t["input"], t["weight"], t["bias"], padding="same", dilation=(2, 3)),
         algos=conv_algos((3, 2), dilation=(2, 3)))
    case("conv2d_asymmetric_padding", "conv2d",
         {"input": rand((2, 2, 5, 6), np.float64), "weight": rand((3, 2, 3, 3), np.float64),
          "bias": rand((3,), np.float64)},
         ["--padding", "1,2,0,3"],   # top, bottom, left, right
         lambda t: F.conv2d(F.pad(t["input"], (0, 3, 1, 2)), t["weight"], t["bias"]), algos=conv_algos((3, 3)))
    case("conv2d_padding_hw_stride21_f32", "conv2d",
         {"input": rand((1, 3, 6, 7), np.float32), "weight": rand((2, 3, 3, 2), np.float32),
          "bias": rand((2,), np.float32)},
         ["--padding", "2,1", "--stride", "2,1"],
         lambda t: F.conv2d(t["input"], t["weight"], t["bias"], padding=(2, 1), stride=(2, 1)),
         algos=conv_algos((3, 2), (2, 1)))
    case("conv2d_groups", "conv2d",
         {"input": rand((2, 4, 5, 6), np.float64), "weight": rand((6, 2, 3, 3), np.float64),
          "bias": rand((6,), np.float64)},
         ["--groups", "2", "--stride", "1,2"],
         lambda t: F.conv2d(t["input"], t["weight"], t["bias"], groups=2, stride=(1, 2)),
         algos=conv_algos((3, 3), (1, 2)))
    case("conv2d_depthwise_f32", "conv2d",
         {"input": rand((2, 3, 6, 6), np.float32), "weight": rand((3, 1, 3, 3), np.float32),
          "bias": rand((3,), np.float32)},
         ["--groups", "3", "--padding", "1"],
         lambda t: F.conv2d(t["input"], t["weight"], t["bias"], groups=3, padding=1), algos=conv_algos((3, 3)))
    case("conv2d_dilation", "conv2d",
         {"input": rand((1, 2, 9, 8), np.float64), "weight": rand((2, 2, 3, 2), np.float64),
          "bias": rand((2,), np.float64)},
         ["--dilation", "2,3", "--padding", "2,1"],
         lambda t: F.conv2d(t["input"], t["weight"], t["bias"], dilation=(2, 3), padding=(2, 1)),
         algos=conv_algos((3, 2), dilation=(2, 3)))
    case("conv2d_full_dilated", "conv2d",
         {"input": rand((1, 1, 4, 5), np.float64), "weight": rand((2, 1, 3, 3), np.float64)},
         ["--padding", "full", "--dilation", "2"],
         lambda t: F.conv2d(t["input"], t["weight"], padding=4, dilation=2), algos=conv_algos((3, 3), dilation=(2, 2)))
    case("conv2d_valid_stride3_no_bias", "conv2d",
         {"input": rand((2, 3, 8, 7), np.float64), "weight": rand((2, 3, 3, 3), np.float64)},
         ["--stride", "3", "--padding", "valid"],
         lambda t: F.conv2d(t["input"], t["weight"], stride=3), algos=conv_algos((3, 3), (3, 3)))


def conv1d_cases():
    case("conv1d_stride_dilation_padding", "conv1d",
         {"input": rand((2, 3, 11), np.float64), "weight": rand((4, 3, 3), np.float64), "bias": rand((4,), np.float64)},
         ["--stride", "2", "--padding", "1", "--dilation", "2"],
         lambda t: F.conv1d(t["input"], t["weight"], t["bias"], stride=2, padding=1, dilation=2),
         algos=conv_algos((1, 3), (1, 2), (1, 2)))
    case("conv1d_groups_left_right_padding", "conv1d",
         {"input": rand((1, 4, 9), np.float64), "weight": rand((4, 2, 4), np.float64)},
         ["--groups", "2", "--padding", "1,2"],
         lambda t: F.conv1d(F.pad(t["input"], (1, 2)), t["weight"], groups=2), algos=conv_algos((1, 4)))
    case("conv1d_same_even_kernel_f32", "conv1d",
         {"input": rand((2, 2, 8), np.float32), "weight": rand((3, 2, 4), np.float32), "bias": rand((3,), np.float32)},
         ["--padding", "same"],
         lambda t: F.conv1d(t["input"], t["weight"], t["bias"], padding="same"), algos=conv_algos((1, 4)))


def conv_transpose_cases():
    case("conv_transpose2d_stride2_output_padding", "conv_transpose2d",
         {"input": rand((2, 3, 4, 4), np.float64), "weight": rand((3, 2, 3, 3), np.float64),
          "bias": rand((2,), np.float64)},
         ["--stride", "2", "--padding", "1", "--output-padding", "1"],
         lambda t: F.conv_transpose2d(t["input"], t["weight"], t["bias"], stride=2, padding=1, output_padding=1),
         algos=conv_algos((3, 3), (2, 2)))
    for dt, tag in ((np.float64, "f64"), (np.float32, "f32")):
        case("conv_transpose2d_groups_output_padding_" + tag, "conv_transpose2d",
             {"input": rand((1, 4, 3, 5), dt), "weight": rand((4, 3, 3, 2), dt), "bias": rand((6,), dt)},
             ["--groups", "2", "--stride", "2,3", "--padding", "1,0", "--output-padding", "1,2"],
             lambda t: F.conv_transpose2d(t["input"], t["weight"], t["bias"], groups=2, stride=(2, 3),
                                          padding=(1, 0), output_padding=(1, 2)),
             algos=conv_algos((3, 2), (2, 3)))
    case("conv_transpose2d_dilation_no_bias_f32", "conv_transpose2d",
         {"input": rand((1, 2, 3, 3), np.float32), "weight": rand((2, 3, 2, 3), np.float32)},
         ["--dilation", "2", "--padding", "1"],
         lambda t: F.conv_transpose2d(t["input"], t["weight"], dilation=2, padding=1),
         algos=conv_algos((2, 3), dilation=(2, 2)))
    case("conv_transpose2d_stride1_3x3", "conv_transpose2d",
         {"input": rand((2, 2, 4, 5), np.float64), "weight": rand((2, 3, 3, 3), np.float64),
          "bias": rand((3,), np.float64)},
         [], lambda t: F.conv_transpose2d(t["input"], t["weight"], t["bias"]), algos=conv_algos((3, 3)))


def conv_transpose_output_padding_beyond_stride_cases():
    # torch allows output_padding < max(stride, dilation): rows past the reach of any tap are zero + bias.
    case("conv_transpose2d_output_padding_below_dilation", "conv_transpose2d",
         {"input": rand((1, 2, 3, 4), np.float64), "weight": rand((2, 3, 2, 3), np.float64),
          "bias": rand((3,), np.float64)},
         ["--dilation", "3,2", "--output-padding", "2,1", "--padding", "1,0"],
         lambda t: F.conv_transpose2d(t["input"], t["weight"], t["bias"], dilation=(3, 2), padding=(1, 0),
                                      output_padding=(2, 1)),
         algos=conv_algos((2, 3), dilation=(3, 2)))


# ---- scipy.signal --------------------------------------------------------------------------

def signal_case(name, op, a, k, mode):
    """Expected values from scipy; gradients of the linear maps a -> f(a, k) and k -> f(a, k)
    by their definition, <gy, f(e_i, k)> and <gy, f(a, e_j)>, so they owe nothing to torch."""
    f = scipy.signal.correlate2d if op == "correlate2d" else scipy.signal.convolve2d
    d = os.path.join(ROOT, name)
    os.makedirs(os.path.join(d, "expected"))
    y = f(a.astype(np.float64), k.astype(np.float64), mode=mode)
    gy = rand(y.shape, a.dtype, -2.0, 2.0)
    ga = np.zeros(a.shape)
    for i in np.ndindex(a.shape):
        e = np.zeros(a.shape)
        e[i] = 1.0
        ga[i] = np.sum(gy * f(e, k.astype(np.float64), mode=mode))
    gk = np.zeros(k.shape)
    for j in np.ndindex(k.shape):
        e = np.zeros(k.shape)
        e[j] = 1.0
        gk[j] = np.sum(gy * f(a.astype(np.float64), e, mode=mode))
    for stem, arr in (("input", a), ("weight", k), ("grad_output", gy)):
        save(os.path.join(d, stem + ".npy"), arr)
    for stem, arr in (("output", y), ("grad_input", ga), ("grad_weight", gk)):
        save(os.path.join(d, "expected", stem + ".npy"), arr.astype(a.dtype))
    args = [op, "--input", "input.npy", "--weight", "weight.npy", "--mode", mode, "--grad-output", "grad_output.npy"]
    with open(os.path.join(d, "args.txt"), "w") as fh:
        fh.write("\n".join(args) + "\n")
    CASES.append((name, ",".join(conv_algos(k.shape))))


def signal_cases():
    for op in ("correlate2d", "convolve2d"):
        f64 = np.float64
        signal_case(op + "_full_3x3", op, rand((5, 6), f64), rand((3, 3), f64), "full")
        signal_case(op + "_same_3x3", op, rand((5, 6), f64), rand((3, 3), f64), "same")
        signal_case(op + "_valid_3x3_f32", op, rand((5, 6), np.float32), rand((3, 3), np.float32), "valid")
        signal_case(op + "_same_even_kernel", op, rand((5, 6), f64), rand((2, 4), f64), "same")
        signal_case(op + "_valid_even_kernel", op, rand((5, 6), f64), rand((2, 4), f64), "valid")
        signal_case(op + "_full_kernel_larger", op, rand((3, 4), f64), rand((5, 6), f64), "full")
        signal_case(op + "_same_kernel_larger", op, rand((3, 4), f64), rand((6, 5), f64), "same")
        signal_case(op + "_same_kernel_larger_f32", op, rand((4, 3), np.float32), rand((5, 6), np.float32), "same")
        signal_case(op + "_valid_kernel_larger", op, rand((3, 4), f64), rand((5, 6), f64), "valid")


# ---- pooling -------------------------------------------------------------------------------

def pooling_cases():
    case("max_pool2d_padding", "max_pool2d", {"input": rand((2, 3, 7, 6), np.float64)},
         ["--kernel", "3,2", "--stride", "2", "--padding", "1"],
         lambda t: F.max_pool2d(t["input"], (3, 2), 2, 1))
    case("max_pool2d_ceil_mode_padding", "max_pool2d", {"input": rand((1, 2, 6, 7), np.float64)},
         ["--kernel", "3", "--stride", "2", "--padding", "1", "--ceil-mode"],
         lambda t: F.max_pool2d(t["input"], 3, 2, 1, ceil_mode=True))
    case("max_pool2d_default_stride_f32", "max_pool2d", {"input": rand((2, 2, 5, 6), np.float32)},
         ["--kernel", "2"], lambda t: F.max_pool2d(t["input"], 2))
    for include in (True, False):
        tag = "include" if include else "exclude"
        case("avg_pool2d_ceil_mode_padding_" + tag, "avg_pool2d", {"input": rand((1, 2, 7, 7), np.float64)},
             ["--kernel", "3", "--stride", "2", "--padding", "1", "--ceil-mode",
              "--count-include-pad" if include else "--count-include-pad=false"],
             lambda t, inc=include: F.avg_pool2d(t["input"], 3, 2, 1, ceil_mode=True, count_include_pad=inc))
        case("avg_pool2d_padding_" + tag + "_f32", "avg_pool2d", {"input": rand((2, 2, 5, 6), np.float32)},
             ["--kernel", "3,2", "--stride", "1,2", "--padding", "1,1"]
             + ([] if include else ["--count-include-pad=false"]),
             lambda t, inc=include: F.avg_pool2d(t["input"], (3, 2), (1, 2), (1, 1), count_include_pad=inc))
    case("avg_pool2d_ceil_mode_no_padding", "avg_pool2d", {"input": rand((1, 1, 5, 5), np.float64)},
         ["--kernel", "2", "--ceil-mode"], lambda t: F.avg_pool2d(t["input"], 2, ceil_mode=True))
    case("lp_pool2d_p2", "lp_pool2d", {"input": rand((2, 2, 6, 5), np.float64)},
         ["--p", "2", "--kernel", "2,3", "--stride", "2,1"], lambda t: F.lp_pool2d(t["input"], 2, (2, 3), (2, 1)))
    case("lp_pool2d_p3_ceil_mode", "lp_pool2d", {"input": rand((1, 2, 5, 5), np.float64, 0.1, 1.0)},
         ["--p", "3", "--kernel", "2", "--ceil-mode"], lambda t: F.lp_pool2d(t["input"], 3, 2, ceil_mode=True))
    case("lp_pool2d_p1_5_f32", "lp_pool2d", {"input": rand((1, 3, 4, 6), np.float32, 0.1, 1.0)},
         ["--p", "1.5", "--kernel", "2,3"], lambda t: F.lp_pool2d(t["input"], 1.5, (2, 3)))


# ---- normalisation -------------------------------------------------------------------------

def bn(t, training, momentum=0.1, eps=1e-5):
    rm = t["running-mean"].clone() if "running-mean" in t else None
    rv = t["running-var"].clone() if "running-var" in t else None
    y = F.batch_norm(t["input"], rm, rv, t.get("weight"), t.get("bias"), training=training,
                     momentum=momentum, eps=eps)
    if training and rm is not None:
        return y, {"running_mean": rm, "running_var": rv}
    return y


def normalization_cases():
    c = 3
    case("batch_norm_eval", "batch_norm",
         {"input": rand((2, c, 4, 4), np.float64), "weight": rand((c,), np.float64), "bias": rand((c,), np.float64),
          "running-mean": rand((c,), np.float64), "running-var": rand((c,), np.float64, 0.5, 2.0)},
         ["--eps", "1e-3"], lambda t: bn(t, False, eps=1e-3))
    case("batch_norm_eval_3d_f32", "batch_norm",
         {"input": rand((2, c, 5), np.float32), "weight": rand((c,), np.float32), "bias": rand((c,), np.float32),
          "running-mean": rand((c,), np.float32), "running-var": rand((c,), np.float32, 0.5, 2.0)},
         [], lambda t: bn(t, False))
    for dt, tag in ((np.float64, "f64"), (np.float32, "f32")):
        case("batch_norm_training_momentum_" + tag, "batch_norm",
             {"input": rand((4, c, 3, 2), dt, -2, 3), "weight": rand((c,), dt), "bias": rand((c,), dt),
              "running-mean": rand((c,), dt), "running-var": rand((c,), dt, 0.5, 2.0)},
             ["--training", "--momentum", "0.3"], lambda t: bn(t, True, momentum=0.3))
    case("batch_norm_training_2d_weight_only", "batch_norm",
         {"input": rand((6, 4), np.float64), "weight": rand((4,), np.float64),
          "running-mean": rand((4,), np.float64), "running-var": rand((4,), np.float64, 0.5, 2.0)},
         ["--training", "--eps", "0.01"], lambda t: bn(t, True, eps=0.01))
    case("batch_norm_training_no_running_stats", "batch_norm",
         {"input": rand((3, 2, 5), np.float64), "bias": rand((2,), np.float64)},
         ["--training"], lambda t: bn(t, True))
    case("local_response_norm_4d", "local_response_norm", {"input": rand((2, 5, 3, 3), np.float64, -2, 2)},
         ["--size", "3", "--alpha", "0.01", "--beta", "0.75", "--k", "2"],
         lambda t: F.local_response_norm(t["input"], 3, alpha=0.01, beta=0.75, k=2.0))
    case("local_response_norm_even_size_3d_f32", "local_response_norm",
         {"input": rand((2, 6, 4), np.float32, -2, 2)},
         ["--size", "4", "--alpha", "0.1", "--beta", "0.5"],
         lambda t: F.local_response_norm(t["input"], 4, alpha=0.1, beta=0.5))
    case("local_response_norm_defaults_5d", "local_response_norm", {"input": rand((1, 4, 2, 2, 3), np.float64, -3, 3)},
         ["--size", "2"], lambda t: F.local_response_norm(t["input"], 2))


# ---- linear, losses, activations -----------------------------------------------------------

def linear_cases():
    case("linear_2d", "linear",
         {"input": rand((4, 5), np.float64), "weight": rand((3, 5), np.float64), "bias": rand((3,), np.float64)},
         [], lambda t: F.linear(t["input"], t["weight"], t["bias"]))
    case("linear_3d_no_bias_f32", "linear",
         {"input": rand((2, 3, 4), np.float32), "weight": rand((6, 4), np.float32)},
         [], lambda t: F.linear(t["input"], t["weight"]))
    case("linear_1d", "linear",
         {"input": rand((5,), np.float64), "weight": rand((2, 5), np.float64), "bias": rand((2,), np.float64)},
         [], lambda t: F.linear(t["input"], t["weight"], t["bias"]))


def ce_case(name, logits, target, params, smoothing=0.0, grad=True):
    case(name, "cross_entropy", {"input": logits, "target": target}, params,
         lambda t: F.cross_entropy(t["input"], t["target"].long(), label_smoothing=smoothing), grad=grad,
         grad_names=("input",))


def loss_cases():
    ce_case("cross_entropy_basic", rand((5, 4), np.float64, -3, 3), np.array([0, 3, 1, 1, 2], dtype=np.int64), [])
    ce_case("cross_entropy_label_smoothing_grad_output", rand((6, 3), np.float64, -3, 3),
            np.array([2, 0, 1, 1, 0, 2], dtype=np.int64), ["--label-smoothing", "0.2"], smoothing=0.2, grad="given")
    ce_case("cross_entropy_int32_targets_f32", rand((4, 5), np.float32, -3, 3),
            np.array([4, 0, 2, 2], dtype=np.int32), ["--label-smoothing", "0.1"], smoothing=0.1)
    ce_case("cross_entropy_ignore_index", rand((5, 3), np.float64, -3, 3),
            np.array([1, -100, 2, 0, -100], dtype=np.int64), ["--label-smoothing", "0.1"], smoothing=0.1)


def with_zeros(shape, dt, lo=-2.0, hi=2.0):
    x = rand(shape, dt, lo, hi)
    x.reshape(-1)[::5] = 0.0  # at 0 relu, leaky_relu and elu take torch's one-sided derivative
    return x


def activation_cases():
    case("relu_with_zeros", "relu", {"input": with_zeros((3, 7), np.float64)}, [], lambda t: F.relu(t["input"]))
    case("relu_f32", "relu", {"input": with_zeros((2, 3, 4), np.float32)}, [], lambda t: F.relu(t["input"]))
    case("tanh", "tanh", {"input": rand((4, 6), np.float64, -4, 4)}, [], lambda t: torch.tanh(t["input"]))
    case("sigmoid_wide_range", "sigmoid", {"input": np.linspace(-40, 40, 33).astype(np.float64)}, [],
         lambda t: torch.sigmoid(t["input"]))
    case("sigmoid_f32", "sigmoid", {"input": rand((3, 5), np.float32, -6, 6)}, [], lambda t: torch.sigmoid(t["input"]))
    case("elu_alpha", "elu", {"input": with_zeros((4, 5), np.float64)}, ["--alpha", "0.7"],
         lambda t: F.elu(t["input"], alpha=0.7))
    case("elu_default_f32", "elu", {"input": with_zeros((7,), np.float32)}, [], lambda t: F.elu(t["input"]))
    case("leaky_relu_slope", "leaky_relu", {"input": with_zeros((3, 6), np.float64)}, ["--slope", "0.2"],
         lambda t: F.leaky_relu(t["input"], 0.2))
    case("leaky_relu_default", "leaky_relu", {"input": with_zeros((2, 2, 5), np.float64)}, [],
         lambda t: F.leaky_relu(t["input"]))
    case("softmax_dim1", "softmax", {"input": rand((3, 4, 2), np.float64, -3, 3)}, ["--dim", "1"],
         lambda t: F.softmax(t["input"], dim=1))
    case("softmax_last_dim_f32", "softmax", {"input": rand((2, 3, 5), np.float32, -3, 3)}, ["--dim", "-1"],
         lambda t: F.softmax(t["input"], dim=-1))
    case("log_softmax_dim0", "log_softmax", {"input": rand((4, 3), np.float64, -3, 3)}, ["--dim", "0"],
         lambda t: F.log_softmax(t["input"], dim=0))
    case("log_softmax_large_logits", "log_softmax", {"input": rand((2, 6), np.float64, 990, 1010)}, ["--dim", "1"],
         lambda t: F.log_softmax(t["input"], dim=1))
    mask = RNG.uniform(size=(3, 4)) > 0.3
    case("dropout_bool_mask", "dropout", {"input": rand((3, 4), np.float64), "mask": mask}, ["--p", "0.3"],
         lambda t: t["input"] * t["mask"].to(t["input"].dtype) * (1.0 / (1.0 - 0.3)), grad_names=("input",))
    mask = (RNG.uniform(size=(2, 3, 2)) > 0.5).astype(np.float32)
    case("dropout_float_mask_default_p_f32", "dropout", {"input": rand((2, 3, 2), np.float32), "mask": mask}, [],
         lambda t: t["input"] * t["mask"] * (1.0 / (1.0 - 0.5)), grad_names=("input",))


# ---- found by fuzz_oracle.py ---------------------------------------------------------------

def ceil_mode_window_beyond_input_cases():
    # In ceil mode torch keeps a window longer than the padded input by less than the stride and
    # pools over the part inside (an input of 1 with a 3-wide window and stride 3: one output).
    case("max_pool2d_ceil_mode_window_beyond_input", "max_pool2d", {"input": rand((1, 2, 1, 2), np.float64)},
         ["--kernel", "3,4", "--stride", "3", "--padding", "1,0", "--ceil-mode"],
         lambda t: F.max_pool2d(t["input"], (3, 4), 3, (1, 0), ceil_mode=True))
    for include in (True, False):
        tag = "include" if include else "exclude_f32"
        dt = np.float64 if include else np.float32
        case("avg_pool2d_ceil_mode_window_beyond_input_" + tag, "avg_pool2d", {"input": rand((2, 1, 2, 9), dt)},
             ["--kernel", "4", "--ceil-mode"] + ([] if include else ["--count-include-pad=false"]),
             lambda t, inc=include: F.avg_pool2d(t["input"], 4, ceil_mode=True, count_include_pad=inc))
    case("lp_pool2d_ceil_mode_window_beyond_input", "lp_pool2d", {"input": rand((1, 2, 1, 5), np.float64, 0.1, 1)},
         ["--p", "2", "--kernel", "3,1", "--stride", "3,2", "--ceil-mode"],
         lambda t: F.lp_pool2d(t["input"], 2, (3, 1), (3, 2), ceil_mode=True))


def lp_pool_zero_window_cases():
    # After a ReLU whole windows are 0: torch's sign(s)*relu(|s|) gives them gradient 0, where
    # the bare power s^(1/p) would give infinity times 0.
    for p, tag in ((2, "p2"), (1, "p1_f32"), (3, "p3")):
        dt = np.float32 if tag.endswith("f32") else np.float64
        x = np.maximum(rand((1, 2, 4, 6), dt), 0).astype(dt)
        x[0, 0, 0:2, 0:2] = 0
        x[0, 1, 2:4, 2:6] = 0
        case("lp_pool2d_zero_windows_" + tag, "lp_pool2d", {"input": x}, ["--p", str(p), "--kernel", "2"],
             lambda t, p=p: F.lp_pool2d(t["input"], p, 2))


def zero_dim_softmax_cases():
    # torch takes a 0-d tensor as one element along dim 0 or -1.
    case("softmax_0d", "softmax", {"input": np.array(0.7, dtype=np.float64)}, ["--dim", "0"],
         lambda t: F.softmax(t["input"], dim=0))
    case("log_softmax_0d_dim_minus1_f32", "log_softmax", {"input": np.array(-1.3, dtype=np.float32)}, ["--dim", "-1"],
         lambda t: F.log_softmax(t["input"], dim=-1))


def conv_transpose_all_output_padding_cases():
    # One input row at -1 (padding 1) reaches no output row; the one row there is output padding
    # (2 < stride 3): the output is the bias, and the gradients of input and weight are zero.
    case("conv_transpose2d_output_all_output_padding", "conv_transpose2d",
         {"input": rand((1, 2, 1, 2), np.float64), "weight": rand((2, 1, 1, 1), np.float64),
          "bias": rand((1,), np.float64)},
         ["--stride", "3,2", "--padding", "1", "--output-padding", "2,1"],
         lambda t: F.conv_transpose2d(t["input"], t["weight"], t["bias"], stride=(3, 2), padding=1,
                                      output_padding=(2, 1)),
         algos=conv_algos((1, 1), (3, 2)))


def confident_large_logits_cases():
    # Logits near 1e6 in float32 (ulp 0.0625) with winners 4 to 6 ahead: the losses (~0.01) are
    # below the logits' ulp, so log_softmax must subtract the maximum before adding log-sum-exp,
    # as torch does, or lose them. Expected values in float64, rounded once.
    logits = (1e6 + np.array([[0, -4, -5.5, -7, -4.75], [-6, -5, 0, -4.5, -8], [0, -5.25, -6, -4, -9]])).astype(
        np.float32)
    case("cross_entropy_confident_large_logits_f32", "cross_entropy",
         {"input": logits, "target": np.array([0, 2, 0], dtype=np.int64)}, [],
         lambda t: F.cross_entropy(t["input"].double(), t["target"]).float(), grad_names=("input",))
    case("log_softmax_confident_large_logits_f32", "log_softmax", {"input": logits}, ["--dim", "1"],
         lambda t: F.log_softmax(t["input"].double(), dim=1).float())


def elu_infinite_input_cases():
    # elu at +inf: value +inf and gradient 1; at -inf: -alpha and gradient 0.
    x = np.array([[np.inf, -np.inf, 0.5], [-1.5, 0.0, 2.0]], dtype=np.float64)
    case("elu_infinite_inputs", "elu", {"input": x}, ["--alpha", "0.8"], lambda t: F.elu(t["input"], alpha=0.8))
    # A negative alpha makes elu positive below 0: its gradient there is alpha·e^x, not from the sign of y.
    case("elu_negative_alpha_infinite_inputs", "elu", {"input": x}, ["--alpha", "-0.5"],
         lambda t: F.elu(t["input"], alpha=-0.5))


def masked_logits_cases():
    # A logit of -inf masks its class. Without smoothing only the targets' log-probabilities
    # count, so the loss stays finite; with smoothing every class counts and the loss is inf.
    x = rand((3, 4), np.float64, -3, 3)
    x[0, 1] = x[1, 3] = x[2, 0] = x[2, 1] = -np.inf
    ce_case("cross_entropy_masked_logits", x, np.array([0, 2, 3], dtype=np.int64), [])
    ce_case("cross_entropy_masked_logits_label_smoothing", x.copy(), np.array([0, 2, 3], dtype=np.int64),
            ["--label-smoothing", "0.1"], smoothing=0.1)


def class_weight_cases():
    # torch's weight: the mean divides by the sum of the counted targets' weights, and the
    # smoothing term weighs each class too; a target whose weight is 0 still counts there.
    for dt, tag in ((np.float64, "f64"), (np.float32, "f32")):
        w = np.array([0.5, 2.0, 0.0, 1.25], dtype=dt)
        target = np.array([1, 2, -100, 3, 0, 1], dtype=np.int64)
        case("cross_entropy_class_weights_smoothing_ignore_" + tag, "cross_entropy",
             {"input": rand((6, 4), dt, -3, 3), "target": target, "weight": w}, ["--label-smoothing", "0.15"],
             lambda t: F.cross_entropy(t["input"], t["target"], weight=t["weight"], label_smoothing=0.15),
             grad_names=("input",))


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    torch.manual_seed(0)
    conv2d_cases()
    conv1d_cases()
    conv_transpose_cases()
    signal_cases()
    pooling_cases()
    normalization_cases()
    linear_cases()
    loss_cases()
    activation_cases()
    conv_transpose_output_padding_beyond_stride_cases()
    # New cases go last, so the random draws of the cases above (and their files) stay the same.
    ceil_mode_window_beyond_input_cases()
    lp_pool_zero_window_cases()
    zero_dim_softmax_cases()
    conv_transpose_all_output_padding_cases()
    confident_large_logits_cases()
    elu_infinite_input_cases()
    masked_logits_cases()
    class_weight_cases()
    with open(os.path.join(ROOT, "cases.txt"), "w") as f:
        for name, algos in CASES:
            f.write(name + "\t" + algos + "\n")
    print(len(CASES), "cases in", os.path.normpath(ROOT))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Faltung next to PyTorch (CPU) on the same GEMM sizes and convolution shapes, in one run.

For every case it times PyTorch in this process (warm-up, then the median of repeats) and runs
`./faltung bench ...` with the same thread count, reading the JSON object on the last line of its
output. It prints one table with both medians, both GFLOP/s, the share of the machine's fp32 peak
and the ratio faltung_speed / torch_speed (> 1: Faltung is faster).

Run with Debian's Python and its python3-torch package:
    /usr/bin/python3 bench/side_by_side.py --quick
    /usr/bin/python3 bench/side_by_side.py --markdown side_by_side.md --json side_by_side.json
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GEMM_SIZES = [64, 128, 256, 512, 1024, 2048]

# name: (N, C, H, W, K, R, S, stride, pad); the same list as bench/src/.../ConvShape.java.
CONV_SHAPES = {
    "lenet-conv1": (64, 1, 28, 28, 6, 5, 5, 1, 0),
    "lenet-conv2": (64, 6, 14, 14, 16, 5, 5, 1, 0),
    "fmnist-conv1": (64, 1, 28, 28, 32, 5, 5, 1, 2),
    "fmnist-conv2": (64, 32, 14, 14, 64, 5, 5, 1, 2),
    "vgg-block": (16, 64, 56, 56, 64, 3, 3, 1, 1),
    "resnet-block": (32, 128, 28, 28, 128, 3, 3, 1, 1),
    "alexnet-conv1": (8, 3, 227, 227, 96, 11, 11, 4, 0),
    "large-kernel": (8, 16, 64, 64, 16, 15, 15, 1, 7),
}

QUICK_GEMM = [64, 256, 1024]
QUICK_SHAPES = ["lenet-conv1", "fmnist-conv2", "resnet-block"]


# ---- the machine ---------------------------------------------------------------------------

def cpu_facts():
    """Model, logical CPUs, clock (GHz, with where it came from) and SIMD flags of this machine."""
    facts = {"model": platform.processor() or "unknown", "cpus": os.cpu_count() or 1,
             "ghz": None, "ghz_source": None, "flags": set()}
    mhz = []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "model name":
                    facts["model"] = value
                elif key == "cpu MHz":
                    mhz.append(float(value))
                elif key == "flags" and not facts["flags"]:
                    facts["flags"] = set(value.split())
    except OSError:
        pass
    # The nominal clock in the model name ("@ 2.60GHz") or lscpu's maximum is the sustained
    # ceiling; /proc/cpuinfo's "cpu MHz" is the current clock (under KVM: the host's nominal).
    m = re.search(r"@\s*([0-9.]+)\s*GHz", facts["model"])
    if m:
        facts["ghz"], facts["ghz_source"] = float(m.group(1)), "model name"
    else:
        try:
            out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
            m = re.search(r"CPU max MHz:\s*([0-9.]+)", out)
            if m and float(m.group(1)) > 0:
                facts["ghz"], facts["ghz_source"] = float(m.group(1)) / 1000, "lscpu CPU max MHz"
        except (OSError, subprocess.SubprocessError):
            pass
    if facts["ghz"] is None and mhz:
        facts["ghz"], facts["ghz_source"] = statistics.mean(mhz) / 1000, "/proc/cpuinfo cpu MHz"
    return facts


def fp32_peak(facts, cores, fma_units):
    """Peak fp32 GFLOP/s of `cores` cores: cores x GHz x (fp32 lanes x 2 FLOP per FMA x FMA units)."""
    flags = facts["flags"]
    if "avx512f" in flags:
        lanes, isa = 16, "AVX-512"
    elif "avx2" in flags and "fma" in flags:
        lanes, isa = 8, "AVX2+FMA"
    elif "avx" in flags:
        lanes, isa = 8, "AVX (no FMA: mul + add ports)"
    else:
        lanes, isa = 4, "SSE"
    per_cycle = lanes * 2 * fma_units
    if facts["ghz"] is None:
        return None, "clock unknown: no peak computed"
    peak = cores * facts["ghz"] * per_cycle
    text = (f"{cores} cores x {facts['ghz']:.2f} GHz ({facts['ghz_source']}) x {per_cycle} fp32 FLOP/cycle "
            f"({isa}: {lanes} lanes x 2 FLOP per FMA x {fma_units} FMA units, assumed) = {peak:.0f} GFLOP/s")
    return peak, text


def measured_peak(args, nominal, nominal_text):
    """The fp32 peak as `./faltung bench peak` measures it (an FMA loop on every thread used); the
    nominal figure only where that fails. A VM reports the host's base clock, and cores boost past
    it: on an AMD EPYC the nominal 2.10 GHz x 64 gave 268 GFLOP/s, which GEMM exceeded by 30%."""
    cmd = [args.faltung, "bench", "peak", "--threads", str(args.threads)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        peak = result["gflops"]
    except (OSError, subprocess.SubprocessError, ValueError, IndexError, KeyError) as e:
        return nominal, f"{nominal_text} (measuring failed: {e})"
    text = (f"{peak:.0f} GFLOP/s measured by '{' '.join(cmd[1:])}' (independent FMAs on {result['lanes']} lanes, "
            f"{result['gflops_per_thread']:.0f} per thread); nominal: {nominal_text}")
    return peak, text


# ---- timing ----------------------------------------------------------------------------------

# Both sides warm up for at least WARMUP_MS as well as the warm-up count: Faltung's JVM needs
# that long to compile its kernels (a 256x256 GEMM measured 1.95 ms after 0.3 s of warm-up,
# 0.57 ms after 1 s, 0.34 ms after 3 s), and treating both sides alike keeps the comparison fair.
WARMUP_MS = 2000


def warm_up(fn, count):
    start = time.perf_counter()
    runs = 0
    while runs < count or (time.perf_counter() - start) * 1e3 < WARMUP_MS:
        fn()
        runs += 1


def median_ms(fn, warmup, repeats):
    """Median and minimum of `repeats` timed runs after warm-up (see warm_up)."""
    warm_up(fn, warmup)
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(samples), min(samples)


def torch_gemm(torch, n, warmup, repeats):
    g = torch.Generator().manual_seed(0)
    a = torch.rand(n, n, generator=g) * 2 - 1
    b = torch.rand(n, n, generator=g) * 2 - 1
    return median_ms(lambda: torch.mm(a, b), warmup, repeats)


def torch_conv(torch, shape, backward, warmup, repeats):
    import torch.nn.functional as F
    n, c, h, w, k, r, s, stride, pad = shape
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(n, c, h, w, generator=g) * 2 - 1).requires_grad_(backward)
    wt = (torch.rand(k, c, r, s, generator=g) * 2 - 1).requires_grad_(backward)
    bias = torch.rand(k, generator=g) * 2 - 1
    if not backward:
        def step():
            with torch.no_grad():
                F.conv2d(x, wt, bias, stride=stride, padding=pad)
        return median_ms(step, warmup, repeats)
    out_h = (h + 2 * pad - r) // stride + 1
    out_w = (w + 2 * pad - s) // stride + 1
    dy = torch.rand(n, k, out_h, out_w, generator=g) * 2 - 1

    def step():
        x.grad = None
        wt.grad = None
        F.conv2d(x, wt, bias, stride=stride, padding=pad).backward(dy)
    return median_ms(step, warmup, repeats)


def conv_flops(shape):
    """2 N K outH outW C R S: ConvGeometry.flops() for one group, dilation 1."""
    n, c, h, w, k, r, s, stride, pad = shape
    out_h = (h + 2 * pad - r) // stride + 1
    out_w = (w + 2 * pad - s) // stride + 1
    return 2.0 * n * k * out_h * out_w * c * r * s


def faltung(args, bench_args):
    """Runs ./faltung bench ... and returns the JSON object of its last output line."""
    cmd = [args.faltung, "bench"] + bench_args + ["--threads", str(args.threads), "--repeat", str(args.repeat),
                                                  "--warmup", str(args.warmup), "--warmup-ms", str(WARMUP_MS)]
    if args.backend:
        cmd += ["--backend", args.backend]
    # PoCL's CPU driver (the OpenCL backend on a machine without a GPU) takes its thread count
    # from the environment, not from --threads.
    env = dict(os.environ, POCL_MAX_PTHREAD_COUNT=str(args.threads))
    if args.conv_auto:
        env["FALTUNG_JAVA_OPTS"] = (env.get("FALTUNG_JAVA_OPTS", "") + f" -Dfaltung.conv.auto={args.conv_auto}").strip()
    # PyTorch's OpenMP workers spin for a while after each call; let them go idle so they do not
    # compete with Faltung's first calls, where its AUTO planner times the candidate algorithms.
    time.sleep(1.0)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, env=env)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])
        err = [l for l in err if not l.startswith("WARNING:")] or err
        print(f"  {' '.join(cmd)} exited {proc.returncode}:\n    " + "\n    ".join(err[:20]), file=sys.stderr)
        raise RuntimeError(f"exit {proc.returncode}: {err[0]}")
    return json.loads(lines[-1])


# ---- the run ---------------------------------------------------------------------------------

def retain_freed_memory():
    """Tells glibc to keep freed memory in this process (mallopt, as MALLOC_MMAP_THRESHOLD_ and
    MALLOC_TRIM_THRESHOLD_ would at start-up). PyTorch's oneDNN allocates its reordered copies and
    scratch on every call; by default glibc maps large blocks afresh and unmaps them when freed,
    so each call takes thousands of page faults, and on a virtual machine their cost varies with
    the host's load (fmnist-conv2 forward measured 3.1 and 16.5 ms, the same build, hours apart).
    Faltung reuses its buffers and pays this on its first steps only."""
    import ctypes
    libc = ctypes.CDLL("libc.so.6")
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    ok = (libc.mallopt(m_mmap_threshold, 1 << 30) and libc.mallopt(m_trim_threshold, 1 << 30)
          and libc.mallopt(m_top_pad, 64 << 20))
    if not ok:
        sys.exit("side_by_side.py: mallopt refused the --torch-malloc retain settings")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help=f"smoke test: GEMM {QUICK_GEMM}, shapes {QUICK_SHAPES}, 3 repeats, 2 warm-ups")
    p.add_argument("--threads", type=int, default=2, help="threads for both PyTorch and Faltung (default 2)")
    p.add_argument("--backend", help="Faltung backend (default: Faltung's default backend)")
    p.add_argument("--repeat", type=int, help="timed runs per case (default 10; 3 with --quick)")
    p.add_argument("--warmup", type=int, help="untimed runs first (default 3; 2 with --quick)")
    p.add_argument("--warmup-ms", type=int, help="and warm up for at least this long (default 2000; 1000 with --quick)")
    p.add_argument("--rounds", type=int, default=1,
                   help="measure each case this many times, PyTorch and Faltung in turn, and report each side's "
                        "median over the rounds (default 1): on a shared host the speed drifts between the two "
                        "measurements of one round, alternating spreads the drift over both sides")
    p.add_argument("--gemm", help="comma-separated GEMM sizes (default: all; 'none' to skip)")
    p.add_argument("--shapes", help="comma-separated shape names (default: all; 'none' to skip): "
                                    + ", ".join(CONV_SHAPES))
    p.add_argument("--algos", default="auto",
                   help="Faltung algorithms per shape: auto, a list such as auto,im2col,fft, or all "
                        "(every one that applies). Default auto")
    p.add_argument("--conv-auto", choices=["benchmark", "heuristic"],
                   help="how Faltung's AUTO chooses (-Dfaltung.conv.auto; default: Faltung's default, benchmark)")
    p.add_argument("--no-backward", action="store_true", help="forward passes only")
    p.add_argument("--torch-malloc", choices=["default", "retain"], default="default",
                   help="'retain': glibc keeps freed memory instead of returning it to the OS, so "
                        "PyTorch's per-call buffers stop costing page faults (see retain_freed_memory)")
    p.add_argument("--fma-units", type=int, default=2, help="FMA units per core for the nominal peak, printed beside the measured one (default 2)")
    p.add_argument("--faltung", default=os.path.join(REPO, "faltung"), help="path of the faltung launcher")
    p.add_argument("--timeout", type=int, default=1800, help="seconds allowed per faltung run")
    p.add_argument("--markdown", help="also write the table as markdown to this file")
    p.add_argument("--json", help="also write every result as JSON to this file")
    args = p.parse_args()
    if args.rounds < 1:
        p.error(f"--rounds must be at least 1, got {args.rounds}")
    if args.repeat is None:
        args.repeat = 3 if args.quick else 10
    if args.warmup is None:
        args.warmup = 2 if args.quick else 3
    global WARMUP_MS
    WARMUP_MS = args.warmup_ms if args.warmup_ms is not None else (1000 if args.quick else 2000)

    def pick(text, quick, everything, parse):
        if text == "none":
            return []
        if text:
            return [parse(t.strip()) for t in text.split(",")]
        return quick if args.quick else everything

    sizes = pick(args.gemm, QUICK_GEMM, GEMM_SIZES, int)
    names = pick(args.shapes, QUICK_SHAPES, list(CONV_SHAPES), str)
    unknown = [n for n in names if n not in CONV_SHAPES]
    if unknown:
        p.error(f"unknown shape(s) {unknown}; known: {', '.join(CONV_SHAPES)}")
    algos = [a.strip() for a in args.algos.split(",")]
    if algos == ["all"]:
        algos = ["auto", "direct", "im2col", "fft", "winograd"]

    if args.torch_malloc == "retain":
        retain_freed_memory()
    try:
        import torch
    except ImportError:
        sys.exit("side_by_side.py: PyTorch is missing; run it with /usr/bin/python3 after "
                 "'apt-get install -y python3-torch'")
    torch.set_num_threads(args.threads)

    facts = cpu_facts()
    used_cores = min(args.threads, facts["cpus"])
    nominal, nominal_text = fp32_peak(facts, used_cores, args.fma_units)
    peak, peak_text = measured_peak(args, nominal, nominal_text)
    header = [
        f"Machine: {facts['model']}, {facts['cpus']} logical CPUs; PyTorch {torch.__version__} "
        f"({torch.get_num_threads()} threads, malloc {args.torch_malloc}), Faltung --threads {args.threads}"
        + (f" --backend {args.backend}" if args.backend else "")
        + (f", AUTO by {args.conv_auto}" if args.conv_auto else "") + f"; median of {args.repeat} runs after >= {args.warmup} warm-up runs and >= {WARMUP_MS} ms"
        + (f"; each side's median over {args.rounds} rounds, PyTorch and Faltung in turn" if args.rounds > 1 else ""),
        f"fp32 peak for {used_cores} cores: {peak_text}",
    ]
    for line in header:
        print(line, flush=True)

    rows = []
    failures = 0

    def add(kind, case, flops, torch_ms, result=None, error=None, algo="-", rounds=None):
        nonlocal failures
        row = {"kind": kind, "case": case, "flops": flops, "torch_ms": torch_ms,
               "torch_gflops": flops / (torch_ms * 1e6), "algo": algo}
        if result is not None:
            row.update(faltung_ms=result["median_ms"], faltung_gflops=result["gflops"],
                       backend=result["backend"], threads=result["threads"],
                       ratio=torch_ms / result["median_ms"], faltung=result)
            if rounds and len(rounds) > 1:
                row["round_ratios"] = [t / f for t, f in rounds]
            if peak:
                row["peak_share"] = result["gflops"] / peak
        else:
            failures += 1
            row["error"] = error
        rows.append(row)
        print(format_row(row), flush=True)

    def in_turn(torch_ms, bench_args):
        """(torch ms, Faltung's result, per-round (torch ms, faltung ms)) over args.rounds rounds,
        each side measured once per round; Faltung's result is its median round's."""
        pairs, results = [], []
        for i in range(args.rounds):
            t_ms = torch_ms()
            result = faltung(args, bench_args)
            pairs.append((t_ms, result["median_ms"]))
            results.append(result)
        results.sort(key=lambda r: r["median_ms"])
        return statistics.median(t for t, _ in pairs), results[(len(results) - 1) // 2], pairs

    print(format_header(), flush=True)
    for n in sizes:
        torch_ms = lambda: torch_gemm(torch, n, args.warmup, args.repeat)[0]
        try:
            t_ms, result, pairs = in_turn(torch_ms, ["gemm", "--n", str(n)])
            add("gemm", f"n={n}", 2.0 * n ** 3, t_ms, result, rounds=pairs)
        except (RuntimeError, subprocess.SubprocessError, ValueError) as e:
            add("gemm", f"n={n}", 2.0 * n ** 3, torch_ms(), error=str(e))

    passes = [False] if args.no_backward else [False, True]
    for name in names:
        shape = CONV_SHAPES[name]
        text = ",".join(map(str, shape))
        for backward in passes:
            kind = "conv fwd+bwd" if backward else "conv fwd"
            flops = conv_flops(shape) * (3 if backward else 1)
            torch_ms = lambda: torch_conv(torch, shape, backward, args.warmup, args.repeat)[0]
            for algo in algos:
                if algo == "winograd" and (shape[5] != shape[6] or shape[5] not in (3, 5) or shape[7] != 1):
                    continue
                bench_args = ["conv", "--shape", text, "--algo", algo] + (["--backward"] if backward else [])
                try:
                    t_ms, result, pairs = in_turn(torch_ms, bench_args)
                    shown = result["algo"] if algo != "auto" else f"auto:{describe_algos(result)}"
                    add(kind, name, flops, t_ms, result, algo=shown, rounds=pairs)
                except (RuntimeError, subprocess.SubprocessError, ValueError) as e:
                    add(kind, name, flops, torch_ms(), error=str(e), algo=algo)

    ratios = [r["ratio"] for r in rows if "ratio" in r]
    if ratios:
        geo = statistics.geometric_mean(ratios)
        summary = f"geometric mean of faltung_speed/torch_speed over {len(ratios)} rows: {geo:.3f}"
        print(summary)
    else:
        summary = "no Faltung results"
    if args.markdown:
        write_markdown(args.markdown, header, rows, summary)
        print(f"markdown table written to {args.markdown}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"header": header, "peak_gflops": peak, "rows": rows}, f, indent=1)
        print(f"results written to {args.json}")
    if failures:
        print(f"{failures} Faltung run(s) failed", file=sys.stderr)
        sys.exit(1)


def describe_algos(result):
    """fwd/bwd-data/bwd-filter algorithms AUTO chose, collapsed when they agree."""
    algos = result.get("algos") or {"forward": result.get("algo")}
    values = [str(v) for v in algos.values()]
    return values[0] if len(set(values)) == 1 else "/".join(values)


COLUMNS = [("kind", 12), ("case", 14), ("algo", 28), ("torch ms", 10), ("torch GF/s", 10),
           ("faltung ms", 10), ("faltung GF/s", 12), ("% peak", 7), ("speed ratio", 11)]


def cells(row):
    if "error" in row:
        return [row["kind"], row["case"], row["algo"], f"{row['torch_ms']:.3f}", f"{row['torch_gflops']:.1f}",
                "FAILED", row["error"][:60], "", ""]
    share = f"{100 * row['peak_share']:.1f}" if "peak_share" in row else "?"
    ratio = f"{row['ratio']:.3f}"
    if "round_ratios" in row:
        ratio += " (" + " ".join(f"{r:.2f}" for r in row["round_ratios"]) + ")"
    return [row["kind"], row["case"], row["algo"], f"{row['torch_ms']:.3f}", f"{row['torch_gflops']:.1f}",
            f"{row['faltung_ms']:.3f}", f"{row['faltung_gflops']:.1f}", share, ratio]


def format_header(columns=None):
    return "  ".join(name.ljust(width) for name, width in (columns or COLUMNS))


def format_row(row, columns=None, cells_of=None):
    return "  ".join(str(c).ljust(width) for c, (_, width) in zip((cells_of or cells)(row), columns or COLUMNS))


SPEED_NOTE = ("speed ratio = faltung_speed / torch_speed = torch ms / faltung ms (> 1: Faltung faster); "
              "% peak is Faltung's share of the fp32 peak above; with --rounds, each round's ratio in parentheses.")


def write_markdown(path, header, rows, summary, note=SPEED_NOTE, columns=None, cells_of=None):
    """The table as Markdown: header lines, a note, one row per case, the summary line."""
    columns, cells_of = columns or COLUMNS, cells_of or cells
    with open(path, "w") as f:
        for line in header:
            f.write(f"{line}  \n")
        f.write(f"\n{note}\n\n")
        f.write("| " + " | ".join(name for name, _ in columns) + " |\n")
        f.write("|" + "|".join("---" for _ in columns) + "|\n")
        for row in rows:
            f.write("| " + " | ".join(str(c).replace("|", "/") for c in cells_of(row)) + " |\n")
        f.write(f"\n{summary}\n")


if __name__ == "__main__":
    main()

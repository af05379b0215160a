#!/usr/bin/python3
"""The OpenCL backend next to the SIMD backend (and PyTorch, when it is installed) in one run.

For every GEMM size and convolution shape of bench/side_by_side.py it runs `./faltung bench ...`
once with `--backend simd` (AUTO's choice of algorithm) and, for convolutions, twice with
`--backend opencl` (its two device algorithms, DIRECT and IM2COL), reading the JSON object on
the last line of each, and prints one table: median ms and GFLOP/s per backend, and
opencl_speed / simd_speed for the faster OpenCL algorithm (> 1: OpenCL faster).

Where no GPU exists, the opencl backend runs on PoCL's CPU driver: its figures measure PoCL's
code generation for Faltung's (GPU-shaped) kernels on these cores, not a GPU. PoCL takes its
thread count from POCL_MAX_PTHREAD_COUNT, which this script sets to --threads, so both backends
use the same cores. The header names the OpenCL device the backend reported.

    /usr/bin/python3 bench/opencl_side_by_side.py --quick          # a minute or two
    /usr/bin/python3 bench/opencl_side_by_side.py --markdown ocl.md --json ocl.json
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402  (shares the shape list, the machine facts and the runner)

QUICK_GEMM = [256, 1024]
QUICK_SHAPES = ["lenet-conv2", "fmnist-conv2"]
OPENCL_ALGOS = ["direct", "im2col"]


def run(args, backend, bench_args):
    """./faltung bench ... on one backend; the JSON object of its last line."""
    ns = argparse.Namespace(faltung=args.faltung, threads=args.threads, repeat=args.repeat, warmup=args.warmup,
                            backend=backend, conv_auto=None, timeout=args.timeout)
    return sbs.faltung(ns, bench_args)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help=f"GEMM {QUICK_GEMM} and shapes {QUICK_SHAPES} only")
    p.add_argument("--threads", type=int, default=2, help="threads for every backend and PyTorch (default 2)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per case (default 3: PoCL runs are slow)")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    p.add_argument("--warmup-ms", type=int, default=2000,
                   help="and warm up for at least this long (default 2000: the JIT compiles the SIMD kernels)")
    p.add_argument("--gemm", help="comma-separated GEMM sizes (default: all of side_by_side.py's; 'none' to skip)")
    p.add_argument("--shapes", help="comma-separated shape names (default: all; 'none' to skip): "
                                    + ", ".join(sbs.CONV_SHAPES))
    p.add_argument("--no-backward", action="store_true", help="forward passes only")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if it is installed")
    p.add_argument("--faltung", default=os.path.join(sbs.REPO, "faltung"), help="path of the faltung launcher")
    p.add_argument("--timeout", type=int, default=1800, help="seconds allowed per faltung run")
    p.add_argument("--markdown", help="also write the table as markdown to this file")
    p.add_argument("--json", help="also write every result as JSON to this file")
    args = p.parse_args()
    sbs.WARMUP_MS = args.warmup_ms

    def pick(text, quick, everything, parse):
        if text == "none":
            return []
        if text:
            return [parse(t.strip()) for t in text.split(",")]
        return quick if args.quick else everything

    sizes = pick(args.gemm, QUICK_GEMM, sbs.GEMM_SIZES, int)
    names = pick(args.shapes, QUICK_SHAPES, list(sbs.CONV_SHAPES), str)
    unknown = [n for n in names if n not in sbs.CONV_SHAPES]
    if unknown:
        p.error(f"unknown shape(s) {unknown}; known: {', '.join(sbs.CONV_SHAPES)}")

    torch = None
    if not args.no_torch:
        try:
            import torch
            torch.set_num_threads(args.threads)
        except ImportError:
            print("PyTorch not installed: its columns stay empty (apt-get install python3-torch)", file=sys.stderr)

    facts = sbs.cpu_facts()
    device = None
    header = [f"Machine: {facts['model']}, {facts['cpus']} logical CPUs; Faltung --threads {args.threads} "
              f"(POCL_MAX_PTHREAD_COUNT={args.threads})"
              + (f"; PyTorch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "")
              + f"; median of {args.repeat} runs after >= {args.warmup} warm-up runs and >= {sbs.WARMUP_MS} ms"]

    rows = []
    failures = 0

    def measure(kind, case, flops, bench_args, torch_ms):
        nonlocal failures, device
        row = {"kind": kind, "case": case, "flops": flops, "torch_ms": torch_ms}
        try:
            simd = run(args, "simd", bench_args + (["--algo", "auto"] if kind != "gemm" else []))
            row["simd"] = simd
        except (RuntimeError, subprocess.SubprocessError, ValueError) as e:
            row["simd_error"] = str(e)
            failures += 1
        row["opencl"] = {}
        for algo in (OPENCL_ALGOS if kind != "gemm" else [None]):
            try:
                r = run(args, "opencl", bench_args + (["--algo", algo] if algo else []))
                row["opencl"][algo or "-"] = r
                device = device or r.get("backend_status")
            except (RuntimeError, subprocess.SubprocessError, ValueError) as e:
                row["opencl"][algo or "-"] = {"error": str(e)}
                failures += 1
        rows.append(row)
        print(format_row(row), flush=True)

    print("\n".join(header), flush=True)
    print(format_header(), flush=True)
    for n in sizes:
        t_ms = sbs.torch_gemm(torch, n, args.warmup, args.repeat)[0] if torch else None
        measure("gemm", f"n={n}", 2.0 * n ** 3, ["gemm", "--n", str(n)], t_ms)
    passes = [False] if args.no_backward else [False, True]
    for name in names:
        shape = sbs.CONV_SHAPES[name]
        for backward in passes:
            kind = "conv fwd+bwd" if backward else "conv fwd"
            flops = sbs.conv_flops(shape) * (3 if backward else 1)
            t_ms = sbs.torch_conv(torch, shape, backward, args.warmup, args.repeat)[0] if torch else None
            bench_args = ["conv", "--shape", ",".join(map(str, shape))] + (["--backward"] if backward else [])
            measure(kind, name, flops, bench_args, t_ms)

    ratios = [r for r in (ratio(row) for row in rows) if r]
    summary = (f"geometric mean of opencl_speed/simd_speed over {len(ratios)} rows: "
               f"{statistics.geometric_mean(ratios):.4f}") if ratios else "no complete rows"
    header.append(f"OpenCL device: {device or 'none reported'}")
    print(header[-1])
    print(summary)
    if args.markdown:
        write_markdown(args.markdown, header, rows, summary)
        print(f"markdown table written to {args.markdown}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"header": header, "rows": rows}, f, indent=1)
        print(f"results written to {args.json}")
    if failures:
        print(f"{failures} Faltung run(s) failed", file=sys.stderr)
        sys.exit(1)


def best_opencl(row):
    """The faster OpenCL result of a row (its algorithm, result), or (None, None)."""
    done = [(a, r) for a, r in row["opencl"].items() if "median_ms" in r]
    return min(done, key=lambda ar: ar[1]["median_ms"]) if done else (None, None)


def ratio(row):
    _, best = best_opencl(row)
    if best is None or "simd" not in row:
        return None
    return row["simd"]["median_ms"] / best["median_ms"]


COLUMNS = [("kind", 12), ("case", 13), ("torch ms", 9), ("simd algo", 24), ("simd ms", 9), ("simd GF/s", 9),
           ("opencl ms: gemm, direct", 23), ("opencl ms: im2col", 17), ("opencl GF/s", 11), ("opencl/simd", 11)]


def cells(row):
    def ms(r):
        if r is None:
            return ""
        return f"{r['median_ms']:.3f}" if "median_ms" in r else "FAILED " + r.get("error", "")[:40]
    simd = row.get("simd")
    ocl = row["opencl"]
    if row["kind"] == "gemm":
        direct, im2col = ms(ocl.get("-")), "-"
    else:
        direct, im2col = ms(ocl.get("direct")), ms(ocl.get("im2col"))
    _, best = best_opencl(row)
    r = ratio(row)
    return [row["kind"], row["case"], "" if row["torch_ms"] is None else f"{row['torch_ms']:.3f}",
            ("-" if row["kind"] == "gemm" else sbs.describe_algos(simd)) if simd else "FAILED",
            ms(simd) if simd else row.get("simd_error", "")[:40], f"{simd['gflops']:.1f}" if simd else "",
            direct, im2col, f"{best['gflops']:.2f}" if best else "", f"{r:.4f}" if r else ""]


def format_header():
    return sbs.format_header(COLUMNS)


def format_row(row):
    return sbs.format_row(row, COLUMNS, cells)


def write_markdown(path, header, rows, summary):
    sbs.write_markdown(path, header, rows, summary,
                       note="opencl GF/s and opencl/simd = simd ms / opencl ms use the faster OpenCL algorithm "
                            "(> 1: OpenCL faster).", columns=COLUMNS, cells_of=cells)


if __name__ == "__main__":
    main()

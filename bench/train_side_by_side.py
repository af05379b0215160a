#!/usr/bin/python3
"""Training throughput of the Fashion-MNIST benchmark CNN: PyTorch (CPU) next to `./faltung train`.

Both sides train the same architecture with the same batch size, optimizer and number of images
per epoch, each in its own child process so that each peak resident set size (read with wait4,
the child's own rusage) is that side's alone:

    conv 5x5, 32 maps, 'same' -> ReLU -> maxpool 2
    conv 5x5, 64 maps, 'same' -> ReLU -> maxpool 2
    flatten (64*7*7 = 3136) -> dense 1024 -> ReLU -> dropout 0.4 -> dense 10
    softmax cross-entropy, Adam (lr 1e-3), batch 64 by default

PyTorch trains on random images (throughput does not depend on the pixel values); Faltung
trains `--model fmnist-cnn` on its --data (the embedded 28x28 shapes by default, 6000 training
images; `--data fashion-mnist` has 60000), limited to the same image count with --limit and
without a validation split; a note says when the data has fewer images than asked for. Reported: images/s averaged over the epochs (what Faltung's
train_images_per_sec is) and of the last epoch (after the JIT has compiled the hot loops), and
the peak RSS in MiB.

    /usr/bin/python3 bench/train_side_by_side.py --quick
    /usr/bin/python3 bench/train_side_by_side.py --images 4096 --epochs 2 --markdown train.md
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def torch_worker(args):
    """Trains the CNN in this process and prints one JSON line with the per-epoch images/s."""
    import torch
    import torch.nn as nn
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 1024), nn.ReLU(), nn.Dropout(0.4), nn.Linear(1024, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    images = torch.rand(args.images, 1, 28, 28)
    labels = torch.randint(0, 10, (args.images,))
    model.train()
    per_epoch = []
    for _ in range(args.epochs):
        order = torch.randperm(args.images)
        start = time.perf_counter()
        for i in range(0, args.images, args.batch):
            idx = order[i:i + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(images[idx]), labels[idx])
            loss.backward()
            optimizer.step()
        per_epoch.append(args.images / (time.perf_counter() - start))
    print(json.dumps({"images_per_sec": per_epoch, "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


def run_child(cmd, env=None, timeout=None):
    """Runs cmd; returns (exit code, stdout, stderr, peak RSS in MiB of the child and its descendants)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid != 0:
                break
            if deadline is not None and time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in KiB on Linux.
        return (proc.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                usage.ru_maxrss / 1024)


def last_json(text):
    lines = text.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smoke test: 256 images, 1 epoch")
    p.add_argument("--images", type=int, help="training images per epoch (default 2048; 256 with --quick)")
    p.add_argument("--epochs", type=int, help="epochs (default 2; 1 with --quick)")
    p.add_argument("--batch", type=int, default=64, help="mini-batch size (default 64)")
    p.add_argument("--threads", type=int, default=2, help="threads for both sides (default 2)")
    p.add_argument("--backend", help="Faltung backend (default: Faltung's default backend)")
    p.add_argument("--data", default="shapes", help="Faltung --data (default: shapes)")
    p.add_argument("--faltung", default=os.path.join(REPO, "faltung"), help="path of the faltung launcher")
    p.add_argument("--timeout", type=int, default=3600, help="seconds allowed per side")
    p.add_argument("--markdown", help="also write the result as markdown to this file")
    p.add_argument("--torch-malloc", choices=["default", "retain"], default="default",
                   help="'retain': PyTorch's glibc keeps freed memory (MALLOC_MMAP_THRESHOLD_ and "
                        "MALLOC_TRIM_THRESHOLD_), so its per-call buffers stop costing page faults, "
                        "whose price on a virtual machine varies with the host's load (see "
                        "side_by_side.py); its peak RSS then counts the memory kept")
    p.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.images is None:
        args.images = 256 if args.quick else 2048
    if args.epochs is None:
        args.epochs = 1 if args.quick else 2
    if args.torch_worker:
        torch_worker(args)
        return

    rows = []
    failures = []
    notes = []

    # PyTorch, in a child so that its RSS is its own.
    torch_env = None
    if args.torch_malloc == "retain":
        torch_env = dict(os.environ, MALLOC_MMAP_THRESHOLD_=str(1 << 30), MALLOC_TRIM_THRESHOLD_=str(1 << 30),
                         MALLOC_TOP_PAD_=str(64 << 20))
    code, out, err, rss = run_child([sys.executable, os.path.abspath(__file__), "--torch-worker",
                                     "--images", str(args.images), "--epochs", str(args.epochs),
                                     "--batch", str(args.batch), "--threads", str(args.threads)],
                                    env=torch_env, timeout=args.timeout)
    if code == 0:
        r = last_json(out)
        ips = r["images_per_sec"]
        rows.append({"side": f"PyTorch {r['torch']} ({r['threads']} threads)", "mean": sum(ips) / len(ips),
                     "last": ips[-1], "rss": rss})
    else:
        failures.append(f"PyTorch worker exited {code}: {err.strip()[-500:]}")

    # Faltung: build first (./faltung builds on first use), so the build's memory is not counted.
    subprocess.run([args.faltung, "info"], capture_output=True, timeout=args.timeout)
    with tempfile.TemporaryDirectory(prefix="faltung-train-bench-") as run_dir:
        cmd = [args.faltung, "train", "--model", "fmnist-cnn", "--data", args.data, "--limit", str(args.images),
               "--val-split", "0", "--epochs", str(args.epochs), "--batch", str(args.batch),
               "--optimizer", "adam", "--lr", "0.001", "--threads", str(args.threads), "--out", run_dir]
        if args.backend:
            cmd += ["--backend", args.backend]
        env = dict(os.environ, POCL_MAX_PTHREAD_COUNT=str(args.threads))
        code, out, err, rss = run_child(cmd, env=env, timeout=args.timeout)
        if code == 0:
            r = last_json(out)
            last = r["train_images_per_sec"]
            metrics = os.path.join(run_dir, "metrics.csv")
            if os.path.exists(metrics):
                with open(metrics) as f:
                    epochs = list(csv.DictReader(f))
                if epochs and epochs[-1].get("images_per_sec"):
                    last = float(epochs[-1]["images_per_sec"])
            rows.append({"side": f"Faltung {r.get('backend')} ({r.get('threads')} threads)",
                         "mean": r["train_images_per_sec"], "last": last, "rss": rss})
            m = re.search(r"(\d+) train /", out)
            if m and int(m.group(1)) < args.images:
                notes.append(f"--data {args.data} has only {m.group(1)} training images: Faltung's epochs are "
                             f"shorter than PyTorch's {args.images}, so start-up weighs more in its mean "
                             f"(--data fashion-mnist compares equal epochs)")
        else:
            failures.append(f"{' '.join(cmd)} exited {code}: {err.strip()[-500:]}")

    header = (f"fmnist-cnn training, {args.images} images x {args.epochs} epoch(s), batch {args.batch}, "
              f"Adam lr 1e-3, {args.threads} threads each side, PyTorch malloc {args.torch_malloc}")
    print(header)
    print(f"{'side':40}  {'images/s (mean)':>15}  {'images/s (last)':>15}  {'peak RSS MiB':>12}")
    for r in rows:
        print(f"{r['side']:40}  {r['mean']:15.1f}  {r['last']:15.1f}  {r['rss']:12.0f}")
    if len(rows) == 2 and rows[0]["last"] > 0:
        ratio = rows[1]["last"] / rows[0]["last"]
        print(f"faltung/torch images/s (last epoch): {ratio:.3f}")
    for msg in notes:
        print(f"note: {msg}")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(header + "\n\n| side | images/s (mean) | images/s (last epoch) | peak RSS MiB |\n|---|---|---|---|\n")
            for r in rows:
                f.write(f"| {r['side']} | {r['mean']:.1f} | {r['last']:.1f} | {r['rss']:.0f} |\n")
            for msg in notes:
                f.write(f"\nNote: {msg}\n")
            for msg in failures:
                f.write(f"\nFAILED: {msg}\n")
    for msg in failures:
        print(f"FAILED: {msg}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

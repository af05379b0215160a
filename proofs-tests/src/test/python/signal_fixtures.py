#!/usr/bin/python3
"""Prints the scipy.signal correlate2d/convolve2d fixtures embedded in
dev.faltung.proofs.conv.SignalFixturesTest (run with Debian's /usr/bin/python3 + python3-scipy).
Inputs are small integers so the expected values are exact in any float format."""
import numpy as np
from scipy.signal import correlate2d, convolve2d

CASES = [
    ("a4x5", np.arange(1, 21).reshape(4, 5) % 7 - 3.0),
    ("k2x2", np.array([[1.0, -2.0], [3.0, 4.0]])),
    ("k3x3", np.array([[0.0, 1.0, 2.0], [-1.0, 5.0, 1.0], [2.0, 0.0, -3.0]])),
    ("k2x3", np.array([[1.0, 2.0, -1.0], [0.0, 3.0, 1.0]])),
    ("k5x6", (np.arange(30).reshape(5, 6) % 5) - 2.0),
]
arrays = dict(CASES)

def fmt(name, m):
    rows = ", ".join("{" + ", ".join(repr(float(v)) for v in row) + "}" for row in m)
    return f'        "{name}", new double[][] {{{rows}}},'

for name, m in CASES:
    print(fmt(name, m))
for kname in ["k2x2", "k3x3", "k2x3", "k5x6"]:
    for fn in (correlate2d, convolve2d):
        for mode in ("full", "same", "valid"):
            out = fn(arrays["a4x5"], arrays[kname], mode)
            print(fmt(f"{fn.__name__} a4x5 {kname} {mode}", out))

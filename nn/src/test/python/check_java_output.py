#!/usr/bin/python3
"""Checks that numpy (and, when installed, torch / safetensors) read what Faltung's writers write.

A manual compatibility check, not part of the Maven build. After `mvn -pl nn -am test-compile`:
    java -cp nn/target/test-classes:nn/target/classes:kernel-api/target/classes \
        dev.faltung.nn.io.WriteInteropFiles DIR
    /usr/bin/python3 nn/src/test/python/check_java_output.py DIR
The safetensors library part runs only where `import safetensors` works (e.g. a venv).
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

d = Path(sys.argv[1])


def check(name, expected):
    got = np.load(d / name, allow_pickle=False)
    assert got.dtype == expected.dtype, (name, got.dtype, expected.dtype)
    assert got.shape == expected.shape, (name, got.shape, expected.shape)
    assert np.array_equal(got, expected), (name, got, expected)
    print("ok", name, got.dtype, got.shape)


check("java_f32.npy", np.array([[1.5, -2, 3.25], [0, 7, -0.125]], dtype="<f4"))
check("java_f64.npy", np.array([np.pi, -1e-300], dtype="<f8"))
check("java_i64.npy", np.array([-2**63, 0, 9], dtype="<i8"))
check("java_i32.npy", np.array([[-5, 6]], dtype="<i4"))
check("java_scalar.npy", np.array(0.6931472, dtype="<f4"))

raw = (d / "java.safetensors").read_bytes()
(n,) = struct.unpack("<Q", raw[:8])
assert n % 8 == 0, n
header = json.loads(raw[8:8 + n].decode("utf-8"))
data = raw[8 + n:]
kinds = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4"}
tensors = {}
for name, info in header.items():
    if name == "__metadata__":
        continue
    b, e = info["data_offsets"]
    tensors[name] = np.frombuffer(data[b:e], dtype=kinds[info["dtype"]]).reshape(info["shape"])
assert header["__metadata__"] == {"epoch": "7", "name": "ünïcode \"quoted\""}, header["__metadata__"]
assert np.array_equal(tensors["fc.weight"], np.arange(1, 7, dtype="<f4").reshape(3, 2))
assert np.array_equal(tensors["fc.bias"], np.array([0.25, -0.5, 1e10]))
assert tensors["step"].shape == () and tensors["step"] == 12345
assert np.array_equal(tensors["idx"], np.array([1, 2, 3], dtype="<i4"))
print("ok java.safetensors (by hand)", {k: (str(v.dtype), v.shape) for k, v in tensors.items()})
try:
    from safetensors.numpy import load_file
except ImportError:
    print("safetensors module not installed; checked by hand only")
else:
    loaded = load_file(str(d / "java.safetensors"))
    assert all(np.array_equal(loaded[k], tensors[k]) for k in tensors)
    print("ok java.safetensors (safetensors library)")

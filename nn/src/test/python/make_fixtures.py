#!/usr/bin/python3
"""Writes the tiny NPY and safetensors fixtures that nn's io tests read.

Run with Debian's numpy (apt-get install python3-numpy):
    /usr/bin/python3 nn/src/test/python/make_fixtures.py nn/src/test/resources/dev/faltung/nn/io
The safetensors files are written by hand from the format description
(8-byte little-endian header length, JSON header padded with spaces, raw bytes),
because Debian packages no safetensors module.
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)

# Values are exact in every dtype used, so the Java tests compare with ==.
np.save(out / "f32_2x3.npy", np.arange(6, dtype="<f4").reshape(2, 3) * 0.5 - 1)
np.save(out / "f64_be_4.npy", np.array([1.5, -2.25, 1e300, 0.0], dtype=">f8"))
np.save(out / "i64_labels.npy", np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype="<i8"))
np.save(out / "i32_2x2.npy", np.array([[7, -8], [2**31 - 1, -2**31]], dtype="<i4"))
np.save(out / "u8_3.npy", np.array([0, 128, 255], dtype="u1"))
np.save(out / "bool_3.npy", np.array([True, False, True]))
np.save(out / "scalar_f32.npy", np.float32(2.5))          # 0-d array, shape ()
np.save(out / "empty_0x3.npy", np.zeros((0, 3), dtype="<f4"))
np.save(out / "fortran_2x3.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
np.lib.format.write_array(open(out / "v2_f32_2.npy", "wb"), np.array([1.0, 2.0], dtype="<f4"), version=(2, 0))
np.lib.format.write_array(open(out / "v3_f32_2.npy", "wb"), np.array([3.0, 4.0], dtype="<f4"), version=(3, 0))


def save_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    names = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64", np.dtype("<i4"): "I32", np.dtype("<i8"): "I64"}
    for name, a in tensors.items():
        a = a if a.flags.c_contiguous else np.ascontiguousarray(a)  # ascontiguousarray makes 0-d 1-d
        raw = a.tobytes()
        header[name] = {"dtype": names[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


save_safetensors(out / "small.safetensors", {
    "conv.weight": (np.arange(24, dtype="<f4").reshape(2, 3, 2, 2) - 12) / 8,
    "conv.bias": np.array([0.5, -0.5], dtype="<f8"),
    "step": np.array(42, dtype="<i8"),
    "counts": np.array([1, 2, 3], dtype="<i4"),
}, {"format": "pt", "note": "made by make_fixtures.py \u00e9"})

# The same tensors written by the safetensors library itself, when it is importable
# (Debian has no package; a venv with `pip install safetensors` works). The committed
# fixture came from safetensors 0.8.0.
try:
    from safetensors.numpy import save_file
except ImportError:
    print("safetensors not importable: keeping the committed library_made.safetensors")
else:
    save_file({
        "conv.weight": (np.arange(24, dtype="<f4").reshape(2, 3, 2, 2) - 12) / 8,
        "conv.bias": np.array([0.5, -0.5], dtype="<f8"),
        "step": np.array(42, dtype="<i8"),
        "counts": np.array([1, 2, 3], dtype="<i4"),
    }, str(out / "library_made.safetensors"), metadata={"format": "np"})

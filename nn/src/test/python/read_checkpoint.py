"""Reads a Faltung checkpoint the way PyTorch tooling would, without the safetensors package:
8-byte little-endian header length, JSON header, raw little-endian tensor bytes.

usage: read_checkpoint.py FILE TENSOR
prints one JSON line: the metadata's model and epoch, the tensor's shape, its first value and sum,
and (when torch is installed) the same first value through torch.frombuffer.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def main():
    path, name = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__")
    entry = header[name]
    begin, end = entry["data_offsets"]
    array = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
    array = array.reshape(entry["shape"])
    out = {
        "model": meta["model"],
        "epoch": int(meta["epoch"]),
        "history_len": len(json.loads(meta["history"])),
        "shape": list(array.shape),
        "first": float(array.reshape(-1)[0]),
        "sum": float(array.astype(np.float64).sum()),
    }
    try:
        import torch
        t = torch.frombuffer(bytearray(data[8 + n + begin:8 + n + end]), dtype=torch.float32).reshape(entry["shape"])
        out["torch_first"] = float(t.reshape(-1)[0])
    except ImportError:
        pass
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""The safetensors format by hand (the `safetensors` package is not in Debian): 8-byte little-endian
header length, a JSON header {name: {dtype, shape, data_offsets}} (+ optional __metadata__), then the data.
Tensors are written sorted by name, the header padded with spaces to a multiple of 8 bytes, as pairnet does."""
import json
import struct

import torch

DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.float64: "F64", torch.int32: "I32"}
TORCH_DTYPES = {v: k for k, v in DTYPES.items()}


def encode(tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        raw = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def decode(data):
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None)
    body = bytearray(data[8 + n:])
    out = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        dtype = TORCH_DTYPES[info["dtype"]]
        if end > start:
            t = torch.frombuffer(body[start:end], dtype=dtype)
        else:
            t = torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).clone()
    return out, metadata

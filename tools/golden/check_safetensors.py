"""Loads a pairnet safetensors file into the matching PyTorch module, strictly (every name and shape must match):

    /usr/bin/python3 tools/golden/check_safetensors.py model.safetensors spec.json

spec.json is a module spec as in tools/golden/torch_specs.py. Prints the tensors loaded and the metadata."""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from torch_specs import build  # noqa: E402


def main(path, spec_path):
    with open(path, "rb") as f:
        tensors, metadata = safetensors_io.decode(f.read())
    with open(spec_path) as f:
        model = build(json.load(f))
    model.load_state_dict(tensors, strict=True)
    count = sum(p.numel() for p in model.parameters())
    print(f"{path}: {len(tensors)} tensors loaded strictly into {type(model).__name__} ({count} parameters)")
    print(f"metadata: {metadata}")
    return model


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: check_safetensors.py FILE.safetensors SPEC.json")
    main(sys.argv[1], sys.argv[2])

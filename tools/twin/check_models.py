"""Checks every PyTorch twin against its pairnet zoo model: the same weights (pairnet's, loaded strictly by name) must
give the same eval-mode main and digit outputs (atol 1e-4) on a random batch. Build dist/ first, then:

    /usr/bin/python3 tools/twin/check_models.py [NAME ...]      # default: every model in twin_models.MODELS
"""
import json
import os
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from twin import read_safetensors  # noqa: E402
from twin_models import MODELS  # noqa: E402


def check(name, tmp):
    weights = os.path.join(tmp, f"{name}.safetensors")
    out = subprocess.run(["node", os.path.join(HERE, "model-outputs.mjs"), name, weights], capture_output=True, check=True, text=True).stdout
    ref = json.loads(out)
    model = MODELS[name](ref["options"])
    model.load_state_dict(read_safetensors(weights), strict=True)
    model.eval()
    with torch.no_grad():
        main, digits = model(torch.tensor(ref["x"]).reshape(4, 2, 14, 14))
    errors = [(main.flatten() - torch.tensor(ref["main"])).abs().max().item()]
    if (digits is None) != (ref["digits"] is None):
        raise SystemExit(f"{name}: digit outputs differ in presence")
    if digits is not None:
        errors += [(d.flatten() - torch.tensor(r)).abs().max().item() for d, r in zip(digits, ref["digits"])]
    return max(errors)


def main():
    names = sys.argv[1:] or sorted(MODELS)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            err = check(name, tmp)
            ok = err < 1e-4
            failed += not ok
            print(f"{name:24s} max |pairnet - torch| {err:.1e}  {'ok' if ok else 'MISMATCH'}")
    print(f"{len(names) - failed} twins match, {failed} do not")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

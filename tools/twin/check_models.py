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


def check(name, tmp, options=None):
    weights = os.path.join(tmp, f"{name}.safetensors")
    args = ["node", os.path.join(HERE, "model-outputs.mjs"), name, weights] + ([json.dumps(options)] if options else [])
    out = subprocess.run(args, capture_output=True, check=True, text=True).stdout
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
    aux_main = getattr(model, "aux_main", None)
    if (aux_main is None) != (ref["auxMain"] is None):
        raise SystemExit(f"{name}: auxiliary comparison outputs differ in presence")
    if aux_main is not None:
        errors.append((aux_main.flatten() - torch.tensor(ref["auxMain"])).abs().max().item())
    return max(errors)


def main():
    names = sys.argv[1:] or sorted(MODELS)
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            cases.append((name, None))
            # Models with a comparator option are checked with the probabilistic head too.
            ref = json.loads(subprocess.run(["node", os.path.join(HERE, "model-outputs.mjs"), name, os.path.join(tmp, "probe.safetensors")],
                                            capture_output=True, check=True, text=True).stdout)
            if "comparator" in ref["options"]:
                cases.append((name, {"comparator": "probabilistic"}))
        failed = 0
        for name, options in cases:
            err = check(name, tmp, options)
            ok = err < 1e-4
            failed += not ok
            label = name + (" (probabilistic)" if options else "")
            print(f"{label:40s} max |pairnet - torch| {err:.1e}  {'ok' if ok else 'MISMATCH'}")
    print(f"{len(cases) - failed} twins match, {failed} do not")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

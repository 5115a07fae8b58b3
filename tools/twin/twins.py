"""PyTorch twins of a study variant's first rounds, for docs/studies.md's "engine vs protocol" table:

    /usr/bin/python3 tools/twin/twins.py RESULTS_DIR VARIANT [--rounds 3] [--out tools/twin/results/NAME.jsonl]

For each round it exports the stored run's kit (node tools/twin/export-kit.mjs; build dist/ first), trains it in
PyTorch 1.13 (tools/twin/twin.py) and appends the result to --out (resumable: rounds already there are skipped), then
prints pairnet's and PyTorch's mean and sample std over those rounds and their paired difference.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from twin import train  # noqa: E402


def summary(values):
    return f"{100 * statistics.mean(values):.2f} ± {100 * statistics.stdev(values):.2f}" if len(values) > 1 else f"{100 * values[0]:.2f}"


def main():
    args = sys.argv[1:]
    results_dir, variant = args[0], args[1]
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 3
    slug = os.path.basename(os.path.normpath(results_dir)) + "--" + "".join(ch if ch.isalnum() else "-" for ch in variant)
    out = args[args.index("--out") + 1] if "--out" in args else os.path.join(HERE, "results", slug + ".jsonl")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    done = {}
    if os.path.exists(out):
        with open(out) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    done[r["key"]] = r
    for r in range(rounds):
        key = f"rounds/{variant}/round {r}"
        if key in done:
            continue
        with tempfile.TemporaryDirectory() as kit:
            subprocess.run(["node", os.path.join(HERE, "export-kit.mjs"), results_dir, key, kit], check=True)
            result = train(kit)
        with open(out, "a") as f:
            f.write(json.dumps(result) + "\n")
        done[key] = result
        print(f"{key}: pairnet {100 * result['pairnet']['testAccuracy']:.2f} %, PyTorch {100 * result['torch']['testAccuracy']:.2f} %", flush=True)
    rows = [done[f"rounds/{variant}/round {r}"] for r in range(rounds)]
    ours = [x["pairnet"]["testAccuracy"] for x in rows]
    theirs = [x["torch"]["testAccuracy"] for x in rows]
    diffs = [a - b for a, b in zip(ours, theirs)]
    print(json.dumps({"study": results_dir, "variant": variant, "rounds": rounds, "pairnet": summary(ours), "torch": summary(theirs),
                      "pairnetMinusTorch": summary(diffs)}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compares DML4J and PyTorch + PML over several seeds of the reference protocol (a markdown table).

  experiments/scripts/seed-study.py DML4J_DIR PML_DIR [--reference ../shared/reference/reference_training.json]
                                    [--split open_set] [--runs multi_similarity,proxy_nca,triplet_semihard]

DML4J_DIR holds experiments/scripts/reproduce-reference.sh's metrics JSONs (RUN_SPLIT.json for seed 0,
RUN_SPLIT_seedS.json otherwise); PML_DIR holds experiments/bench/pml-reference-seeds.py's (RUN_SPLIT_seedS.json).
For each run and metric (P@1, MAP@R): the per-seed values of both sides, their means and sample standard deviations,
the difference of the means with a Welch 95% confidence interval, and the recorded reference value. Plain Python
(no numpy); the t quantile comes from scipy when it is importable, else from a small table.
"""
import argparse
import glob
import json
import math
import os
import re
import statistics
import sys

METRICS = (("precision_at_1", "precision_at_1", "P@1"), ("map_at_r", "mean_average_precision_at_r", "MAP@R"))
# Two-sided 95% t quantiles by degrees of freedom (used when scipy is missing).
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
       12: 2.179, 15: 2.131, 20: 2.086, 30: 2.042}


def t95(df):
    try:
        from scipy.stats import t
        return float(t.ppf(0.975, df))
    except ImportError:
        return next(v for k, v in sorted(T95.items()) if k >= math.floor(df)) if df <= 30 else 1.96


def seed_of(path):
    m = re.search(r"_seed(\d+)\.json$", path)
    return int(m.group(1)) if m else 0


def collect(directory, run, split, key, nested):
    values = {}
    for path in glob.glob(os.path.join(directory, "%s_%s*.json" % (run, split))):
        if not re.fullmatch(r"%s_%s(_seed\d+)?\.json" % (run, split), os.path.basename(path)):
            continue
        with open(path) as f:
            record = json.load(f)
        values[seed_of(path)] = (record["final_metrics"] if nested else record)[key]
    return values


def welch(a, b):
    ma, mb = statistics.mean(a), statistics.mean(b)
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1)) if se > 0 else len(a) + len(b) - 2
    half = t95(df) * se
    return ma - mb, ma - mb - half, ma - mb + half


def fmt(values):
    return ", ".join("%.4f" % values[s] for s in sorted(values))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dml4j_dir")
    ap.add_argument("pml_dir")
    ap.add_argument("--reference", default=None)
    ap.add_argument("--split", default="open_set")
    ap.add_argument("--runs", default="multi_similarity,proxy_nca,triplet_semihard")
    a = ap.parse_args()
    recorded = {}
    if a.reference:
        with open(a.reference) as f:
            for r in json.load(f)["runs"]:
                recorded[(r["run"], r["split"])] = r["final_metrics"]
    print("| run | metric | DML4J seeds | DML4J per seed | DML4J mean ± sd | PML seeds | PML per seed | PML mean ± sd "
          "| DML4J − PML (95% CI) | recorded reference |")
    print("|---|---|---|---|---:|---|---|---:|---:|---:|")
    for run in a.runs.split(","):
        for ours_key, pml_key, label in METRICS:
            ours = collect(a.dml4j_dir, run, a.split, ours_key, nested=False)
            peer = collect(a.pml_dir, run, a.split, pml_key, nested=True)
            if len(ours) < 2 or len(peer) < 2:
                sys.exit("seed-study: need at least two seeds per side for %s %s (found %d DML4J, %d PML)"
                         % (run, a.split, len(ours), len(peer)))
            o, p = list(ours.values()), list(peer.values())
            diff, lo, hi = welch(o, p)
            ref = recorded.get((run, a.split), {}).get(pml_key)
            print("| %s | %s | %s | %s | %.4f ± %.4f | %s | %s | %.4f ± %.4f | %+.4f (%+.4f, %+.4f) | %s |" % (
                run, label, ",".join(map(str, sorted(ours))), fmt(ours), statistics.mean(o), statistics.stdev(o),
                ",".join(map(str, sorted(peer))), fmt(peer), statistics.mean(p), statistics.stdev(p), diff, lo, hi,
                "%.4f" % ref if ref is not None else "—"))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs the PyTorch + PML reference protocol (shared/reference/train_reference.py) with other seeds.

The reference script fixes its seed (module constant SEED = 0); this wrapper imports it, sets SEED and calls its
run_one() for each (seed, run, split), writing one JSON per run into OUT as RUN_SPLIT_seedS.json (the script's run
record: per-epoch losses and times, final_metrics with precision_at_1 and mean_average_precision_at_r).
Run it in the peer environment (experiments/bench/setup-peer.sh):

  FMNIST_DIR=/usr/share/datasets/fashion-mnist OMP_WAIT_POLICY=PASSIVE .bench-venv/bin/python \\
      experiments/bench/pml-reference-seeds.py OUT --seeds 0,1,2,3,4 --splits open_set \\
      --runs multi_similarity,proxy_nca,triplet_semihard [--reference-script ../shared/reference/train_reference.py]

The table of both sides: experiments/scripts/seed-study.py.
"""
import argparse
import importlib.util
import json
import os
import sys

import numpy as np
import torch
import faiss

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCRIPT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "reference", "train_reference.py"))


def load_reference(path):
    if not os.path.isfile(path):
        sys.exit("pml-reference-seeds: reference script not found: %s (give --reference-script PATH to "
                 "shared/reference/train_reference.py)" % path)
    if "FMNIST_DIR" not in os.environ:
        sys.exit("pml-reference-seeds: set FMNIST_DIR to the Fashion-MNIST IDX folder "
                 "(Debian's dataset-fashion-mnist: /usr/share/datasets/fashion-mnist)")
    spec = importlib.util.spec_from_file_location("train_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--seeds", default="1,2,3,4")
    ap.add_argument("--splits", default="open_set")
    ap.add_argument("--runs", default="multi_similarity,proxy_nca,triplet_semihard,contrastive")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reference-script", default=DEFAULT_SCRIPT)
    a = ap.parse_args()
    ref = load_reference(a.reference_script)
    torch.set_num_threads(a.threads)
    faiss.omp_set_num_threads(a.threads)
    d = os.environ["FMNIST_DIR"]
    data = (ref.read_idx_images(os.path.join(d, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255.0,
            ref.read_idx_labels(os.path.join(d, "train-labels-idx1-ubyte.gz")),
            ref.read_idx_images(os.path.join(d, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255.0,
            ref.read_idx_labels(os.path.join(d, "t10k-labels-idx1-ubyte.gz")))
    os.makedirs(a.out, exist_ok=True)
    for seed in (int(s) for s in a.seeds.split(",")):
        for run in a.runs.split(","):
            for split in a.splits.split(","):
                ref.SEED = seed
                record = ref.run_one(run, split, data, a.epochs, lambda m: print(m, flush=True))
                record["seed"] = seed
                with open(os.path.join(a.out, "%s_%s_seed%d.json" % (run, split, seed)), "w") as f:
                    json.dump(record, f, indent=1)


if __name__ == "__main__":
    main()

"""The data of the cross-modal reference (BENCHMARKS.md, "Cross-modal two-tower against PyTorch"): the two-view
Fashion-MNIST protocol of the multi-view learning literature, written as the paired CSVs that `dml4j train --mode
cross-modal --paired-csv` and crossmodal_peer.py both read.

  view 1 (modality A, columns a_0..a_783)  an image rotated by a fixed 90 degrees (numpy rot90), pixels / 255
  view 2 (modality B, columns b_0..b_783)  a different image of the same class (drawn uniformly), plus Gaussian
                                            noise (sd 0.2), pixels / 255
  label                                    the class: relevance in evaluation is "same class"

TRAIN pairs from the training split and TEST pairs from the test split (images drawn without replacement for view
1), seeded by --seed (the data seed; the training seeds vary separately).

    python3 crossmodal_pairs.py OUT_DIR [--train 3000 --test 1000 --seed 0]

Writes OUT_DIR/train.csv and OUT_DIR/test.csv. FMNIST_DIR (default /usr/share/datasets/fashion-mnist) holds the IDX
files.
"""
import argparse
import os

import numpy as np

from peer_bench import read_idx


def pairs(split, count, rng):
    data = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(data, prefix + "-images-idx3-ubyte.gz"), True).astype(np.float32) / 255.0
    y = read_idx(os.path.join(data, prefix + "-labels-idx1-ubyte.gz"), False)
    first = rng.choice(len(y), size=count, replace=False)
    view1 = np.rot90(x[first].reshape(count, 28, 28), k=1, axes=(1, 2)).reshape(count, 784)
    second = np.empty(count, dtype=np.int64)
    for i, index in enumerate(first):
        same = np.flatnonzero(y == y[index])
        other = rng.choice(same)
        while other == index:
            other = rng.choice(same)
        second[i] = other
    view2 = x[second] + rng.normal(0, 0.2, size=(count, 784)).astype(np.float32)
    return y[first], view1, view2


def write(path, labels, a, b):
    header = ["label"] + [f"a_{k}" for k in range(a.shape[1])] + [f"b_{k}" for k in range(b.shape[1])]
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for label, ra, rb in zip(labels, a, b):
            f.write(str(int(label)) + "," + ",".join(f"{v:.3g}" for v in ra) + ","
                    + ",".join(f"{v:.3g}" for v in rb) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--train", type=int, default=3000)
    p.add_argument("--test", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "train.csv"), *pairs("train", args.train, rng))
    write(os.path.join(args.out, "test.csv"), *pairs("test", args.test, rng))


if __name__ == "__main__":
    main()

"""The PyTorch side of the few-shot reference (BENCHMARKS.md, "Few-shot: prototypical networks against PyTorch"):
prototypical-network training (Snell et al. 2017) on the Fashion-MNIST training images of classes 0-4 and N-way
K-shot episodic evaluation on the test images of classes 5-9, the protocol `dml4j train --mode episodic` and
`dml4j eval --few-shot` follow:

  network   Linear(784, H) - ReLU - Linear(H, D), PyTorch's default initialisation, no normalisation (DML4J's
            mlp:H,D:normalize=false), pixels / 255
  training  each step one episode: WAY classes drawn from 0-4, SHOT + QUERIES distinct images of each, the first
            SHOT of a class its support; loss = cross-entropy of softmax(-squared Euclidean distance to the class
            prototypes (mean support embedding)) over the queries, mean; Adam(LR); EPISODES steps per epoch
  evaluation EVAL_EPISODES episodes of 5 classes drawn from 5-9, K support and EVAL_QUERIES queries per class, the
            query's nearest prototype by squared Euclidean distance; accuracy mean +- 1.96 sd / sqrt(n) (sd with
            ddof 1), for each K in --eval-shots

    python3 fewshot_peer.py --seed 0 [--epochs 5 --way 5 --shot 5 --queries 15 --episodes 300 --hidden 256
                                      --dim 64 --lr 1e-3 --eval-shots 1,5 --eval-queries 15 --eval-episodes 1000
                                      --eval-seed 0 --threads 1]

Prints one JSON object (settings, seconds of training, accuracy and ci95 per setting). FMNIST_DIR (default
/usr/share/datasets/fashion-mnist) holds the IDX files.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from peer_bench import read_idx


def load(split, classes):
    data = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(data, prefix + "-images-idx3-ubyte.gz"), True).astype(np.float32) / 255.0
    y = read_idx(os.path.join(data, prefix + "-labels-idx1-ubyte.gz"), False)
    keep = np.isin(y, classes)
    return x[keep], y[keep]


def members(y):
    return [np.flatnonzero(y == c) for c in np.unique(y)]


def episode(groups, way, per_class, rng):
    """WAY classes and PER_CLASS distinct examples of each, class by class."""
    chosen = rng.choice(len(groups), size=way, replace=False)
    return np.concatenate([rng.choice(groups[c], size=per_class, replace=False) for c in chosen])


def prototypes_and_queries(emb, way, shot, queries):
    emb = emb.view(way, shot + queries, -1)
    return emb[:, :shot].mean(1), emb[:, shot:].reshape(way * queries, -1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--way", type=int, default=5)
    p.add_argument("--shot", type=int, default=5)
    p.add_argument("--queries", type=int, default=15)
    p.add_argument("--episodes", type=int, default=300)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--eval-shots", default="1,5")
    p.add_argument("--eval-queries", type=int, default=15)
    p.add_argument("--eval-episodes", type=int, default=1000)
    p.add_argument("--eval-seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    x_train, y_train = load("train", [0, 1, 2, 3, 4])
    x_test, y_test = load("test", [5, 6, 7, 8, 9])
    model = torch.nn.Sequential(torch.nn.Linear(784, a.hidden), torch.nn.ReLU(), torch.nn.Linear(a.hidden, a.dim))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    xt = torch.from_numpy(x_train)
    groups = members(y_train)
    targets = torch.arange(a.way).repeat_interleave(a.queries)
    start = time.perf_counter()
    for _ in range(a.epochs):
        for _ in range(a.episodes):
            idx = torch.from_numpy(episode(groups, a.way, a.shot + a.queries, rng))
            protos, queries = prototypes_and_queries(model(xt[idx]), a.way, a.shot, a.queries)
            loss = F.cross_entropy(-torch.cdist(queries, protos).pow(2), targets)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        emb = model(torch.from_numpy(x_test)).double()
    test_groups = members(y_test)
    out = {"side": "pytorch", "torch": torch.__version__, "seed": a.seed, "epochs": a.epochs, "way": a.way,
           "shot": a.shot, "queries": a.queries, "episodes_per_epoch": a.episodes, "network": [784, a.hidden, a.dim],
           "lr": a.lr, "train_seconds": round(seconds, 2)}
    for shot in (int(s) for s in a.eval_shots.split(",")):
        eval_rng = np.random.default_rng(a.eval_seed)
        acc = np.empty(a.eval_episodes)
        labels = torch.arange(5).repeat_interleave(a.eval_queries)
        for e in range(a.eval_episodes):
            idx = torch.from_numpy(episode(test_groups, 5, shot + a.eval_queries, eval_rng))
            protos, queries = prototypes_and_queries(emb[idx], 5, shot, a.eval_queries)
            predicted = torch.cdist(queries, protos).argmin(1)
            acc[e] = (predicted == labels).double().mean().item()
        out["few_shot_5x%d/accuracy" % shot] = acc.mean()
        out["few_shot_5x%d/ci95" % shot] = 1.96 * acc.std(ddof=1) / np.sqrt(len(acc))
    print(json.dumps(out))


if __name__ == "__main__":
    main()

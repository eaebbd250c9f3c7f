"""The PyTorch side of the cross-modal reference (BENCHMARKS.md, "Cross-modal two-tower against PyTorch"): CLIP-style
two-tower training on the paired CSVs of crossmodal_pairs.py, the protocol `dml4j train --mode cross-modal` follows:

  towers    A: Linear(784, HA) - ReLU - Linear(HA, D) - L2 normalisation (DML4J's mlp:HA,D)
            B: Linear(784, HB) - ReLU - Linear(HB, D) - L2 normalisation (DML4J's mlp:HB,D)
            PyTorch's default initialisation
  loss      CLIP's symmetric InfoNCE: logits = exp(s) * normalize(a) @ normalize(b).T, s = ln(1/0.07) learned,
            clamped to [0, ln 100] (temperature in [0.01, 1]) in the loss and after every step;
            (CE(logits, arange) + CE(logits.T, arange)) / 2
  training  Adam(LR) over both towers and s; shuffled batches of BATCH pairs (a last batch of one pair dropped)
  eval      test pairs; A->B: each A embedding ranks all B embeddings by cosine similarity, relevant = same class;
            B->A the other way; Recall@1 (= precision@1) and MAP@R (Musgrave et al. 2020), as DML4J's
            RetrievalEvaluator and PML's AccuracyCalculator define them

    python3 crossmodal_peer.py DATA_DIR --seed 0 [--epochs 10 --batch 128 --lr 1e-3 --hidden-a 256 --hidden-b 512
                                                  --dim 64 --threads 1]

Prints one JSON object (settings, seconds of training, learned temperature, metrics of both directions).
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    labels = data[:, 0].astype(np.int64)
    width = (data.shape[1] - 1) // 2
    return labels, torch.from_numpy(data[:, 1:1 + width].copy()), torch.from_numpy(data[:, 1 + width:].copy())


class Tower(torch.nn.Module):
    def __init__(self, hidden, dim):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, dim))

    def forward(self, x):
        return F.normalize(self.net(x), dim=1)


def clip_loss(a, b, s, lo, hi):
    logits = s.clamp(lo, hi).exp() * F.normalize(a, dim=1) @ F.normalize(b, dim=1).T
    target = torch.arange(a.shape[0])
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def retrieval(queries, gallery, labels):
    """Recall@1 and MAP@R of queries against a separate gallery, cosine similarity, relevant = same label."""
    sim = F.normalize(queries, dim=1) @ F.normalize(gallery, dim=1).T
    order = sim.argsort(dim=1, descending=True)
    relevant = (labels[order] == labels[:, None]).double()
    r = (labels[None, :] == labels[:, None]).sum(1)
    recall1 = relevant[:, 0].mean().item()
    maps = []
    for q in range(len(labels)):
        rel = relevant[q, :r[q]]
        precision = rel.cumsum(0) / torch.arange(1, r[q] + 1)
        maps.append((precision * rel).sum().item() / r[q].item())
    return {"recall_at_1": recall1, "map_at_r": float(np.mean(maps))}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--hidden-a", type=int, default=256)
    p.add_argument("--hidden-b", type=int, default=512)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    _, train_a, train_b = load(args.data + "/train.csv")
    test_labels, test_a, test_b = load(args.data + "/test.csv")
    tower_a, tower_b = Tower(args.hidden_a, args.dim), Tower(args.hidden_b, args.dim)
    lo, hi = 0.0, math.log(100)
    s = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    opt = torch.optim.Adam(list(tower_a.parameters()) + list(tower_b.parameters()) + [s], lr=args.lr)
    g = torch.Generator().manual_seed(args.seed)
    start = time.time()
    for _ in range(args.epochs):
        for batch in torch.randperm(len(train_a), generator=g).split(args.batch):
            if len(batch) < 2:
                continue
            loss = clip_loss(tower_a(train_a[batch]), tower_b(train_b[batch]), s, lo, hi)
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                s.clamp_(lo, hi)
    seconds = time.time() - start
    with torch.no_grad():
        ea, eb = tower_a(test_a), tower_b(test_b)
    labels = torch.from_numpy(test_labels)
    metrics = {}
    for name, (q, gal) in {"a_to_b": (ea, eb), "b_to_a": (eb, ea)}.items():
        for key, value in retrieval(q, gal, labels).items():
            metrics[name + "/" + key] = value
    print(json.dumps({"settings": vars(args), "train_seconds": seconds, "temperature": math.exp(-s.item()),
                      "metrics": metrics}))


if __name__ == "__main__":
    main()

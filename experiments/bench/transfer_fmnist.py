"""Transfer-learning evidence on Fashion-MNIST, the PyTorch + pytorch-metric-learning side (BENCHMARKS.md, "Transfer
learning: pretrained backbone vs training from scratch").

1. Pretrains a small CNN trunk (three 3x3 conv + batch norm + ReLU stages, 2x2 max pooling after the first two,
   global average pooling: 64 features) with a 5-way classifier (cross-entropy, Adam 1e-3, batches of 128, one
   epoch) on the first 20,000 Fashion-MNIST training images of classes 0-4,
   then exports the trunk alone to ONNX (trunk-pretrained.onnx); also exports the same architecture with PyTorch's
   default random initialization for each seed (trunk-scratch-S.onnx), so both libraries start from the same weights.
2. For K in (10, 100) images per class of classes 5-9 (the first K of each class in the training file) and each seed,
   trains an embedder = trunk + Linear(64, 64) + L2 normalization with TripletMarginLoss (PML, margin 0.05, all
   triplets of the batch: no miner), Adam, batches of 50 (MPerClassSampler, 10 per class), in three ways:
     scratch:   the random trunk, everything trained at lr 1e-3;
     finetune:  the pretrained trunk; the head alone (trunk frozen, its batch norms in eval mode) for the first W
                epochs, then everything, the trunk at lr 1e-4 (0.1x), the head at 1e-3;
     frozen:    the pretrained trunk frozen (eval mode) throughout, only the head trained.
3. Reports MAP@R on the 5,000 test images of classes 5-9 (each queries all the others, PML's AccuracyCalculator).

  .bench-venv/bin/python experiments/bench/transfer_fmnist.py OUT_DIR [--seeds 0,1,2]
writes OUT_DIR/*.onnx and OUT_DIR/pml.json; experiments/bench/run-transfer.sh runs DML4J on the same files.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from peer_bench import read_idx  # noqa: E402

from pytorch_metric_learning import losses, samplers  # noqa: E402
from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator  # noqa: E402

# (K, epochs, head-only warm-up epochs): 100 optimizer steps at every K (batches of 50)
SETTINGS = [(10, 100, 20), (100, 10, 2)]
BATCH, M = 50, 10
PRETRAIN_IMAGES = 20_000


def load(split):
    data = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(data, prefix + "-images-idx3-ubyte.gz"), True).astype(np.float32) / 255.0
    y = read_idx(os.path.join(data, prefix + "-labels-idx1-ubyte.gz"), False)
    return torch.from_numpy(x).reshape(-1, 1, 28, 28), torch.from_numpy(y)


class Trunk(nn.Module):
    def __init__(self):
        super().__init__()
        def stage(cin, cout):
            return [nn.Conv2d(cin, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
        self.features = nn.Sequential(*stage(1, 16), nn.MaxPool2d(2), *stage(16, 32), nn.MaxPool2d(2),
                                      *stage(32, 64), nn.AdaptiveAvgPool2d(1))

    def forward(self, x):
        return torch.flatten(self.features(x), 1)


def export(trunk, path):
    trunk.eval()
    torch.onnx.export(trunk, torch.randn(2, 1, 28, 28), str(path), opset_version=13, input_names=["input"],
                      output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)


def pretrain(x, y, out):
    saved = out / "trunk-pretrained.pt"
    if saved.exists():
        return torch.load(saved)
    torch.manual_seed(1234)
    keep = torch.nonzero(y < 5).flatten()[:PRETRAIN_IMAGES]
    x, y = x[keep], y[keep]
    trunk = Trunk()
    model = nn.Sequential(trunk, nn.Linear(64, 5))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    start = time.time()
    for epoch in range(1):
        model.train()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"pretrain epoch {epoch + 1}: loss {loss.item():.3f} ({time.time() - start:.0f} s)", flush=True)
    export(trunk, out / "trunk-pretrained.onnx")
    torch.save(trunk.state_dict(), saved)
    return trunk.state_dict()


def first_per_class(y, classes, k):
    return torch.cat([torch.nonzero(y == c).flatten()[:k] for c in classes])


def finetune(mode, pretrained, k, epochs, warmup, seed, x, y, xt, yt):
    torch.manual_seed(seed)
    trunk = Trunk()
    if mode == "scratch":
        trunk.load_state_dict(torch.load(Path(ARGS.out) / f"trunk-scratch-{seed}.pt"))
    else:
        trunk.load_state_dict(pretrained)
    head = nn.Linear(64, 64)
    loss_fn = losses.TripletMarginLoss(margin=0.05)
    trunk_lr = 1e-3 if mode == "scratch" else 1e-4
    opt = torch.optim.Adam([{"params": head.parameters(), "lr": 1e-3},
                            {"params": trunk.parameters(), "lr": trunk_lr}])
    idx = first_per_class(y, range(5, 10), k)
    xs, ys = x[idx], y[idx]
    sampler = samplers.MPerClassSampler(ys, M, batch_size=BATCH, length_before_new_iter=len(ys))
    start = time.time()
    for epoch in range(1, epochs + 1):
        trunk_trains = mode == "scratch" or (mode == "finetune" and epoch > warmup)
        trunk.train(trunk_trains)
        for p in trunk.parameters():
            p.requires_grad_(trunk_trains)
        order = list(iter(sampler))
        for i in range(0, len(order), BATCH):
            b = torch.tensor(order[i:i + BATCH])
            emb = F.normalize(head(trunk(xs[b])), dim=1)
            loss = loss_fn(emb, ys[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    seconds = time.time() - start
    trunk.eval()
    with torch.no_grad():
        keep = yt >= 5
        emb = torch.cat([F.normalize(head(trunk(xt[keep][i:i + 1000])), dim=1)
                         for i in range(0, int(keep.sum()), 1000)])
    acc = AccuracyCalculator(include=("mean_average_precision_at_r",), k="max_bin_count", device=torch.device("cpu"))
    m = acc.get_accuracy(emb, yt[keep], emb, yt[keep], True)["mean_average_precision_at_r"]
    return float(m), seconds


def main():
    out = Path(ARGS.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(ARGS.threads)
    x, y = load("train")
    xt, yt = load("test")
    pretrained = pretrain(x, y, out)
    seeds = [int(s) for s in ARGS.seeds.split(",")]
    for seed in seeds:
        torch.manual_seed(10_000 + seed)
        scratch = Trunk()
        torch.save(scratch.state_dict(), out / f"trunk-scratch-{seed}.pt")
        export(scratch, out / f"trunk-scratch-{seed}.onnx")
    results = []
    for seed in seeds:
        for k, epochs, warmup in SETTINGS:
            for mode in ("scratch", "finetune", "frozen"):
                m, seconds = finetune(mode, pretrained, k, epochs, warmup, seed, x, y, xt, yt)
                results.append({"k": k, "mode": mode, "seed": seed, "map_at_r": m, "train_seconds": seconds})
                print(json.dumps(results[-1]), flush=True)
                (out / "pml.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--threads", type=int, default=1)
    ARGS = parser.parse_args()
    main()

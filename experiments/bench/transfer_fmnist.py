"""Transfer-learning evidence on Fashion-MNIST, the PyTorch + pytorch-metric-learning side (BENCHMARKS.md, "Transfer
learning: pretrained backbone vs training from scratch").

1. Pretrains a small CNN trunk (three 3x3 conv + batch norm + ReLU stages, 2x2 max pooling after the first two,
   global average pooling: 64 features) on the 30,000 Fashion-MNIST training images of classes 0-4, then exports the
   trunk alone to ONNX (trunk-pretrained.onnx); also exports the same architecture with PyTorch's default random
   initialization for each seed (trunk-scratch-S.onnx), so both libraries start from the same weights. Pretraining
   (--pretrain):
     ms  (default) a metric loss: Linear(64, 64) + L2 normalization on the trunk, multi-similarity loss with its
         miner (PML defaults), Adam 1e-3, batches of 128, three epochs, each image shifted by up to 2 pixels and
         flipped horizontally at random;
     ce  the first protocol: a 5-way classifier (cross-entropy, Adam 1e-3, batches of 128, one epoch, no
         augmentation) on the first 20,000 images.
   Either way only the trunk is exported; the pretraining head is dropped.
2. For K in (10, 100) images per class of classes 5-9 (the first K of each class in the training file) and each seed,
   trains an embedder = trunk + Linear(64, 64) + L2 normalization with TripletMarginLoss (PML, margin 0.05, all
   triplets of the batch: no miner), Adam, batches of 50 (MPerClassSampler, 10 per class), 100 optimizer steps at
   every K, in these ways:
     scratch:   the random trunk, everything trained at lr 1e-3;
     finetune:  the pretrained trunk, everything trained at lr 1e-3 from the first step (batch norms in training
                mode), exactly as scratch but for the starting weights;
     slow:      the pretrained trunk; the head alone (trunk frozen, its batch norms in eval mode) for the first 20
                steps, then everything, the trunk at lr 1e-4 (0.1x), the head at 1e-3 (the first protocol's way);
     frozen:    the pretrained trunk frozen (eval mode) throughout, only the head trained.
3. Reports MAP@R (PML's AccuracyCalculator, each image querying all the others) on --split test: the 5,000 test
   images of classes 5-9, or --split val: the last 300 training images of each class 5-9 (never among the first
   100 used for training), the split every hyperparameter choice was made on (BENCHMARKS.md lists them).

  .bench-venv/bin/python experiments/bench/transfer_fmnist.py OUT_DIR [--seeds 0,1,2] [--pretrain ms|ce]
      [--split test|val] [--ways scratch,finetune,slow,frozen] [--scratch-lr 0.001]
writes OUT_DIR/*.onnx and OUT_DIR/pml.json (pml-val.json for --split val); experiments/bench/run-transfer.sh runs
DML4J on the same files.
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

from pytorch_metric_learning import losses, miners, samplers  # noqa: E402
from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator  # noqa: E402

KS = (10, 100)
STEPS, BATCH, M = 100, 50, 10
SLOW_WARMUP_STEPS, SLOW_MULTIPLIER = 20, 0.1
VAL_PER_CLASS = 300
TARGET = range(5, 10)


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


def shift_and_flip(batch):
    """The pretraining augmentation: the whole batch shifted by one random offset of up to 2 pixels each way (zero
    padding), each image flipped horizontally with probability 1/2."""
    dx, dy = np.random.randint(0, 5, 2)
    shifted = F.pad(batch, (2, 2, 2, 2))[:, :, dy:dy + 28, dx:dx + 28]
    flip = torch.rand(batch.shape[0]) < 0.5
    return torch.where(flip[:, None, None, None], shifted.flip(3), shifted)


def pretrain(x, y, out, objective):
    """Pretrains the trunk on classes 0-4 (see the module's description) and exports it; cached in OUT_DIR."""
    saved = out / f"trunk-pretrained-{objective}.pt"
    if saved.exists():
        return torch.load(saved)
    torch.manual_seed(1234)
    np.random.seed(1234)
    images, epochs, augment = (20_000, 1, False) if objective == "ce" else (30_000, 3, True)
    keep = torch.nonzero(y < 5).flatten()[:images]
    x, y = x[keep], y[keep]
    trunk = Trunk()
    head = nn.Linear(64, 5 if objective == "ce" else 64)
    opt = torch.optim.Adam(list(trunk.parameters()) + list(head.parameters()), 1e-3)
    metric, miner = losses.MultiSimilarityLoss(), miners.MultiSimilarityMiner()
    start = time.time()
    for epoch in range(epochs):
        trunk.train()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            out_ = head(trunk(shift_and_flip(x[idx]) if augment else x[idx]))
            if objective == "ce":
                loss = F.cross_entropy(out_, y[idx])
            else:
                emb = F.normalize(out_, dim=1)
                loss = metric(emb, y[idx], miner(emb, y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"pretrain ({objective}) epoch {epoch + 1}: loss {loss.item():.3f} ({time.time() - start:.0f} s)",
              flush=True)
    export(trunk, out / "trunk-pretrained.onnx")
    torch.save(trunk.state_dict(), saved)
    return trunk.state_dict()


def first_per_class(y, classes, k):
    return torch.cat([torch.nonzero(y == c).flatten()[:k] for c in classes])


def evaluation_set(split, x, y, xt, yt):
    """The images MAP@R is measured on: the test images of classes 5-9, or the validation images (the last 300
    training images of each class 5-9, disjoint from the first K <= 100 that are trained on)."""
    if split == "test":
        keep = yt >= 5
        return xt[keep], yt[keep]
    idx = torch.cat([torch.nonzero(y == c).flatten()[-VAL_PER_CLASS:] for c in TARGET])
    return x[idx], y[idx]


def finetune(mode, pretrained, k, seed, x, y, evaluation):
    """Trains one embedder (STEPS steps) in the given way and returns its MAP@R and training seconds."""
    torch.manual_seed(seed)
    np.random.seed(seed)
    trunk = Trunk()
    if mode == "scratch":
        trunk.load_state_dict(torch.load(Path(ARGS.out) / f"trunk-scratch-{seed}.pt"))
    else:
        trunk.load_state_dict(pretrained)
    head = nn.Linear(64, 64)
    loss_fn = losses.TripletMarginLoss(margin=0.05)
    lr = ARGS.scratch_lr if mode == "scratch" else 1e-3
    trunk_lr = lr * (SLOW_MULTIPLIER if mode == "slow" else 1.0)
    opt = torch.optim.Adam([{"params": head.parameters(), "lr": lr},
                            {"params": trunk.parameters(), "lr": trunk_lr}])
    idx = first_per_class(y, TARGET, k)
    xs, ys = x[idx], y[idx]
    sampler = samplers.MPerClassSampler(ys, M, batch_size=BATCH, length_before_new_iter=len(ys))
    start = time.time()
    step = 0
    while step < STEPS:
        order = list(iter(sampler))
        for i in range(0, len(order), BATCH):
            trunk_trains = mode in ("scratch", "finetune") or (mode == "slow" and step >= SLOW_WARMUP_STEPS)
            trunk.train(trunk_trains)
            for p in trunk.parameters():
                p.requires_grad_(trunk_trains)
            b = torch.tensor(order[i:i + BATCH])
            emb = F.normalize(head(trunk(xs[b])), dim=1)
            loss = loss_fn(emb, ys[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step == STEPS:
                break
    seconds = time.time() - start
    trunk.eval()
    xe, ye = evaluation
    with torch.no_grad():
        emb = torch.cat([F.normalize(head(trunk(xe[i:i + 1000])), dim=1) for i in range(0, len(xe), 1000)])
    acc = AccuracyCalculator(include=("mean_average_precision_at_r",), k="max_bin_count", device=torch.device("cpu"))
    m = acc.get_accuracy(emb, ye, emb, ye, True)["mean_average_precision_at_r"]
    return float(m), seconds


def main():
    out = Path(ARGS.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(ARGS.threads)
    x, y = load("train")
    xt, yt = load("test")
    pretrained = pretrain(x, y, out, ARGS.pretrain)
    evaluation = evaluation_set(ARGS.split, x, y, xt, yt)
    seeds = [int(s) for s in ARGS.seeds.split(",")]
    for seed in seeds:
        torch.manual_seed(10_000 + seed)
        scratch = Trunk()
        torch.save(scratch.state_dict(), out / f"trunk-scratch-{seed}.pt")
        export(scratch, out / f"trunk-scratch-{seed}.onnx")
    results = []
    name = "pml.json" if ARGS.split == "test" else "pml-val.json"
    for seed in seeds:
        for k in KS:
            for mode in ARGS.ways.split(","):
                m, seconds = finetune(mode, pretrained, k, seed, x, y, evaluation)
                results.append({"k": k, "mode": mode, "seed": seed, "split": ARGS.split, "pretrain": ARGS.pretrain,
                                "map_at_r": m, "train_seconds": seconds})
                print(json.dumps(results[-1]), flush=True)
                (out / name).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--pretrain", choices=["ms", "ce"], default="ms")
    parser.add_argument("--split", choices=["test", "val"], default="test")
    parser.add_argument("--ways", default="scratch,finetune,slow,frozen")
    parser.add_argument("--scratch-lr", type=float, default=1e-3)
    ARGS = parser.parse_args()
    main()

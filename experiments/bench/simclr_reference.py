"""The PyTorch + PML side of the self-supervised comparison of issue 18 (BENCHMARKS.md, "Self-supervised (SimCLR)
against PyTorch + PML"): the same protocol as
  ./dml4j train --mode self-supervised --train-limit N --network mlp:256,128 --projection-head mlp:128,64
      --views simclr --loss ntxent --temperature T --epochs E --batch-size B --lr 0.001 --seed SEED
i.e. the first N Fashion-MNIST training images without their labels, two SimCLR views of each (simclr_augment.py:
RandomResizedCrop(28, scale=(0.2, 1)), RandomHorizontalFlip, ColorJitter(0.4, 0.4, 0.4, 0.1) with p=0.8,
GaussianBlur(3, (0.1, 2)) with p=0.5), network 784-256-ReLU-128 + L2 normalization, projection head
128-128-ReLU-64 + L2 normalization (dropped afterwards), PML SelfSupervisedLoss(NTXentLoss(T)) on the two views
embedded in one forward pass, shuffled batches of B (the last one kept), Adam; then on the 10,000 test images
MAP@R and P@1 (PML AccuracyCalculator, each test image queries the others) and a linear probe: Tribuo's
LogisticRegressionTrainer re-implemented (multinomial logistic regression with a bias, AdaGrad lr 1 eps 0.1,
minibatch 1, 5 epochs, shuffled) on the frozen embeddings of the N labelled training images, accuracy on the test
embeddings.

Run in .bench-venv:  python simclr_reference.py SEED [N] [EPOCHS] [TEMPERATURE] [B]
(defaults 5000, 2, 0.2, 128; PML's NTXentLoss builds a (positive pairs × negative pairs) mask, 2B × (2B)² values:
at B = 256 its forward and backward took 2.7 s of CPU per step, at B = 128 0.35 s)
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from pytorch_metric_learning import losses
from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_bench import read_idx  # noqa: E402
from simclr_augment import simclr_views  # noqa: E402


class Normalize(nn.Module):
    def forward(self, x):
        return F.normalize(x, dim=1)


def mlp(sizes):
    """DML4J's mlp:H1,...,E on the given input width: Linear-ReLU per hidden layer, Linear, L2 normalization."""
    layers = []
    for i in range(len(sizes) - 2):
        layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.ReLU()]
    layers += [nn.Linear(sizes[-2], sizes[-1]), Normalize()]
    return nn.Sequential(*layers)


def linear_probe(train_x, train_y, test_x, test_y, seed=12345, epochs=5):
    """Tribuo's LogisticRegressionTrainer: LinearSGDTrainer(LogMulticlass, AdaGrad(1.0, 0.1), 5 epochs, minibatch
    1), weights and bias from zero; accuracy of the argmax on the test set."""
    classes = int(train_y.max()) + 1
    w = torch.zeros(train_x.shape[1] + 1, classes, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adagrad([w], lr=1.0, eps=0.1)
    xb = torch.cat([train_x.double(), torch.ones(len(train_x), 1, dtype=torch.float64)], dim=1)
    yb = torch.as_tensor(train_y)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for i in torch.randperm(len(xb), generator=gen).tolist():
            loss = F.cross_entropy((xb[i:i + 1] @ w), yb[i:i + 1])
            opt.zero_grad()
            loss.backward()
            opt.step()
    xt = torch.cat([test_x.double(), torch.ones(len(test_x), 1, dtype=torch.float64)], dim=1)
    with torch.no_grad():
        return float(((xt @ w).argmax(dim=1) == torch.as_tensor(test_y)).double().mean())


def main():
    seed = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    temperature = float(sys.argv[4]) if len(sys.argv) > 4 else 0.2
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 128
    torch.set_num_threads(1)
    d = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
    x = torch.tensor(read_idx(os.path.join(d, "train-images-idx3-ubyte.gz"), True).astype(np.float32) / 255.0)[:n]
    y = read_idx(os.path.join(d, "train-labels-idx1-ubyte.gz"), False)[:n]
    xt = torch.tensor(read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"), True).astype(np.float32) / 255.0)
    yt = read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"), False)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    network = mlp([784, 256, 128])
    head = mlp([128, 128, 64])
    loss_fn = losses.SelfSupervisedLoss(losses.NTXentLoss(temperature=temperature))
    opt = torch.optim.Adam(list(network.parameters()) + list(head.parameters()), lr=1e-3)
    images = x.view(-1, 1, 28, 28)
    start = time.perf_counter()
    for epoch in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=gen)
        total, batches = 0.0, 0
        for b in range(0, n, batch):
            rows = images[order[b:b + batch]]
            v1 = simclr_views(rows, gen).view(len(rows), -1)
            v2 = simclr_views(rows, gen).view(len(rows), -1)
            z = head(network(torch.cat([v1, v2])))
            loss = loss_fn(z[:len(rows)], z[len(rows):])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total, batches = total + loss.item(), batches + 1
        print("epoch %d loss %.4f %.1f s" % (epoch + 1, total / batches, time.perf_counter() - t0), flush=True)
    train_seconds = time.perf_counter() - start
    network.eval()
    with torch.no_grad():
        e = network(xt)
        etrain = network(x)
    r = AccuracyCalculator(include=("precision_at_1", "mean_average_precision_at_r"), k="max_bin_count",
                           device=torch.device("cpu")).get_accuracy(e, torch.tensor(yt))
    probe = linear_probe(etrain, y, e, yt)
    print("peer seed %d: P@1 %.4f MAP@R %.4f probe %.4f train %.1f s" % (
        seed, r["precision_at_1"], r["mean_average_precision_at_r"], probe, train_seconds))


if __name__ == "__main__":
    main()

"""Generates prototypical-loss.json, the PyTorch reference values of PrototypicalLossTest: the prototypical-network
loss (Snell et al. 2017) written directly in torch, float64, and its autograd gradient with respect to the raw
embeddings. Rows are in a shuffled order; the first SHOT rows of each class (in batch order) are its support set.

    python3 make_prototypical_loss.py     (torch 1.13, run from this directory; rewrites prototypical-loss.json)
"""
import json

import torch
import torch.nn.functional as F


def loss(emb, labels, shot, distance):
    classes = list(dict.fromkeys(labels))
    protos, queries, targets = [], [], []
    for c, label in enumerate(classes):
        rows = [i for i, y in enumerate(labels) if y == label]
        protos.append(emb[rows[:shot]].mean(0))
        queries += rows[shot:]
        targets += [c] * (len(rows) - shot)
    p = torch.stack(protos)
    q = emb[queries]
    if distance == "squared_euclidean":
        logits = -((q[:, None, :] - p[None, :, :]) ** 2).sum(-1)
    else:  # cosine similarity
        logits = F.normalize(q, dim=1) @ F.normalize(p, dim=1).T
    return F.cross_entropy(logits, torch.tensor(targets))


def case(name, way, shot, queries, dim, distance, seed):
    g = torch.Generator().manual_seed(seed)
    labels = [c for c in range(way) for _ in range(shot + queries)]
    order = torch.randperm(len(labels), generator=g).tolist()
    labels = [labels[i] * 3 + 1 for i in order]  # non-contiguous label ids
    emb = torch.randn(len(labels), dim, generator=g, dtype=torch.float64).float().double().requires_grad_()
    value = loss(emb, labels, shot, distance)
    value.backward()
    return {"name": name, "shot": shot, "distance": distance, "labels": labels,
            "embeddings": emb.detach().tolist(), "loss": value.item(), "grad": emb.grad.tolist()}


def main():
    cases = [case("5way-2shot-3query-squared", 5, 2, 3, 6, "squared_euclidean", 1),
             case("3way-1shot-2query-squared", 3, 1, 2, 4, "squared_euclidean", 2),
             case("4way-3shot-2query-cosine", 4, 3, 2, 5, "cosine", 3)]
    with open("prototypical-loss.json", "w") as f:
        json.dump({"generator": "make_prototypical_loss.py", "torch": torch.__version__, "cases": cases}, f,
                  indent=1)


if __name__ == "__main__":
    main()

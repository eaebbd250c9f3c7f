#!/usr/bin/env python3
"""Writes golden loss cases (schema dml-golden/loss/v1, ../shared/golden/README.md) of PML 2.8.1's ranking- and
histogram-based losses: FastAPLoss, HistogramLoss, PNPLoss (every variant), RankedListLoss and
DynamicSoftMarginLoss, in float64, over
several seeds, shapes and scales and the schema's edge cases. Each value is also computed by an independent numpy
implementation of the formula (checks.numpy_loss_abs_diff) and each gradient checked by central finite differences
(checks.fd_*; the losses are piecewise smooth, and random inputs lie away from their kinks).

PML quirks these cases pin down (see the DML4J classes' Javadoc):
* HistogramLoss bins in float32 (floor((float32(s) + 1) / float32(delta))) even for float64 inputs, and raises an
  index error for any pair of similarity exactly 1 (duplicate embeddings): no duplicate case for it.
* PNPLoss counts the query itself among its positives (I_pos has the diagonal) and clamps the sigmoid's exponent to
  [-50, 50] (no gradient beyond).
* RankedListLoss divides by sum(w + 1e-5) over the whole row (batch size x 1e-5 added) and skips negatives at
  distance exactly 0 (its mask is "N_star > 0").
* DynamicSoftMarginLoss keeps the autograd graph of earlier batches in its histogram (a second training step raises)
  and raises an index error for D_ap - D_an outside [min_val, min_val + (num_bins-1) delta): the loss/v1 cases are
  first calls of a fresh loss on inputs inside that range (the seed is advanced until PML accepts the batch), and a
  separate file of consecutive steps (schema dml-golden/loss-steps/v1, STEPS_DIR) is computed with the histogram
  detached after each step, the minimal fix of the first bug.

Run it in the peer environment (experiments/bench/setup-peer.sh):

  .bench-venv/bin/python experiments/bench/pml-golden-losses-c.py tribuo-extensions/src/test/resources/golden/losses \\
      tribuo-extensions/src/test/resources/golden-steps
"""
import os
import sys

import numpy as np
import torch

from pml_golden import build_loss, clustered, distance_spec, environment, loss_case, loss_spec, write_case

SEED = 20261208
GENERATOR = "experiments/bench/pml-golden-losses-c.py"


def unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def np_fast_ap(labels, x, num_bins=10, power=2):
    u = unit(x)
    d = ((u[:, None, :] - u[None, :, :]) ** 2).sum(-1)
    d = d if power == 2 else np.sqrt(d)
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    diff = labels[:, None] != labels[None, :]
    top = 2.0 ** power
    delta = top / num_bins
    losses = []
    for i in range(len(labels)):
        if same[i].sum() == 0:
            continue
        mids = np.arange(num_bins + 1) * delta
        pulse = np.maximum(0, 1 - np.abs(d[i][None, :] - mids[:, None]) / delta)
        pos, neg = (pulse * same[i]).sum(1), (pulse * diff[i]).sum(1)
        cum_pos, cum_tot = np.cumsum(pos), np.cumsum(pos + neg)
        ok = (pos * cum_pos > 0) & (cum_tot > 0)
        losses.append(1 - (pos[ok] * cum_pos[ok] / cum_tot[ok]).sum() / same[i].sum())
    return float(np.mean(losses)) if losses else 0.0


def np_histogram(labels, x, n_bins=100):
    u = unit(x)
    s = u @ u.T
    delta = 2.0 / n_bins
    iu = np.triu_indices(len(labels), 1)
    same = labels[iu[0]] == labels[iu[1]]
    if same.sum() == 0 or (~same).sum() == 0:
        return 0.0
    counts = np.bincount(labels)
    has_pos = counts[labels] > 1
    # a negative pair is a pair of some triplet only if one of its members has a positive
    neg_ok = ~same & (has_pos[iu[0]] | has_pos[iu[1]])

    def density(v):
        r = np.floor((v.astype(np.float32) + np.float32(1)) / np.float32(delta)).astype(int)
        hist = np.zeros(n_bins + 1)
        np.add.at(hist, r + 1, (v + 1 - r * delta) / delta)
        np.add.at(hist, r, ((r + 1) * delta - 1 - v) / delta)
        return hist / len(v)

    vals = s[iu]
    return float((density(vals[~same & neg_ok]) * np.cumsum(density(vals[same]))).sum())


def np_pnp(labels, x, variant="O", b=2, alpha=1, anneal=0.01):
    u = unit(x)
    s = u @ u.T
    n = len(labels)
    neg = labels[:, None] != labels[None, :]
    per_query = []
    for q in range(n):
        pos = [i for i in range(n) if labels[i] == labels[q]]
        if len(pos) == 1:
            continue
        ranks = []
        for i in pos:
            e = np.clip(-(s[q] - s[q, i]) / anneal, -50, 50)
            rk = (1 / (1 + np.exp(e)) * neg[i]).sum()
            ranks.append({"O": rk, "Ds": np.log1p(rk), "Dq": 1 / (1 + rk) ** alpha,
                          "Iu": (1 + rk) * np.log1p(rk), "Ib": (b * rk - np.log1p(b * rk)) / b ** 2}[variant])
        per_query.append(np.mean(ranks))
    if not per_query:
        return 0.0
    value = float(np.mean(per_query))
    return 1 - value if variant == "Dq" else value


def np_ranked_list(labels, x, margin, Tn, imbalance=0.5, alpha=None, Tp=0):
    alpha = 1 + margin / 2 if alpha is None else alpha
    u = unit(x)
    d = np.sqrt(np.maximum(((u[:, None, :] - u[None, :, :]) ** 2).sum(-1), 0))
    n = len(labels)
    out = []
    for i in range(n):
        same = labels == labels[i]
        p_sel = same & (np.arange(n) != i) & (d[i] > alpha - margin) & (d[i] > 0)
        n_sel = ~same & (d[i] < alpha) & (d[i] > 0)
        wp, wn = np.exp(Tp * (d[i][p_sel] - (alpha - margin))), np.exp(Tn * (alpha - d[i][n_sel]))
        lp = (wp * (d[i][p_sel] - (alpha - margin))).sum() / (wp.sum() + n * 1e-5)
        ln = (wn * (alpha - d[i][n_sel])).sum() / (wn.sum() + n * 1e-5)
        out.append((1 - imbalance) * lp + imbalance * ln)
    return float(np.mean(out))


def np_dynamic_soft_margin(labels, x, min_val=-2.0, num_bins=10, power=1):
    u = unit(x)
    d = np.sqrt(np.maximum(((u[:, None, :] - u[None, :, :]) ** 2).sum(-1), 0)) ** power
    data = [d[a, p] - d[a, n] for a in range(len(labels)) for p in range(len(labels)) for n in range(len(labels))
            if p != a and labels[p] == labels[a] and labels[n] != labels[a]]
    if not data:
        return 0.0
    data = np.array(data)
    delta = 2 * abs(min_val) / num_bins
    pos = (data - min_val) / delta
    idx = np.floor(pos).astype(int)
    hist = np.zeros(num_bins)
    np.add.at(hist, idx, 1 - (pos - idx))
    np.add.at(hist, idx + 1, pos - idx)
    cdf = np.cumsum(hist / hist.sum())
    return float(np.mean(cdf[idx] * data))


LP2 = distance_spec("LpDistance", power=2)
LP1 = distance_spec("LpDistance")
COS = distance_spec("CosineSimilarity")


def pnp(variant, b=2, alpha=1, anneal=0.01):
    return (loss_spec("PNPLoss", {"b": b, "alpha": alpha, "anneal": anneal, "variant": variant}, COS),
            None, lambda lab, x: np_pnp(lab, x, variant, b, alpha, anneal))


def ranked(margin, Tn, imbalance=0.5, alpha=None, Tp=0):
    return (loss_spec("RankedListLoss", {"margin": margin, "Tn": Tn, "imbalance": imbalance, "alpha": alpha,
                                         "Tp": Tp}, LP1),
            None, lambda lab, x: np_ranked_list(lab, x, margin, Tn, imbalance, alpha, Tp))


SEMIHARD_COS = {"pml_class": "TripletMarginMiner", "params": {"margin": 0.2, "type_of_triplets": "semihard"},
                "distance": COS}
MS_MINER = {"pml_class": "MultiSimilarityMiner", "params": {"epsilon": 0.1}, "distance": COS}

# family -> (loss spec, miner spec, numpy value or None)
FAMILIES = {
    "fast_ap": (loss_spec("FastAPLoss", {"num_bins": 10}, LP2), None, lambda lab, x: np_fast_ap(lab, x, 10, 2)),
    "fast_ap_b25_power1": (loss_spec("FastAPLoss", {"num_bins": 25}, LP1), None,
                           lambda lab, x: np_fast_ap(lab, x, 25, 1)),
    "fast_ap_miner": (loss_spec("FastAPLoss", {"num_bins": 10}, LP2), MS_MINER, None),
    "histogram": (loss_spec("HistogramLoss", {"n_bins": 100, "delta": 0.02}, COS), None,
                  lambda lab, x: np_histogram(lab, x, 100)),
    "histogram_b20": (loss_spec("HistogramLoss", {"n_bins": 20, "delta": 0.1}, COS), None,
                      lambda lab, x: np_histogram(lab, x, 20)),
    "histogram_semihard": (loss_spec("HistogramLoss", {"n_bins": 100, "delta": 0.02}, COS), SEMIHARD_COS, None),
    "pnp_o": pnp("O"),
    "pnp_ds": pnp("Ds"),
    "pnp_dq": pnp("Dq", alpha=1),
    "pnp_dq_alpha4": pnp("Dq", alpha=4, anneal=0.05),
    "pnp_iu": pnp("Iu"),
    "pnp_ib": pnp("Ib", b=2),
    "ranked_list": ranked(0.4, 10),
    "ranked_list_tp": ranked(0.6, 4, imbalance=0.3, alpha=1.1, Tp=2),
    "dynamic_soft_margin": (loss_spec("DynamicSoftMarginLoss", {"min_val": -2.0, "num_bins": 10, "momentum": 0.01},
                                      LP1), None, lambda lab, x: np_dynamic_soft_margin(lab, x)),
    "dynamic_soft_margin_min4_b16_power2": (
        loss_spec("DynamicSoftMarginLoss", {"min_val": -4.0, "num_bins": 16, "momentum": 0.5}, LP2), None,
        lambda lab, x: np_dynamic_soft_margin(lab, x, -4.0, 16, 2)),
    "dynamic_soft_margin_semihard": (
        loss_spec("DynamicSoftMarginLoss", {"min_val": -2.0, "num_bins": 10, "momentum": 0.01}, LP1),
        {"pml_class": "TripletMarginMiner", "params": {"margin": 0.2, "type_of_triplets": "semihard"},
         "distance": LP1}, None),
}

# category -> (batch size, dim, classes, scale, kind)
CATEGORIES = {
    "random1": (12, 8, 3, 1.0, "random"),
    "random2": (24, 4, 5, 0.25, "random"),
    "random3": (16, 32, 4, 4.0, "random"),
    "edge_all_same_label": (8, 8, 1, 1.0, "same"),
    "edge_all_distinct_labels": (8, 4, 8, 1.0, "distinct"),
    "edge_duplicate_embeddings": (12, 8, 3, 1.0, "duplicates"),
    "edge_large_values": (12, 8, 3, 4096.0, "random"),
}


def inputs(rng, batch, dim, classes, scale, kind):
    if kind == "same":
        labels = np.zeros(batch, dtype=int)
    elif kind == "distinct":
        labels = rng.permutation(batch)
    else:
        labels = np.concatenate([np.arange(classes), rng.integers(0, classes, batch - classes)])
        labels = labels[rng.permutation(batch)]
    centres = 0.6 * rng.standard_normal((max(classes, batch), dim))  # overlapping classes: no loss is 0
    x = clustered(rng, labels, dim, centres)
    if kind == "duplicates":
        # exact copies: two of a row's own class and one of another class (zero distances, ties in every rank)
        same = np.flatnonzero(labels == labels[0])
        other = np.flatnonzero(labels != labels[0])
        x[same[1]] = x[same[0]]
        x[other[0]] = x[same[0]]
    return labels, x * scale  # scales are powers of two: still exactly float32


def accepted_case(family, category, f_index, c_index, spec, miner, numpy_value, shape):
    """The case of the first seed (from the family's and category's) whose batch PML accepts."""
    for attempt in range(20):
        seed = SEED + 100 * f_index + c_index + 10000 * attempt
        rng = np.random.default_rng(seed)
        labels, x = inputs(rng, *shape)
        description = "PML %s (%s) on %s: B=%d, d=%d, %d classes, embeddings scale %g" % (
            spec["pml_class"], spec["params"], category, shape[0], shape[1], shape[2], shape[3])
        try:
            return loss_case(family, category, description, seed, labels, x, spec, miner, numpy_value, GENERATOR,
                             rng)
        except RuntimeError as e:
            if spec["pml_class"] != "DynamicSoftMarginLoss" or "out of bounds" not in str(e):
                raise
    raise RuntimeError("no accepted batch for " + family + "__" + category)


def steps_case(rng):
    """Consecutive DynamicSoftMarginLoss steps with the histogram detached after each (PML's own code raises)."""
    spec = FAMILIES["dynamic_soft_margin_min4_b16_power2"][0]
    loss_fn = build_loss(spec)
    steps = []
    while len(steps) < 4:
        labels, x = inputs(rng, 12, 6, 3, 1.0, "random")
        emb = torch.tensor(x, requires_grad=True)
        saved = loss_fn.hist_.clone()
        try:
            value = loss_fn(emb, torch.tensor(labels))
        except RuntimeError:
            loss_fn.hist_ = saved  # a batch PML rejects (out of its histogram's range) is skipped
            continue
        value.backward()
        loss_fn.hist_ = loss_fn.hist_.detach()
        steps.append({"labels": labels.tolist(), "embeddings": x.tolist(),
                      "expected": {"loss": value.item(), "grad_embeddings": emb.grad.tolist(),
                                   "histogram": loss_fn.hist_.tolist()}})
    return {"schema": "dml-golden/loss-steps/v1", "case_id": "dynamic_soft_margin_steps",
            "family": "dynamic_soft_margin_min4_b16_power2",
            "description": "4 consecutive calls of one PML DynamicSoftMarginLoss, its histogram detached after each "
                           "backward (without that PML raises on the second backward)",
            "seed": SEED, "loss": spec, "steps": steps, "environment": environment(GENERATOR)}


def main(out_dir, steps_dir):
    torch.set_default_dtype(torch.float64)
    write_case(os.path.join(steps_dir, "dynamic_soft_margin_steps.json"),
               steps_case(np.random.default_rng(SEED)))
    for f_index, (family, (spec, miner, numpy_value)) in enumerate(FAMILIES.items()):
        for c_index, (category, shape) in enumerate(CATEGORIES.items()):
            if family.startswith("histogram") and category == "edge_duplicate_embeddings":
                continue  # PML raises an index error at similarity 1 (see the module docstring)
            case = accepted_case(family, category, f_index, c_index, spec, miner, numpy_value, shape)
            write_case(os.path.join(out_dir, family + "__" + category + ".json"), case)
            c = case["checks"]
            print("%-42s loss=%-22r fd_rel=%.2e numpy_diff=%s" % (
                case["case_id"], case["expected"]["loss"], c["fd_max_err_relative_to_max_abs_grad"],
                "%.1e" % c["numpy_loss_abs_diff"] if "numpy_loss_abs_diff" in c else "-"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: pml-golden-losses-c.py LOSSES_DIR STEPS_DIR")
    main(sys.argv[1], sys.argv[2])

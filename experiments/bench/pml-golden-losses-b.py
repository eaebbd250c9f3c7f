#!/usr/bin/env python3
"""Writes golden loss cases (schema dml-golden/loss/v1, ../shared/golden/README.md, with the extensions documented in
tribuo-extensions/src/test/resources/golden/README.md) of PML 2.8.1's NPairsLoss, TupletMarginLoss,
SignalToNoiseRatioContrastiveLoss (SNRDistance), SoftTripleLoss, P2SGradLoss, VICRegLoss,
ThresholdConsistentMarginLoss and MultipleLosses, in float64, over several seeds, shapes and scales and the schema's
edge cases. Each value is also computed by an independent numpy implementation of the formula
(checks.numpy_loss_abs_diff) and each gradient checked by central finite differences (checks.fd_*).

PML quirks these cases avoid or pin down (see the DML4J classes' Javadoc):
* TupletMarginLoss: acos of a positive pair's cosine 1 (duplicates of one class) has an infinite derivative (or NaN
  when rounding puts the cosine above 1): its duplicate case copies rows across classes only.
* SNRDistance divides by the query's variance: a constant (e.g. zero) row gives inf/NaN; no case has one.
* P2SGradLoss renormalizes its weights to length ||w|| / (||w|| + 1e-7) (torch renorm), in place, before each call;
  inputs.W is the matrix before that, expected.grad_W the gradient of the renormalized one.
* PML's DotProductSimilarity normalizes by default (NPairsLoss's default distance is the cosine).

Run it in the peer environment (experiments/bench/setup-peer.sh):

  cd experiments/bench && ../../.bench-venv/bin/python pml-golden-losses-b.py \\
      ../../tribuo-extensions/src/test/resources/golden/losses
"""
import os
import sys

import numpy as np
import torch

from pml_golden import (any_distance_spec, class_parameter_case, clustered, loss_case, loss_spec,
                        multiple_losses_case, multiple_losses_spec, two_view_case, write_case)

SEED = 20261209
GENERATOR = "experiments/bench/pml-golden-losses-b.py"
COS = any_distance_spec("CosineSimilarity")
DOT = any_distance_spec("DotProductSimilarity")
SNR = any_distance_spec("SNRDistance")
LP1 = any_distance_spec("LpDistance")


def unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def lse(v, add_one=False):
    v = np.concatenate([v, [0.0]]) if add_one else np.asarray(v)
    if len(v) == 0:
        return 0.0
    m = v.max()
    return m + np.log(np.exp(v - m).sum())


def all_pairs(labels):
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    pos = np.argwhere(same)
    neg = np.argwhere(labels[:, None] != labels[None, :])
    return pos, neg


def avg_nonzero(v):
    v = np.asarray(v)
    return float(v[v > 0].mean()) if (v > 0).any() else 0.0


def np_n_pairs(labels, x):
    pos, _ = all_pairs(labels)
    chosen = {}
    for a, p in pos:
        chosen.setdefault(labels[a], (a, p))
    if not chosen:
        return 0.0
    a, p = (np.array(t) for t in zip(*[chosen[k] for k in sorted(chosen)]))
    u = unit(x)
    s = u[a] @ u[p].T
    return float(np.mean([lse(s[i]) - s[i, i] for i in range(len(a))]))


def np_tuplet(labels, x, margin_deg=5.73, scale=64.0):
    pos, neg = all_pairs(labels)
    if (len(pos) <= 1 and len(neg) <= 1) or len(pos) == 0 or len(neg) == 0:
        return 0.0
    u = unit(x)
    s = u @ u.T
    m = np.radians(margin_deg)
    terms = []
    for a, p in pos:
        shifted = np.cos(np.arccos(s[a, p]) - m)
        negs = [s[a, n] for aa, n in neg if aa == a]
        terms.append(lse(scale * (np.array(negs) - shifted), add_one=True))
    return float(np.mean(terms))


def snr_matrix(x):
    u = unit(x)
    return np.array([[np.var(u[i] - u[j], ddof=1) / np.var(u[i], ddof=1) for j in range(len(u))]
                     for i in range(len(u))])


def np_contrastive(d, labels, pos_margin, neg_margin):
    pos, neg = all_pairs(labels)
    if len(pos) <= 1 and len(neg) <= 1:
        return 0.0
    return (avg_nonzero([max(d[a, p] - pos_margin, 0) for a, p in pos])
            + avg_nonzero([max(neg_margin - d[a, n], 0) for a, n in neg]))


def np_snr_contrastive(labels, x):
    return np_contrastive(snr_matrix(x), labels, 0.0, 1.0)


def np_tcm(labels, x, lp=1.0, lm=1.0, mp=0.9, mm=0.5):
    pos, neg = all_pairs(labels)
    s = unit(x) @ unit(x).T
    ps = np.array([s[a, p] for a, p in pos])
    ns = np.array([s[a, n] for a, n in neg])
    pos_part = (mp - ps[ps <= mp]).mean() if (ps <= mp).any() else 0.0
    neg_part = (ns[ns >= mm] - mm).mean() if (ns >= mm).any() else 0.0
    return float(lp * pos_part + lm * neg_part)


def np_soft_triple(labels, x, w, classes, k, la, gamma, margin):
    s = unit(x) @ unit(w.T).T  # B x (C k)
    s = s.reshape(len(x), classes, k)
    p = np.exp(s / gamma - (s / gamma).max(axis=2, keepdims=True))
    p /= p.sum(axis=2, keepdims=True)
    logits = la * ((p * s).sum(axis=2) - margin * np.eye(classes)[labels])
    return float(np.mean([lse(logits[i]) - logits[i, labels[i]] for i in range(len(x))]))


def np_p2s(labels, x, w):
    norms = np.linalg.norm(w, axis=0)
    w = w * np.where(norms > 1e-5, 1e-5 / (norms + 1e-7), 1.0) * 1e5
    cos = np.clip((x @ w) / np.linalg.norm(x, axis=1, keepdims=True), -1, 1)
    return float(np.mean((cos - np.eye(w.shape[1])[labels]) ** 2))


def np_vicreg(z1, z2, lam=25.0, mu=25.0, nu=1.0, eps=1e-4):
    n, d = z1.shape
    inv = lam * np.mean(np.mean((z1 - z2) ** 2, axis=1))
    var = sum(mu * np.mean(np.maximum(0, 1 - np.sqrt(z.var(axis=0, ddof=1) + eps)) / 2) for z in (z1, z2))
    cov = 0.0
    for z in (z1, z2):
        c = np.cov(z, rowvar=False)
        cov += (c ** 2).sum() - (np.diag(c) ** 2).sum()
    return float(inv + var + nu * cov / d)


def np_contrastive_lp(labels, x):
    u = unit(x)
    return np_contrastive(np.linalg.norm(u[:, None] - u[None, :], axis=2), labels, 0.0, 1.0)


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


def inputs(rng, batch, dim, classes, scale, kind, cross_class_duplicates_only=False):
    if kind == "same":
        labels = np.zeros(batch, dtype=int)
    elif kind == "distinct":
        labels = rng.permutation(batch)
    else:
        labels = np.concatenate([np.arange(classes), rng.integers(0, classes, batch - classes)])
        labels = labels[rng.permutation(batch)]
    centres = 0.6 * rng.standard_normal((max(classes, batch), dim))
    x = clustered(rng, labels, dim, centres)
    if kind == "duplicates":
        same = np.flatnonzero(labels == labels[0])
        other = np.flatnonzero(labels != labels[0])
        if not cross_class_duplicates_only:
            x[same[1]] = x[same[0]]  # a zero distance within a class
        x[other[0]] = x[same[0]]  # and one across classes
    return labels, x * scale


# family -> (loss spec, numpy value, duplicates across classes only)
TUPLE_FAMILIES = {
    "n_pairs": (loss_spec("NPairsLoss", {}, DOT), np_n_pairs, False),
    "tuplet_margin": (loss_spec("TupletMarginLoss", {"margin": 5.73, "scale": 64}, COS), np_tuplet, True),
    "tuplet_margin_m20_s16": (loss_spec("TupletMarginLoss", {"margin": 20.0, "scale": 16}, COS),
                              lambda lab, x: np_tuplet(lab, x, 20.0, 16.0), True),
    "snr_contrastive": (loss_spec("SignalToNoiseRatioContrastiveLoss", {"pos_margin": 0, "neg_margin": 1}, SNR,
                                  reducer="AvgNonZeroReducer"), np_snr_contrastive, False),
    "threshold_consistent_margin": (loss_spec("ThresholdConsistentMarginLoss",
                                              {"lambda_plus": 1.0, "lambda_minus": 1.0, "margin_plus": 0.9,
                                               "margin_minus": 0.5}, COS), np_tcm, False),
    "threshold_consistent_margin_m": (loss_spec("ThresholdConsistentMarginLoss",
                                                {"lambda_plus": 0.5, "lambda_minus": 2.0, "margin_plus": 0.6,
                                                 "margin_minus": 0.1}, COS),
                                      lambda lab, x: np_tcm(lab, x, 0.5, 2.0, 0.6, 0.1), False),
}

SEMIHARD = {"pml_class": "TripletMarginMiner", "params": {"margin": 0.2, "type_of_triplets": "semihard"},
            "distance": LP1}
MS_MINER = {"pml_class": "MultiSimilarityMiner", "params": {"epsilon": 0.1}, "distance": COS}
CONTRASTIVE = loss_spec("ContrastiveLoss", {"pos_margin": 0, "neg_margin": 1}, LP1, reducer="AvgNonZeroReducer")
MULTIPLE = {
    "multiple_contrastive_tcm": (multiple_losses_spec([(CONTRASTIVE, None),
                                                       (TUPLE_FAMILIES["threshold_consistent_margin"][0], None)],
                                                      [1.0, 0.5]),
                                 lambda lab, x: np_contrastive_lp(lab, x) + 0.5 * np_tcm(lab, x)),
    "multiple_mined": (multiple_losses_spec([(loss_spec("TripletMarginLoss", {"margin": 0.2}, LP1,
                                                        reducer="AvgNonZeroReducer"), SEMIHARD),
                                             (loss_spec("MultiSimilarityLoss", {"alpha": 2, "beta": 50,
                                                                                "base": 0.5}, COS), MS_MINER),
                                             (loss_spec("NPairsLoss", {}, DOT), None)], [1.0, 0.25, 2.0]),
                       None),
}


def write(out_dir, case):
    write_case(os.path.join(out_dir, case["case_id"] + ".json"), case)
    c = case["checks"]
    print("%-52s loss=%-22r fd_rel=%.2e numpy_diff=%s" % (
        case["case_id"], case["expected"]["loss"], c["fd_max_err_relative_to_max_abs_grad"],
        "%.1e" % c["numpy_loss_abs_diff"] if "numpy_loss_abs_diff" in c else "-"))


def description(spec, category, shape):
    return "PML %s (%s) on %s: B=%d, d=%d, %d classes, embeddings scale %g" % (
        spec["pml_class"], spec.get("params"), category, shape[0], shape[1], shape[2], shape[3])


def main(out_dir):
    torch.set_default_dtype(torch.float64)
    seed = SEED
    for family, (spec, numpy_value, cross_only) in TUPLE_FAMILIES.items():
        for category, shape in CATEGORIES.items():
            seed += 1
            rng = np.random.default_rng(seed)
            labels, x = inputs(rng, *shape, cross_class_duplicates_only=cross_only)
            write(out_dir, loss_case(family, category, description(spec, category, shape), seed, labels, x, spec,
                                     None, numpy_value, GENERATOR, rng))
    for family, (spec, numpy_value) in MULTIPLE.items():
        for category in ("random1", "random2", "edge_duplicate_embeddings", "edge_large_values"):
            seed += 1
            rng = np.random.default_rng(seed)
            shape = CATEGORIES[category]
            labels, x = inputs(rng, *shape)
            write(out_dir, multiple_losses_case(family, category, description(spec, category, shape), seed, labels,
                                                x, spec, numpy_value, GENERATOR, rng))
    class_families = {
        "soft_triple": (10, 20.0, 0.1, 0.01), "soft_triple_k3": (3, 8.0, 0.5, 0.2)}
    for family, (k, la, gamma, margin) in class_families.items():
        for category, shape in CATEGORIES.items():
            seed += 1
            rng = np.random.default_rng(seed)
            labels, x = inputs(rng, *shape)
            classes = int(labels.max()) + 2  # one class absent from the batch
            spec = loss_spec("SoftTripleLoss", {"num_classes": classes, "embedding_size": shape[1],
                                                "centers_per_class": k, "la": la, "gamma": gamma, "margin": margin},
                             COS)
            w = clustered(rng, np.zeros(classes * k, dtype=int), shape[1], rng.standard_normal((1, shape[1])))
            write(out_dir, class_parameter_case(
                family, category, description(spec, category, shape), seed, labels, x, spec, w.T, "fc",
                lambda lab, e, ww: np_soft_triple(lab, e, ww, classes, k, la, gamma, margin), GENERATOR, rng))
    for category, shape in CATEGORIES.items():
        seed += 1
        rng = np.random.default_rng(seed)
        labels, x = inputs(rng, *shape)
        classes = int(labels.max()) + 2
        spec = {"pml_class": "P2SGradLoss", "params": {"descriptors_dim": shape[1], "num_classes": classes},
                "distance": None, "embeddings_l2_normalized_by_distance": False,
                "reducer": {"pml_class": "MeanReducer", "is_pml_default_for_loss": True}}
        w = clustered(rng, np.zeros(classes, dtype=int), shape[1], np.zeros((1, shape[1])))
        write(out_dir, class_parameter_case("p2s_grad", category, description(spec, category, shape), seed, labels,
                                            x, spec, w.T, "weight", np_p2s, GENERATOR, rng))
    vicreg_cases = {"random1": (16, 8, 1.0), "random2": (32, 4, 0.25), "random3": (12, 16, 3.0),
                    "edge_duplicate_embeddings": (12, 8, 1.0), "edge_large_values": (12, 8, 4096.0),
                    "edge_collapsed": (10, 6, 1.0)}
    for family, params in (("vicreg", {"invariance_lambda": 25, "variance_mu": 25, "covariance_v": 1, "eps": 1e-4}),
                           ("vicreg_weights", {"invariance_lambda": 5, "variance_mu": 10, "covariance_v": 3,
                                               "eps": 1e-2})):
        for category, (n, d, scale) in vicreg_cases.items():
            seed += 1
            rng = np.random.default_rng(seed)
            z1 = clustered(rng, np.zeros(n, dtype=int), d, np.zeros((1, d)))
            if category == "edge_duplicate_embeddings":
                z2 = z1.copy()  # identical views: no invariance term
            elif category == "edge_collapsed":
                z1 = np.repeat(z1[:1], n, axis=0)  # every row the same: zero variance and covariance
                z2 = clustered(rng, np.zeros(n, dtype=int), d, np.zeros((1, d)))
            else:
                noise = clustered(rng, np.zeros(n, dtype=int), d, np.zeros((1, d)))
                z2 = (0.7 * z1 + 0.3 * noise).astype(np.float32).astype(np.float64)  # a correlated second view
            spec = {"pml_class": "VICRegLoss", "params": params, "distance": None,
                    "embeddings_l2_normalized_by_distance": False,
                    "reducer": {"pml_class": "MultipleReducers", "sub_loss_reducers": ["MeanReducer"] * 4,
                                "combination": "sum", "is_pml_default_for_loss": True}}
            lam, mu, nu, eps = (params[k] for k in ("invariance_lambda", "variance_mu", "covariance_v", "eps"))
            write(out_dir, two_view_case(family, category, "PML VICRegLoss (%s) on two views %s: B=%d, d=%d, "
                                         "scale %g" % (params, category, n, d, scale), seed, z1 * scale,
                                         z2 * scale, spec,
                                         lambda a, b: np_vicreg(a, b, lam, mu, nu, eps), GENERATOR, rng))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: pml-golden-losses-b.py OUT_DIR")
    main(sys.argv[1])

#!/usr/bin/env python3
"""Writes golden cases (schema dml-golden/loss/v1, ../shared/golden/README.md) for eight PML 2.8.1 losses:
AngularLoss, GeneralizedLiftedStructureLoss, IntraPairVarianceLoss, InstanceLoss, NormalizedSoftmaxLoss,
LargeMarginSoftmaxLoss, SphereFaceLoss and SubCenterArcFaceLoss, in float64.

Each family has two random cases (other seeds, shapes and scales) and, for the main families, the edge cases of the
public set: all labels the same, all labels distinct, duplicate embeddings (zero distances), large values. Every
value is also computed by an independent numpy formula (checks.numpy_loss_abs_diff) and every embedding gradient is
checked by central finite differences (checks.fd_*; duplicate-embedding cases sit on kinks, where they may differ).

PML deviation, documented in tribuo-extensions/src/test/resources/golden/README.md: PML 2.8.1's AngularLoss
multiplies by the raw embeddings for the negatives (`torch.matmul(anchors + positives, ref_emb)`) while it normalizes
anchors and positives; the paper (and DML4J) normalizes all three. The angular cases are computed by PML's
AngularLoss given the normalized embeddings as ref_emb (the only change), checks.pml_unpatched_loss records what
stock PML returns.

The pair losses that take a reference set in PML (generalized lifted structure, intra-pair variance, with and
without their miner) also get a case against one (schema dml-golden/loss-ref/v1, REF_DIR/ref_<family>.json, as
experiments/bench/pml-reference-sets.py writes).

Run it in the peer environment (experiments/bench/setup-peer.sh), from the repository root:

  .bench-venv/bin/python experiments/bench/pml-golden-losses-a.py tribuo-extensions/src/test/resources/golden/losses \\
      tribuo-extensions/src/test/resources/golden-ref
"""
import math
import os
import sys

import numpy as np
import torch
from pytorch_metric_learning import losses

from pml_golden import (build_loss, build_miner, clustered, distance_spec, environment, finite_difference_error,
                        float32_exact, indices_json, loss_spec, miner_spec, ref_case, write_case)

SEED = 20261208
GENERATOR = "experiments/bench/pml-golden-losses-a.py"
# The families that, as in PML, also take a separate reference set (schema dml-golden/loss-ref/v1).
REF_FAMILIES = ["generalized_lifted_structure", "generalized_lifted_structure_miner", "intra_pair_variance",
                "intra_pair_variance_miner"]
EDGES = ["edge_all_same_label", "edge_all_distinct_labels", "edge_duplicate_embeddings", "edge_large_values"]
LP = distance_spec("LpDistance")
COS = distance_spec("CosineSimilarity")


class AngularLossNormalizedNegatives(losses.AngularLoss):
    """PML's AngularLoss with its negatives normalized as in the paper (PML 2.8.1 multiplies by the raw ref_emb)."""

    def compute_loss(self, embeddings, labels, indices_tuple, ref_emb, ref_labels):
        return super().compute_loss(embeddings, labels, indices_tuple, self.distance.normalize(ref_emb), ref_labels)


# family -> (loss spec, miner spec or None, categories, kind): kind "pair" for losses on the batch, else "class"
# for losses with class weights W (d x C*K in PML's layout).
def families():
    def pair(cls, params, distance, miner=None, categories=("random1", "random2") + tuple(EDGES)):
        return loss_spec(cls, params, distance), miner, categories, "pair"

    def cls_loss(cls, params, distance=COS, miner=None, categories=("random1", "random2") + tuple(EDGES)):
        return loss_spec(cls, params, distance), miner, categories, "class"

    few = ("random1", "random2", "edge_duplicate_embeddings")
    return {
        "angular": pair("AngularLoss", {"alpha": 40}, LP),
        "angular_alpha50": pair("AngularLoss", {"alpha": 50}, LP, categories=few),
        "angular_miner": pair("AngularLoss", {"alpha": 40}, LP,
                              miner_spec("TripletMarginMiner", {"margin": 0.2, "type_of_triplets": "semihard"}, LP),
                              categories=("random1", "random2")),
        "generalized_lifted_structure": pair("GeneralizedLiftedStructureLoss", {"neg_margin": 1, "pos_margin": 0},
                                             LP),
        "generalized_lifted_structure_cosine": pair("GeneralizedLiftedStructureLoss",
                                                    {"neg_margin": 0.3, "pos_margin": 0.9}, COS, categories=few),
        "generalized_lifted_structure_miner": pair("GeneralizedLiftedStructureLoss",
                                                   {"neg_margin": 1, "pos_margin": 0}, LP,
                                                   miner_spec("MultiSimilarityMiner", {"epsilon": 0.1}, COS),
                                                   categories=("random1", "random2")),
        "intra_pair_variance": pair("IntraPairVarianceLoss", {"pos_eps": 0.01, "neg_eps": 0.01}, COS),
        "intra_pair_variance_lp": pair("IntraPairVarianceLoss", {"pos_eps": 0.05, "neg_eps": 0.1}, LP,
                                       categories=few),
        "intra_pair_variance_miner": pair("IntraPairVarianceLoss", {"pos_eps": 0.01, "neg_eps": 0.01}, COS,
                                          miner_spec("PairMarginMiner", {"pos_margin": 0.2, "neg_margin": 0.8}, LP),
                                          categories=("random1", "random2")),
        "instance": pair("InstanceLoss", {"gamma": 64}, COS),
        "instance_gamma4": pair("InstanceLoss", {"gamma": 4}, COS, categories=few + ("edge_all_distinct_labels",)),
        "normalized_softmax": cls_loss("NormalizedSoftmaxLoss", {"temperature": 0.05},
                                       distance_spec("DotProductSimilarity")),
        "normalized_softmax_lp": cls_loss("NormalizedSoftmaxLoss", {"temperature": 0.5}, LP, categories=few),
        "normalized_softmax_miner": cls_loss("NormalizedSoftmaxLoss", {"temperature": 0.05},
                                             distance_spec("DotProductSimilarity"),
                                             miner_spec("TripletMarginMiner",
                                                        {"margin": 0.2, "type_of_triplets": "all"}, LP),
                                             categories=("random1", "random2")),
        "large_margin_softmax": cls_loss("LargeMarginSoftmaxLoss", {"margin": 4, "scale": 1}),
        "large_margin_softmax_m3": cls_loss("LargeMarginSoftmaxLoss", {"margin": 3, "scale": 2}, categories=few),
        "sphereface": cls_loss("SphereFaceLoss", {"margin": 4, "scale": 1}),
        "sphereface_m2": cls_loss("SphereFaceLoss", {"margin": 2, "scale": 4}, categories=few),
        "sub_center_arcface": cls_loss("SubCenterArcFaceLoss", {"margin": 28.6, "scale": 64, "sub_centers": 3}),
        "sub_center_arcface_k2": cls_loss("SubCenterArcFaceLoss", {"margin": 20, "scale": 30, "sub_centers": 2},
                                          categories=few),
    }


# ---------------------------------------------------------------------------------------------------------------
# Inputs

def make_inputs(rng, kind, category, sub_centers):
    batch = int(rng.choice([8, 12, 16, 24, 32]))
    dim = int(rng.choice([4, 8, 16, 32]))
    if kind == "class":
        classes = int(rng.integers(3, 9))
        if category == "edge_all_distinct_labels":
            classes = batch + 2
            labels = rng.permutation(classes)[:batch]
        elif category == "edge_all_same_label":
            labels = np.full(batch, int(rng.integers(classes)))
        else:
            labels = rng.integers(0, classes, size=batch)
    else:
        classes = int(rng.integers(2, max(3, batch // 3)))
        if category == "edge_all_distinct_labels":
            labels = rng.permutation(batch) * 3 + 1  # distinct, unsorted, not 0..B-1
        elif category == "edge_all_same_label":
            labels = np.full(batch, 2)
        else:
            labels = rng.integers(0, classes, size=batch)
            labels[:2] = labels[0]  # at least one positive pair
            labels[2] = (labels[0] + 1) % classes  # and one negative
    centre_scale = float(rng.choice([0.5, 1.0, 2.0]))
    centres = centre_scale * rng.standard_normal((int(labels.max()) + 1, dim))
    x = clustered(rng, labels, dim, centres)
    if category == "edge_duplicate_embeddings":
        for i in range(0, batch - 1, 3):  # copies of a same-label and of a different-label row
            x[i + 1] = x[i]
        x[batch - 1] = x[0]
    if category == "edge_large_values":
        x = float32_exact(x * 1000)
    inputs = {"batch_size": batch, "embedding_dim": dim, "labels": labels.tolist(), "embeddings": x.tolist()}
    if kind == "class":
        inputs["num_classes"] = classes
        inputs["W"] = float32_exact(rng.standard_normal((dim, classes * sub_centers))).tolist()
        inputs["W_layout"] = ("[embedding_dim][num_classes*sub_centers], column c*K+k = sub-center k of class c"
                              if sub_centers > 1 else "[embedding_dim][num_classes], column c = class c")
    else:
        inputs["num_classes"] = len(set(labels.tolist()))
    present, counts = np.unique(labels, return_counts=True)
    inputs["num_classes_present"] = len(present)
    inputs["num_singleton_classes"] = int((counts == 1).sum())
    return inputs


# ---------------------------------------------------------------------------------------------------------------
# PML

def pml_loss(spec, kind, inputs):
    params = dict(spec["params"])
    if kind == "class":
        params.update(num_classes=inputs["num_classes"], embedding_size=inputs["embedding_dim"])
    if spec["pml_class"] == "AngularLoss":
        return AngularLossNormalizedNegatives(**params)
    if spec["pml_class"] == "SubCenterArcFaceLoss":
        return losses.SubCenterArcFaceLoss(**params)  # PML drops any other keyword (distance, reducer) here
    return build_loss({**spec, "params": params})


def run_pml(spec, miner, kind, inputs):
    x = torch.tensor(inputs["embeddings"], requires_grad=True)
    labels = torch.tensor(inputs["labels"])
    loss_fn = pml_loss(spec, kind, inputs)
    if kind == "class":
        loss_fn.W = torch.nn.Parameter(torch.tensor(inputs["W"]))
    with torch.no_grad():
        tuples = build_miner(miner)(x, labels) if miner is not None else None

    def value_of(emb):
        with torch.no_grad():
            return float(loss_fn(emb, labels, tuples))

    value = loss_fn(x, labels, tuples)
    value.backward()
    result = {"loss": float(value), "grad_embeddings": x.grad.detach().clone(), "tuples": tuples,
              "value_of": value_of}
    if spec["pml_class"] == "SubCenterArcFaceLoss":
        result["outliers"] = pml_outliers(loss_fn, x.detach(), labels)
    if kind == "class":
        result["grad_W"] = loss_fn.W.grad.detach().clone()
    if spec["pml_class"] == "AngularLoss":
        stock = losses.AngularLoss(**spec["params"])
        result["pml_unpatched_loss"] = float(stock(x.detach(), labels, tuples))
    return result


def pml_outliers(loss_fn, x, labels):
    """PML's get_outliers at its default threshold (75 degrees), with the dominant sub-center of each class present
    (PML's result leaves the columns of absent classes uninitialized)."""
    outliers, dominant = loss_fn.get_outliers(x, labels)
    present = sorted(set(labels.tolist()))
    return {"threshold_degrees": 75, "outliers": outliers.tolist(), "classes_present": present,
            "dominant_centers_of_present_classes": [dominant[:, c].tolist() for c in present],
            "note": "PML get_outliers(embeddings, labels): outlier batch rows (class by class) and, per present "
                    "class, the weight column of its dominant sub-center"}


# ---------------------------------------------------------------------------------------------------------------
# Independent numpy formulas (no PML, no torch)

def normalize(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def pairs_of(labels, tuples):
    if tuples is None:
        same = labels[:, None] == labels[None, :]
        np.fill_diagonal(same, False)
        a1, p = np.nonzero(same)
        a2, n = np.nonzero(labels[:, None] != labels[None, :])
        return a1, p, a2, n
    t = [np.asarray(v) for v in tuples]
    return (t[0], t[1], t[0], t[2]) if len(t) == 3 else tuple(t)


def matrix(x, distance):
    u = normalize(x) if distance["normalize_embeddings"] else x
    if distance["pml_class"] == "LpDistance":
        return np.sqrt(np.maximum(((u[:, None, :] - u[None, :, :]) ** 2).sum(-1), 0)) ** distance["power"]
    return u @ u.T


def lse(v, add_one=False):
    v = np.concatenate([v, [0.0]]) if add_one else np.asarray(v)
    return 0.0 if len(v) == 0 else float(np.logaddexp.reduce(v))


def margin(distance, a, b):
    return b - a if distance["is_inverted"] else a - b


def cross_entropy(logits, targets):
    return np.array([np.logaddexp.reduce(row) - row[t] for row, t in zip(logits, targets)])


def miner_weights(tuples, batch):
    if tuples is None:
        return np.ones(batch)
    counts = np.bincount(np.concatenate([np.asarray(t) for t in tuples]), minlength=batch).astype(float)
    return counts / counts.max()


def np_angular(x, labels, tuples, p):
    u, t = normalize(x), math.tan(math.radians(p["alpha"])) ** 2
    a1, pos, a2, _ = pairs_of(labels, tuples)
    if len(a1) == 0 or len(a2) == 0:
        return 0.0
    terms = [lse(4 * t * (u[a] + u[q]) @ u[labels != labels[a]].T - 2 * (1 + t) * u[a] @ u[q], True)
             for a, q in zip(a1, pos)]
    return float(np.mean(terms))


def np_generalized_lifted(x, labels, tuples, p, distance):
    a1, pos, a2, neg = pairs_of(labels, tuples)
    if all(len(v) <= 1 for v in (a1, pos, a2, neg)):
        return 0.0
    m = matrix(x, distance)
    terms = []
    for i in range(len(x)):
        ps, ns = pos[a1 == i], neg[a2 == i]
        z = lse(margin(distance, m[i, ps], p["pos_margin"])) + lse(margin(distance, p["neg_margin"], m[i, ns]))
        terms.append(max(z, 0.0))
    return float(np.mean(terms))


def np_intra_pair_variance(x, labels, tuples, p, distance):
    a1, pos, a2, neg = pairs_of(labels, tuples)
    if all(len(v) <= 1 for v in (a1, pos, a2, neg)):
        return 0.0
    m = matrix(x, distance)

    def part(values, eps, increase):
        if len(values) == 0:
            return 0.0
        mu = values.mean()
        gap = (1 - eps) * mu - values if increase else values - (1 + eps) * mu
        return float(np.mean(np.maximum(gap, 0) ** 2))

    inverted = distance["is_inverted"]
    return part(m[a1, pos], p["pos_eps"], inverted) + part(m[a2, neg], p["neg_eps"], not inverted)


def np_instance(x, labels, p):
    u = normalize(x)
    _, targets = np.unique(labels, return_inverse=True)
    return float(np.mean(cross_entropy(p["gamma"] * (u @ u.T), targets)))


def np_class_loss(cls, x, labels, tuples, p, distance, w):
    w = np.asarray(w)
    u, wn = normalize(x), w / np.linalg.norm(w, axis=0, keepdims=True)
    weights = miner_weights(tuples, len(x))
    rows = np.arange(len(x))
    if cls == "NormalizedSoftmaxLoss":
        if distance["pml_class"] == "LpDistance":
            logits = -np.linalg.norm(u[:, None, :] - wn.T[None, :, :], axis=2) ** distance["power"] / p["temperature"]
        else:
            logits = u @ wn / p["temperature"]
        return float(np.mean(cross_entropy(logits, labels) * weights))
    cos = u @ wn
    if cls == "SubCenterArcFaceLoss":
        cos = cos.reshape(len(x), -1, p["sub_centers"]).max(axis=2)
        m = math.radians(p["margin"])
        theta = np.arccos(np.clip(cos[rows, labels], -1, 1))
        logits = cos.copy()
        logits[rows, labels] = np.where(theta <= math.pi - m, np.cos(theta + m), cos[rows, labels] - m * math.sin(m))
        return float(np.mean(cross_entropy(p["scale"] * logits, labels)))
    m = int(p["margin"])
    theta = np.arccos(np.clip(cos[rows, labels], -1, 1))
    k = np.floor(theta / (math.pi / m))
    logits = cos.copy()
    logits[rows, labels] = (-1.0) ** k * np.cos(m * theta) - 2 * k
    logits *= p["scale"] * np.linalg.norm(x, axis=1)[:, None]
    if cls == "LargeMarginSoftmaxLoss":
        logits *= np.linalg.norm(w, axis=0)[None, :]
    return float(np.mean(cross_entropy(logits, labels) * weights))


def numpy_loss(spec, inputs, tuples):
    x, labels, p = np.array(inputs["embeddings"]), np.array(inputs["labels"]), spec["params"]
    tuples = None if tuples is None else [t.numpy() for t in tuples]
    cls, distance = spec["pml_class"], spec["distance"]
    if cls == "AngularLoss":
        return np_angular(x, labels, tuples, p)
    if cls == "GeneralizedLiftedStructureLoss":
        return np_generalized_lifted(x, labels, tuples, p, distance)
    if cls == "IntraPairVarianceLoss":
        return np_intra_pair_variance(x, labels, tuples, p, distance)
    if cls == "InstanceLoss":
        return np_instance(x, labels, p)
    return np_class_loss(cls, x, labels, tuples, p, distance, inputs["W"])


# ---------------------------------------------------------------------------------------------------------------

def make_case(family, category, spec, miner, kind, rng):
    seed = int(rng.integers(2 ** 31))
    case_rng = np.random.default_rng(seed)
    inputs = make_inputs(case_rng, kind, category, spec["params"].get("sub_centers", 1))
    if kind == "class":
        spec = {**spec, "params": {"num_classes": inputs["num_classes"], "embedding_size": inputs["embedding_dim"],
                                   **spec["params"]}}
    run = run_pml(spec, miner, kind, inputs)
    expected = {"loss": run["loss"], "loss_is_nan": math.isnan(run["loss"]),
                "grad_embeddings": run["grad_embeddings"].tolist(),
                "grad_embeddings_all_finite": bool(torch.isfinite(run["grad_embeddings"]).all())}
    if kind == "class":
        expected["grad_W"] = run["grad_W"].tolist()
    x = torch.tensor(inputs["embeddings"])
    checks = finite_difference_error(run["value_of"], x, run["grad_embeddings"], case_rng)
    reference = numpy_loss(spec, inputs, run["tuples"])
    checks["numpy_loss"] = reference
    checks["numpy_loss_abs_diff"] = abs(reference - run["loss"])
    debug = {"pml_get_outliers": run["outliers"]} if "outliers" in run else {}
    if "pml_unpatched_loss" in run:
        checks["pml_unpatched_loss"] = run["pml_unpatched_loss"]
        checks["pml_note"] = ("stock PML 2.8.1 AngularLoss (raw negatives); the expected values normalize the "
                              "negatives as the paper does")
    description = "%s, %s: B=%d, d=%d, labels %s" % (spec["pml_class"], category, inputs["batch_size"],
                                                      inputs["embedding_dim"], inputs["labels"])
    return {"schema": "dml-golden/loss/v1", "case_id": family + "__" + category, "family": family,
            "category": category.rstrip("12") if category.startswith("random") else category,
            "description": description, "seed": seed, "inputs": inputs, "loss": spec, "miner": miner,
            "mined_indices": indices_json(run["tuples"]), "expected": expected, "debug": debug, "checks": checks,
            "environment": environment(GENERATOR)}


def main(out_dir, ref_dir):
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(SEED)
    worst_numpy = 0.0
    all_families = families()
    ref_rng = np.random.default_rng(SEED + 1)
    for family in REF_FAMILIES:
        spec, miner = all_families[family][:2]
        case = ref_case(family, {"loss": spec, "miner": miner}, ref_rng, SEED + 1, GENERATOR)
        write_case(os.path.join(ref_dir, "ref_%s.json" % family), case)
        print("%-52s loss=%r" % (case["case_id"], case["expected"]["loss"]))
    for family, (spec, miner, categories, kind) in all_families.items():
        for category in categories:
            case = make_case(family, category, spec, miner, kind, rng)
            write_case(os.path.join(out_dir, "%s__%s.json" % (family, category)), case)
            c = case["checks"]
            worst_numpy = max(worst_numpy, c["numpy_loss_abs_diff"] / max(1.0, abs(case["expected"]["loss"])))
            print("%-52s loss=%-22r numpy_diff=%.2e fd_rel=%.2e%s" % (
                case["case_id"], case["expected"]["loss"], c["numpy_loss_abs_diff"],
                c["fd_max_err_relative_to_max_abs_grad"],
                " unpatched=%r" % c["pml_unpatched_loss"] if "pml_unpatched_loss" in c else ""))
    print("worst numpy difference (relative to max(1, |loss|)): %.3e" % worst_numpy)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: pml-golden-losses-a.py LOSSES_DIR REF_DIR")
    main(sys.argv[1], sys.argv[2])

#!/usr/bin/env python3
"""Writes golden cases of the PML 2.8.1 miners, regularizers, reducers and samplers DML4J added for issue 21,
computed by PML in float64 (schemas in tribuo-extensions/src/test/resources/golden/README.md, "PML parts"):

* miners/parts_miners_<name>.json (dml-golden/miner/v1): AngularMiner, BatchEasyHardMiner (every strategy pair PML
  accepts, value ranges, cosine), HDCMiner, EmbeddingsAlreadyPackagedAsTriplets, and UniformHistogramMiner, whose
  draws come from PyTorch's generator: its output is "sampled_pairs", the pairs of every non-empty bin and the draws
  per bin (checked: PML's own draws lie in those bins, and the bins agree with a numpy re-computation).
* regularizers/<loss>__<regularizer>__<k>.json and reducers/<loss>__<reducer>__<k>.json (dml-golden/loss/v1): a loss
  with embedding_regularizer / weight_regularizer parameters, or with a non-default reducer; expected value and
  gradients by PML autograd, checked against central finite differences and (regularizers) a numpy formula.
* samplers/samplers_<name>.json (dml-golden/sampler/v1): PML's HierarchicalSampler batches, FixedSetOfTriplets
  triplets, TuplesToWeightsSampler weights (convert_to_weights of a miner's tuples, and the weights PML's sampler
  object computes in one iteration) and MPerClassSampler batches for fixed inputs.

Run it in the peer environment (experiments/bench/setup-peer.sh):

  .bench-venv/bin/python experiments/bench/pml-golden-parts.py tribuo-extensions/src/test/resources/golden
"""
import math
import os
import sys

import numpy as np
import torch
from pytorch_metric_learning import samplers
from pytorch_metric_learning.utils import loss_and_miner_utils as lmu

from pml_golden import build_loss, build_miner, build_regularizer, clustered, environment, indices_json, write_case

SEED = 20261221
GENERATOR = "experiments/bench/pml-golden-parts.py"
LP = {"pml_class": "LpDistance", "normalize_embeddings": True, "is_inverted": False, "p": 2, "power": 1}
LP_RAW = dict(LP, normalize_embeddings=False)
COS = {"pml_class": "CosineSimilarity", "normalize_embeddings": True, "is_inverted": True, "p": 2, "power": 1}
MEAN = {"pml_class": "MeanReducer"}


# ------------------------------------------------------------------------------------------------ miners
def miner_specs(batch_size):
    specs = [{"pml_class": "AngularMiner", "params": {"angle": a}, "distance": LP} for a in (20, 35)]
    pairs = [("easy", "semihard"), ("semihard", "hard"), ("hard", "hard"), ("easy", "easy"), ("hard", "easy"),
             ("semihard", "easy"), ("easy", "hard"), ("all", "hard"), ("hard", "all"), ("all", "all"),
             ("all", "easy")]
    for distance in (LP, COS):
        for pos, neg in pairs:
            specs.append({"pml_class": "BatchEasyHardMiner", "distance": distance,
                          "params": {"pos_strategy": pos, "neg_strategy": neg, "allowed_pos_range": None,
                                     "allowed_neg_range": None}})
    specs.append({"pml_class": "BatchEasyHardMiner", "distance": LP,
                  "params": {"pos_strategy": "hard", "neg_strategy": "hard", "allowed_pos_range": [0.2, 0.9],
                             "allowed_neg_range": [0.5, 1.4]}})
    specs.append({"pml_class": "BatchEasyHardMiner", "distance": COS,
                  "params": {"pos_strategy": "easy", "neg_strategy": "semihard", "allowed_pos_range": [0.0, 0.95],
                             "allowed_neg_range": [-0.5, 0.8]}})
    for distance in (LP, COS, LP_RAW):
        for pct in (0.5, 0.25):
            specs.append({"pml_class": "HDCMiner", "params": {"filter_percentage": pct}, "distance": distance})
    for distance in (LP, COS):
        specs.append({"pml_class": "UniformHistogramMiner", "distance": distance,
                      "params": {"num_bins": 10, "pos_per_bin": 3, "neg_per_bin": 4}})
    if batch_size % 3 == 0:
        specs.append({"pml_class": "EmbeddingsAlreadyPackagedAsTriplets", "params": {}, "distance": LP})
    return specs


def output_json(spec, tuples, emb, lab):
    if spec["pml_class"] == "UniformHistogramMiner":
        return sampled_bins(spec, tuples, emb, lab)
    t = [x.tolist() for x in tuples]
    if len(t) == 3:
        return {"type": "triplets", "triplets": [list(r) for r in zip(*t)]}
    out = {"type": "pairs", "pos_pairs": [list(r) for r in zip(t[0], t[1])],
           "neg_pairs": [list(r) for r in zip(t[2], t[3])]}
    if spec["pml_class"] == "HDCMiner":
        out.update(hdc_ties(spec, tuples, emb, lab))
    return out


def hdc_ties(spec, tuples, emb, lab):
    """The pairs whose value ties the cut-off of HDCMiner's top-k: (i, j) and (j, i) have the same value, so which
    of a tied group PyTorch's topk keeps at the cut is arbitrary; a check treats them as interchangeable."""
    mat = build_miner(spec).distance(emb).numpy()
    a1, p, a2, n = [x.numpy() for x in lmu.get_all_pairs_indices(lab)]
    out = {}
    for side, anchors, others, kept, largest in (("pos", a1, p, tuples[0], True), ("neg", a2, n, tuples[2], False)):
        if COS["pml_class"] == spec["distance"]["pml_class"]:
            largest = not largest
        if len(kept) == 0:
            continue
        values = mat[anchors, others]
        kept_values = np.sort(mat[kept.numpy(), (tuples[1] if side == "pos" else tuples[3]).numpy()])
        cut = kept_values[0] if largest else kept_values[-1]
        tied = np.abs(values - cut) <= 1e-9 * max(1.0, abs(cut))
        if tied.sum() > 1:
            out["tied_" + side + "_pairs"] = [[int(x), int(y)] for x, y in zip(anchors[tied], others[tied])]
    return out


def sampled_bins(spec, tuples, emb, lab):
    """The pairs of each non-empty bin as PML forms them, checked against PML's draws and a numpy re-computation."""
    miner = build_miner(spec)
    mat = miner.distance(emb).numpy()
    a1, p, a2, n = [x.numpy() for x in lmu.get_all_pairs_indices(lab)]
    out = {"type": "sampled_pairs", "pos_per_bin": spec["params"]["pos_per_bin"],
           "neg_per_bin": spec["params"]["neg_per_bin"]}
    for side, anchors, others, drawn_a, drawn_o, per_bin in (
            ("pos", a1, p, tuples[0].numpy(), tuples[1].numpy(), spec["params"]["pos_per_bin"]),
            ("neg", a2, n, tuples[2].numpy(), tuples[3].numpy(), spec["params"]["neg_per_bin"])):
        values = torch.tensor(mat[anchors, others])
        if len(values) == 0:
            assert len(drawn_a) == 0
            out[side + "_bins"], out["pml_" + side + "_draws"] = [], []
            continue
        edges = miner.get_bins(values).numpy()
        np_edges = np.linspace(values.min().item(), values.max().item(), spec["params"]["num_bins"] + 1)
        assert np.allclose(edges, np_edges, rtol=0, atol=1e-15), "torch and numpy bin edges differ"
        bins = []
        nb = len(edges) - 1
        for i in range(nb):
            high = values <= edges[i + 1] if i == nb - 1 else values < edges[i + 1]
            members = torch.where((edges[i] <= values) & high)[0].numpy()
            if len(members):
                bins.append([[int(anchors[k]), int(others[k])] for k in members])
        assert len(drawn_a) == per_bin * len(bins)
        for b, members in enumerate(bins):
            for k in range(b * per_bin, (b + 1) * per_bin):
                assert [int(drawn_a[k]), int(drawn_o[k])] in members, "PML's draw outside its bin"
        out[side + "_bins"] = bins
        out["pml_" + side + "_draws"] = [[int(x), int(y)] for x, y in zip(drawn_a, drawn_o)]
    return out


def miner_case(name, labels, emb, description):
    lab = torch.tensor(labels)
    e = torch.tensor(emb)
    results = []
    for spec in miner_specs(len(labels)):
        tuples = build_miner(spec)(e, lab)
        results.append(dict(spec, output=output_json(spec, tuples, e, lab)))
    return {"schema": "dml-golden/miner/v1", "case_id": "parts_miners_" + name, "description": description,
            "seed": SEED, "inputs": {"batch_size": len(labels), "embedding_dim": emb.shape[1],
                                     "labels": list(map(int, labels)), "embeddings": emb.tolist()},
            "miner_results": results, "environment": environment(GENERATOR)}


def miner_cases(rng):
    cases = []
    for k, (labels, dim) in enumerate(((np.array([0, 1, 2, 0, 1, 2, 0, 3, 3, 1, 2, 0]), 4),
                                       (rng.integers(0, 5, 24), 8), (rng.integers(0, 3, 30), 16)), start=1):
        centres = rng.standard_normal((int(labels.max()) + 1, dim))
        cases.append(("random%d" % k, labels, clustered(rng, labels, dim, centres), "clustered random batch"))
    labels = np.zeros(9, dtype=int)
    cases.append(("single_class", labels, clustered(rng, labels, 4, rng.standard_normal((1, 4))),
                  "one class: no negative pair"))
    labels = np.array([0, 0, 1, 1, 2, 2, 0, 1, 2])
    emb = clustered(rng, labels, 4, rng.standard_normal((3, 4)))
    emb[6] = emb[0] * 2.0  # the same direction: distance 0 after normalization, a positive at distance 0
    emb[8] = emb[1]       # a duplicate with another label: a negative at distance 0
    cases.append(("duplicates", labels, emb, "duplicate embeddings: zero distances"))
    return [miner_case(*c) for c in cases]


# -------------------------------------------------------------------------------- losses with parts
def loss_spec(pml_class, params, distance, reducer):
    return {"pml_class": pml_class, "params": params, "distance": distance, "reducer": reducer}


def regularizer(pml_class, params=None, reducer=None):
    spec = {"pml_class": pml_class, "params": params or {}}
    if reducer is not None:
        spec["reducer"] = reducer
    return spec


def numpy_regularizer(spec, x):
    """An independent numpy formula of a regularizer with its default reducer."""
    cls, p = spec["pml_class"], spec.get("params", {})
    if cls == "LpRegularizer":
        return np.mean(np.sum(np.abs(x) ** p.get("p", 2), axis=1) ** (p.get("power", 1) / p.get("p", 2)))
    if cls == "ZeroMeanRegularizer":
        return np.mean(np.abs(np.sum(x, axis=1)))
    if cls == "CenterInvariantRegularizer":
        sq = np.sum(x * x, axis=1)
        return np.mean((sq - sq.mean()) ** 2 / 4)
    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    cos = u @ u.T
    if cls == "RegularFaceRegularizer":
        np.fill_diagonal(cos, -np.inf)
        return np.mean(np.max(cos, axis=1))
    if cls == "SparseCentersRegularizer":
        k = p["centers_per_class"]
        terms = [math.sqrt(2 - min(2 * cos[i, j], 2)) for i in range(len(x)) for j in range(i + 1, len(x))
                 if i // k == j // k]
        return sum(terms) / (2 * len(terms))
    raise ValueError(cls)


def loss_case(kind, name, spec, labels, dim, num_classes, rng, class_vectors=None, miner=None):
    centres = rng.standard_normal((num_classes, dim))
    emb_np = clustered(rng, labels, dim, centres)
    emb = torch.tensor(emb_np, requires_grad=True)
    lab = torch.tensor(labels)
    loss_fn = build_loss(spec)
    inputs = {"batch_size": len(labels), "embedding_dim": dim, "num_classes": num_classes,
              "labels": list(map(int, labels)), "embeddings": emb_np.tolist()}
    params = None
    if class_vectors is not None:
        rows = (rng.standard_normal((class_vectors, dim))).astype(np.float32).astype(np.float64)
        if hasattr(loss_fn, "proxies"):
            params = loss_fn.proxies
            inputs["proxies"] = rows.tolist()
        else:
            params = loss_fn.W
            inputs["W"] = rows.T.tolist()
        with torch.no_grad():
            params.copy_(torch.tensor(rows if hasattr(loss_fn, "proxies") else rows.T))
    tuples = build_miner(miner)(emb, lab) if miner is not None else None
    value = loss_fn(emb, lab, tuples)
    value.backward()
    expected = {"loss": value.item(), "loss_is_nan": math.isnan(value.item()), "grad_embeddings": emb.grad.tolist(),
                "grad_embeddings_all_finite": bool(torch.isfinite(emb.grad).all())}
    if params is not None:
        expected["grad_proxies" if hasattr(loss_fn, "proxies") else "grad_W"] = params.grad.tolist()
    checks = finite_differences(spec, emb_np, labels, inputs, tuples, value.item(), emb.grad.numpy())
    for key in ("embedding_regularizer", "weight_regularizer"):
        reg = spec["params"].get(key)
        if reg is not None and "reducer" not in reg:
            x = emb_np if key == "embedding_regularizer" else (np.array(inputs["proxies"]) if "proxies" in inputs
                                                               else np.array(inputs["W"]).T)
            pml = build_regularizer(reg)(torch.tensor(x)).item()
            checks[key + "_numpy_abs_diff"] = abs(pml - numpy_regularizer(reg, x))
            assert checks[key + "_numpy_abs_diff"] < 1e-12, (name, key, checks)
    return {"schema": "dml-golden/loss/v1", "case_id": kind + "_" + name, "family": name.split("__")[0],
            "category": kind, "description": kind + " case: " + name, "seed": SEED, "inputs": inputs,
            "loss": spec, "miner": miner, "mined_indices": indices_json(tuples), "expected": expected,
            "checks": checks, "environment": environment(GENERATOR)}


def finite_differences(spec, emb_np, labels, inputs, tuples, value, grad):
    """Central differences of the loss in the embeddings (mined tuples held fixed) on 24 coordinates."""
    def f(x):
        loss_fn = build_loss(spec)
        if "proxies" in inputs:
            loss_fn.proxies.data.copy_(torch.tensor(inputs["proxies"]))
        if "W" in inputs:
            loss_fn.W.data.copy_(torch.tensor(inputs["W"]))
        return loss_fn(torch.tensor(x), torch.tensor(labels), tuples).item()
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(24):
        i, j = rng.integers(0, emb_np.shape[0]), rng.integers(0, emb_np.shape[1])
        h = 1e-6 * max(1.0, np.abs(emb_np[i]).max())
        up, down = emb_np.copy(), emb_np.copy()
        up[i, j] += h
        down[i, j] -= h
        worst = max(worst, abs((f(up) - f(down)) / (2 * h) - grad[i, j]))
    assert abs(f(emb_np) - value) < 1e-12
    return {"fd_coords_checked": 24, "fd_max_abs_err": worst,
            "fd_max_err_relative_to_max_abs_grad": worst / max(np.abs(grad).max(), 1e-300)}


def regularizer_cases(rng):
    lp_default = regularizer("LpRegularizer")
    cases = []
    for seed_k in (1, 2):
        labels = rng.integers(0, 4, 12 + 4 * seed_k)
        cases += [
            ("triplet__lp__%d" % seed_k, loss_spec("TripletMarginLoss", {
                "margin": 0.2, "embedding_regularizer": lp_default, "embedding_reg_weight": 0.5}, LP,
                {"pml_class": "AvgNonZeroReducer"}), labels, 8, 4, None, None),
            ("contrastive__zero_mean__%d" % seed_k, loss_spec("ContrastiveLoss", {
                "pos_margin": 0.0, "neg_margin": 1.0, "embedding_regularizer": regularizer("ZeroMeanRegularizer"),
                "embedding_reg_weight": 0.1}, LP, {"pml_class": "MultipleReducers", "sub_loss_reducers": {
                    "pos_loss": "AvgNonZeroReducer", "neg_loss": "AvgNonZeroReducer"}}), labels, 6, 4, None, None),
            ("multi_similarity__lp_p1_power2__%d" % seed_k, loss_spec("MultiSimilarityLoss", {
                "alpha": 2.0, "beta": 50.0, "base": 0.5,
                "embedding_regularizer": regularizer("LpRegularizer", {"p": 1, "power": 2}),
                "embedding_reg_weight": 0.01}, COS, MEAN), labels, 4, 4, None, None),
            ("arcface__regular_face__%d" % seed_k, loss_spec("ArcFaceLoss", {
                "num_classes": 5, "embedding_size": 8, "margin": 28.6, "scale": 64.0,
                "weight_regularizer": regularizer("RegularFaceRegularizer"), "weight_reg_weight": 2.0,
                "embedding_regularizer": lp_default, "embedding_reg_weight": 0.3}, COS, MEAN),
             labels, 8, 5, 5, None),
            ("cosface__center_invariant__%d" % seed_k, loss_spec("CosFaceLoss", {
                "num_classes": 4, "embedding_size": 6, "margin": 0.35, "scale": 64.0,
                "weight_regularizer": regularizer("CenterInvariantRegularizer"), "weight_reg_weight": 0.5}, COS,
                MEAN), labels, 6, 4, 4, None),
            ("proxy_nca__sparse_centers__%d" % seed_k, loss_spec("ProxyNCALoss", {
                "num_classes": 6, "embedding_size": 8, "softmax_scale": 1.0,
                "weight_regularizer": regularizer("SparseCentersRegularizer", {"num_classes": 3,
                                                                               "centers_per_class": 2}),
                "weight_reg_weight": 1.5}, dict(LP, power=2), MEAN), rng.integers(0, 6, 12), 8, 6, 6, None),
            ("proxy_anchor__center_invariant_sum__%d" % seed_k, loss_spec("ProxyAnchorLoss", {
                "num_classes": 4, "embedding_size": 8, "margin": 0.1, "alpha": 32.0,
                "weight_regularizer": regularizer("CenterInvariantRegularizer", reducer={"pml_class": "SumReducer"}),
                "weight_reg_weight": 0.2}, COS, {"pml_class": "MultipleReducers", "sub_loss_reducers": {
                    "pos_loss": "DivisorReducer", "neg_loss": "DivisorReducer"}}), labels, 8, 4, 4, None),
            ("triplet__lp_class_weighted__%d" % seed_k, loss_spec("TripletMarginLoss", {
                "margin": 0.2, "embedding_regularizer": regularizer(
                    "LpRegularizer", reducer={"pml_class": "ClassWeightedReducer",
                                              "weights": [0.5 + 0.1 * i for i in range(len(labels))]}),
                "embedding_reg_weight": 1.0}, LP, {"pml_class": "AvgNonZeroReducer"}), labels, 8, 4, None,
             {"pml_class": "TripletMarginMiner", "params": {"margin": 0.2, "type_of_triplets": "semihard"},
              "distance": LP}),
        ]
    return [loss_case("regularizers", n, s, lab, d, c, rng, cv, m) for n, s, lab, d, c, cv, m in cases]


def reducer_cases(rng):
    # Not MultiSimilarityLoss: its per-row losses are a B x 1 column, which ClassWeightedReducer broadcasts against
    # the B class weights into a B x B matrix (PML 2.8.1 returns mean(losses) * mean(weights[labels])); DML4J weighs
    # each row by its class (tribuo-extensions/src/test/resources/golden/README.md, "PML parts").
    weights = {"pml_class": "ClassWeightedReducer", "weights": [1.0, 0.25, 2.0, 0.5]}
    cases = []
    for seed_k in (1, 2):
        labels = rng.integers(0, 4, 10 + 6 * seed_k)
        contrastive = {"pos_margin": 0.0, "neg_margin": 1.0}
        cases += [
            ("triplet__class_weighted__%d" % seed_k, loss_spec("TripletMarginLoss", {"margin": 0.2}, LP, weights),
             labels, 8, 4, None),
            ("contrastive__multiple_mean_class_weighted__%d" % seed_k, loss_spec("ContrastiveLoss", contrastive, LP, {
                "pml_class": "MultipleReducers", "is_pml_default_for_loss": False,
                "sub_loss_reducers": {"pos_loss": "MeanReducer", "neg_loss": weights}}), labels, 6, 4, None),
            ("contrastive__multiple_avg_non_zero_sum__%d" % seed_k, loss_spec("ContrastiveLoss", contrastive, LP, {
                "pml_class": "MultipleReducers", "is_pml_default_for_loss": False,
                "sub_loss_reducers": {"pos_loss": "AvgNonZeroReducer"},
                "default_reducer": {"pml_class": "SumReducer"}}), labels, 6, 4, None),
            ("supcon__class_weighted__%d" % seed_k, loss_spec("SupConLoss", {"temperature": 0.1}, COS, weights),
             labels, 4, 4, None),
            ("proxy_nca__class_weighted__%d" % seed_k, loss_spec("ProxyNCALoss", {
                "num_classes": 4, "embedding_size": 6, "softmax_scale": 1.0}, dict(LP, power=2), weights),
             labels, 6, 4, 4),
        ]
    return [loss_case("reducers", n, s, lab, d, c, rng, cv) for n, s, lab, d, c, cv in cases]


# ------------------------------------------------------------------------------------------------ samplers
def pml_sampler_weights(miner, emb, labels):
    """PML's TuplesToWeightsSampler.weights after one iteration over the embeddings themselves (an identity model;
    PML's tester L2-normalizes them, which the miners' normalized distances ignore): float32, as PML keeps them."""
    dataset = torch.utils.data.TensorDataset(torch.tensor(emb), torch.tensor(labels))
    s = samplers.TuplesToWeightsSampler(torch.nn.Identity(), build_miner(miner), dataset, dataloader_num_workers=0)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)  # PML's weights are float32; under float64 its sampler raises
    try:
        iter(s)
    finally:
        torch.set_default_dtype(default)
    return s.weights.tolist()


def sampler_cases(rng):
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    out = []
    supers = np.repeat(np.arange(4), 12)                 # 4 super-classes of 12 examples
    classes = supers * 10 + np.tile(np.repeat(np.arange(4), 3), 4)  # 4 classes of 3 in each
    classes[5] = 11                                      # one class of 4 and one of 2 in super-class 0
    for spc, bps, scpb, batch in ((2, 3, 2, 8), (3, 2, 2, 12), (0, 2, 3, 18)):
        labels = np.stack([classes, supers], axis=1)
        s = samplers.HierarchicalSampler(labels, batch, "all" if spc == 0 else spc, bps, scpb)
        out.append({"kind": "HierarchicalSampler", "params": {"batch_size": batch, "samples_per_class": spc,
                                                              "batches_per_super_tuple": bps,
                                                              "super_classes_per_batch": scpb},
                    "labels": classes.tolist(), "super_labels": supers.tolist(),
                    "pml_batches": [list(map(int, b)) for b in s]})
    labels = rng.integers(0, 5, 40)
    labels[0] = 5                                        # a singleton class
    s = samplers.FixedSetOfTriplets(labels, 200)
    out.append({"kind": "FixedSetOfTriplets", "params": {"num_triplets": 200}, "labels": labels.tolist(),
                "pml_triplets": s.fixed_set_of_triplets.tolist()})
    for miner in ({"pml_class": "TripletMarginMiner", "params": {"margin": 0.2, "type_of_triplets": "semihard"},
                   "distance": LP},
                  {"pml_class": "MultiSimilarityMiner", "params": {"epsilon": 0.1}, "distance": COS}):
        labels = rng.integers(0, 4, 20)
        emb = clustered(rng, labels, 6, rng.standard_normal((4, 6)))
        tuples = build_miner(miner)(torch.tensor(emb), torch.tensor(labels))
        weights = lmu.convert_to_weights(tuples, torch.tensor(labels), dtype=torch.float64)
        out.append({"kind": "TuplesToWeightsSampler", "miner": miner, "labels": labels.tolist(),
                    "embeddings": emb.tolist(), "mined_indices": indices_json(tuples),
                    "expected_weights": weights.tolist(),
                    "pml_sampler_weights": pml_sampler_weights(miner, emb, labels)})
    labels = np.repeat(np.arange(6), [9, 6, 4, 2, 7, 12])  # one class smaller than m
    s = samplers.MPerClassSampler(labels, 4, batch_size=8, length_before_new_iter=64)
    drawn = list(map(int, s))
    out.append({"kind": "MPerClassSampler", "params": {"m": 4, "batch_size": 8, "length_before_new_iter": 64},
                "labels": labels.tolist(), "pml_length": len(s),
                "pml_batches": [drawn[i:i + 8] for i in range(0, len(drawn), 8)]})
    return {"schema": "dml-golden/sampler/v1", "case_id": "samplers_pml_parts",
            "description": "PML sampler outputs for fixed inputs (numpy/torch seeded with the seed)", "seed": SEED,
            "cases": out, "environment": environment(GENERATOR)}


def main(out_dir):
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(SEED)  # UniformHistogramMiner's draws
    rng = np.random.default_rng(SEED)
    for case in miner_cases(rng):
        write_case(os.path.join(out_dir, "miners", case["case_id"] + ".json"), case)
    for case in regularizer_cases(rng) + reducer_cases(rng):
        name = case["case_id"].split("_", 1)[1]
        write_case(os.path.join(out_dir, case["category"], name + ".json"), case)
        print(case["case_id"], case["expected"]["loss"], case["checks"]["fd_max_err_relative_to_max_abs_grad"])
    write_case(os.path.join(out_dir, "samplers", "samplers_pml_parts.json"), sampler_cases(rng))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: pml-golden-parts.py GOLDEN_DIR")
    main(sys.argv[1])

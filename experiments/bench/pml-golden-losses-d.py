#!/usr/bin/env python3
"""Writes golden loss cases (schema dml-golden/loss/v1, ../shared/golden/README.md) of ManifoldLoss (PML 2.8.1) and
Smooth-AP (PML's development tree only), in float64, over several seeds, shapes and scales and the schema's edge
cases, each value also computed by an independent numpy implementation (checks.numpy_loss_abs_diff) and each
gradient checked by central finite differences (checks.fd_*).

ManifoldLoss: PML 2.8.1 inverts (I - alpha S_bar) in float32 even for float64 input (`Y.float() - alpha *
S_bar.float()`, cast back after). The expected values are PML's own code run with `torch.Tensor.float` patched to
keep float64 during the call (nothing else changes), so the references are float64; checks.pml_float32_inverse_*
record how far stock PML (its float32 inverse) lies from them. PML takes no labels: the meta-class of each embedding
is its `indices_tuple` (a tensor of N proxy indices); a case writes them as inputs.labels, and the proxies as
inputs.proxies (row k = proxy k) with expected.grad_proxies. PML's `lambdaC=inf` ("only the context loss", its
docstring) returns `0 + inf * loss_ctx` (inf, or NaN when loss_ctx is 0): the `manifold_lambda_inf` cases expect
the context loss alone, PML(lambdaC=1) - PML(lambdaC=0), and their gradients likewise.

Smooth-AP (Brown et al., ECCV 2020): PML's development tree `SmoothAPLoss(temperature=0.01)` (CosineSimilarity,
MeanReducer over per-query losses 1 - AP_q). With S the cosine matrix and sigma_t(x) = 1/(1+exp(-x/t)):
  AP_q = 1/|P_q| sum_{i in P_q} (1 + sum_{j in P_q, j != i} sigma_t(S_qj - S_qi)) / (1 + sum_{j != i} sigma_t(S_qj - S_qi))
where P_q = the rows with q's label, q itself included, and j runs over the whole batch (q included), as in the
authors' code. The expected values and gradients are torch autograd of that formula grouped by labels; the numpy
implementation below is independent of it (loops over the formula). The development tree's code groups rows by
position instead: it views the batch as B/C blocks of C consecutive rows (C = number of distinct labels), which
are the classes only when the batch is sorted by class and every class has C members; checks.devtree_* compare with
a transcription of it on the cases where it applies, and record that it differs elsewhere.

Run it in the peer environment (experiments/bench/setup-peer.sh):

  .bench-venv/bin/python experiments/bench/pml-golden-losses-d.py tribuo-extensions/src/test/resources/golden/losses
"""
import contextlib
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from pml_golden import (distance_spec, environment, finite_difference_check, float32_exact, label_inputs, loss_spec,
                        write_case)
from pytorch_metric_learning import losses

SEED = 20261210
GENERATOR = "experiments/bench/pml-golden-losses-d.py"


# ---- ManifoldLoss ----

@contextlib.contextmanager
def float64_inverse():
    """PML's ManifoldLoss with its float32 cast removed: Tensor.float() returns the tensor itself."""
    original = torch.Tensor.float
    torch.Tensor.float = lambda self, *args, **kwargs: self
    try:
        yield
    finally:
        torch.Tensor.float = original


def manifold_spec(K, dim, lambdaC=1.0, alpha=0.8, margin=5e-4):
    return loss_spec("ManifoldLoss", {"l": dim, "K": K, "lambdaC": lambdaC, "alpha": alpha, "margin": margin},
                     distance_spec("CosineSimilarity"))


def pml_manifold(params, x, proxies, meta, exact=True):
    """PML's ManifoldLoss value on (x, proxies) with meta-classes `meta` (a fresh loss object)."""
    loss_fn = losses.ManifoldLoss(**params)
    loss_fn.proxies.data = proxies
    with float64_inverse() if exact else contextlib.nullcontext():
        return loss_fn(x, indices_tuple=meta), loss_fn


def manifold_value_and_grads(params, x, proxies, meta, exact=True):
    """The value and the gradients for the embeddings and the proxies; lambdaC=inf: the context loss alone."""
    if params["lambdaC"] == float("inf"):
        v1, g1, p1 = manifold_value_and_grads(dict(params, lambdaC=1.0), x, proxies, meta, exact)
        v0, g0, p0 = manifold_value_and_grads(dict(params, lambdaC=0.0), x, proxies, meta, exact)
        return v1 - v0, g1 - g0, p1 - p0
    emb = torch.tensor(x, requires_grad=True)
    value, loss_fn = pml_manifold(params, emb, torch.tensor(proxies), torch.tensor(meta), exact)
    value.backward()
    return value.item(), emb.grad.detach().numpy(), loss_fn.proxies.grad.detach().numpy()


def np_manifold(meta, x, proxies, lambdaC=1.0, alpha=0.8, margin=5e-4):
    """An independent numpy ManifoldLoss (float64 inverse); lambdaC=inf: the context loss alone."""
    n, k = len(x), len(proxies)
    z = np.concatenate([x, proxies])
    u = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
    s = np.exp(np.clip(u @ u.T, 0, None) / 0.5)
    np.fill_diagonal(s, 0)
    d = s.sum(1) ** -0.5
    f = (1 - alpha) * np.linalg.inv(np.eye(n + k) - alpha * d[:, None] * s * d[None, :])

    def soft_hinge(m):
        total = 0.0
        for i in range(n):
            row = m[i] - m[i, meta[i]] + margin
            keep = [j for j in range(k) if j != meta[i] and row[j] >= 0]
            total += np.log1p(np.exp(row[keep]).sum())
        return total / n

    fe, fp = f[:n], f[n:]
    ctx = soft_hinge((fe @ fp.T) / np.outer(np.linalg.norm(fe, axis=1), np.linalg.norm(fp, axis=1)))
    if lambdaC == float("inf"):
        return ctx
    return soft_hinge(f[:n, n:]) + lambdaC * ctx


def proxy_fd_check(params, x, proxies, meta, grad, rng, coords=24):
    """Central differences of the (float64) loss in the proxies, against grad."""
    def value(p):
        return manifold_value_and_grads(params, x, p, meta)[0]

    worst = 0.0
    for _ in range(coords):
        i, j = int(rng.integers(proxies.shape[0])), int(rng.integers(proxies.shape[1]))
        h = 1e-6 * max(1.0, np.abs(proxies[i]).max())
        plus, minus = proxies.copy(), proxies.copy()
        plus[i, j] += h
        minus[i, j] -= h
        worst = max(worst, abs((value(plus) - value(minus)) / (2 * h) - grad[i, j]))
    scale = np.abs(grad).max()
    return worst / scale if scale > 0 else worst


MANIFOLD_FAMILIES = {
    # family: (K, params beyond l and K)
    "manifold": (4, {}),
    "manifold_k6_alpha06": (6, {"lambdaC": 0.5, "alpha": 0.6, "margin": 0.01}),
    "manifold_lambda0": (3, {"lambdaC": 0.0}),
    "manifold_lambda_inf": (3, {"lambdaC": float("inf"), "margin": 0.002}),
}

# category: (N, d, embedding scale, kind)
MANIFOLD_CATEGORIES = {
    "random1": (12, 8, 1.0, "random"),
    "random2": (16, 16, 0.25, "random"),
    "random3": (24, 4, 4.0, "random"),
    "edge_all_same_label": (8, 8, 1.0, "same"),
    "edge_all_distinct_labels": (None, 6, 1.0, "distinct"),
    "edge_duplicate_embeddings": (12, 4, 1.0, "duplicates"),
    "edge_large_values": (10, 8, 4096.0, "random"),
}


def manifold_inputs(rng, K, n, dim, scale, kind):
    """Meta-classes, embeddings loosely around their proxies, and proxies (float32-representable)."""
    n = K if kind == "distinct" else n
    proxies = float32_exact(rng.standard_normal((K, dim)))
    if kind == "same":
        meta = np.zeros(n, dtype=int)
    elif kind == "distinct":
        meta = rng.permutation(K)
    else:
        meta = rng.integers(0, K, n)
    x = 0.3 * proxies[meta] + rng.standard_normal((n, dim))
    if kind == "duplicates":
        x[1] = x[0]
        x[5] = x[3]
        x[2] = proxies[meta[2]]  # an embedding equal to a proxy
    return meta, float32_exact(scale * x), proxies


def manifold_case(family, category, index):
    K, extra = MANIFOLD_FAMILIES[family]
    n, dim, scale, kind = MANIFOLD_CATEGORIES[category]
    seed = SEED + index
    rng = np.random.default_rng(seed)
    meta, x, proxies = manifold_inputs(rng, K, n, dim, scale, kind)
    spec = manifold_spec(K, dim, **extra)
    params = spec["params"]
    value, grad, grad_p = manifold_value_and_grads(params, x, proxies, meta)
    v32, g32, p32 = manifold_value_and_grads(params, x, proxies, meta, exact=False)
    fn = lambda v: manifold_value_and_grads(params, v.detach().numpy(), proxies, meta)[0]
    checks = {"fd_applicable": True}
    coords = min(48, x.size)
    pick = rng.choice(x.size, size=coords, replace=False)
    worst = 0.0
    for flat in pick:
        i, j = divmod(int(flat), dim)
        h = 1e-6 * max(1.0, np.abs(x[i]).max())
        plus, minus = x.copy(), x.copy()
        plus[i, j] += h
        minus[i, j] -= h
        numeric = (fn(torch.tensor(plus)) - fn(torch.tensor(minus))) / (2 * h)
        worst = max(worst, abs(numeric - grad[i, j]))
    scale_g = np.abs(grad).max()
    checks.update(fd_coords_checked=int(coords), fd_max_abs_err=float(worst),
                  fd_max_err_relative_to_max_abs_grad=float(worst / scale_g if scale_g > 0 else worst),
                  fd_proxies_max_err_relative_to_max_abs_grad=float(proxy_fd_check(params, x, proxies, meta, grad_p,
                                                                                   rng)),
                  numpy_loss_abs_diff=abs(np_manifold(meta, x, proxies, params["lambdaC"], params["alpha"],
                                                      params["margin"]) - value),
                  pml_float32_inverse_loss_rel_diff=abs(v32 - value) / max(abs(value), 1e-300),
                  pml_float32_inverse_grad_rel_diff=float(np.abs(g32 - grad).max() / max(scale_g, 1e-300)),
                  pml_float32_inverse_grad_proxies_rel_diff=float(np.abs(p32 - grad_p).max()
                                                                  / max(np.abs(grad_p).max(), 1e-300)))
    inputs = label_inputs(meta, x)
    inputs.update(num_classes=K, proxies=proxies.tolist(),
                  labels_meaning="the meta-class (proxy index) of each embedding: PML's indices_tuple; PML takes no"
                                 " labels")
    description = ("PML ManifoldLoss(%s) on %s: N=%d, d=%d, K=%d, embeddings scale %g; the inverse in float64 "
                   "(PML's float32 cast removed)" % (params, category, len(meta), dim, K, scale))
    if params["lambdaC"] == float("inf"):
        description += "; lambdaC=inf: the context loss alone, PML(lambdaC=1) - PML(lambdaC=0) (stock PML: inf)"
    return {"schema": "dml-golden/loss/v1", "case_id": family + "__" + category, "family": family,
            "category": category, "description": description, "seed": seed, "inputs": inputs, "loss": spec,
            "miner": None, "mined_indices": None,
            "expected": {"loss": value, "loss_is_nan": bool(np.isnan(value)), "grad_embeddings": grad.tolist(),
                         "grad_proxies": grad_p.tolist(),
                         "grad_embeddings_all_finite": bool(np.isfinite(grad).all())},
            "checks": checks, "environment": environment(GENERATOR)}


# ---- Smooth-AP ----

def smooth_ap_spec(temperature=0.01):
    spec = loss_spec("SmoothAPLoss", {"temperature": temperature}, distance_spec("CosineSimilarity"))
    spec["source"] = "PML development tree (not in 2.8.1); references from the formula (module docstring)"
    return spec


def torch_smooth_ap(x, labels, temperature):
    """The Smooth-AP formula, positives grouped by label (the expected values' autograd)."""
    u = F.normalize(x, dim=1)
    s = u @ u.T
    n = len(labels)
    lab = torch.tensor(labels)
    same = (lab[:, None] == lab[None, :]).double()
    # sig[q, i, j] = sigma((S_qj - S_qi)/t), j != i
    sig = torch.sigmoid((s[:, None, :] - s[:, :, None]) / temperature) * (1 - torch.eye(n))[None]
    rank_all = 1 + sig.sum(-1)
    rank_pos = 1 + (sig * same[:, None, :]).sum(-1)
    ap = (same * rank_pos / rank_all).sum(1) / same.sum(1)
    return (1 - ap).mean()


def np_smooth_ap(labels, x, temperature):
    u = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    s = u @ u.T
    n = len(labels)
    losses_ = []
    for q in range(n):
        pos = [i for i in range(n) if labels[i] == labels[q]]
        total = 0.0
        for i in pos:
            sg = {j: 1 / (1 + np.exp(-(s[q, j] - s[q, i]) / temperature)) for j in range(n) if j != i}
            total += (1 + sum(sg[j] for j in pos if j != i)) / (1 + sum(sg.values()))
        losses_.append(1 - total / len(pos))
    return float(np.mean(losses_))


def devtree_smooth_ap(x, labels, temperature):
    """A transcription of the development tree's SmoothAPLoss.compute_loss (positional groups)."""
    batch = x.size(0)
    groups = batch // torch.unique(torch.tensor(labels)).size(0)  # the tree's "num_classes_batch"
    mask = (1.0 - torch.eye(batch)).unsqueeze(0).repeat(batch, 1, 1)
    sims = F.cosine_similarity(x[None, :, :], x[:, None, :], dim=-1)
    rep = sims.unsqueeze(1).repeat(1, batch, 1)
    ranks = torch.sum(torch.sigmoid((rep - rep.permute(0, 2, 1)) / temperature) * mask, dim=-1) + 1
    g = batch // groups
    xs = x.view(groups, g, x.size(-1)).permute(0, 2, 1)
    pos_mask = (1.0 - torch.eye(g)).unsqueeze(0).unsqueeze(0).repeat(groups, g, 1, 1)
    sims_pos = F.cosine_similarity(xs[:, :, None, :], xs[:, :, :, None])
    prep = sims_pos.unsqueeze(2).repeat(1, 1, g, 1)
    pos_ranks = torch.sum(torch.sigmoid((prep - prep.permute(0, 1, 3, 2)) / temperature) * pos_mask, dim=-1) + 1
    ap = torch.zeros(1)
    for i in range(groups):
        ap = ap + (torch.sum(pos_ranks[i] / ranks[i * g:(i + 1) * g, i * g:(i + 1) * g]) / g) / batch
    return (1 - ap).sum()


SMOOTH_AP_FAMILIES = {"smooth_ap": 0.01, "smooth_ap_t01": 0.1}

# category: (labels, d, scale, kind); "sorted" batches have C classes of C members in class blocks, where the
# development tree's positional groups are the classes
SMOOTH_AP_CATEGORIES = {
    "random1": (np.repeat(np.arange(3), 3), 8, 1.0, "sorted"),
    "random2": (np.repeat(np.arange(4), 4), 4, 0.25, "sorted"),
    "random3": (None, 16, 4.0, "unsorted"),
    "edge_all_same_label": (np.zeros(8, dtype=int), 8, 1.0, "sorted"),
    "edge_all_distinct_labels": (np.arange(8), 4, 1.0, "distinct"),
    "edge_duplicate_embeddings": (np.repeat(np.arange(3), 3), 4, 1.0, "duplicates"),
    "edge_large_values": (np.repeat(np.arange(3), 3), 8, 4096.0, "sorted"),
}


def smooth_ap_case(family, category, index):
    temperature = SMOOTH_AP_FAMILIES[family]
    labels, dim, scale, kind = SMOOTH_AP_CATEGORIES[category]
    seed = SEED + 1000 + index
    rng = np.random.default_rng(seed)
    if labels is None:
        labels = rng.permutation(np.repeat(np.arange(4), [2, 3, 4, 3]))
    centres = rng.standard_normal((int(labels.max()) + 1, dim))
    x = centres[labels] + 1.5 * rng.standard_normal((len(labels), dim))
    if kind == "duplicates":
        x[1] = x[0]
        x[7] = x[2]
    x = float32_exact(scale * x)
    spec = smooth_ap_spec(temperature)
    emb = torch.tensor(x, requires_grad=True)
    value = torch_smooth_ap(emb, labels, temperature)
    value.backward()
    grad = emb.grad.detach()
    coords, fd_abs, fd_rel = finite_difference_check(lambda v: torch_smooth_ap(v, labels, temperature),
                                                     torch.tensor(x), rng)
    checks = {"fd_coords_checked": coords, "fd_max_abs_err": fd_abs, "fd_max_err_relative_to_max_abs_grad": fd_rel,
              "fd_applicable": True,
              "numpy_loss_abs_diff": abs(np_smooth_ap(labels, x, temperature) - value.item())}
    tree_x = torch.tensor(x, requires_grad=True)
    tree = devtree_smooth_ap(tree_x, labels, temperature)
    tree.backward()
    checks["devtree_rejects_batch"] = len(set(np.bincount(labels)[np.unique(labels)].tolist())) != 1
    checks["devtree_applies"] = kind in ("sorted", "duplicates") and len(labels) == len(set(labels.tolist())) ** 2
    checks["devtree_loss_abs_diff"] = abs(tree.item() - value.item())
    checks["devtree_grad_max_abs_diff"] = float((tree_x.grad - grad).abs().max())
    description = ("Smooth-AP (PML development tree SmoothAPLoss, temperature=%g) on %s: B=%d, d=%d, embeddings "
                   "scale %g" % (temperature, category, len(labels), dim, scale))
    return {"schema": "dml-golden/loss/v1", "case_id": family + "__" + category, "family": family,
            "category": category, "description": description, "seed": seed,
            "inputs": label_inputs(labels, x), "loss": spec, "miner": None, "mined_indices": None,
            "expected": {"loss": value.item(), "loss_is_nan": False, "grad_embeddings": grad.tolist(),
                         "grad_embeddings_all_finite": bool(torch.isfinite(grad).all())},
            "checks": checks, "environment": environment(GENERATOR)}


def main(out_dir):
    torch.set_default_dtype(torch.float64)
    cases = []
    for f_index, family in enumerate(MANIFOLD_FAMILIES):
        for c_index, category in enumerate(MANIFOLD_CATEGORIES):
            cases.append(manifold_case(family, category, 100 * f_index + c_index))
    for f_index, family in enumerate(SMOOTH_AP_FAMILIES):
        for c_index, category in enumerate(SMOOTH_AP_CATEGORIES):
            cases.append(smooth_ap_case(family, category, 100 * f_index + c_index))
    for case in cases:
        write_case(os.path.join(out_dir, case["case_id"] + ".json"), case)
        c = case["checks"]
        extra = ("f32=%.1e" % c["pml_float32_inverse_loss_rel_diff"] if "pml_float32_inverse_loss_rel_diff" in c
                 else "tree=%s %.1e" % (c["devtree_applies"], c["devtree_loss_abs_diff"]))
        print("%-46s loss=%-22r fd_rel=%.2e numpy_diff=%.1e %s" % (
            case["case_id"], case["expected"]["loss"], c["fd_max_err_relative_to_max_abs_grad"],
            c["numpy_loss_abs_diff"], extra))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: pml-golden-losses-d.py LOSSES_DIR")
    main(sys.argv[1])

"""Shared parts of the scripts that write PML golden cases (run in the peer environment, .bench-venv):
building PML distances, reducers, regularizers, losses and miners from the golden schema's specifications
(../shared/golden/README.md), float32-representable clustered inputs, mined-tuple JSON, the environment record,
and strict-JSON case writing.
"""
import json
import math
import os

import numpy as np
import torch
import pytorch_metric_learning as pml
from pytorch_metric_learning import distances, miners, reducers, regularizers
from pytorch_metric_learning import losses


DISTANCE_MEANINGS = {
    "LpDistance": "D[i,j] = ||u_i - v_j||_2 (to the given power) with u,v the L2-normalized rows when "
                  "normalize_embeddings, else the raw rows; smaller = more similar",
    "CosineSimilarity": "S[i,j] = <u_i, v_j> with u,v the L2-normalized rows (x/max(||x||,1e-12)); larger = more "
                        "similar (is_inverted=true)",
    "DotProductSimilarity": "S[i,j] = <u_i, v_j> with u,v the L2-normalized rows when normalize_embeddings, else the "
                            "raw rows; larger = more similar (is_inverted=true)",
}


def distance_spec(pml_class, normalize_embeddings=True, power=1):
    """The golden schema's description of a PML distance."""
    return {"pml_class": pml_class, "normalize_embeddings": normalize_embeddings,
            "is_inverted": pml_class in ("CosineSimilarity", "DotProductSimilarity"), "p": 2, "power": power,
            "meaning": DISTANCE_MEANINGS[pml_class]}


def loss_spec(pml_class, params, distance, reducer="MeanReducer"):
    """The golden schema's description of a PML loss with PML's default reducer."""
    return {"pml_class": pml_class, "params": params, "distance": distance,
            "embeddings_l2_normalized_by_distance": distance["normalize_embeddings"],
            "reducer": {"pml_class": reducer, "is_pml_default_for_loss": True}}


def miner_spec(pml_class, params, distance):
    """The golden schema's description of a PML miner."""
    return {"pml_class": pml_class, "params": params, "distance": distance,
            "note": "miner is run on the same (raw) embeddings under no_grad; its output indices are treated as "
                    "constants for the gradient"}


def float32_exact(x):
    """x rounded to float32 and back: inputs a float32 implementation sees exactly."""
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def finite_difference_error(value_of, x, grad, rng, coords=24):
    """Central differences (h = 1e-6 max(1, max|row|)) of value_of(x) on random coordinates of x, against grad."""
    x = x.detach().clone()
    worst = 0.0
    picks = [(int(rng.integers(x.shape[0])), int(rng.integers(x.shape[1]))) for _ in range(coords)]
    for i, k in picks:
        h = 1e-6 * max(1.0, float(x[i].abs().max()))
        plus, minus = x.clone(), x.clone()
        plus[i, k] += h
        minus[i, k] -= h
        numeric = (value_of(plus) - value_of(minus)) / (2 * h)
        worst = max(worst, abs(numeric - float(grad[i, k])))
    scale = float(grad.abs().max()) if grad.numel() else 0.0
    return {"fd_coords_checked": coords, "fd_max_abs_err": worst,
            "fd_max_err_relative_to_max_abs_grad": worst / scale if scale > 0 else worst}


def build_distance(spec):
    cls = getattr(distances, spec["pml_class"])
    if spec["pml_class"] == "CosineSimilarity":
        return cls()  # always normalizes
    kwargs = {"normalize_embeddings": spec["normalize_embeddings"]}
    if spec["pml_class"] == "LpDistance":
        kwargs.update(p=spec["p"], power=spec["power"])
    return cls(**kwargs)


def build_reducer(spec):
    if spec["pml_class"] == "MultipleReducers":
        if spec.get("is_pml_default_for_loss", True):
            return None  # the loss's default
        subs = {name: build_reducer(sub if isinstance(sub, dict) else {"pml_class": sub})
                for name, sub in spec["sub_loss_reducers"].items()}
        default = build_reducer(spec["default_reducer"]) if "default_reducer" in spec else None
        return reducers.MultipleReducers(subs, default_reducer=default)
    if spec["pml_class"] == "ClassWeightedReducer":
        return reducers.ClassWeightedReducer(torch.tensor(spec["weights"], dtype=torch.float64))
    return getattr(reducers, spec["pml_class"])()


def build_regularizer(spec):
    """A PML regularizer from {pml_class, params, [reducer]} (the distance is the class's default)."""
    kwargs = dict(spec.get("params", {}))
    if spec.get("reducer") is not None:
        kwargs["reducer"] = build_reducer(spec["reducer"])
    return getattr(regularizers, spec["pml_class"])(**kwargs)


def build_loss(spec):
    kwargs = dict(spec["params"])
    for name in ("embedding_regularizer", "weight_regularizer"):
        if kwargs.get(name) is not None:
            kwargs[name] = build_regularizer(kwargs[name])
    kwargs["distance"] = build_distance(spec["distance"])
    reducer = build_reducer(spec["reducer"])
    if reducer is not None:
        kwargs["reducer"] = reducer
    return getattr(losses, spec["pml_class"])(**kwargs)


def build_miner(spec):
    if spec is None:
        return None
    return getattr(miners, spec["pml_class"])(distance=build_distance(spec["distance"]), **spec["params"])


def indices_json(tuples):
    if tuples is None:
        return None
    t = [x.tolist() for x in tuples]
    if len(t) == 3:
        return {"type": "triplets", "anchor": t[0], "positive": t[1], "negative": t[2], "count": len(t[0])}
    return {"type": "pairs", "pos_anchor": t[0], "positive": t[1], "neg_anchor": t[2], "negative": t[3],
            "num_pos_pairs": len(t[0]), "num_neg_pairs": len(t[2])}


def clustered(rng, labels, dim, centres):
    # float32-representable inputs, as the public golden cases
    x = centres[labels] + 0.8 * rng.standard_normal((len(labels), dim))
    return x.astype(np.float32).astype(np.float64)


def ref_case(family, template, rng, seed, generator):
    """A dml-golden/loss-ref/v1 case: PML's loss(embeddings, labels, indices_tuple, ref_emb, ref_labels) with the loss
    (and miner, then mined as miner(embeddings, labels, ref_emb, ref_labels)) of a golden case template."""
    dim = 6
    labels = np.array([0, 1, 2, 0, 1, 3, 2, 0])
    ref_labels = np.array([0, 1, 2, 2, 0, 1, 3, 4, 1, 0])
    centres = rng.standard_normal((5, dim))
    emb = torch.tensor(clustered(rng, labels, dim, centres), requires_grad=True)
    ref = torch.tensor(clustered(rng, ref_labels, dim, centres), requires_grad=True)
    lab, ref_lab = torch.tensor(labels), torch.tensor(ref_labels)
    loss_fn, miner = build_loss(template["loss"]), build_miner(template["miner"])
    tuples = miner(emb, lab, ref, ref_lab) if miner is not None else None
    value = loss_fn(emb, lab, tuples, ref, ref_lab)
    value.backward()
    inputs = {"batch_size": len(labels), "embedding_dim": dim, "labels": labels.tolist(),
              "embeddings": emb.detach().tolist(), "ref_size": len(ref_labels), "ref_labels": ref_labels.tolist(),
              "ref_embeddings": ref.detach().tolist()}
    return {"schema": "dml-golden/loss-ref/v1", "case_id": "ref_" + family, "family": family,
            "description": "loss(embeddings, labels, indices_tuple, ref_emb, ref_labels) with the loss (and miner) "
                           "of golden case " + family + "__random1",
            "seed": seed, "inputs": inputs, "loss": template["loss"], "miner": template["miner"],
            "mined_indices": indices_json(tuples),
            "expected": {"loss": value.item(), "grad_embeddings": emb.grad.tolist(),
                         "grad_ref_embeddings": ref.grad.tolist()},
            "environment": environment(generator)}


def environment(generator):
    """The versions a case was computed with, and the script (path from the repository root) that wrote it."""
    return {"pml_version": pml.__version__, "torch_version": torch.__version__, "numpy_version": np.__version__,
            "generator": generator}


def finite_or_string(value):
    """A JSON-safe copy of nested dicts and lists: NaN and infinities become the strings of the golden schema."""
    if isinstance(value, dict):
        return {k: finite_or_string(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_string(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def write_case(path, case):
    """Writes one case as strict JSON (no NaN literals), creating its folder."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        json.dump(finite_or_string(case), f, indent=1, allow_nan=False)


# ---- loss cases (dml-golden/loss/v1) computed by PML: specifications, inputs, value, gradient, checks ----

def label_inputs(labels, embeddings):
    """The inputs object of a tuple-loss case."""
    labels = np.asarray(labels)
    values, counts = np.unique(labels, return_counts=True)
    return {"batch_size": int(len(labels)), "embedding_dim": int(embeddings.shape[1]),
            "num_classes": int(len(values)), "num_classes_present": int(len(values)),
            "num_singleton_classes": int((counts == 1).sum()), "labels": labels.tolist(),
            "embeddings": embeddings.tolist()}


def finite_difference_check(fn, x, rng, coords=48):
    """Central differences (h = 1e-6 max(1, max|row|)) of fn at up to `coords` random coordinates of x, against
    fn's autograd gradient: (coordinates checked, max abs error, max error / max |gradient|)."""
    x = x.detach().clone().requires_grad_(True)
    fn(x).backward()
    grad = x.grad.detach()
    flat = rng.choice(x.numel(), size=min(coords, x.numel()), replace=False)
    worst = 0.0
    with torch.no_grad():
        for k in flat:
            i, j = divmod(int(k), x.shape[1])
            h = 1e-6 * max(1.0, x[i].abs().max().item())
            plus, minus = x.clone(), x.clone()
            plus[i, j] += h
            minus[i, j] -= h
            numeric = (fn(plus).item() - fn(minus).item()) / (2 * h)
            worst = max(worst, abs(numeric - grad[i, j].item()))
    scale = grad.abs().max().item()
    return len(flat), worst, worst / scale if scale > 0 else 0.0


def loss_case(family, category, description, seed, labels, embeddings, spec, miner_spec=None, numpy_value=None,
              generator=None, rng=None):
    """One dml-golden/loss/v1 case: PML's value and gradient (float64) of the loss `spec` on the inputs (with the
    tuples of `miner_spec`, held constant), central finite differences, and the value of an independent numpy
    implementation `numpy_value(labels, embeddings)` where one is given. Every evaluation uses a fresh loss object
    (a first call, for losses that keep state between calls)."""
    miner = build_miner(miner_spec)
    lab = torch.tensor(labels)
    emb = torch.tensor(embeddings, dtype=torch.float64, requires_grad=True)
    tuples = miner(emb.detach(), lab) if miner is not None else None

    def evaluate(v):
        return build_loss(spec)(v, lab, tuples)

    value = evaluate(emb)
    value.backward()
    grad = emb.grad.detach()
    coords, fd_abs, fd_rel = finite_difference_check(evaluate, emb,
                                                     rng if rng is not None else np.random.default_rng(seed))
    checks = {"fd_coords_checked": coords, "fd_max_abs_err": fd_abs, "fd_max_err_relative_to_max_abs_grad": fd_rel,
              "fd_applicable": True}
    if numpy_value is not None:
        checks["numpy_loss_abs_diff"] = abs(numpy_value(np.asarray(labels), np.asarray(embeddings)) - value.item())
    return {"schema": "dml-golden/loss/v1", "case_id": family + "__" + category, "family": family,
            "category": category, "description": description, "seed": seed,
            "inputs": label_inputs(labels, np.asarray(embeddings)), "loss": spec, "miner": miner_spec,
            "mined_indices": indices_json(tuples),
            "expected": {"loss": value.item(), "loss_is_nan": bool(torch.isnan(value).item()),
                         "grad_embeddings": grad.tolist(),
                         "grad_embeddings_all_finite": bool(torch.isfinite(grad).all().item())},
            "checks": checks, "environment": environment(generator)}


# ---- cases of losses with class parameters, of two-view losses and of MultipleLosses (pml-golden-losses-b.py) ----

DISTANCE_MEANINGS.update({
    "DotProductSimilarity": "S[i,j] = <u_i, v_j> with u,v the L2-normalized rows when normalize_embeddings, else the "
                            "raw rows; larger = more similar",
    "SNRDistance": "D[i,j] = var(u_i - v_j) / var(u_i) over the embedding dimensions (unbiased variances), u,v the "
                   "L2-normalized rows when normalize_embeddings; smaller = more similar",
})


def any_distance_spec(pml_class, normalize_embeddings=True, power=1):
    """distance_spec for every PML distance (the similarities are inverted)."""
    spec = distance_spec(pml_class, normalize_embeddings, power)
    spec["is_inverted"] = pml_class in ("CosineSimilarity", "DotProductSimilarity")
    return spec


def build_any_loss(spec):
    """build_loss, also for a loss without a distance (spec distance null: the loss's own), MultipleLosses and
    SelfSupervisedLoss ({pml_class, params: {symmetric}, loss: the wrapped loss's spec})."""
    if spec["pml_class"] == "SelfSupervisedLoss":
        return losses.SelfSupervisedLoss(build_any_loss(spec["loss"]), **spec["params"])
    if spec["pml_class"] == "MultipleLosses":
        miners_ = [build_miner(m) for m in spec["miners"]]
        return losses.MultipleLosses([build_any_loss(s) for s in spec["losses"]],
                                     miners=miners_ if any(m is not None for m in miners_) else None,
                                     weights=spec["params"]["weights"])
    if spec["distance"] is not None:
        return build_loss(spec)
    kwargs = dict(spec["params"])
    reducer = build_reducer(spec["reducer"])
    if reducer is not None:
        kwargs["reducer"] = reducer
    return getattr(losses, spec["pml_class"])(**kwargs)


def _expected(value, grad):
    return {"loss": value.item(), "loss_is_nan": bool(torch.isnan(value).item()), "grad_embeddings": grad.tolist(),
            "grad_embeddings_all_finite": bool(torch.isfinite(grad).all().item())}


def _numpy_check(checks, numpy_value, value, *args):
    if numpy_value is not None:
        checks["numpy_loss_abs_diff"] = abs(numpy_value(*args) - value.item())


def class_parameter_case(family, category, description, seed, labels, embeddings, spec, weights, attribute,
                         numpy_value=None, generator=None, rng=None):
    """A dml-golden/loss/v1 case of a loss with a class-parameter matrix `attribute` (PML layout [d][columns]),
    set to `weights` before the call: inputs.W and expected.grad_W (the gradient PML's autograd gives that
    parameter), and numpy_value(labels, embeddings, weights) as the independent check."""
    loss_fn = build_any_loss(spec)
    param = getattr(loss_fn, attribute)
    lab = torch.tensor(labels)

    def value_of(x):
        param.data = torch.tensor(weights, dtype=torch.float64)
        return loss_fn(x, lab)

    emb = torch.tensor(embeddings, dtype=torch.float64, requires_grad=True)
    param.grad = None
    value = value_of(emb)
    value.backward()
    grad, grad_w = emb.grad.detach().clone(), param.grad.detach().clone()  # the check below adds to .grad
    coords, fd_abs, fd_rel = finite_difference_check(value_of, emb, rng if rng is not None
                                                     else np.random.default_rng(seed))
    checks = {"fd_coords_checked": coords, "fd_max_abs_err": fd_abs, "fd_max_err_relative_to_max_abs_grad": fd_rel,
              "fd_applicable": True}
    _numpy_check(checks, numpy_value, value, np.asarray(labels), np.asarray(embeddings), np.asarray(weights))
    inputs = label_inputs(labels, np.asarray(embeddings))
    inputs.update(num_classes=int(spec["params"]["num_classes"]), W=np.asarray(weights).tolist(),
                  W_layout="[embedding_dim][columns]; column j is PML's " + attribute + "[:, j]")
    expected = _expected(value, grad)
    expected["grad_W"] = grad_w.tolist()
    return {"schema": "dml-golden/loss/v1", "case_id": family + "__" + category, "family": family,
            "category": category, "description": description, "seed": seed, "inputs": inputs, "loss": spec,
            "miner": None, "mined_indices": None, "expected": expected, "checks": checks,
            "environment": environment(generator)}


def two_view_case(family, category, description, seed, view1, view2, spec, numpy_value=None, generator=None,
                  rng=None):
    """A dml-golden/loss/v1 case of a loss between two views, PML's loss(view1, ref_emb=view2) without labels:
    inputs.labels null, inputs.ref_embeddings (the second view) and expected.grad_ref_embeddings."""
    loss_fn = build_any_loss(spec)
    z1 = torch.tensor(view1, dtype=torch.float64, requires_grad=True)
    z2 = torch.tensor(view2, dtype=torch.float64, requires_grad=True)
    value = loss_fn(z1, ref_emb=z2)
    value.backward()
    coords, fd_abs, fd_rel = finite_difference_check(lambda v: loss_fn(v, ref_emb=z2.detach()), z1,
                                                     rng if rng is not None else np.random.default_rng(seed))
    checks = {"fd_coords_checked": coords, "fd_max_abs_err": fd_abs, "fd_max_err_relative_to_max_abs_grad": fd_rel,
              "fd_applicable": True}
    _numpy_check(checks, numpy_value, value, np.asarray(view1), np.asarray(view2))
    expected = _expected(value, z1.grad.detach())
    expected["grad_ref_embeddings"] = z2.grad.detach().tolist()
    inputs = {"batch_size": len(view1), "embedding_dim": int(np.asarray(view1).shape[1]), "labels": None,
              "embeddings": np.asarray(view1).tolist(), "ref_embeddings": np.asarray(view2).tolist()}
    return {"schema": "dml-golden/loss/v1", "case_id": family + "__" + category, "family": family,
            "category": category, "description": description, "seed": seed, "inputs": inputs, "loss": spec,
            "miner": None, "mined_indices": None, "expected": expected, "checks": checks,
            "environment": environment(generator)}


def multiple_losses_spec(terms, weights):
    """The loss object of a MultipleLosses case: terms = [(loss spec, miner spec or None)]."""
    return {"pml_class": "MultipleLosses", "params": {"weights": list(weights)},
            "losses": [t[0] for t in terms], "miners": [t[1] for t in terms]}


def multiple_losses_case(family, category, description, seed, labels, embeddings, spec, numpy_value=None,
                         generator=None, rng=None):
    """A dml-golden/loss/v1 case of PML's MultipleLosses: each term's miner output in mined_indices_per_loss (null
    for a term without a miner), mined on the embeddings as MultipleLosses does."""
    loss_fn = build_any_loss(spec)
    lab = torch.tensor(labels)
    emb = torch.tensor(embeddings, dtype=torch.float64, requires_grad=True)
    value = loss_fn(emb, lab)
    value.backward()
    mined = [indices_json(build_miner(m)(emb.detach(), lab)) if m is not None else None for m in spec["miners"]]
    fixed = [build_miner(m)(emb.detach(), lab) if m is not None else None for m in spec["miners"]]
    terms = [build_any_loss(s) for s in spec["losses"]]

    def value_of(x):
        return sum(w * t(x, lab, f) for w, t, f in zip(spec["params"]["weights"], terms, fixed))

    coords, fd_abs, fd_rel = finite_difference_check(value_of, emb, rng if rng is not None
                                                     else np.random.default_rng(seed))
    checks = {"fd_coords_checked": coords, "fd_max_abs_err": fd_abs, "fd_max_err_relative_to_max_abs_grad": fd_rel,
              "fd_applicable": True, "fd_note": "mined tuples held fixed"}
    _numpy_check(checks, numpy_value, value, np.asarray(labels), np.asarray(embeddings))
    return {"schema": "dml-golden/loss/v1", "case_id": family + "__" + category, "family": family,
            "category": category, "description": description, "seed": seed,
            "inputs": label_inputs(labels, np.asarray(embeddings)), "loss": spec, "miner": None,
            "mined_indices": None, "mined_indices_per_loss": mined, "expected": _expected(value, emb.grad.detach()),
            "checks": checks, "environment": environment(generator)}

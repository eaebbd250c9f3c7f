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

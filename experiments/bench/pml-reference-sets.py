#!/usr/bin/env python3
"""Writes golden cases of losses against a reference set and of cross-batch memory, computed by PML 2.8.1.

The loss and miner specifications (PML class, parameters, distance, reducer) are those of the public golden cases
(/work/shared/golden, schema dml-golden/loss/v1, file LOSSES_DIR/<family>__random1.json), so DML4J's
conformance translator reads them. Two kinds of case, float64 throughout:

* schema dml-golden/loss-ref/v1: dml-golden/loss/v1 plus inputs.ref_labels, inputs.ref_embeddings and
  expected.grad_ref_embeddings; PML computes loss(embeddings, labels, indices_tuple, ref_emb, ref_labels), the
  indices_tuple mined by miner(embeddings, labels, ref_emb, ref_labels) when the case has a miner (mined_indices).
* schema dml-golden/xbm/v1: PML's CrossBatchMemory(loss, embedding_size, memory_size, miner) called on a sequence
  of batches (steps[k].labels/embeddings); expected per step: loss, grad_embeddings and the number of tuples used.

Run it in the peer environment (experiments/bench/setup-peer.sh):

  .bench-venv/bin/python experiments/bench/pml-reference-sets.py /work/shared/golden/losses \\
      tribuo-extensions/src/test/resources/golden-ref
"""
import json
import os
import sys

import numpy as np
import torch
from pytorch_metric_learning import losses

from pml_golden import build_loss, build_miner, clustered, environment, ref_case

SEED = 20261207
GENERATOR = "experiments/bench/pml-reference-sets.py"
REF_CASES = ["contrastive", "triplet_m02_all", "margin", "lifted_structure", "multi_similarity", "ntxent",
             "supcon", "circle", "nca", "multi_similarity_miner", "triplet_m02_semihard"]
XBM_CASES = ["contrastive", "multi_similarity_miner", "triplet_m02_semihard", "ntxent"]


def xbm_case(family, template, rng):
    dim, memory_size = 6, 12
    centres = rng.standard_normal((4, dim))
    loss_fn = build_loss(template["loss"])
    xbm = losses.CrossBatchMemory(loss_fn, dim, memory_size=memory_size, miner=build_miner(template["miner"]))
    steps = []
    for step in range(3):
        labels = np.array([0, 0, 1, 1, 2, 2, 3, 3]) if step % 2 == 0 else np.array([3, 3, 0, 1, 1, 2, 2, 0])
        emb = torch.tensor(clustered(rng, labels, dim, centres), requires_grad=True)
        value = xbm(emb, torch.tensor(labels))
        value.backward()
        steps.append({"labels": labels.tolist(), "embeddings": emb.detach().tolist(),
                      "expected": {"loss": value.item(), "grad_embeddings": emb.grad.tolist()}})
    return {"schema": "dml-golden/xbm/v1", "case_id": "xbm_" + family, "family": family,
            "description": "CrossBatchMemory(loss, embedding_size, memory_size, miner) over 3 batches of 8 (the "
                           "memory of 12 wraps) with the loss (and miner) of golden case " + family + "__random1",
            "seed": SEED, "inputs": {"embedding_dim": dim, "memory_size": memory_size, "steps": steps},
            "loss": template["loss"], "miner": template["miner"], "environment": environment(GENERATOR)}


def main(losses_dir, out_dir):
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(SEED)
    os.makedirs(out_dir, exist_ok=True)
    def make_ref(family, template, rng):
        return ref_case(family, template, rng, SEED, GENERATOR)

    for kind, families, make in (("ref", REF_CASES, make_ref), ("xbm", XBM_CASES, xbm_case)):
        for family in families:
            with open(os.path.join(losses_dir, family + "__random1.json")) as f:
                template = json.load(f)
            case = make(family, template, rng)
            with open(os.path.join(out_dir, kind + "_" + family + ".json"), "w") as f:
                json.dump(case, f, indent=1)
            print(kind, family, case["expected"]["loss"] if kind == "ref"
                  else [s["expected"]["loss"] for s in case["inputs"]["steps"]])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: pml-reference-sets.py LOSSES_DIR OUT_DIR")
    main(sys.argv[1], sys.argv[2])

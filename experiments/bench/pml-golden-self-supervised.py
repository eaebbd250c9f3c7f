"""Writes the golden cases of PML's SelfSupervisedLoss wrapper (dml-golden/loss/v1, two views: inputs.embeddings and
inputs.ref_embeddings, labels null, expected.grad_embeddings and expected.grad_ref_embeddings), PML's
loss_fn(view1, ref_emb=view2): NT-Xent symmetric (SimCLR, checked against a direct numpy NT-Xent) and not
symmetric, SupCon symmetric, each on random correlated views and on identical views.

Run with the peer environment: .bench-venv/bin/python experiments/bench/pml-golden-self-supervised.py OUT_DIR
(the cases go to tribuo-extensions/src/test/resources/golden/losses, which GoldenConformanceTest runs).
"""
import os
import sys

import numpy as np

from pml_golden import any_distance_spec, clustered, loss_spec, two_view_case, write_case

GENERATOR = "experiments/bench/pml-golden-self-supervised.py"


def np_simclr(view1, view2, temperature):
    """SimCLR's NT-Xent over the 2B rows: for each row, -log of the softmax weight of its other view among all
    other rows; the mean over the 2B rows."""
    z = np.concatenate([view1, view2])
    z = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
    s = z @ z.T / temperature
    n = len(view1)
    total = 0.0
    for i in range(2 * n):
        positive = (i + n) % (2 * n)
        others = [j for j in range(2 * n) if j != i]
        total += -(s[i, positive] - np.log(np.sum(np.exp(s[i, others]))))
    return total / (2 * n)


def main(out_dir):
    cosine = any_distance_spec("CosineSimilarity")
    families = {
        "self_supervised_ntxent": (loss_spec("NTXentLoss", {"temperature": 0.1}, cosine), True, 0.1),
        "self_supervised_ntxent_asymmetric": (loss_spec("NTXentLoss", {"temperature": 0.5}, cosine), False, None),
        "self_supervised_supcon": (loss_spec("SupConLoss", {"temperature": 0.1}, cosine,
                                             reducer="AvgNonZeroReducer"), True, None),
    }
    seed = 1800
    for family, (inner, symmetric, temperature) in families.items():
        spec = {"pml_class": "SelfSupervisedLoss", "params": {"symmetric": symmetric}, "loss": inner}
        for category, (n, d) in {"random1": (6, 4), "random2": (9, 8), "random3": (16, 5),
                                 "edge_identical_views": (5, 3)}.items():
            seed += 1
            rng = np.random.default_rng(seed)
            z1 = clustered(rng, np.zeros(n, dtype=int), d, np.zeros((1, d)))
            if category == "edge_identical_views":
                z2 = z1.copy()
            else:
                noise = clustered(rng, np.zeros(n, dtype=int), d, np.zeros((1, d)))
                z2 = (0.8 * z1 + 0.4 * noise).astype(np.float32).astype(np.float64)
            numpy_value = (lambda a, b, t=temperature: np_simclr(a, b, t)) if temperature else None
            case = two_view_case(family, category, "PML SelfSupervisedLoss(%s, symmetric=%s) on two views %s: "
                                 "B=%d, d=%d" % (inner["pml_class"], symmetric, category, n, d), seed, z1, z2, spec,
                                 numpy_value, GENERATOR, rng)
            write_case(os.path.join(out_dir, case["case_id"] + ".json"), case)
            print("%-48s loss=%r fd_rel=%.2e numpy_diff=%s" % (
                case["case_id"], case["expected"]["loss"], case["checks"]["fd_max_err_relative_to_max_abs_grad"],
                case["checks"].get("numpy_loss_abs_diff", "-")))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: pml-golden-self-supervised.py OUT_DIR")
    main(sys.argv[1])

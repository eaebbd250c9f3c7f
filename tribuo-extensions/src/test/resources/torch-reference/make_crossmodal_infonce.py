"""Generates crossmodal-infonce.json, the PyTorch reference values of CrossModalInfoNceTest: CLIP's symmetric
cross-modal InfoNCE loss (Radford et al. 2021) written directly in torch, float64, with a learnable log-scale
clamped to [ln(1/max_temperature), ln(1/min_temperature)], and its autograd gradients with respect to both
modalities' raw embeddings and the log-scale.

    python3 make_crossmodal_infonce.py     (torch 1.13, run from this directory; rewrites crossmodal-infonce.json)
"""
import json
import math

import torch
import torch.nn.functional as F


def loss(a, b, log_scale, min_t, max_t):
    s = log_scale.clamp(math.log(1 / max_t), math.log(1 / min_t))
    logits = s.exp() * F.normalize(a, dim=1) @ F.normalize(b, dim=1).T
    target = torch.arange(a.shape[0])
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def case(name, n, dim, log_scale, seed, min_t=0.01, max_t=1.0):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(n, dim, generator=g, dtype=torch.float64).float().double().requires_grad_()
    b = (a.detach() * 0.5 + torch.randn(n, dim, generator=g, dtype=torch.float64)).float().double().requires_grad_()
    s = torch.tensor(log_scale, dtype=torch.float64, requires_grad=True)
    value = loss(a, b, s, min_t, max_t)
    value.backward()
    return {"name": name, "min_temperature": min_t, "max_temperature": max_t, "log_scale": log_scale,
            "a": a.detach().tolist(), "b": b.detach().tolist(), "loss": value.item(),
            "grad_a": a.grad.tolist(), "grad_b": b.grad.tolist(), "grad_log_scale": s.grad.item()}


def main():
    cases = [case("clip-init-6x4", 6, 4, math.log(1 / 0.07), 1),
             case("warm-8x5", 8, 5, 1.3, 2),
             case("clamped-above-5x3", 5, 3, 5.0, 3),
             case("clamped-below-narrow-range-4x6", 4, 6, -0.5, 4, 0.05, 0.5)]
    with open("crossmodal-infonce.json", "w") as f:
        json.dump({"generator": "make_crossmodal_infonce.py", "torch": torch.__version__, "cases": cases}, f,
                  indent=1)


if __name__ == "__main__":
    main()

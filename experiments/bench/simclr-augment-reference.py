"""Writes the fixed-parameter reference cases of SimCLR's augmentations (simclr_augment.py: torchvision's
definitions in torch) that DML4J's augmentation tests compare with:
tribuo-extensions/src/test/resources/augment/simclr-augment-reference.json.

Run with the peer environment: .bench-venv/bin/python experiments/bench/simclr-augment-reference.py OUT_FILE
"""
import json
import sys

import torch

import simclr_augment as A


def image(gen, c, h, w):
    # float32-representable values in [0, 1], as the data sources give
    return torch.rand(c, h, w, generator=gen, dtype=torch.float64).to(torch.float32).to(torch.float64)


def flat(t):
    return t.reshape(-1).tolist()


def main(out):
    gen = torch.Generator().manual_seed(18)
    cases = {"crop": [], "jitter": [], "blur": []}
    for c, h, w, box in [(3, 7, 9, (1, 2, 5, 4)), (1, 8, 8, (0, 0, 8, 8)), (1, 8, 8, (3, 1, 2, 6)),
                         (3, 6, 5, (2, 1, 1, 1))]:
        img = image(gen, c, h, w)
        cases["crop"].append({"channels": c, "height": h, "width": w, "box": list(box), "image": flat(img),
                              "expected": flat(A.resized_crop(img, *box, (h, w)))})
    for c, order, factors in [(3, [0, 1, 2, 3], (1.3, 0.7, 1.4, 0.08)), (3, [3, 2, 1, 0], (0.6, 1.35, 0.65, -0.1)),
                              (3, [2, 0, 3, 1], (None, 1.2, 0.0, 0.05)), (1, [1, 3, 0, 2], (1.25, 0.62, 1.3, 0.1))]:
        img = image(gen, c, 6, 7)
        cases["jitter"].append({"channels": c, "height": 6, "width": 7, "order": order,
                                "factors": list(factors), "image": flat(img),
                                "expected": flat(A.jitter(img, order, *factors))})
    for c, k, sigma in [(1, 3, 0.8), (3, 5, 1.7), (1, 7, 0.3)]:
        img = image(gen, c, 9, 8)
        cases["blur"].append({"channels": c, "height": 9, "width": 8, "kernel_size": k, "sigma": sigma,
                              "image": flat(img), "expected": flat(A.gaussian_blur(img, k, sigma))})
    cases["environment"] = {"torch": torch.__version__,
                            "definitions": "torchvision 0.15 tensor transforms, ported in simclr_augment.py"}
    with open(out, "w") as f:
        json.dump(cases, f)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: simclr-augment-reference.py OUT_FILE")
    main(sys.argv[1])

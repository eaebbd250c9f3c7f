"""Generates image-networks.json, the PyTorch reference values of TorchReferenceTest: for each network spec, a small
float64 input batch, PyTorch-initialized parameters (seed 0) and random running statistics, and PyTorch's outputs in
inference mode and in training mode, the running statistics after the training pass, and the gradients of
L = sum(train_output * R) for a random R with respect to the input and every parameter. The networks come from
experiments/bench/peer_bench.py's image_network (the torch twin of DML4J's NetworkSpecs).

    python3 make_image_networks.py     (torch 1.13, run from this directory; rewrites image-networks.json)
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../../experiments/bench"))
from peer_bench import image_network  # noqa: E402

CASES = [("cnn:3,4,5:image=2x8x6", 3), ("resnet:3,4,5,6:image=2x8x8", 3), ("resnet:3,3,4:image=1x7x7,blocks=2", 2)]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def case(spec, batch):
    torch.manual_seed(0)
    c, h, w = (int(v) for v in dict(kv.split("=") for kv in spec.split(":")[2].split(","))["image"].split("x"))
    net = image_network(spec, c * h * w).double()
    buffers = [b for name, b in net.named_buffers() if not name.endswith("num_batches_tracked")]
    for i, b in enumerate(buffers):
        b.copy_(torch.rand_like(b) + 0.5 if i % 2 else torch.randn_like(b) * 0.1)
    x = torch.randn(batch, c * h * w, dtype=torch.float64, requires_grad=True)
    net.eval()
    with torch.no_grad():
        eval_out = net(x)
    buffers_before = [flat(b) for b in buffers]
    net.train()
    out = net(x)
    r = torch.randn_like(out)
    (out * r).sum().backward()
    return {
        "spec": spec, "input": flat(x), "batch": batch, "r": flat(r),
        "parameters": [flat(p) for p in net.parameters()], "buffers": buffers_before,
        "eval_output": flat(eval_out), "train_output": flat(out), "buffers_after": [flat(b) for b in buffers],
        "input_gradient": flat(x.grad), "parameter_gradients": [flat(p.grad) for p in net.parameters()],
    }


if __name__ == "__main__":
    out = {"torch": torch.__version__, "cases": [case(s, b) for s, b in CASES]}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "image-networks.json"), "w") as f:
        json.dump(out, f)

"""Generates blocks.json, the PyTorch reference values of BlocksTorchReferenceTest: for each of DML4J's blocks
(LayerNorm, MultiHeadAttention, TransformerBlock, AttentionPool, GeMPool2d), a small float64 input, random parameters
(seed 0; biases and norm weights random too, so that every parameter matters), and PyTorch's output and the gradients
of L = sum(output * R) for a random R with respect to the input and every parameter, by parameter name. Image inputs
and outputs are NCHW here; the test puts them in DML4J's CNHW layout.

    python3 make_blocks.py     (torch 1.13, run from this directory; rewrites blocks.json)
"""
import json
import os

import torch
from torch import nn


class Images(nn.Module):
    """Runs a token module over the H*W positions of an NCHW batch and returns NCHW."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        n, c, h, w = x.shape
        return self.inner(x.flatten(2).transpose(1, 2)).transpose(1, 2).reshape(n, c, h, w)


class SelfAttention(nn.MultiheadAttention):
    def __init__(self, width, heads):
        super().__init__(width, heads, batch_first=True)

    def forward(self, x):
        return super().forward(x, x, x, need_weights=False)[0]


class AttentionPool(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.query = nn.Parameter(torch.randn(1, 1, width))
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)

    def forward(self, x):
        if x.dim() == 4:
            x = x.flatten(2).transpose(1, 2)
        return self.attn(self.query.expand(x.shape[0], -1, -1), x, x, need_weights=False)[0][:, 0]


class GeM(nn.Module):
    """cirtorch's GeM pooling, flattened to rows."""

    def __init__(self, p=3.0, eps=1e-6):
        super().__init__()
        self.p = nn.Parameter(torch.ones(1) * p)
        self.eps = eps

    def forward(self, x):
        pooled = nn.functional.avg_pool2d(x.clamp(min=self.eps).pow(self.p), (x.size(-2), x.size(-1)))
        return pooled.pow(1. / self.p).flatten(1)


def transformer(width, heads):
    return nn.TransformerEncoderLayer(width, heads, 4 * width, dropout=0.0, activation="gelu", batch_first=True,
                                      norm_first=True)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def dml4j_name(name):
    """The parameter's name in DML4J's layer: without the wrappers' prefixes (SelfAttention is the bare layer)."""
    return name[len("inner."):] if name.startswith("inner.") else name


def case(name, layer, module, shape, image):
    torch.manual_seed(0)
    net = module().double()
    with torch.no_grad():
        for pname, p in net.named_parameters():
            if pname.endswith("p"):
                p.fill_(2.5)
            elif pname.startswith("norm") and pname.endswith("weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            else:
                p.copy_(0.4 * torch.randn_like(p))
    x = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    if isinstance(net, GeM):
        with torch.no_grad():
            x[0, 0, 0, 0] = -0.5  # clamped: no gradient there
            x.abs_()
            x[0, 0, 0, 0] = -0.5
    net.train()
    out = net(x)
    r = torch.randn_like(out)
    (out * r).sum().backward()
    return {
        "name": name, "layer": layer, "image": image, "shape": list(shape), "input": flat(x), "r": flat(r),
        "output_shape": list(out.shape), "output": flat(out), "input_gradient": flat(x.grad),
        "parameters": {dml4j_name(n): flat(p) for n, p in net.named_parameters()},
        "parameter_gradients": {dml4j_name(n): flat(p.grad) for n, p in net.named_parameters()},
    }


CASES = [
    ("layer norm over tokens", "layernorm:6", lambda: nn.LayerNorm(6), (2, 3, 6), False),
    ("self-attention over tokens", "mha:8:2", lambda: SelfAttention(8, 2), (2, 5, 8), False),
    ("transformer block over tokens", "transformer:8:2", lambda: transformer(8, 2), (2, 4, 8), False),
    ("transformer block over image positions", "transformer:8:4", lambda: Images(transformer(8, 4)), (2, 8, 3, 2),
     True),
    ("attention pooling of image positions", "attnpool:8:2", lambda: AttentionPool(8, 2), (3, 8, 2, 3), True),
    ("attention pooling of tokens", "attnpool:6:1", lambda: AttentionPool(6, 1), (2, 4, 6), False),
    ("GeM pooling", "gem", lambda: GeM(), (2, 4, 3, 3), True),
]

if __name__ == "__main__":
    out = {"torch": torch.__version__, "cases": [case(*c) for c in CASES]}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "blocks.json"), "w") as f:
        json.dump(out, f)

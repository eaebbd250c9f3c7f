"""The peer side (PyTorch + pytorch-metric-learning, faiss) of the DML4J side-by-side benchmarks, and the generator
of the input files both sides read. Run by experiments/bench/run-bench.sh inside .bench-venv (setup-peer.sh).

  peer_bench.py gen-batch DIR [--classes 8 --per-class 32 --dim 128 --seed 1]
        a random batch: DIR/emb.f32 (raw little-endian float32, B x d, N(0,1)) and DIR/labels.i32 (int32,
        class c for rows c*per_class .. (c+1)*per_class-1, as the M-per-class batches of the reference protocol)
  peer_bench.py gen-clustered DIR N [--dim 128 --per-class 100 --noise 2 --seed 1]
        N random clustered rows (class centres N(0,1), rows centre + N(0, noise^2); N/per-class classes, labels
        drawn uniformly), the data of DML4J's KnnBenchmark, written as above
  peer_bench.py losses DIR WARMUP REPS     loss forward+backward (and miner) per batch, PML defaults
  peer_bench.py knn DIR                    PML AccuracyCalculator (faiss IndexFlatL2) on the self-retrieval task
  peer_bench.py step DIR WARMUP REPS       the phases of a training step of the reference protocol (DIR from
                                           gen-batch --dim 784: the input batch), per loss
  peer_bench.py gen-images DIR SOURCE      images for the image-network benchmark: DIR/x.f32 (N x C*H*W float32,
                                           NCHW rows) and DIR/labels.i32; SOURCE fmnist (the first --n images of
                                           the Fashion-MNIST training set / 255) or synthetic (--n images --image CxHxW of --classes classes:
                                           a per-class random low-frequency pattern plus noise, seed 1)
  peer_bench.py image DIR NAME SPEC EPOCHS STEPS EMBED
                                           EPOCHS training epochs of the image network SPEC (cnn:... or resnet:...,
                                           as DML4J's NetworkSpecs) on DIR, contrastive loss, M-per-class batches of
                                           8 x 32, Adam 1e-3 (STEPS steps per epoch, 0: N / 256), the last timed;
                                           then the embedding of the first EMBED images (0: all; eval mode, blocks
                                           of 256); and the peak RSS (RESULT peak_rss_mib_NAME, in MiB)
  peer_bench.py blas-info [--library PATH] the OpenBLAS kernel family (core name) and build of torch's OpenBLAS
                                           (or of the library at PATH)
  peer_bench.py epoch LOSS [--epochs 2]    training epochs of the reference protocol (FMNIST_DIR, default
                                           /usr/share/datasets/fashion-mnist), one RESULT line per epoch
                                           (epoch<E>_<LOSS>, wall ms, cpu_s= the process's CPU seconds in it);
                                           LOSS: contrastive, proxy_nca, multi_similarity, triplet_semihard

Output lines: RESULT <workload> <median_ms> <min_ms> <max_ms> <repetitions> [key=value ...], as PeerBench prints.
Threads: --threads (default 2) for torch and faiss; set OMP_NUM_THREADS and OMP_WAIT_POLICY=PASSIVE in the
environment (run-bench.sh does).
"""
import argparse
import ctypes
import os
import re
import sys
import time

import numpy as np


def write(dirname, emb, labels):
    os.makedirs(dirname, exist_ok=True)
    emb.astype("<f4").tofile(os.path.join(dirname, "emb.f32"))
    labels.astype("<i4").tofile(os.path.join(dirname, "labels.i32"))


def read(dirname):
    labels = np.fromfile(os.path.join(dirname, "labels.i32"), dtype="<i4")
    emb = np.fromfile(os.path.join(dirname, "emb.f32"), dtype="<f4").reshape(len(labels), -1)
    return emb, labels


def vm_hwm_mib():
    with open("/proc/self/status") as f:
        m = re.search(r"VmHWM:\s+(\d+) kB", f.read())
    return int(m.group(1)) >> 10 if m else -1


def result(name, ms, extra=""):
    ms = np.asarray(ms, dtype=float)
    print("RESULT %s %.3f %.3f %.3f %d %s" % (name, float(np.median(ms)), ms.min(), ms.max(), len(ms), extra),
          flush=True)


def gen_batch(a):
    rng = np.random.default_rng(a.seed)
    emb = rng.standard_normal((a.classes * a.per_class, a.dim), dtype=np.float32)
    write(a.dir, emb, np.repeat(np.arange(a.classes), a.per_class))


def gen_clustered(a):
    rng = np.random.default_rng(a.seed)
    nc = max(1, a.n // a.per_class)
    centres = rng.standard_normal((nc, a.dim), dtype=np.float32)
    labels = rng.integers(0, nc, a.n)
    emb = np.empty((a.n, a.dim), np.float32)
    for s in range(0, a.n, 65536):
        e = min(a.n, s + 65536)
        emb[s:e] = centres[labels[s:e]] + a.noise * rng.standard_normal((e - s, a.dim), dtype=np.float32)
    write(a.dir, emb, labels)


def losses(a):
    import torch
    from pytorch_metric_learning import losses as L, miners as M
    torch.set_num_threads(a.threads)
    emb_np, lab_np = read(a.dir)
    labels = torch.from_numpy(lab_np.astype(np.int64))
    nc, dim = int(lab_np.max()) + 1, emb_np.shape[1]
    torch.manual_seed(0)
    semihard = M.TripletMarginMiner(margin=0.2, type_of_triplets="semihard")
    workloads = [
        ("contrastive", L.ContrastiveLoss(pos_margin=0, neg_margin=1), None),
        ("proxy_nca", L.ProxyNCALoss(num_classes=nc, embedding_size=dim, softmax_scale=1), None),
        ("multi_similarity+miner", L.MultiSimilarityLoss(alpha=2, beta=50, base=0.5),
         M.MultiSimilarityMiner(epsilon=0.1)),
        ("triplet+semihard", L.TripletMarginLoss(margin=0.2), semihard),
        ("semihard_miner_only", None, semihard),
    ]
    for name, loss_fn, miner in workloads:
        ms, value, tuples = [], 0.0, 0
        for i in range(-a.warmup, a.reps):
            emb = torch.from_numpy(emb_np.copy()).requires_grad_(loss_fn is not None)
            if loss_fn is not None:
                loss_fn.zero_grad(set_to_none=True)
            t0 = time.perf_counter()
            ind = miner(emb, labels) if miner is not None else None
            if loss_fn is not None:
                loss = loss_fn(emb, labels, ind)
                loss.backward()
                value = loss.item()
            t1 = time.perf_counter()
            if i >= 0:
                ms.append((t1 - t0) * 1e3)
            if ind is not None:
                tuples = len(ind[0]) if len(ind) == 3 else len(ind[0]) + len(ind[2])
        result(name, ms, "loss=%.6f tuples=%d" % (value, tuples))


def knn(a):
    import torch
    import faiss
    from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
    torch.set_num_threads(a.threads)
    faiss.omp_set_num_threads(a.threads)
    emb_np, lab_np = read(a.dir)
    hwm_before = vm_hwm_mib()
    t0 = time.perf_counter()
    emb = torch.from_numpy(emb_np)
    lab = torch.from_numpy(lab_np.astype(np.int64))
    # PML's metrics with its faiss IndexFlatL2 kNN (k = the largest class, as the reference protocol); NMI/AMI (its
    # k-means) left out as on the DML4J side.
    ac = AccuracyCalculator(exclude=("NMI", "AMI"), k="max_bin_count", device=torch.device("cpu"))
    res = ac.get_accuracy(emb, lab)
    ms = (time.perf_counter() - t0) * 1e3
    result("knn_eval_n%d" % len(lab_np), [ms], "precision_at_1=%.4f map_at_r=%.4f r_precision=%.4f peak_rss_mib=%d "
           "rss_before_mib=%d metrics=%s" % (res["precision_at_1"], res["mean_average_precision_at_r"],
                                              res["r_precision"], vm_hwm_mib(), hwm_before, ",".join(sorted(res))))


def read_idx(path, images):
    import gzip
    import struct
    with gzip.open(path, "rb") as f:
        if images:
            magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
            assert magic == 2051, path
            return np.frombuffer(f.read(), dtype=np.uint8).reshape(n, rows * cols)
        magic, n = struct.unpack(">II", f.read(8))
        assert magic == 2049, path
        return np.frombuffer(f.read(), dtype=np.uint8).astype(np.int64)


def epoch(a):
    """Epochs of the reference protocol (the logic of ../shared/reference/train_reference.py, standard split):
    MLP 784-512-ReLU-128 + L2 normalisation, PML MPerClassSampler(m=32) cut into batches of 256, Adam(1e-3) over the
    model and the loss's parameters, seed 0; each of a.epochs epochs timed as the reference times an epoch
    (sampler iteration, batch slicing, forward, mining, loss, backward, Adam step; no data loading, no evaluation),
    a RESULT line epoch<E>_<loss> per epoch E with its process CPU time (cpu_s)."""
    import random
    import torch
    from pytorch_metric_learning import samplers
    torch.set_num_threads(a.threads)
    data = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
    X = read_idx(os.path.join(data, "train-images-idx3-ubyte.gz"), True).astype(np.float32) / 255.0
    y = read_idx(os.path.join(data, "train-labels-idx1-ubyte.gz"), False)

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    model = reference_mlp()
    loss_fn, miner = reference_loss(a.loss, 10)
    opt = torch.optim.Adam(list(model.parameters()) + list(loss_fn.parameters()), lr=1e-3)
    sampler = samplers.MPerClassSampler(y, m=32, batch_size=None, length_before_new_iter=len(y))
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for e in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        c0 = time.process_time()
        idx = np.fromiter(iter(sampler), dtype=np.int64)
        nb = len(idx) // 256
        total = 0.0
        for b in range(nb):
            bi = torch.from_numpy(idx[b * 256:(b + 1) * 256])
            xb, yb = Xt[bi], yt[bi]
            emb = model(xb)
            ind = miner(emb, yb) if miner is not None else None
            loss = loss_fn(emb, yb, ind)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item()
        wall = (time.perf_counter() - t0) * 1e3
        result("epoch%d_%s" % (e, a.loss), [wall], "cpu_s=%.3f mean_loss=%.5f batches=%d"
               % (time.process_time() - c0, total / nb, nb))


def reference_mlp():
    """The reference protocol's model: MLP 784-512-ReLU-128 + L2 normalisation, PyTorch's default init."""
    import torch
    import torch.nn.functional as F

    class MLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(784, 512)
            self.fc2 = torch.nn.Linear(512, 128)

        def forward(self, x):
            return F.normalize(self.fc2(F.relu(self.fc1(x))), p=2, dim=1)

    return MLP()


def reference_loss(name, classes):
    """The reference protocol's loss and miner (PML defaults) for LOSS."""
    from pytorch_metric_learning import losses as L, miners as M
    return {
        "triplet_semihard": lambda: (L.TripletMarginLoss(margin=0.2),
                                     M.TripletMarginMiner(margin=0.2, type_of_triplets="semihard")),
        "contrastive": lambda: (L.ContrastiveLoss(pos_margin=0, neg_margin=1), None),
        "proxy_nca": lambda: (L.ProxyNCALoss(num_classes=classes, embedding_size=128, softmax_scale=1), None),
        "multi_similarity": lambda: (L.MultiSimilarityLoss(alpha=2, beta=50, base=0.5),
                                     M.MultiSimilarityMiner(epsilon=0.1)),
    }[name]()


def gen_images(a):
    if a.source == "fmnist":
        data = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
        x = read_idx(os.path.join(data, "train-images-idx3-ubyte.gz"), True).astype(np.float32) / 255.0
        y = read_idx(os.path.join(data, "train-labels-idx1-ubyte.gz"), False)
        x, y = x[:a.n], y[:a.n]
    else:
        c, h, w = (int(v) for v in a.image.split("x"))
        rng = np.random.default_rng(1)
        coarse = rng.standard_normal((a.classes, c, 8, 8), dtype=np.float32)
        patterns = np.repeat(np.repeat(coarse, (h + 7) // 8, axis=2), (w + 7) // 8, axis=3)[:, :, :h, :w]
        y = rng.integers(0, a.classes, a.n)
        x = np.empty((a.n, c * h * w), np.float32)
        for s in range(0, a.n, 1024):
            e = min(a.n, s + 1024)
            x[s:e] = (patterns[y[s:e]] + 2.0 * rng.standard_normal((e - s, c, h, w), dtype=np.float32)
                      ).reshape(e - s, -1)
    os.makedirs(a.dir, exist_ok=True)
    x.astype("<f4").tofile(os.path.join(a.dir, "x.f32"))
    y.astype("<i4").tofile(os.path.join(a.dir, "labels.i32"))


def image_network(spec, features):
    """The torch twin of DML4J's NetworkSpecs for cnn:C1,...,Cn,E and resnet:W1,...,Wn,E (options image=CxHxW,
    blocks=B), PyTorch's default initialization, L2-normalized output; and for onnx:PATH:embedding=E where PATH is
    one of onnx_backbones.py's exports (resnet18-narrow.onnx, mobilenet-small.onnx): the same module, built again in
    PyTorch (its weights do not matter for timing), then a Linear(out, E) head."""
    import torch.nn as nn
    import torch.nn.functional as F
    if spec.startswith("onnx:"):
        return onnx_twin(spec, features)
    kind, sizes, *rest = spec.split(":")
    sizes = [int(v) for v in sizes.split(",")]
    opts = dict(kv.split("=") for kv in rest[0].split(",")) if rest else {}
    c, h, w = (int(v) for v in opts.get("image", "1x28x28").split("x"))
    assert c * h * w == features, (spec, features)
    layers = []
    if kind == "cnn":
        for width in sizes[:-1]:
            layers += [nn.Conv2d(c, width, 3, 1, 1), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2, 2)]
            c, h, w = width, h // 2, w // 2
        layers += [nn.Flatten(), nn.Linear(c * h * w, sizes[-1])]
    else:
        class Basic(nn.Module):
            def __init__(self, cin, cout, stride):
                super().__init__()
                self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1)
                self.bn1 = nn.BatchNorm2d(cout)
                self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
                self.bn2 = nn.BatchNorm2d(cout)
                self.downsample = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0), nn.BatchNorm2d(cout))
                                   if stride != 1 or cin != cout else None)

            def forward(self, x):
                out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
                return F.relu(out + (x if self.downsample is None else self.downsample(x)))

        widths = sizes[:-1]
        layers += [nn.Conv2d(c, widths[0], 3, 1, 1), nn.BatchNorm2d(widths[0]), nn.ReLU()]
        cin = widths[0]
        for stage, width in enumerate(widths):
            for b in range(int(opts.get("blocks", 1))):
                layers.append(Basic(cin, width, 2 if stage > 0 and b == 0 else 1))
                cin = width
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, sizes[-1])]
    body = nn.Sequential(*layers)
    image = tuple(int(v) for v in opts.get("image", "1x28x28").split("x"))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = body

        def forward(self, x):
            return F.normalize(self.body(x.view(-1, *image)), p=2, dim=1)

    return Net()


def onnx_twin(spec, features):
    """The PyTorch module behind one of onnx_backbones.py's exports, with the linear embedding head and the L2
    normalization that DML4J's onnx:PATH:embedding=E spec adds to the imported graph."""
    import torch.nn as nn
    import torch.nn.functional as F
    from onnx_backbones import MobileNetSmall, ResNet18
    _, path, options = spec.split(":")
    embedding = int(dict(kv.split("=") for kv in options.split(","))["embedding"])
    name = os.path.basename(path)
    module, width = {"resnet18-narrow.onnx": (ResNet18, 32), "mobilenet-small.onnx": (MobileNetSmall, 24)}[name]
    trunk = module()
    assert features == 784, (spec, features)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.trunk = trunk
            self.head = nn.Linear(width, embedding)

        def forward(self, x):
            return F.normalize(self.head(self.trunk(x.view(-1, 1, 28, 28))), p=2, dim=1)

    return Net()


def image(a):
    """Training epochs and embedding throughput of an image network, as ImageBench on the DML4J side."""
    import random
    import torch
    from pytorch_metric_learning import losses as L, samplers
    torch.set_num_threads(a.threads)
    labels = np.fromfile(os.path.join(a.dir, "labels.i32"), dtype="<i4").astype(np.int64)
    x = torch.from_numpy(np.fromfile(os.path.join(a.dir, "x.f32"), dtype="<f4").reshape(len(labels), -1))
    y = torch.from_numpy(labels)
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    model = image_network(a.spec, x.shape[1])
    loss_fn = L.ContrastiveLoss(pos_margin=0, neg_margin=1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sampler = samplers.MPerClassSampler(labels, m=32, batch_size=None, length_before_new_iter=len(labels))
    steps = a.steps if a.steps > 0 else len(labels) // 256
    for _ in range(a.epochs):
        model.train()
        t0 = time.perf_counter()
        idx = np.fromiter(iter(sampler), dtype=np.int64)
        total = 0.0
        for b in range(steps):
            bi = torch.from_numpy(idx[b * 256:(b + 1) * 256])
            loss = loss_fn(model(x[bi]), y[bi])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item()
        wall = (time.perf_counter() - t0) * 1e3
    result("epoch_" + a.name, [wall], "steps=%d ms_per_step=%.1f mean_loss=%.5f" % (steps, wall / steps,
                                                                                     total / steps))
    model.eval()
    n = min(a.embed, len(labels)) if a.embed > 0 else len(labels)
    t0 = time.perf_counter()
    with torch.no_grad():
        out = torch.cat([model(x[s:min(n, s + 256)]) for s in range(0, n, 256)])
    ms = (time.perf_counter() - t0) * 1e3
    result("embed_" + a.name, [ms], "images=%d images_per_s=%.1f checksum=%.4f" % (n, n / (ms / 1e3),
                                                                                   float(out.sum())))
    result("peak_rss_mib_" + a.name, [vm_hwm_mib()])


STEP_LOSSES = ["contrastive", "proxy_nca", "multi_similarity", "triplet_semihard"]


def step(a):
    """The phases of one training step of the reference protocol on a fixed random batch (DIR/emb.f32 as the
    B x 784 input, DIR/labels.i32): forward, miner, loss (its forward only: PyTorch computes every gradient in
    backward), backward, Adam step, and their total; WARMUP untimed then REPS timed steps per loss."""
    import torch
    torch.set_num_threads(a.threads)
    x_np, lab_np = read(a.dir)
    x, labels = torch.from_numpy(x_np), torch.from_numpy(lab_np.astype(np.int64))
    names = ["forward", "miner", "loss", "backward", "optimizer"]
    for name in STEP_LOSSES:
        torch.manual_seed(0)
        model = reference_mlp()
        loss_fn, miner = reference_loss(name, int(lab_np.max()) + 1)
        opt = torch.optim.Adam(list(model.parameters()) + list(loss_fn.parameters()), lr=1e-3)
        ms = [[] for _ in range(len(names) + 1)]
        for i in range(-a.warmup, a.reps):
            t = [time.perf_counter()]
            emb = model(x)
            t.append(time.perf_counter())
            ind = miner(emb, labels) if miner is not None else None
            t.append(time.perf_counter())
            loss = loss_fn(emb, labels, ind)
            t.append(time.perf_counter())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            t.append(time.perf_counter())
            opt.step()
            t.append(time.perf_counter())
            if i >= 0:
                for k in range(len(names)):
                    ms[k].append((t[k + 1] - t[k]) * 1e3)
                ms[-1].append((t[-1] - t[0]) * 1e3)
        for k, phase in enumerate(names + ["total"]):
            if miner is not None or phase != "miner":
                result("step_%s_%s" % (name, phase), ms[k])


def blas_info(a):
    """Prints the OpenBLAS torch computes with (or, with --library, the OpenBLAS library at that path, as DML4J's
    BlasInfo finds ND4J's): its kernel family (core name) and build configuration."""
    if a.library:
        paths = [a.library]
    else:
        import torch
        torch.ones(2, 2) @ torch.ones(2, 2)  # loads and initialises the BLAS torch links
        paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.split()[-1]})
    for path in paths:
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = lib.openblas_get_config.restype = ctypes.c_char_p
            print("%s (%s; %s)" % (lib.openblas_get_corename().decode(), lib.openblas_get_config().decode().strip(),
                                   path))
            return
    print("not OpenBLAS: " + " ".join(torch.__config__.show().split()[:40]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen-batch")
    g.add_argument("dir")
    g.add_argument("--classes", type=int, default=8)
    g.add_argument("--per-class", type=int, default=32)
    g.add_argument("--dim", type=int, default=128)
    g.add_argument("--seed", type=int, default=1)
    g = sub.add_parser("gen-clustered")
    g.add_argument("dir")
    g.add_argument("n", type=int)
    g.add_argument("--dim", type=int, default=128)
    g.add_argument("--per-class", type=int, default=100)
    g.add_argument("--noise", type=float, default=2.0)
    g.add_argument("--seed", type=int, default=1)
    g = sub.add_parser("losses")
    g.add_argument("dir")
    g.add_argument("warmup", type=int)
    g.add_argument("reps", type=int)
    g = sub.add_parser("knn")
    g.add_argument("dir")
    g = sub.add_parser("step")
    g.add_argument("dir")
    g.add_argument("warmup", type=int)
    g.add_argument("reps", type=int)
    g = sub.add_parser("gen-images")
    g.add_argument("dir")
    g.add_argument("source", choices=["fmnist", "synthetic"])
    g.add_argument("--n", type=int, default=10240)
    g.add_argument("--image", default="3x64x64")
    g.add_argument("--classes", type=int, default=10)
    g = sub.add_parser("image")
    g.add_argument("dir")
    g.add_argument("name")
    g.add_argument("spec")
    g.add_argument("epochs", type=int)
    g.add_argument("steps", type=int)
    g.add_argument("embed", type=int)
    g = sub.add_parser("blas-info")
    g.add_argument("--library", help="an OpenBLAS shared library to ask instead of torch's")
    g = sub.add_parser("epoch")
    g.add_argument("loss", choices=["contrastive", "proxy_nca", "multi_similarity", "triplet_semihard"])
    g.add_argument("--epochs", type=int, default=2, help="epochs to train, each timed")
    a = ap.parse_args()
    {"gen-batch": gen_batch, "gen-clustered": gen_clustered, "losses": losses, "knn": knn, "step": step,
     "epoch": epoch, "gen-images": gen_images, "image": image, "blas-info": blas_info}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())

"""Process CPU time of one training step of an image network in PyTorch, the peer's counterpart of DML4J's
ConvStepTiming (tribuo-extensions test classpath): batch 256 of random inputs, forward, backward from a fixed random
dL/d(embeddings) (scaled 1e-3), Adam 1e-3; WARMUP untimed then STEPS timed steps; then STEPS inference passes.
Process CPU (all threads) is what a loaded machine inflates least. Run with the peer environment (.bench-venv):
  OMP_NUM_THREADS=2 .bench-venv/bin/python experiments/bench/image_step_cpu.py cnn:32,64,128 784 5 15
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
from peer_bench import image_network  # noqa: E402


def main():
    spec = sys.argv[1] if len(sys.argv) > 1 else "cnn:32,64,128"
    features = int(sys.argv[2]) if len(sys.argv) > 2 else 784
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.manual_seed(0)
    model = image_network(spec, features)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(256, features)
    grad = torch.randn(256, int(spec.split(":")[1].split(",")[-1])) * 1e-3
    cpu = wall = 0.0
    for s in range(-warmup, steps):
        c0, w0 = time.process_time(), time.perf_counter()
        out = model(x)
        opt.zero_grad(set_to_none=True)
        out.backward(grad)
        opt.step()
        if s >= 0:
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
    print("%s batch 256 float32 torch %s, %d threads: %.1f ms/step of process CPU, %.1f ms/step wall"
          % (spec, torch.__version__, torch.get_num_threads(), cpu * 1e3 / steps, wall * 1e3 / steps))
    model.eval()
    c0, w0 = time.process_time(), time.perf_counter()
    with torch.no_grad():
        for _ in range(steps):
            model(x)
    print("embed (inference) of 256 images: %.1f ms of process CPU, %.1f ms wall"
          % ((time.process_time() - c0) * 1e3 / steps, (time.perf_counter() - w0) * 1e3 / steps))


if __name__ == "__main__":
    main()

"""The PyTorch + PML side of the image-network quality check of issue 22 (BENCHMARKS.md, "Convolutional networks
against PyTorch + PML"): cnn:32,64,128 (peer_bench.image_network) on Fashion-MNIST, contrastive loss (PML defaults),
PML MPerClassSampler(m=32) cut into batches of 256, Adam 1e-3, 2 epochs, then P@1 and MAP@R of the test set
(AccuracyCalculator, k = max_bin_count). Run in .bench-venv:  python cnn_quality.py SEED
The DML4J side: ./dml4j train --network cnn:32,64,128 --loss contrastive --optimizer adam --lr 0.001 --epochs 2
--batch-size 256 --m-per-class 32 --seed SEED
"""
import sys, os, time, random, numpy as np, torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_bench import image_network, read_idx
from pytorch_metric_learning import losses as L, samplers
from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
torch.set_num_threads(2)
seed = int(sys.argv[1]); d = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
X = torch.tensor(read_idx(os.path.join(d, "train-images-idx3-ubyte.gz"), True).astype(np.float32) / 255.0)
y = read_idx(os.path.join(d, "train-labels-idx1-ubyte.gz"), False)
Xt = torch.tensor(read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"), True).astype(np.float32) / 255.0)
yt = read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"), False)
random.seed(seed); np.random.seed(seed); torch.manual_seed(seed)
m = image_network("cnn:32,64,128", 784); loss_fn = L.ContrastiveLoss(pos_margin=0, neg_margin=1)
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
sampler = samplers.MPerClassSampler(y, m=32, batch_size=None, length_before_new_iter=len(y)); yy = torch.tensor(y)
for ep in range(2):
    m.train(); t0 = time.perf_counter(); idx = np.fromiter(iter(sampler), dtype=np.int64)
    for b in range(len(idx) // 256):
        bi = torch.from_numpy(idx[b*256:(b+1)*256]); loss = loss_fn(m(X[bi]), yy[bi]); opt.zero_grad(); loss.backward(); opt.step()
    print("epoch", ep + 1, "%.1f s" % (time.perf_counter() - t0), flush=True)
m.eval()
with torch.no_grad(): e = torch.cat([m(Xt[s:s+256]) for s in range(0, len(yt), 256)])
r = AccuracyCalculator(include=("precision_at_1", "mean_average_precision_at_r"), k="max_bin_count", device=torch.device("cpu")).get_accuracy(e, torch.tensor(yt))
print("peer seed %d: P@1 %.4f MAP@R %.4f" % (seed, r["precision_at_1"], r["mean_average_precision_at_r"]))

#!/usr/bin/env bash
# The cross-modal reference of BENCHMARKS.md ("Cross-modal two-tower against PyTorch"): the two-view Fashion-MNIST
# pairs (crossmodal_pairs.py: 3000 training pairs, 1000 test pairs, data seed 0), then for each seed DML4J
# (train --mode cross-modal) and the same protocol in PyTorch (crossmodal_peer.py), one after the other,
# single-threaded.
#   experiments/bench/run-crossmodal.sh OUT_DIR [SEEDS...]     (default seeds 0 1 2; run from the repository root)
# Writes OUT_DIR/train.csv, OUT_DIR/test.csv, OUT_DIR/dml4j-SEED.json, OUT_DIR/pytorch-SEED.json and the logs.
set -euo pipefail
out="${1:?usage: run-crossmodal.sh OUT_DIR [SEEDS...]}"
shift
seeds=("${@:-0 1 2}")
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE DML4J_HEAP="${DML4J_HEAP:-3g}"
epochs=10 batch=128 lr=0.001 hidden_a=256 hidden_b=512 dim=64
if [[ ! -f "$out/train.csv" ]]; then
  (cd experiments/bench && ../../.bench-venv/bin/python crossmodal_pairs.py "$out" --train 3000 --test 1000 --seed 0)
fi
for seed in ${seeds[@]}; do
  ./dml4j train --mode cross-modal --pairs-csv "$out/train.csv" --eval-pairs-csv "$out/test.csv" \
    --class-column label --tower-a "mlp:$hidden_a,$dim" --tower-b "mlp:$hidden_b,$dim" --epochs "$epochs" \
    --batch-size "$batch" --lr "$lr" --seed "$seed" --quiet --json > "$out/dml4j-$seed.json" 2> "$out/dml4j-$seed.log"
  (cd experiments/bench && ../../.bench-venv/bin/python crossmodal_peer.py "$out" --seed "$seed" --epochs "$epochs" \
    --batch "$batch" --lr "$lr" --hidden-a "$hidden_a" --hidden-b "$hidden_b" --dim "$dim" --threads 1) \
    > "$out/pytorch-$seed.json"
done

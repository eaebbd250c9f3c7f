#!/usr/bin/env bash
# The few-shot reference of BENCHMARKS.md ("Few-shot: prototypical networks against PyTorch"): for each seed, DML4J
# (train --mode episodic on Fashion-MNIST classes 0-4, then eval --few-shot 5x1,5x5 on the test images of classes
# 5-9) and the same protocol in PyTorch (fewshot_peer.py), one after the other, single-threaded.
#   experiments/bench/run-fewshot.sh OUT_DIR [SEEDS...]     (default seeds 0 1 2; run from the repository root)
# Writes OUT_DIR/dml4j-SEED.json, OUT_DIR/pytorch-SEED.json and the logs.
set -euo pipefail
out="${1:?usage: run-fewshot.sh OUT_DIR [SEEDS...]}"
shift
seeds=("${@:-0 1 2}")
mkdir -p "$out"
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE DML4J_HEAP="${DML4J_HEAP:-3g}"
epochs=5 episodes=300 network="mlp:256,64:normalize=false"
for seed in ${seeds[@]}; do
  ./dml4j train --dataset fashion-mnist --train-classes 0-4 --eval-classes 5-9 --mode episodic --way 5 --shot 5 \
    --queries 15 --episodes-per-epoch "$episodes" --network "$network" --epochs "$epochs" --lr 0.001 --seed "$seed" \
    --no-full-ranking --model-out "$out/dml4j-$seed.dml4j" --metrics-out "$out/dml4j-train-$seed.json" \
    > "$out/dml4j-train-$seed.log" 2>&1
  ./dml4j eval --model "$out/dml4j-$seed.dml4j" --dataset fashion-mnist --eval-classes 5-9 --few-shot 5x1,5x5 \
    --queries 15 --episodes 1000 --episode-seed 0 --json > "$out/dml4j-$seed.json" 2> "$out/dml4j-eval-$seed.log"
  (cd experiments/bench && ../../.bench-venv/bin/python fewshot_peer.py --seed "$seed" --epochs "$epochs" \
    --episodes "$episodes" --eval-shots 1,5 --eval-episodes 1000 --eval-seed 0 --threads 1) > "$out/pytorch-$seed.json"
done

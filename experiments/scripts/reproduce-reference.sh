#!/usr/bin/env bash
# Reproduces the PyTorch + pytorch-metric-learning reference protocol (shared/reference/reference_training.json):
# MLP 784-512-ReLU-128 + L2 norm, Adam 1e-3, batches of 8 classes x 32, 10 epochs, seed 0, on Fashion-MNIST,
# for four losses on the standard split (train 60k, test 10k against itself) and the open-set split (train classes
# 0-4, evaluate test classes 5-9). Writes one metrics JSON per run into OUT (default: reference-runs/).
#   experiments/scripts/reproduce-reference.sh [OUT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-reference-runs}"
mkdir -p "$out"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
declare -A runs=(
  [triplet_semihard]="--loss triplet --margin 0.2 --miner semihard"
  [contrastive]="--loss contrastive"
  [proxy_nca]="--loss proxy-nca"
  [multi_similarity]="--loss multi-similarity --miner multi-similarity"
)
for run in contrastive proxy_nca multi_similarity triplet_semihard; do
  for split in standard open_set; do
    classes=""
    [[ "$split" == open_set ]] && classes="--train-classes 0-4 --eval-classes 5-9"
    echo "== $run $split" >&2
    # shellcheck disable=SC2086
    "$root/dml4j" train ${runs[$run]} $classes --network mlp:512,128 --optimizer adam --lr 0.001 --epochs 10 \
      --batch-size 256 --m-per-class 32 --seed 0 --quiet --metrics-out "$out/${run}_${split}.json" >/dev/null
  done
done

#!/usr/bin/env bash
# Reproduces the PyTorch + pytorch-metric-learning reference protocol (shared/reference/reference_training.json):
# MLP 784-512-ReLU-128 + L2 norm, Adam 1e-3, batches of 8 classes x 32, 10 epochs, seed 0, on Fashion-MNIST,
# for four losses on the standard split (train 60k, test 10k against itself) and the open-set split (train classes
# 0-4, evaluate test classes 5-9). Writes one metrics JSON per run into OUT (default: reference-runs/), named
# RUN_SPLIT.json for seed 0 and RUN_SPLIT_seedS.json for the other seeds.
#   experiments/scripts/reproduce-reference.sh [OUT] [--seeds 0,1,2] [--splits standard,open_set]
#                                              [--runs contrastive,proxy_nca,multi_similarity,triplet_semihard]
# The PyTorch + PML side at other seeds: experiments/bench/pml-reference-seeds.py; the table of both:
# experiments/scripts/seed-study.py.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out=reference-runs seeds=0 splits=standard,open_set runs_list=contrastive,proxy_nca,multi_similarity,triplet_semihard
while (($#)); do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --splits) splits="$2"; shift 2 ;;
    --runs) runs_list="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "reproduce-reference: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done
mkdir -p "$out"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
declare -A runs=(
  [triplet_semihard]="--loss triplet --margin 0.2 --miner semihard"
  [contrastive]="--loss contrastive"
  [proxy_nca]="--loss proxy-nca"
  [multi_similarity]="--loss multi-similarity --miner multi-similarity"
)
for run in ${runs_list//,/ }; do
  [[ -n "${runs[$run]:-}" ]] || { echo "reproduce-reference: unknown run '$run' (${!runs[*]})" >&2; exit 2; }
done
for seed in ${seeds//,/ }; do
  [[ "$seed" =~ ^[0-9]+$ ]] || { echo "reproduce-reference: a seed must be a non-negative integer, found '$seed'" >&2; exit 2; }
  suffix=""
  [[ "$seed" != 0 ]] && suffix="_seed$seed"
  for run in ${runs_list//,/ }; do
    for split in ${splits//,/ }; do
      case "$split" in
        standard) classes="" ;;
        open_set) classes="--train-classes 0-4 --eval-classes 5-9" ;;
        *) echo "reproduce-reference: unknown split '$split' (standard, open_set)" >&2; exit 2 ;;
      esac
      echo "== $run $split seed $seed" >&2
      # shellcheck disable=SC2086
      "$root/dml4j" train ${runs[$run]} $classes --network mlp:512,128 --optimizer adam --lr 0.001 --epochs 10 \
        --batch-size 256 --m-per-class 32 --seed "$seed" --quiet --metrics-out "$out/${run}_${split}${suffix}.json" \
        >/dev/null
    done
  done
done

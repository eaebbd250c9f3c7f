#!/usr/bin/env bash
# The DML4J side of the transfer-learning comparison (BENCHMARKS.md, "Transfer learning"): the same protocol as
# experiments/bench/transfer_fmnist.py, on the trunks it exported. Run that first:
#   .bench-venv/bin/python experiments/bench/transfer_fmnist.py OUT [--seeds 0,1,2]
#   experiments/bench/run-transfer.sh OUT [SEEDS] [WAYS]
# For each seed, K in 10 and 100 Fashion-MNIST training images per class of classes 5-9 (the first K of each class),
# and each way (default "scratch finetune"; also slow and frozen) trains trunk + 64-wide head + L2 normalization with
# the triplet loss (margin 0.05, all triplets of a batch), Adam 1e-3, batches of 50 (10 per class), 100 steps, and
# writes the MAP@R on the 5,000 test images of classes 5-9 to OUT/dml4j.jsonl. The ways:
#   scratch   the randomly initialized trunk (trunk-scratch-S.onnx), everything trained;
#   finetune  the pretrained trunk (trunk-pretrained.onnx), everything trained, exactly as scratch;
#   slow      the pretrained trunk: the head alone for 20 steps with the trunk's batch norms frozen, then everything
#             with the trunk at 0.1x the learning rate;
#   frozen    the pretrained trunk frozen, the head trained on its cached features.
# One native thread per run (OMP_NUM_THREADS=1 unless set).
set -euo pipefail
out=${1:?usage: run-transfer.sh OUT [SEEDS] [WAYS]}
seeds=${2:-0 1 2}
ways=${3:-scratch finetune}
cd "$(dirname "$0")/../.."
export DML4J_HEAP=${DML4J_HEAP:-1536m} DML4J_OFFHEAP=${DML4J_OFFHEAP:-4G} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
for seed in $seeds; do
  for setting in "10 100 20" "100 10 2"; do
    read -r k epochs warmup <<<"$setting"
    for mode in $ways; do
      case $mode in
        scratch) flags=(--backbone "$out/trunk-scratch-$seed.onnx") ;;
        finetune) flags=(--backbone "$out/trunk-pretrained.onnx") ;;
        slow) flags=(--backbone "$out/trunk-pretrained.onnx" --freeze-bn --unfreeze-after-epochs "$warmup"
                     --backbone-lr-multiplier 0.1) ;;
        frozen) flags=(--backbone "$out/trunk-pretrained.onnx" --freeze all --freeze-bn --feature-cache network) ;;
        *) echo "run-transfer: unknown way '$mode' (scratch, finetune, slow, frozen)" >&2; exit 2 ;;
      esac
      metrics="$out/dml4j-$mode-k$k-s$seed.json"
      start=$(date +%s.%N)
      ./dml4j train --dataset fashion-mnist --train-classes 5-9 --train-per-class "$k" --eval-classes 5-9 \
        --embedding-size 64 "${flags[@]}" --loss triplet --miner none --optimizer adam --lr 0.001 \
        --batch-size 50 --m-per-class 10 --epochs "$epochs" --seed "$seed" --no-full-ranking --quiet \
        --metrics-out "$metrics" > /dev/null
      seconds=$(echo "$(date +%s.%N) - $start" | bc)
      map=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['map_at_r'])" "$metrics")
      echo "{\"k\": $k, \"mode\": \"$mode\", \"seed\": $seed, \"map_at_r\": $map, \"wall_seconds\": $seconds}" \
        | tee -a "$out/dml4j.jsonl"
    done
  done
done

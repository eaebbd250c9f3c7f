#!/usr/bin/env bash
# A/B of launcher settings on DML4J's training epoch: runs `./dml4j train` (the reference protocol's MLP, as
# run-bench.sh --parts epoch) under each variant in turn, ROUNDS times, alternating the order every round, and prints
# per variant the median over rounds of each epoch's wall time and of the process's CPU time per step (every
# thread: training, native ops, JIT, GC). Compare CPU per step as well as wall on a shared machine. Benchmarks, not
# tests.
#
#   experiments/bench/ab-epoch.sh [--rounds 3] [--epochs 8] [--loss contrastive] [--load N] [--out DIR] \
#       NAME='ENV=VALUE ... [JAVA_OPTS=...]' NAME2='...' ...
#
# A variant is a name and the environment assignments it runs `./dml4j` with (empty: the launcher's defaults),
# as shell words, e.g. base= passive=OMP_WAIT_POLICY=PASSIVE serial="JAVA_OPTS='-XX:+UseSerialGC -Xmn1g'". --load N keeps N busy loops
# running (one core each, stopped by PID on exit) through every run. --loss: contrastive, proxy_nca,
# multi_similarity, triplet_semihard. Raw per-epoch figures go to OUT/ab.tsv (default bench-results/ab-<date>).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=3 epochs=8 loss=contrastive load=0 out="$root/bench-results/ab-$(date +%Y%m%d-%H%M%S)"
variants=()
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --loss) loss="$2"; shift 2 ;;
    --load) load="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *=*) variants+=("$1"); shift ;;
    *) echo "ab-epoch: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
((${#variants[@]})) || { echo "ab-epoch: give at least one variant NAME='ENV=VALUE ...' (see --help)" >&2; exit 2; }
case "$loss" in
  contrastive) flags=(--loss contrastive) ;;
  proxy_nca) flags=(--loss proxy-nca) ;;
  multi_similarity) flags=(--loss multi-similarity --miner multi-similarity) ;;
  triplet_semihard) flags=(--loss triplet --margin 0.2 --miner semihard) ;;
  *) echo "ab-epoch: unknown --loss '$loss' (contrastive, proxy_nca, multi_similarity, triplet_semihard)" >&2; exit 2 ;;
esac
"$root/dml4j" --version >/dev/null
mkdir -p "$out"
tsv="$out/ab.tsv"
: >"$tsv"

burners=()
stop_burners() { ((${#burners[@]} == 0)) || kill "${burners[@]}" 2>/dev/null || true; }
trap stop_burners EXIT
trap 'exit 130' INT TERM
for ((i = 0; i < load; i++)); do
  bash -c 'while :; do :; done' &
  burners+=("$!")
done

echo "ab-epoch: $loss, $epochs epochs, $rounds rounds, load $load, commit $(git -C "$root" rev-parse --short HEAD), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >&2
n=${#variants[@]}
for ((r = 1; r <= rounds; r++)); do
  for ((k = 0; k < n; k++)); do
    v="${variants[$(( r % 2 ? k : n - 1 - k ))]}"
    name="${v%%=*}" assignments="${v#*=}"
    load1="$(cut -d' ' -f1 /proc/loadavg)"
    events="$out/$name-$r.jsonl"
    eval "env $assignments \"\$root/dml4j\" train \"\${flags[@]}\" --network mlp:512,128 --optimizer adam \
      --lr 0.001 --epochs \"\$epochs\" --batch-size 256 --m-per-class 32 --seed 0 --quiet --events-out \"\$events\"" \
      >/dev/null
    python3 - "$events" "$name" "$r" "$load1" <<'PY' | tee -a "$tsv" >&2
import json, sys
cpu = None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "epoch":
        used = (e["process_cpu_seconds"] - cpu) * 1e3 / e["step"] * e["epoch"] if cpu is not None else float("nan")
        cpu = e["process_cpu_seconds"]
        print("%s\t%s\t%s\t%d\t%.1f\t%.3f" % (sys.argv[2], sys.argv[3], sys.argv[4], e["epoch"], e["seconds"] * 1e3,
                                             used))
PY
  done
done

python3 - "$tsv" <<'PY'
import collections, statistics, sys
wall, cpu, loads = (collections.defaultdict(list) for _ in range(3))
for line in open(sys.argv[1]):
    name, _r, load, epoch, ms, cpu_ms = line.split("\t")
    wall[name, int(epoch)].append(float(ms))
    cpu[name, int(epoch)].append(float(cpu_ms))
    loads[name].append(float(load))
names = list(dict.fromkeys(n for n, _ in wall))
epochs = sorted({e for _, e in wall})
print("| variant | " + " | ".join("epoch %d wall ms (CPU ms/step)" % e for e in epochs) + " | load |")
print("|---|" + "---:|" * len(epochs) + "---|")
for n in names:
    print("| %s | %s | %.1f-%.1f |" % (n, " | ".join("%.0f (%.2f)" % (statistics.median(wall[n, e]),
                                                                    statistics.median(cpu[n, e])) for e in epochs),
                                       min(loads[n]), max(loads[n])))
PY

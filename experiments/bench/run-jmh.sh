#!/usr/bin/env bash
# JMH micro-benchmarks of the hot paths (org.dml4j.experiments.bench.jmh): pairwise distances and their gradients,
# mining, exact top-k search, loss kernels, a cross-batch-memory step and two ND4J helpers of the training step
# (batch gather, bias gradient), each group with a baseline in the same run. Prints JMH's table, then each
# benchmark's score with its baseline and the ratio (below 1: faster than the baseline). Benchmarks, not tests.
#
#   experiments/bench/run-jmh.sh [--threads 2] [--out DIR] [JMH options and benchmark regexps ...]
#
# Defaults (set on the benchmark classes, for a 2-core machine; the whole run takes about 7 minutes): one fork,
# 3 warm-up and 5 measured iterations of 1 s each, average time per call in ms. Any other argument goes to JMH
# unchanged, e.g. `LossBench` (only that group), `-f 2 -i 10` (more forks and iterations), `-prof gc`, `-h` (JMH's
# help). --threads sets OMP_NUM_THREADS (ND4J's threads), with OMP_WAIT_POLICY=PASSIVE as in run-bench.sh.
# Output in OUT (default bench-results/jmh-<date>): jmh.json (JMH's results), load.txt (the 1-minute load average
# every 10 s during the run), environment.txt and summary.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
threads=2
out="$root/bench-results/jmh-$(date +%Y%m%d-%H%M%S)"
jmh_args=()
while (($#)); do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) jmh_args+=("$1"); shift ;;
  esac
done
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "run-jmh: --threads needs a positive integer, found '$threads'" >&2; exit 2; }

"$root/dml4j" --version >/dev/null || { echo "run-jmh: ./dml4j does not build or start (see above)" >&2; exit 2; }
classpath="$root/experiments/target/dml4j-experiments-0.1.0-SNAPSHOT.jar:$(cat "$root/experiments/target/classpath.txt")"
export OMP_NUM_THREADS="$threads" OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"

{
  echo "date: $(date -u +%FT%TZ)  commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo '+changes')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores visible, $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo "java: $(java -version 2>&1 | head -1); threads: OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE"
  echo "jmh arguments: ${jmh_args[*]:-(defaults)}  load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/environment.txt" >&2

(while true; do echo "$(date +%T) $(cut -d' ' -f1 /proc/loadavg)"; sleep 10; done) >"$out/load.txt" &
sampler=$!
trap 'kill "$sampler" 2>/dev/null' EXIT

java -Xmx256m -cp "$classpath" org.openjdk.jmh.Main -rf json -rff "$out/jmh.json" "${jmh_args[@]}"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/environment.txt" >&2
[[ -s "$out/jmh.json" ]] || exit 0   # e.g. -h or -l: nothing was measured

python3 - "$out/jmh.json" "$out/load.txt" <<'PY' | tee "$out/summary.txt"
import json, sys
# The baseline each benchmark reads against (same class, same parameters).
baselines = {
    "DistanceBench.lpMatrix": "baselineMmulDouble", "DistanceBench.cosineMatrix": "baselineMmulDouble",
    "DistanceBench.lpGradient": "baselineGradientMmulDouble",
    "DistanceBench.cosineGradient": "baselineGradientMmulDouble",
    "MiningBench.semihardTriplets": "baselineLpMatrix", "MiningBench.batchHardTriplets": "baselineLpMatrix",
    "MiningBench.multiSimilarityPairs": "baselineCosineMatrix",
    "LossBench.contrastive": "baselineLpMatrixAndGradient",
    "LossBench.multiSimilarity": "baselineCosineMatrixAndGradient",
    "LossBench.proxyNca": "baselineProxyMatrixAndGradient",
    "TopKBench.exactKnnSearch": "baselineMmul",
    "StepOpsBench.gatherRows": "baselinePullRows", "StepOpsBench.columnSums": "baselineSum0",
    "CrossBatchBench.batchTimesMemory": "baselineConcatenated",
}
results = json.load(open(sys.argv[1]))
def key(r):
    name = ".".join(r["benchmark"].split(".")[-2:])
    return name, tuple(sorted((r.get("params") or {}).items()))
scores = {key(r): r["primaryMetric"] for r in results}
loads = [float(line.split()[1]) for line in open(sys.argv[2]) if line.strip()]
print("| benchmark | params | score ms/op (± 99.9% error) | baseline | baseline ms/op | ratio |")
print("|---|---|---:|---|---:|---:|")
for (name, params), m in scores.items():
    base = baselines.get(name)
    b = scores.get((name.split(".")[0] + "." + base, params)) if base else None
    cells = [name, " ".join("%s=%s" % p for p in params) or "-", "%.3f ± %.3f" % (m["score"], float(m["scoreError"])),
             base or "-", "%.3f" % b["score"] if b else "-", "%.2f" % (m["score"] / b["score"]) if b else "-"]
    print("| " + " | ".join(cells) + " |")
if loads:
    print("load average (1 min) during the run: %.1f-%.1f, median %.1f" % (min(loads), max(loads),
          sorted(loads)[len(loads) // 2]))
PY
echo "run-jmh: results in $out" >&2

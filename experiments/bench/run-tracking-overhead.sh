#!/usr/bin/env bash
# What MLflow tracking adds to training time: org.dml4j.experiments.bench.TrackingOverhead trains the same run with
# and without an MlflowTracker to a real local MLflow server (scripts/mlflow-server.sh: SQLite store, artifacts
# proxied, on this machine), in one JVM after an untimed warm-up of each side, alternating the two (untracked first in
# odd rounds, tracked first in even ones) so that the load of a shared machine falls on both. Prints, per figure, the
# median over rounds of each side and the median of the per-round ratios tracked / untracked (target: at most 1.02).
# Benchmarks, not tests.
#
#   experiments/bench/run-tracking-overhead.sh [--rounds 5] [--epochs 2] [--threads 2] [--out DIR]
#
# The run is the quickstart's (multi-similarity loss and miner, MLP 784-512-128, batches of 8 classes x 32, Adam 1e-3,
# seed 0) on the 60,000 Fashion-MNIST training images, with the tracker's defaults (batch loss every 10 steps).
# Figures per run: `train` is the wall time of train() (every listener call, and the tracker's threads and the server
# competing with it for the cores); `jvm_cpu` the JVM's CPU time during it; `tracker_cpu` the CPU time of the
# tracker's spooler and sender threads and `server_cpu` that of the MLflow server's processes during it; `finish` how
# long finish() then waited until everything was delivered. On a loaded machine wall times drift; the CPU figures say
# what tracking costs whatever the load: (tracker_cpu + the server_cpu beyond the untracked run's, i.e. beyond the
# idle server's) / jvm_cpu of the untracked run.
# Raw figures go to OUT/results.tsv (default bench-results/tracking-<date>), with the 1-minute load average before
# each run; OUT/output.txt adds, per run, the JVM threads that used the most CPU (THREADS lines).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=5 epochs=2 threads=2
out="$root/bench-results/tracking-$(date +%Y%m%d-%H%M%S)"
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-tracking-overhead: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for value in "$rounds" "$epochs" "$threads"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "run-tracking-overhead: options need positive integers, found '$value'" >&2
                                       exit 2; }
done

"$root/dml4j" --version >/dev/null || { echo "run-tracking-overhead: ./dml4j does not build or start (see above)" >&2
                                        exit 2; }
classpath="$root/experiments/target/dml4j-experiments-0.1.0-SNAPSHOT.jar:$(cat "$root/experiments/target/classpath.txt")"
export OMP_NUM_THREADS="$threads" OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out/mlflow"
out="$(cd "$out" && pwd)"

# The server runs as a job of its own (set -m): its process group, id $server, holds mlflow and its workers, to be
# measured and stopped.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
uri="http://127.0.0.1:$port"
set -m
"$root/scripts/mlflow-server.sh" serve "$port" "$out/mlflow" >"$out/mlflow/server.log" 2>&1 &
server=$!
set +m
stop_server() {
  kill -TERM -- "-$server" 2>/dev/null || return 0
  for _ in $(seq 20); do kill -0 -- "-$server" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL -- "-$server" 2>/dev/null || true
}
trap stop_server EXIT
trap 'exit 130' INT TERM
for _ in $(seq 300); do
  curl -fs "$uri/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "run-tracking-overhead: the MLflow server did not start:" >&2
                                     tail -20 "$out/mlflow/server.log" >&2; exit 1; }
  sleep 1
done
curl -fs "$uri/health" >/dev/null || { echo "run-tracking-overhead: no answer from $uri/health" >&2; exit 1; }

{
  echo "date: $(date -u +%FT%TZ)  commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo '+changes')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores visible"
  echo "rounds: $rounds  epochs: $epochs  threads: $threads  server: $uri"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/environment.txt" >&2
echo "RUN side round load1 train_s jvm_cpu_s tracker_cpu_s server_cpu_s finish_s" >&2
java -Xmx"${DML4J_HEAP:-4g}" -Dorg.bytedeco.javacpp.maxphysicalbytes="${DML4J_OFFHEAP:-8G}" \
  -Dorg.nd4j.log.initialization=false -cp "$classpath" org.dml4j.experiments.bench.TrackingOverhead \
  "$uri" "$server" "$rounds" "$epochs" "$out/spool" 2>"$out/stderr.txt" | tee "$out/output.txt" \
  | grep --line-buffered '^RUN ' | tee "$out/results.tsv" >&2 \
  || { echo "run-tracking-overhead: the benchmark failed:" >&2; tail -20 "$out/stderr.txt" >&2; exit 1; }
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/environment.txt" >&2

python3 - "$out/results.tsv" <<'PY' | tee "$out/summary.txt"
import collections, statistics, sys
runs = collections.defaultdict(dict)
loads = []
for line in open(sys.argv[1]):
    _, side, rnd, load, train, jvm, tracker, server, finish = line.split()
    if side.startswith("warmup"):
        continue
    runs[int(rnd)][side] = dict(train=float(train), jvm=float(jvm), tracker=float(tracker), server=float(server),
                                finish=float(finish))
    loads.append(float(load))
rounds = [r for r in runs.values() if len(r) == 2]
def spread(values):
    return "%.2f (%.2f-%.2f)" % (statistics.median(values), min(values), max(values))
def row(name, untracked, tracked):
    ratios = [t / u for u, t in zip(untracked, tracked)]
    print("| %s | %s | %s | %.3f (%.3f-%.3f) |" % (name, spread(untracked), spread(tracked), statistics.median(ratios),
                                                   min(ratios), max(ratios)))
print("| figure (seconds) | untracked | tracked | median of per-round ratios tracked / untracked |")
print("|---|---:|---:|---:|")
row("train() wall time", [r["untracked"]["train"] for r in rounds], [r["tracked"]["train"] for r in rounds])
row("JVM CPU during train()", [r["untracked"]["jvm"] for r in rounds], [r["tracked"]["jvm"] for r in rounds])
row("JVM + MLflow server CPU during train()", [r["untracked"]["jvm"] + r["untracked"]["server"] for r in rounds],
    [r["tracked"]["jvm"] + r["tracked"]["server"] for r in rounds])
# Tracking's own CPU: the tracker's threads plus what the server used beyond its idle use in the untracked run.
cost = [(r["tracked"]["tracker"] + r["tracked"]["server"] - r["untracked"]["server"]) / r["untracked"]["jvm"]
        for r in rounds]
print()
print("tracker threads CPU during train(): %s s" % spread([r["tracked"]["tracker"] for r in rounds]))
print("MLflow server CPU during train(): tracked %s s, untracked %s s" % (
    spread([r["tracked"]["server"] for r in rounds]), spread([r["untracked"]["server"] for r in rounds])))
print("tracking's own CPU (tracker threads + server beyond idle) / untracked JVM CPU: %s %%"
      % spread([100 * c for c in cost]))
print("finish() wait after train(): %s s" % spread([r["tracked"]["finish"] for r in rounds]))
print("rounds: %d, load average (1 min) before the runs: %.1f-%.1f" % (len(rounds), min(loads), max(loads)))
PY
echo "run-tracking-overhead: raw figures in $out/results.tsv" >&2

#!/usr/bin/env bash
# Data-parallel training on a local Spark standalone cluster: steps/s of `dml4j train` in one process, and with
# --spark on 1 and on 2 replicas (one executor each, one core each), with the share of each replica's training time
# spent in the per-step exchanges (of the embeddings, then of the gradients, over TCP through the first replica). Starts a master and WORKERS workers from the pyspark
# distribution in .venv-spark (scripts/setup.sh --tests) on loopback and stops them by PID at the end. Benchmarks,
# not tests.
#
#   experiments/bench/run-spark-replicas.sh [--train-limit 8192] [--network mlp:256,128] [--epochs 1] [--out DIR]
#
# Data: the first --train-limit Fashion-MNIST training images (evaluated on the test images of classes 0 and 1, to
# keep the runs short); contrastive loss, batches of 256 (m-per-class 32),
# Adam 1e-3, seed 0. Prints per run the replicas' lines (steps, seconds, exchange share, bytes sent) and the
# 1-minute load average before it; OUT/output.txt keeps everything. Then the exchange itself (ExchangeLatency): the
# median round trip of an allGather inside one barrier stage against that of a Spark job per exchange.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
limit=8192 network=mlp:256,128 epochs=1
out="$root/bench-results/spark-replicas-$(date +%Y%m%d-%H%M%S)"
while (($#)); do
  case "$1" in
    --train-limit) limit="$2"; shift 2 ;;
    --network) network="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-spark-replicas: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
SPARK_HOME="$(ls -d "$root"/.venv-spark/lib/python*/site-packages/pyspark 2>/dev/null | head -1)"
[[ -d "$SPARK_HOME/jars" ]] || { echo "run-spark-replicas: no pyspark in .venv-spark: run scripts/setup.sh --tests" >&2
                                 exit 2; }
export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 SPARK_DAEMON_MEMORY=256m
mkdir -p "$out"
"$root/dml4j" --version >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop EXIT
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port 0 >"$out/master.log" 2>&1 & pids+=($!)
sleep 5
for i in 1 2; do
  mkdir -p "$out/worker-$i"
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 2g \
    --webui-port 0 --work-dir "$out/worker-$i" "spark://127.0.0.1:$port" >"$out/worker-$i.log" 2>&1 & pids+=($!)
done
sleep 10

common=(train --dataset fashion-mnist --train-limit "$limit" --eval-classes 0-1 --network "$network" --loss contrastive
        --batch-size 256 --m-per-class 32 --epochs "$epochs" --seed 0 --json)
run() {
  echo "== $* (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$out/output.txt"
  JAVA_OPTS="-Dspark.executor.memory=1500m" "$root/dml4j" "${common[@]}" "$@" 2>&1 \
    | grep -E 'replica [0-9]+:|epoch_seconds_mean|Exception|Error' | tee -a "$out/output.txt"
}
run
run --spark "spark://127.0.0.1:$port" --replicas 1
run --spark "spark://127.0.0.1:$port" --replicas 2
# the exchange mechanism: allGather round trips in one barrier stage against a Spark job per exchange, with the
# blocks of the runs above (a replica's 128 embeddings of 128 floats, the MLP 784-256-128's gradient)
classpath="$SPARK_HOME/jars/*:$root/experiments/target/dml4j-experiments-0.1.0-SNAPSHOT.jar:$(cat "$root/experiments/target/classpath.txt")"
opens=()
for package in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
               java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=(--add-opens="java.base/$package=ALL-UNNAMED")
done
for floats in 16384 234112; do
  echo "== exchange latency, $floats floats (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$out/output.txt"
  java "${opens[@]}" -Djdk.reflect.useDirectMethodHandle=false -Xmx1g -cp "$classpath" \
    org.dml4j.experiments.spark.ExchangeLatency "spark://127.0.0.1:$port" "$SPARK_HOME" 2 "$floats" 30 2>&1 \
    | grep -E '^replicas|Exception' | tee -a "$out/output.txt"
done
echo "results in $out"

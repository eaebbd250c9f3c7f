#!/usr/bin/env bash
# Side-by-side benchmarks: DML4J against PyTorch + pytorch-metric-learning (PML) and faiss, on the same CPU, in one
# run, alternating the two sides (the side that goes first swaps every round) so that the load of a shared machine
# falls on both. Prints, per workload, the median over rounds of each side's figure, the spread (min-max over
# rounds), and the ratio DML4J / peer (below 1: DML4J is faster). Benchmarks, not tests.
#
#   experiments/bench/run-bench.sh [--rounds 3] [--threads 2] [--parts losses,knn,epoch] [--knn-sizes 10000,60000]
#                                  [--warmup 500] [--reps 100] [--epoch-losses contrastive,proxy_nca,...] [--epochs 2]
#                                  [--step-warmup 200] [--step-reps 100] [--cnn-steps 10] [--cnn-embed 2560]
#                                  [--cnn-nets cnn28,resnet28,cnn64,resnet64] [--conditions idle,load1] [--out DIR]
#
# Parts:
#   losses  loss forward + backward per batch (256 x 128 random N(0,1) embeddings, 8 classes x 32), with the miner
#           where the reference protocol has one, for contrastive, ProxyNCA, multi-similarity + miner, triplet +
#           semihard miner; and the semihard miner alone. Per round and side: WARMUP untimed then REPS timed
#           repetitions in one process; the side's figure is their median. DML4J's code needs a few hundred calls
#           before the JIT has compiled it fully, hence the default of 500.
#   knn     exact kNN evaluation in self-retrieval (leave-one-out) on random clustered N x 128 embeddings (~100
#           rows per class): DML4J RetrievalEvaluator (its default metrics: all but full-ranking mAP; clustering
#           off) against PML's AccuracyCalculator(k="max_bin_count", NMI/AMI excluded) on faiss IndexFlatL2. One
#           evaluation per round and side, each in a fresh process; the process's peak RSS (VmHWM) is reported.
#   step    the phases of one training step of the reference protocol (MLP 784-512-128, Adam 1e-3, a fixed random
#           256 x 784 batch of 8 classes x 32) for its four losses: forward, miner (where there is one), loss,
#           backward, optimizer and total per step (DML4J's loss phase includes the loss's gradient, which PyTorch
#           computes in backward: compare the totals). Per round and side: STEP_WARMUP untimed then STEP_REPS
#           timed steps per loss in one process (PeerBench step / peer_bench.py step); the figure is their median.
#           Not part of the default --parts.
#   epoch   training epochs of the reference protocol on Fashion-MNIST (../shared/reference: MLP 784-512-128,
#           batches of 8 classes x 32, Adam 1e-3, seed 0): `./dml4j train ... --epochs EPOCHS` (exactly what users
#           run: the launcher's JVM and native-thread settings; each epoch's wall time and the process's CPU time
#           from its --events-out log) against the same loop in PyTorch + PML (peer_bench.py epoch --epochs
#           EPOCHS). Every epoch is recorded as epoch<E>_<loss> (wall ms; cpu_s= the whole process's CPU seconds
#           in that epoch, JIT and GC threads included; not for DML4J's first epoch, whose process also loaded
#           the data); the summary shows the 2nd and the last epoch (--epochs 8: the 2nd, where the JVM is still
#           warming up, and the 8th, past it).
#   cnn     image networks (issue 22): training epochs and embedding throughput of cnn:32,64,128 and
#           resnet:16,32,64,128 on 28x28x1 images (the first 10240 Fashion-MNIST training images; cnn28, resnet28)
#           and on 64x64x3 images (2560 synthetic images of 10 classes: a random low-frequency pattern per class
#           plus noise; cnn64, resnet64), each side training EPOCHS epochs of CNN_STEPS steps (0: a full pass,
#           N / 256 steps; the last timed) with the contrastive loss, M-per-class batches of 8 x 32 and Adam 1e-3,
#           then embedding the first CNN_EMBED images in blocks of 256, in one process (PeerBench image /
#           peer_bench.py image); rows epoch_NET (ms, last epoch), embed_NET (ms for CNN_EMBED images) and
#           peak_rss_mib_NET (the process's VmHWM in MiB, not ms). Not part of the default --parts.
#           onnxresnet28, onnxmobilenet28 (issue 17, not in the default --cnn-nets): the imported ONNX backbones of
#           the import tests (onnx_backbones.py: ResNet-18-shaped, MobileNetV2-style) fine-tuned whole with a
#           64-wide linear head (onnx:PATH:embedding=64), against the same PyTorch modules with the same head.
# Threads: --threads sets OMP_NUM_THREADS (ND4J, and torch's OpenMP), torch.set_num_threads and faiss'
# omp_set_num_threads; OMP_WAIT_POLICY=PASSIVE on both sides (spin-waiting is unfair on a busy machine).
# OpenBLAS: both sides' OpenBLAS (ND4J's bundled 0.3.19, Debian's 0.3.21 under torch) read OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE from the environment the harness is started in; the header prints them. OPENBLAS_THREAD_TIMEOUT:
# ./dml4j sets 20 unless the environment sets it (users get that); the peer keeps its OpenBLAS's default (28).
# Conditions: --conditions idle,loadN,... runs every round of every workload once per condition, the conditions
# one after the other inside each round (so that a drift of the machine's own load falls on all of them). loadN
# starts N busy-looping processes (one core each, default priority) just before the condition's two runs and stops
# them (by PID; also when the harness exits however it exits) just after, so that "a busy machine" is
# reproducible; idle (load0) adds none. On a machine where other work runs, idle only means "nothing added".
# --background-load N is the same as --conditions loadN. The header records the CPU model and its vector
# extensions (AVX2, AVX-512, FMA), each side's OpenBLAS kernel family (core name) and build, the JVM and the flags
# the launcher starts it with, and the load average; each result line has the 1-minute load average before it.
# Needs: the peer environment (experiments/bench/setup-peer.sh), Java 17 and Maven (the build). Raw per-round
# figures go to OUT/results.tsv (default bench-results/<date>): side, round, condition, load, workload, median, min,
# max, repetitions, extra key=value fields; OUT/summary.txt has the tables.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/experiments/bench"
rounds=3 threads=2 parts=losses,knn,epoch knn_sizes=10000,60000 warmup=500 reps=100
epoch_losses=contrastive,proxy_nca,multi_similarity,triplet_semihard epochs=2 step_warmup=200 step_reps=100
cnn_steps=10 cnn_embed=2560 cnn_nets=cnn28,resnet28,cnn64,resnet64 conditions=idle
out="$root/bench-results/$(date +%Y%m%d-%H%M%S)"
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --parts) parts="$2"; shift 2 ;;
    --knn-sizes) knn_sizes="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --epoch-losses) epoch_losses="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --step-warmup) step_warmup="$2"; shift 2 ;;
    --step-reps) step_reps="$2"; shift 2 ;;
    --cnn-steps) cnn_steps="$2"; shift 2 ;;
    --cnn-embed) cnn_embed="$2"; shift 2 ;;
    --cnn-nets) cnn_nets="$2"; shift 2 ;;
    --conditions) conditions="$2"; shift 2 ;;
    --background-load) conditions="load$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for part in ${parts//,/ }; do
  [[ "$part" =~ ^(losses|knn|step|epoch|cnn)$ ]] || {
    echo "run-bench: unknown part '$part' (losses, knn, step, epoch, cnn)" >&2; exit 2; }
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "run-bench: --rounds needs a positive integer, found '$rounds'" >&2; exit 2; }
[[ "$epochs" =~ ^[1-9][0-9]*$ ]] || { echo "run-bench: --epochs needs a positive integer, found '$epochs'" >&2; exit 2; }
[[ "$step_warmup" =~ ^[0-9]+$ ]] || { echo "run-bench: --step-warmup needs a non-negative integer, found '$step_warmup'" >&2; exit 2; }
[[ "$step_reps" =~ ^[1-9][0-9]*$ ]] || { echo "run-bench: --step-reps needs a positive integer, found '$step_reps'" >&2; exit 2; }
for condition in ${conditions//,/ }; do
  [[ "$condition" =~ ^(idle|load[0-9]+)$ ]] || {
    echo "run-bench: unknown condition '$condition' (idle, or loadN: N busy background processes)" >&2; exit 2; }
done
[[ "$cnn_steps" =~ ^[0-9]+$ ]] || { echo "run-bench: --cnn-steps needs a non-negative integer, found '$cnn_steps'" >&2; exit 2; }
[[ "$cnn_embed" =~ ^[0-9]+$ ]] || { echo "run-bench: --cnn-embed needs a non-negative integer, found '$cnn_embed'" >&2; exit 2; }
for net in ${cnn_nets//,/ }; do
  [[ "$net" =~ ^(cnn28|resnet28|cnn64|resnet64|onnxresnet28|onnxmobilenet28)$ ]] || {
    echo "run-bench: unknown --cnn-nets entry '$net' (cnn28, resnet28, cnn64, resnet64, onnxresnet28, onnxmobilenet28)" >&2
    exit 2; }
done

py="${BENCH_VENV:-$root/.bench-venv}/bin/python"
if ! "$py" -c "import torch, faiss, pytorch_metric_learning" 2>/dev/null; then
  echo "run-bench: the peer environment is missing or broken: run experiments/bench/setup-peer.sh first" >&2
  exit 2
fi
"$root/dml4j" --version >/dev/null || { echo "run-bench: ./dml4j does not build or start (see above)" >&2; exit 2; }
classpath="$root/experiments/target/dml4j-experiments-0.1.0-SNAPSHOT.jar:$(cat "$root/experiments/target/classpath.txt")"
export OMP_NUM_THREADS="$threads" OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"
tsv="$out/results.tsv"
: >"$tsv"
java_flags=(-Xmx"${DML4J_HEAP:-4g}" -Dorg.bytedeco.javacpp.maxphysicalbytes="${DML4J_OFFHEAP:-8G}"
            -Dorg.nd4j.log.initialization=false ${JAVA_OPTS:-})
java_bench() {
  java "${java_flags[@]}" -cp "$classpath" org.dml4j.experiments.bench.PeerBench "$@"
}
load1() { cut -d' ' -f1 /proc/loadavg; }

# Runs one side's command, appending its RESULT lines to the TSV as: side round condition load1 name median min max
# reps extra.
record() {
  local side="$1" round="$2" condition="$3"; shift 3
  local load; load="$(load1)"
  local lines
  if ! lines="$("$@" 2>"$out/last-stderr.txt")"; then
    echo "run-bench: $side failed: $*" >&2; tail -20 "$out/last-stderr.txt" >&2; exit 1
  fi
  grep '^RESULT ' <<<"$lines" | while read -r _ name median min max n extra; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$round" "$condition" "$load" "$name" "$median" "$min" \
      "$max" "$n" "$extra"
    printf '  round %s %-5s %-6s load %-5s %-26s %10.2f ms  %s\n' "$round" "$condition" "$side" "$load" "$name" \
      "$median" "$extra" >&2
  done >>"$tsv"
}

dml4j_epoch() {
  local loss="$1" flags
  case "$loss" in
    contrastive) flags="--loss contrastive" ;;
    proxy_nca) flags="--loss proxy-nca" ;;
    multi_similarity) flags="--loss multi-similarity --miner multi-similarity" ;;
    triplet_semihard) flags="--loss triplet --margin 0.2 --miner semihard" ;;
  esac
  # shellcheck disable=SC2086
  "$root/dml4j" train $flags --network mlp:512,128 --optimizer adam --lr 0.001 --epochs "$epochs" --batch-size 256 \
    --m-per-class 32 --seed 0 --quiet --events-out "$out/dml4j-epoch-$loss.jsonl" >/dev/null
  "$py" - "$out/dml4j-epoch-$loss.jsonl" "$loss" <<'PY'
import json, sys
cpu = None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] != "epoch":
        continue
    ms = e["seconds"] * 1e3
    used = "%.3f" % (e["process_cpu_seconds"] - cpu) if cpu is not None else "nan"
    cpu = e["process_cpu_seconds"]
    print("RESULT epoch%d_%s %.3f %.3f %.3f 1 cpu_s=%s" % (e["epoch"], sys.argv[2], ms, ms, ms, used))
PY
}

# One round of a workload under each condition in turn: the condition's background load (if any) starts, the two
# sides run, alternating (DML4J first in odd rounds, the peer first in even ones), and the load stops.
both() {
  local round="$1" dml4j_cmd="$2" peer_cmd="$3" condition
  for condition in ${conditions//,/ }; do
    start_burners "$condition"
    if ((round % 2)); then
      record dml4j "$round" "$condition" bash -c "$dml4j_cmd"; record peer "$round" "$condition" bash -c "$peer_cmd"
    else
      record peer "$round" "$condition" bash -c "$peer_cmd"; record dml4j "$round" "$condition" bash -c "$dml4j_cmd"
    fi
    stop_burners
  done
}
export -f java_bench dml4j_epoch
export classpath py root out epochs

# The controlled background load: N busy loops for condition loadN, stopped by PID after the condition's runs and
# when the harness exits however it exits.
burners=()
start_burners() {
  local n=0 i
  [[ "$1" == load* ]] && n="${1#load}"
  for ((i = 0; i < n; i++)); do
    bash -c 'while :; do :; done' &
    burners+=("$!")
  done
}
stop_burners() {
  ((${#burners[@]} == 0)) || { kill "${burners[@]}" 2>/dev/null || true; wait "${burners[@]}" 2>/dev/null || true; }
  burners=()
}
trap stop_burners EXIT
trap 'exit 130' INT TERM

{
  echo "date: $(date -u +%FT%TZ)  commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo '+changes')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores visible, $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo "cpu flags: $(grep -m1 '^flags' /proc/cpuinfo | grep -ow 'avx2\|avx512f\|avx512_bf16\|avx512_vnni\|fma' | sort -u | tr '\n' ' ')"
  echo "java: $(java -version 2>&1 | head -1); PeerBench flags: ${java_flags[*]}"
  echo "./dml4j train JVM (the launcher's flags, JAVA_OPTS='${JAVA_OPTS:-}', DML4J_THREADS='${DML4J_THREADS:-}'): $(JAVA_OPTS="${JAVA_OPTS:-} -XX:+PrintCommandLineFlags" "$root/dml4j" --version 2>&1 | grep -e '-XX:' | head -1)"
  echo "threads: OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE; conditions: $conditions (loadN: N busy background processes)"
  echo "OpenBLAS environment (both sides): OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(OpenBLAS detects)} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-(detected)} OPENBLAS_THREAD_TIMEOUT=${OPENBLAS_THREAD_TIMEOUT:-(unset: ./dml4j's default 20, the peer's OpenBLAS 28)}"
  echo "OpenBLAS in use: DML4J $(java "${java_flags[@]}" -cp "$classpath" org.dml4j.experiments.bench.BlasInfo 2>/dev/null \
    | tail -n +2 | while read -r lib; do "$py" "$here/peer_bench.py" blas-info --library "$lib"; done | paste -sd';')"
  echo "                 peer $("$py" "$here/peer_bench.py" blas-info)"
  echo "peer: $("$py" -c "import torch, faiss, numpy, pytorch_metric_learning as p; print('torch', torch.__version__, '/ faiss', faiss.__version__, '/ numpy', numpy.__version__, '/ PML', p.__version__)")"
  echo "rounds: $rounds  parts: $parts  load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/environment.txt" >&2

data="$out/data"
if [[ ",$parts," == *,losses,* ]]; then
  "$py" "$here/peer_bench.py" gen-batch "$data/batch"
  for ((r = 1; r <= rounds; r++)); do
    both "$r" "java_bench losses '$data/batch' $warmup $reps" \
      "'$py' '$here/peer_bench.py' --threads $threads losses '$data/batch' $warmup $reps"
  done
fi
if [[ ",$parts," == *,knn,* ]]; then
  for n in ${knn_sizes//,/ }; do
    "$py" "$here/peer_bench.py" gen-clustered "$data/knn$n" "$n"
    for ((r = 1; r <= rounds; r++)); do
      both "$r" "java_bench knn '$data/knn$n'" "'$py' '$here/peer_bench.py' --threads $threads knn '$data/knn$n'"
    done
    rm -rf "${data:?}/knn$n"
  done
fi
if [[ ",$parts," == *,step,* ]]; then
  "$py" "$here/peer_bench.py" gen-batch "$data/step" --dim 784
  for ((r = 1; r <= rounds; r++)); do
    both "$r" "java_bench step '$data/step' $step_warmup $step_reps" \
      "'$py' '$here/peer_bench.py' --threads $threads step '$data/step' $step_warmup $step_reps"
  done
fi
if [[ ",$parts," == *,epoch,* ]]; then
  for loss in ${epoch_losses//,/ }; do
    for ((r = 1; r <= rounds; r++)); do
      both "$r" "dml4j_epoch $loss" "'$py' '$here/peer_bench.py' --threads $threads epoch $loss --epochs $epochs"
    done
  done
fi
if [[ ",$parts," == *,cnn,* ]]; then
  onnx="$root/tribuo-extensions/src/test/resources/onnx"
  "$py" "$here/peer_bench.py" gen-images "$data/img28" fmnist --n 10240
  "$py" "$here/peer_bench.py" gen-images "$data/img64" synthetic --n 2560 --image 3x64x64
  for net in ${cnn_nets//,/ }; do
    case "$net" in
      cnn28) dir=img28 spec="cnn:32,64,128" ;;
      resnet28) dir=img28 spec="resnet:16,32,64,128" ;;
      cnn64) dir=img64 spec="cnn:32,64,128:image=3x64x64" ;;
      resnet64) dir=img64 spec="resnet:16,32,64,128:image=3x64x64" ;;
      onnxresnet28) dir=img28 spec="onnx:$onnx/resnet18-narrow.onnx:embedding=64" ;;
      onnxmobilenet28) dir=img28 spec="onnx:$onnx/mobilenet-small.onnx:embedding=64" ;;
    esac
    for ((r = 1; r <= rounds; r++)); do
      both "$r" "java_bench image '$data/$dir' $net '$spec' $epochs $cnn_steps $cnn_embed" \
        "'$py' '$here/peer_bench.py' --threads $threads image '$data/$dir' $net '$spec' $epochs $cnn_steps $cnn_embed"
    done
  done
  rm -rf "${data:?}/img28" "${data:?}/img64"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/environment.txt" >&2

"$py" "$here/bench_summary.py" "$tsv" "$epochs" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  | tee "$out/summary.txt"
echo "run-bench: raw figures in $tsv" >&2

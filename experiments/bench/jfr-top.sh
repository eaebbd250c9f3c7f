#!/usr/bin/env bash
# Summarises a JFR recording by where the samples fall: the top frames (the method running when sampled) and the
# innermost org.dml4j frame of each sample (which DML4J code the time is spent under, native calls included).
#   experiments/bench/jfr-top.sh RECORDING.jfr [N] [FRAME]
# N: how many lines per list (15). FRAME: count only samples whose stack has a frame containing this text
# (e.g. TrainingRun.trainEpoch, to leave out data loading and evaluation).
# Record with: java -XX:StartFlightRecording=filename=RECORDING.jfr,settings=profile ...
# Java-code samples are jdk.ExecutionSample; threads inside native code (ND4J/OpenBLAS) are jdk.NativeMethodSample
# (sampled less often: compare percentages within one kind, not across).
set -euo pipefail
file="${1:?usage: jfr-top.sh RECORDING.jfr [N] [FRAME]}"
n="${2:-15}"
frame="${3:-}"
[[ -f "$file" ]] || { echo "jfr-top: no such recording: $file" >&2; exit 2; }
command -v jfr >/dev/null || { echo "jfr-top: the JDK's jfr tool is not on PATH" >&2; exit 2; }
for event in jdk.ExecutionSample jdk.NativeMethodSample; do
  # One line per kept sample: TOP<tab>INNERMOST-DML4J
  samples="$(jfr print --stack-depth 64 --events "$event" "$file" | awk -v want="$frame" '
    function clean(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+line:.*/, "", s); return s }
    /stackTrace = \[/ { inside = 1; top = ""; dml = ""; keep = (want == ""); next }
    inside && /^[ \t]*\]/ { if (keep) print top "\t" (dml == "" ? "(no org.dml4j frame)" : dml); inside = 0; next }
    inside { f = clean($0); if (top == "") top = f; if (dml == "" && f ~ /org\.dml4j\./) dml = f;
             if (want != "" && index(f, want)) keep = 1 }')"
  total="$(grep -c . <<<"$samples" || true)"
  echo "== $event: $total samples${frame:+ under $frame}"
  ((total)) || continue
  for col in 1 2; do
    [[ $col == 1 ]] && echo "-- top frames" || echo "-- innermost org.dml4j frame"
    cut -f"$col" <<<"$samples" | sort | uniq -c | sort -rn | head -"$n" \
      | awk -v t="$total" '{c = $1; $1 = ""; printf "%5.1f%% %s\n", 100 * c / t, $0}'
  done
done

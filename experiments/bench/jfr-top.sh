#!/usr/bin/env bash
# Summarises a JFR recording by where the samples fall: the top frames (the method running when sampled) and the
# innermost org.dml4j frame of each sample (which DML4J code the time is spent under, native calls included).
#   experiments/bench/jfr-top.sh RECORDING.jfr [N]
# Record with: java -XX:StartFlightRecording=filename=RECORDING.jfr,settings=profile ...
# Java-code samples are jdk.ExecutionSample; threads inside native code (ND4J/OpenBLAS) are jdk.NativeMethodSample.
set -euo pipefail
file="${1:?usage: jfr-top.sh RECORDING.jfr [N]}"
n="${2:-15}"
[[ -f "$file" ]] || { echo "jfr-top: no such recording: $file" >&2; exit 2; }
command -v jfr >/dev/null || { echo "jfr-top: the JDK's jfr tool is not on PATH" >&2; exit 2; }
for event in jdk.ExecutionSample jdk.NativeMethodSample; do
  dump="$(jfr print --stack-depth 64 --events "$event" "$file")"
  total="$(grep -c "^$event" <<<"$dump" || true)"
  echo "== $event: $total samples"
  ((total)) || continue
  echo "-- top frames"
  awk '/stackTrace = \[/{getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print}' <<<"$dump" \
    | sort | uniq -c | sort -rn | head -"$n" | awk -v t="$total" '{c = $1; $1 = ""; printf "%5.1f%% %s\n", 100 * c / t, $0}'
  echo "-- innermost org.dml4j frame"
  awk '/stackTrace = \[/{inside=1; found=0; next} inside && /^[ \t]*\]/{if(!found) print "(no org.dml4j frame)"; inside=0; next}
       inside && !found && /org\.dml4j\./{s=$0; sub(/^[ \t]+/, "", s); sub(/[ \t]+line:.*/, "", s); print s; found=1}' <<<"$dump" \
    | sort | uniq -c | sort -rn | head -"$n" | awk -v t="$total" '{c = $1; $1 = ""; printf "%5.1f%% %s\n", 100 * c / t, $0}'
done

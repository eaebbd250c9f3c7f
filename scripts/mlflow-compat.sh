#!/usr/bin/env bash
# The MLflow server compatibility matrix: runs the plugin's real-server tests against every MLflow server version in
# scripts/mlflow-compat-versions.txt (or the versions given), each installed from PyPI into its own
# <repo>/.venv-mlflow-<version> by scripts/mlflow-server.sh. The pinned version (scripts/requirements-mlflow.txt) is
# tested by the main suite; this adds the others. Needs the library installed in ~/.m2 (scripts/run-tests.sh runs
# `mvn install` first).
#
#   scripts/mlflow-compat.sh [VERSION ...]
#
# Prints one line per version (tests, failures, seconds) and exits non-zero when any version fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if (($#)); then
  versions=("$@")
else
  mapfile -t versions < <(awk '/^[0-9]/ { print $1 }' scripts/mlflow-compat-versions.txt)
fi

# The plugin's tests tagged "mlflow-compat": run lifecycle, params, metric histories, artifacts, models and registry,
# run read-back and spool replay against a real server. Left out: the client's own fault handling (server restarts,
# refused connections: independent of the server's version), the pinned server's footprint and the docker stack.

summary=()
failed=0
for version in "${versions[@]}"; do
  echo "mlflow-compat: installing MLflow $version" >&2
  DML4J_MLFLOW_VERSION="$version" bash scripts/mlflow-server.sh install >/dev/null
  start=$(date +%s)
  log="plugin/target/mlflow-compat-$version.log"
  mkdir -p plugin/target
  if DML4J_MLFLOW_VERSION="$version" mvn -B -pl plugin test -Dgroups=mlflow-compat >"$log" 2>&1; then
    status=passed
  else
    status=FAILED
    failed=1
  fi
  counts="$(grep -E '^\[[A-Z]+\] Tests run: [0-9]+, Failures' "$log" | tail -1 | sed 's/^\[[A-Z]*\] //')"
  summary+=("MLflow $version: $status (${counts:-no test summary, see $log}) in $(($(date +%s) - start)) s")
  [[ $status == passed ]] || tail -40 "$log" >&2
done

printf 'mlflow-compat: %s\n' "${summary[@]}"
exit "$failed"

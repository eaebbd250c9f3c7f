#!/usr/bin/env bash
# Installs the pinned MLflow server into <repo>/.venv and starts it (plugin tests, quickstart, docker checks).
#
#   mlflow-server.sh install
#       Creates <repo>/.venv if missing and installs scripts/requirements-mlflow.txt into it, unless the pinned
#       version is already installed there from the same requirements file. Prints the path of the mlflow executable.
#   mlflow-server.sh serve PORT DIR [basic-auth]
#       Installs if needed, then runs `mlflow server` on 127.0.0.1:PORT with a SQLite store and artifacts under DIR
#       (in the foreground; stop it with SIGTERM). With basic-auth, DIR/auth.ini must hold the auth app's config.
#
# DML4J_MLFLOW_VERSION=3.X.Y selects another MLflow server version (the compatibility matrix,
# scripts/mlflow-compat.sh): it is installed into <repo>/.venv-mlflow-3.X.Y from the same requirements with only the
# mlflow pin changed (plus the extra pins its line in scripts/mlflow-compat-versions.txt names, e.g. an older
# SQLAlchemy for an older MLflow), and used by both commands.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
venv="$repo/.venv"
requirements="$here/requirements-mlflow.txt"
pinned="$(sed -n 's/^mlflow\(\[[^]]*\]\)\?==\([^[:space:]]*\).*/\2/p' "$requirements")"
if [[ -n "${DML4J_MLFLOW_VERSION:-}" && "$DML4J_MLFLOW_VERSION" != "$pinned" ]]; then
  [[ "$DML4J_MLFLOW_VERSION" =~ ^3\.[0-9]+\.[0-9]+$ ]] \
    || { echo "mlflow-server.sh: DML4J_MLFLOW_VERSION must be an MLflow 3 release such as 3.1.4, not '$DML4J_MLFLOW_VERSION'" >&2; exit 2; }
  venv="$repo/.venv-mlflow-$DML4J_MLFLOW_VERSION"
  mkdir -p "$venv"
  sed "s/^\(mlflow\(\[[^]]*\]\)\?\)==[^[:space:]]*/\1==$DML4J_MLFLOW_VERSION/" "$here/requirements-mlflow.txt" \
    > "$venv/requirements-mlflow.txt"
  awk -v v="$DML4J_MLFLOW_VERSION" '$1 == v { for (i = 2; i <= NF; i++) print $i }' \
    "$here/mlflow-compat-versions.txt" >> "$venv/requirements-mlflow.txt"
  requirements="$venv/requirements-mlflow.txt"
  pinned="$DML4J_MLFLOW_VERSION"
fi
python="${PYTHON:-python3}"

install() {
  # The venv is current when it has the pinned mlflow and was installed from this very requirements file (its hash is
  # kept in the venv), so adding a requirement (e.g. a database driver) installs again instead of being skipped.
  local hash_file="$venv/.requirements-mlflow.sha256" hash
  hash="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [[ -x "$venv/bin/mlflow" ]] && [[ "$(cat "$hash_file" 2>/dev/null)" == "$hash" ]] \
      && [[ "$("$venv/bin/python" -I -c 'import importlib.metadata as m; print(m.version("mlflow"))' 2>/dev/null)" == "$pinned" ]]; then
    echo "$venv/bin/mlflow"
    return
  fi
  echo "Installing scripts/requirements-mlflow.txt (mlflow==$pinned) into $venv (a few minutes, once)" >&2
  [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  echo "$hash" > "$hash_file"
  echo "$venv/bin/mlflow"
}

serve() {
  local port="$1" dir="$2" app="${3:-}"
  local mlflow
  mlflow="$(install)"
  mkdir -p "$dir/artifacts"
  local args=(server --host 127.0.0.1 --port "$port" --workers 1
              --backend-store-uri "sqlite:///$dir/mlflow.db"
              --artifacts-destination "$dir/artifacts" --serve-artifacts)
  # MLflow 3 also starts a job runner (a Huey consumer process per job type, each polling several times a second)
  # for its GenAI jobs, which DML4J does not use: on a 2-core machine those idle processes take a visible share of
  # the CPU from training and tests. Off unless the caller turns it on.
  export MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}"
  if [[ "$app" == "basic-auth" ]]; then
    export MLFLOW_AUTH_CONFIG_PATH="$dir/auth.ini"
    args+=(--app-name basic-auth)
  fi
  cd "$dir"
  exec "$mlflow" "${args[@]}"
}

case "${1:-}" in
  install) install ;;
  serve) shift; serve "$@" ;;
  *) echo "usage: $0 install | serve PORT DIR [basic-auth]" >&2; exit 2 ;;
esac

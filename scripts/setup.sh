#!/usr/bin/env bash
# Installs what DML4J's tests and quickstart need beyond Java 17 and Maven, idempotently:
#   - Debian's dataset-fashion-mnist (the Fashion-MNIST IDX files), when apt is available;
#   - the Python virtual environment .venv with the pinned MLflow server (plugin tests, quickstart).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

install_fashion_mnist() {
  if dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
    return
  fi
  if ! command -v apt-get >/dev/null; then
    echo "setup: Debian's dataset-fashion-mnist is not available here (no apt-get); pass --data-dir with the" \
         "Fashion-MNIST IDX files instead." >&2
    return
  fi
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "setup: run 'apt-get install dataset-fashion-mnist' as root, or pass --data-dir." >&2
      return
    fi
  fi
  echo "setup: installing Debian's dataset-fashion-mnist ..." >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null
}

install_mlflow() {
  bash "$root/scripts/mlflow-server.sh" install >/dev/null
}

install_fashion_mnist
install_mlflow

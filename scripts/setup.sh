#!/usr/bin/env bash
# Installs what DML4J's tests and quickstart need beyond Java 17 and Maven, idempotently:
#   - Debian's dataset-fashion-mnist (the Fashion-MNIST IDX files), when apt is available;
#   - the Python virtual environment .venv with the pinned MLflow server (plugin tests, quickstart);
#   - with --tests (scripts/run-tests.sh), also Debian's postgresql (the docker stack's MLflow command line is tested
#     against a throwaway cluster) and chromium (the MLflow UI is checked in headless Chromium). Not for the
#     quickstart, which needs neither.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Installs a Debian package unless it is there; without apt-get or root rights, says what to do instead.
install_debian_package() {
  local package="$1" otherwise="$2"
  if dpkg -s "$package" >/dev/null 2>&1; then
    return
  fi
  if ! command -v apt-get >/dev/null; then
    echo "setup: Debian's $package is not available here (no apt-get); $otherwise" >&2
    return
  fi
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "setup: run 'apt-get install $package' as root; $otherwise" >&2
      return
    fi
  fi
  echo "setup: installing Debian's $package ..." >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package" >/dev/null
}

install_mlflow() {
  bash "$root/scripts/mlflow-server.sh" install >/dev/null
}

# The Spark distribution for the Spark tests (experiments' LocalSparkCluster): pyspark of exactly the version the
# build compiles against (the driver in the test JVM and the cluster must run the same Spark).
install_spark() {
  local version venv="$root/.venv-spark"
  version="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$root/pom.xml")"
  if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c "import sys, pyspark; sys.exit(pyspark.__version__ != '$version')" 2>/dev/null; then
    return
  fi
  echo "setup: installing pyspark $version (a Spark distribution, ~320 MB) into $venv ..." >&2
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install -q "pyspark==$version"
}

install_debian_package dataset-fashion-mnist \
  "pass --data-dir with the Fashion-MNIST IDX files instead."
if [[ "${1:-}" == "--tests" ]]; then
  install_debian_package postgresql \
    "the docker stack's server test (plugin's ComposeServerTest) needs a PostgreSQL server."
  install_debian_package chromium \
    "the MLflow UI test (plugin's UiViewsTest) loads the UI in headless Chromium."
  install_spark
fi
install_mlflow

#!/usr/bin/env bash
# The whole DML4J test suite, on a fresh machine with Java 17 and Maven: installs what the tests need, then runs
# every module's tests (unit, golden conformance against pytorch-metric-learning, real MLflow server, end to end),
# then the MLflow server compatibility matrix (scripts/mlflow-compat.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" --tests
cd "$root"
mvn -B install
# The plugin's server tests again against the other supported MLflow server versions (scripts/mlflow-compat-versions.txt).
scripts/mlflow-compat.sh

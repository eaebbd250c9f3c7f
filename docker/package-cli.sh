#!/usr/bin/env bash
# Builds the dml4j command line and gathers it with its runtime dependencies into one folder (the trainer images'
# build stage; shared so the CPU and CUDA images build the same way).
#   docker/package-cli.sh OUTDIR [MAVEN_ARGS...]      e.g. docker/package-cli.sh /opt/dml4j/lib -Pcuda
# Run from the project root. The image's entry point runs: java -cp 'OUTDIR/*' org.dml4j.experiments.Dml4jCommand
set -euo pipefail
out="$1"
shift
mkdir -p "$out"
# One reactor build, so the sibling modules' jars resolve from it without an install; copy-dependencies runs in
# every module into the same folder (the experiments module's runtime scope is a superset of the others').
mvn -B -q -DskipTests "$@" package dependency:copy-dependencies -pl experiments -am \
  -DincludeScope=runtime -DoutputDirectory="$out"
cp experiments/target/dml4j-experiments-*.jar "$out/"

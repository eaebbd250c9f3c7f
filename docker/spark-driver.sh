#!/usr/bin/env bash
# The compose Spark profile's driver: submits a dml4j command to the profile's standalone master with spark-submit
# in client mode, as the README's spark-submit line does (DML4J's jars shipped with --jars, Spark's own first).
#   docker compose -f docker/compose.yaml --profile spark run --rm --use-aliases spark-driver \
#     sweep /data/sweep.json --spark spark://spark-master:7077
# Environment (set by compose): SPARK_MASTER_URL, and SPARK_DRIVER_HOST, the name the executors reach the driver by.
set -euo pipefail
lib=/opt/dml4j/lib
app=("$lib"/dml4j-experiments-*.jar)
jars=$(find "$lib" -name '*.jar' ! -name "$(basename "${app[0]}")" | sort | paste -sd, -)
exec /opt/spark/bin/spark-submit --master "$SPARK_MASTER_URL" --deploy-mode client \
  --conf "spark.driver.host=$SPARK_DRIVER_HOST" --conf spark.driver.bindAddress=0.0.0.0 \
  --class org.dml4j.experiments.Dml4jCommand --jars "$jars" "${app[0]}" "$@"

/**
 * The CLI's jobs on an Apache Spark cluster (standalone, YARN or Kubernetes): a sweep's trials as Spark tasks
 * ({@link org.dml4j.experiments.spark.SparkTrialSite}), data-parallel training, one model replica per task of a
 * barrier stage ({@link org.dml4j.experiments.spark.SparkReplicaTraining}), and exact retrieval evaluation and
 * embedding of a gallery sharded over the executors ({@link org.dml4j.experiments.spark.ShardedEvaluation}). Spark is
 * a provided dependency: the cluster's distribution ({@code SPARK_HOME}, or {@code spark-submit}) brings its jars,
 * and the executors get DML4J's own from the driver's classpath
 * ({@link org.dml4j.experiments.spark.ExecutorClasspath}).
 */
package org.dml4j.experiments.spark;

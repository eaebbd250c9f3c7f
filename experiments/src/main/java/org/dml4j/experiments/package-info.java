/**
 * The {@code dml4j} command line ({@link org.dml4j.experiments.Dml4jCommand}): its commands (conformance with
 * pytorch-metric-learning, train, eval, embed, sweep, compare, reproduce, sync, quickstart), their shared options and
 * the MLflow adapters they use ({@link org.dml4j.experiments.TrackingOptions}, the sweep's MLflow runs). The logic
 * lives in the sub-packages, which never depend on this one: {@code io} (user errors, checked files), {@code data},
 * {@code training}, {@code progress}, {@code sweep} (the sweep engine, MLflow-free) and {@code report} (statistics
 * and plots). The {@code ./dml4j} script at the repository root builds and launches it.
 */
package org.dml4j.experiments;

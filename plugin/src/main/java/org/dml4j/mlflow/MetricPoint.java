package org.dml4j.mlflow;

/**
 * One metric value as MLflow stores it.
 *
 * @param key       the metric key (see {@link MlflowKeys#sanitizeKey})
 * @param value     the value; NaN is stored as NaN, infinities as the largest finite doubles
 * @param timestamp milliseconds since the epoch
 * @param step      the step (global batch step, or the epoch for per-epoch metrics)
 */
public record MetricPoint(String key, double value, long timestamp, long step) {
}

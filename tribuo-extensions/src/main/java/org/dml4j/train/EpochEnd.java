package org.dml4j.train;

import java.util.Map;

/**
 * The end of an epoch.
 *
 * @param epoch             the epoch, from 1
 * @param step              the global step at its end
 * @param meanLoss          the mean batch loss of the epoch
 * @param learningRate      the learning rate at its end
 * @param validationMetrics retrieval metrics on the validation split by MLflow-safe name (e.g. {@code map_at_r});
 *                          empty on epochs without validation
 * @param seconds           the epoch's wall time
 */
public record EpochEnd(int epoch, long step, double meanLoss, double learningRate,
                       Map<String, Double> validationMetrics, double seconds) {
}

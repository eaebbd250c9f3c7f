package org.dml4j.train;

import org.tribuo.Model;
import org.tribuo.classification.Label;

import java.util.Map;

/**
 * The successful end of training.
 *
 * @param model        the trained model
 * @param finalMetrics the last validation metrics by MLflow-safe name (empty without validation): validation
 *                     values, not test ones (a tracker logs them under a validation prefix)
 * @param epochs       the number of epochs trained (fewer than configured after early stopping)
 * @param seconds      the training wall time
 */
public record RunEnd(Model<Label> model, Map<String, Double> finalMetrics, int epochs, double seconds) {
}

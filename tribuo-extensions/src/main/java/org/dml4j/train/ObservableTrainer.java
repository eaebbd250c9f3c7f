package org.dml4j.train;

import org.tribuo.Trainer;
import org.tribuo.classification.Label;

/**
 * A trainer whose runs report to {@link TrainingListener}s (progress, MLflow tracking, a sweep's pruner), whatever
 * it trains: {@link MetricLearningTrainer} and the cross-modal {@code TwoTowerTrainer}.
 */
public interface ObservableTrainer extends Trainer<Label> {

    /**
     * Attaches a listener to the runs this trainer starts (a runtime attachment, not part of the configuration or
     * the provenance).
     *
     * @param listener the listener
     */
    void addListener(TrainingListener listener);

    /**
     * Removes a listener.
     *
     * @param listener the listener
     */
    void removeListener(TrainingListener listener);
}

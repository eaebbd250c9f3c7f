package org.dml4j.experiments;

import org.dml4j.train.EpochEnd;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingListener;

import java.util.Set;

/**
 * Follows one sweep trial's validation curve: keeps the best value of the sweep's metric and, when the median rule
 * says so, stops the trial by interrupting its thread (the trainer then throws
 * {@link org.dml4j.train.TrainingInterruptedException} at its next batch).
 */
final class TrialPruner implements TrainingListener {

    private final int trial;
    private final String metric;
    private final MedianStoppingRule rule;
    private volatile boolean started;
    private volatile boolean pruned;
    private volatile double best = Double.NaN;
    private volatile int epochs;
    private volatile Set<String> metricsWithoutTheOne;

    /**
     * @param trial  the trial number
     * @param metric the validation metric the sweep maximizes
     * @param rule   the shared stopping rule, or null for none
     */
    TrialPruner(int trial, String metric, MedianStoppingRule rule) {
        this.trial = trial;
        this.metric = metric;
        this.rule = rule;
    }

    @Override
    public void onRunStart(RunStart start) {
        started = true;
    }

    @Override
    public void onEpochEnd(EpochEnd epoch) {
        epochs = epoch.epoch();
        if (epoch.validationMetrics().isEmpty()) {
            return;
        }
        Double value = epoch.validationMetrics().get(metric);
        if (value == null) {
            metricsWithoutTheOne = Set.copyOf(epoch.validationMetrics().keySet());
            Thread.currentThread().interrupt();
            return;
        }
        best = Double.isNaN(best) ? value : Math.max(best, value);
        if (rule != null && rule.report(trial, epoch.epoch(), value)) {
            pruned = true;
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether training started (the tracker created the run) */
    boolean started() {
        return started;
    }

    /** @return whether the rule stopped the trial */
    boolean pruned() {
        return pruned;
    }

    /** @return the best validation value, NaN before the first validation */
    double best() {
        return best;
    }

    /** @return the epochs trained */
    int epochs() {
        return epochs;
    }

    /**
     * @throws UserError when the sweep's metric is not among the validation metrics
     */
    void requireKnownMetric() {
        if (metricsWithoutTheOne != null) {
            throw new UserError("The sweep's metric '" + metric + "' is not a validation metric. Set \"metric\" to "
                    + "one of " + new java.util.TreeSet<>(metricsWithoutTheOne) + ".");
        }
    }
}

package org.dml4j.experiments.sweep;

import org.dml4j.experiments.io.UserError;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingListener;

import java.util.Set;
import java.util.TreeSet;

/**
 * Follows one sweep trial's validation curve: keeps the best value of the sweep's metric and, when the stopping rule
 * says so, stops the trial: a trial in a thread through {@link #stopRequested()} (the trainer ends after the epoch
 * and returns its model), a trial in a child process with the stop action it was given (which ends the process).
 */
final class TrialPruner implements TrainingListener {

    private final int trial;
    private final String metric;
    private final StoppingRule rule;
    private final Runnable stop;
    private volatile boolean started;
    private volatile int stoppedAt;
    private volatile double best = Double.NaN;
    private volatile int epochs;
    private volatile Set<String> metricsWithoutTheOne;

    /**
     * A pruner for a trial trained in this JVM, which stops through {@link #stopRequested()}.
     *
     * @param trial  the trial number
     * @param metric the validation metric the sweep maximizes
     * @param rule   the shared stopping rule, or null for none
     */
    TrialPruner(int trial, String metric, StoppingRule rule) {
        this(trial, metric, rule, () -> { });
    }

    /**
     * @param trial  the trial number
     * @param metric the validation metric the sweep maximizes
     * @param rule   the shared stopping rule, or null for none
     * @param stop   stops the trial besides {@link #stopRequested()} (called on the thread that reports the
     *               epoch), e.g. ends its child process
     */
    TrialPruner(int trial, String metric, StoppingRule rule, Runnable stop) {
        this.trial = trial;
        this.metric = metric;
        this.rule = rule;
        this.stop = stop;
    }

    @Override
    public void onRunStart(RunStart start) {
        started = true;
    }

    @Override
    public void onEpochEnd(EpochEnd epoch) {
        if (stoppedAt > 0 || epoch.epoch() <= epochs) {
            return; // a child process may report an epoch more before it ends; a trial on a site is followed while
                    // it trains and replayed when it ends, and a retried task reports its epochs again
        }
        epochs = epoch.epoch();
        if (epoch.validationMetrics().isEmpty()) {
            return;
        }
        Double value = epoch.validationMetrics().get(metric);
        if (value == null) {
            metricsWithoutTheOne = Set.copyOf(epoch.validationMetrics().keySet());
            stoppedAt = epoch.epoch();
            stop.run();
            return;
        }
        best = Double.isNaN(best) ? value : Math.max(best, value);
        boolean stopHere;
        try {
            stopHere = rule != null && rule.report(trial, epoch.epoch(), value);
        } catch (InterruptedException e) {
            stopHere = true; // the sweep is ending
        }
        if (stopHere) {
            stoppedAt = epoch.epoch();
            stop.run();
        }
    }

    /** Asks the trainer to stop once the rule stopped the trial (or its metric is unknown). */
    @Override
    public boolean stopRequested() {
        return stoppedAt > 0;
    }

    /** @return whether training started (the tracker created the run) */
    boolean started() {
        return started;
    }

    /** @return whether the rule stopped the trial */
    boolean pruned() {
        return stoppedAt > 0 && metricsWithoutTheOne == null;
    }

    /** @return the epoch the rule stopped the trial at, 0 when it did not */
    int stoppedAt() {
        return pruned() ? stoppedAt : 0;
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
                    + "one of " + new TreeSet<>(metricsWithoutTheOne) + ".");
        }
    }
}

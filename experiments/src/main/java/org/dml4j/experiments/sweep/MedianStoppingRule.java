package org.dml4j.experiments.sweep;

import org.dml4j.experiments.io.UserError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The median stopping rule (Golovin et al., Google Vizier, 2017) on the per-epoch validation curves of a sweep's
 * trials: after its grace epochs, a trial stops when its best value so far is below the median of the best values
 * the other trials had reached by the same epoch, provided enough other trials got that far. Thread-safe: parallel
 * trials report to one rule.
 */
final class MedianStoppingRule implements StoppingRule {

    /**
     * The rule's settings.
     *
     * @param graceEpochs epochs every trial trains before it can be stopped
     * @param minTrials   other trials that must have reached the epoch before the rule applies
     */
    record Settings(int graceEpochs, int minTrials) implements StoppingRule.Settings {
        Settings {
            if (graceEpochs < 0 || minTrials < 1) {
                throw new UserError("early_stopping needs grace_epochs >= 0 and min_trials >= 1, found "
                        + graceEpochs + " and " + minTrials + ".");
            }
        }

        @Override
        public StoppingRule newRule() {
            return new MedianStoppingRule(this);
        }
    }

    private final Settings settings;
    /** Trial number to its best value by epoch (index epoch - 1). */
    private final Map<Integer, List<Double>> bestByEpoch = new HashMap<>();

    MedianStoppingRule(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "median";
    }

    @Override
    public synchronized boolean report(int trial, int epoch, double value) {
        List<Double> curve = bestByEpoch.computeIfAbsent(trial, t -> new ArrayList<>());
        double previous = curve.isEmpty() ? Double.NEGATIVE_INFINITY : curve.get(curve.size() - 1);
        double best = Math.max(previous, value);
        while (curve.size() < epoch) {
            curve.add(best);
        }
        if (epoch <= settings.graceEpochs()) {
            return false;
        }
        double[] others = bestByEpoch.entrySet().stream()
                .filter(e -> e.getKey() != trial && e.getValue().size() >= epoch)
                .mapToDouble(e -> e.getValue().get(epoch - 1)).sorted().toArray();
        return others.length >= settings.minTrials() && best < median(others);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

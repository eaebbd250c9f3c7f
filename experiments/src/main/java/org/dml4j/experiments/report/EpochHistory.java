package org.dml4j.experiments.report;

import org.dml4j.train.EpochEnd;
import org.dml4j.train.TrainingListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Records each epoch's mean loss and wall time and the validation metrics of validation epochs, for the loss and
 * validation curves and the epoch times.
 */
public final class EpochHistory implements TrainingListener {

    private final List<Double> losses = new ArrayList<>();
    private final SortedMap<Integer, Map<String, Double>> validations = new TreeMap<>();
    private double seconds;
    private double lastSeconds;

    @Override
    public void onEpochEnd(EpochEnd epoch) {
        losses.add(epoch.meanLoss());
        seconds += epoch.seconds();
        lastSeconds = epoch.seconds();
        if (!epoch.validationMetrics().isEmpty()) {
            validations.put(epoch.epoch(), Map.copyOf(epoch.validationMetrics()));
        }
    }

    /** @return the mean loss of each epoch, in order */
    List<Double> losses() {
        return List.copyOf(losses);
    }

    /** @return the validation metrics by epoch, for the epochs that validated (none without a validation split) */
    SortedMap<Integer, Map<String, Double>> validations() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(validations));
    }

    /** @return the mean epoch wall time, 0 before any epoch */
    public double meanSeconds() {
        return losses.isEmpty() ? 0 : seconds / losses.size();
    }

    /**
     * @return the last epoch's wall time, 0 before any epoch (from the second epoch on, a figure without the JVM's
     *         warm-up, which the first epoch carries)
     */
    public double lastSeconds() {
        return lastSeconds;
    }
}

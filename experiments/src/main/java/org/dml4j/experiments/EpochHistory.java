package org.dml4j.experiments;

import org.dml4j.train.EpochEnd;
import org.dml4j.train.TrainingListener;

import java.util.ArrayList;
import java.util.List;

/** Records each epoch's mean loss and wall time, for the loss curve and the epoch times. */
final class EpochHistory implements TrainingListener {

    private final List<Double> losses = new ArrayList<>();
    private double seconds;
    private double lastSeconds;

    @Override
    public void onEpochEnd(EpochEnd epoch) {
        losses.add(epoch.meanLoss());
        seconds += epoch.seconds();
        lastSeconds = epoch.seconds();
    }

    /** @return the mean loss of each epoch, in order */
    List<Double> losses() {
        return List.copyOf(losses);
    }

    /** @return the mean epoch wall time, 0 before any epoch */
    double meanSeconds() {
        return losses.isEmpty() ? 0 : seconds / losses.size();
    }

    /**
     * @return the last epoch's wall time, 0 before any epoch (from the second epoch on, a figure without the JVM's
     *         warm-up, which the first epoch carries)
     */
    double lastSeconds() {
        return lastSeconds;
    }
}

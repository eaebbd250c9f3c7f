package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * Cosine annealing from the base rate to {@code minLearningRate} over {@code totalSteps} steps, then constant at the
 * minimum: {@code min + (lr - min)(1 + cos(π min(step, T) / T)) / 2}, the closed form of PyTorch's
 * {@code CosineAnnealingLR} (without restarts) (Loshchilov and Hutter, 2017).
 */
public final class CosineSchedule extends AbstractSchedule {

    @Config(mandatory = true, description = "The number of steps T from the base rate to the minimum.")
    private int totalSteps;

    @Config(description = "The rate reached at step T (PyTorch's eta_min).")
    private double minLearningRate = 0.0;

    /** For olcut. */
    private CosineSchedule() {
    }

    /**
     * Creates the schedule.
     *
     * @param totalSteps      the steps to the minimum, {@code > 0}
     * @param minLearningRate the minimum rate, {@code >= 0}
     */
    public CosineSchedule(int totalSteps, double minLearningRate) {
        this.totalSteps = totalSteps;
        this.minLearningRate = minLearningRate;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (totalSteps <= 0) {
            throw new PropertyException("", "totalSteps", "totalSteps must be positive, found " + totalSteps);
        }
        Ranges.checkRange("minLearningRate", minLearningRate, Double.POSITIVE_INFINITY);
    }

    @Override
    public double learningRate(double baseLearningRate, long step) {
        checkStep(step);
        double progress = Math.min(step, totalSteps) / (double) totalSteps;
        return minLearningRate + (baseLearningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    @Override
    public String toString() {
        return "CosineSchedule(totalSteps=" + totalSteps + ", minLearningRate=" + minLearningRate + ")";
    }
}

package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * Decays the rate by {@code gamma} every {@code stepSize} steps: {@code lr γ^floor(step / stepSize)}, as PyTorch's
 * {@code StepLR}.
 */
public final class StepSchedule extends AbstractSchedule {

    @Config(mandatory = true, description = "The number of steps between decays.")
    private int stepSize;

    @Config(description = "The multiplicative decay factor.")
    private double gamma = 0.1;

    /** For olcut. */
    private StepSchedule() {
    }

    /**
     * Creates the schedule.
     *
     * @param stepSize the steps between decays, {@code > 0}
     * @param gamma    the decay factor, {@code > 0}
     */
    public StepSchedule(int stepSize, double gamma) {
        this.stepSize = stepSize;
        this.gamma = gamma;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (stepSize <= 0) {
            throw new PropertyException("", "stepSize", "stepSize must be positive, found " + stepSize);
        }
        if (!(gamma > 0)) {
            throw new PropertyException("", "gamma", "gamma must be positive, found " + gamma);
        }
    }

    @Override
    public double learningRate(double baseLearningRate, long step) {
        checkStep(step);
        return baseLearningRate * Math.pow(gamma, step / stepSize);
    }

    @Override
    public String toString() {
        return "StepSchedule(stepSize=" + stepSize + ", gamma=" + gamma + ")";
    }
}

package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * Decays the rate by {@code gamma} every step: {@code lr γ^step}, as PyTorch's {@code ExponentialLR}.
 */
public final class ExponentialSchedule extends AbstractSchedule {

    @Config(mandatory = true, description = "The multiplicative decay factor per step.")
    private double gamma;

    /** For olcut. */
    private ExponentialSchedule() {
    }

    /**
     * Creates the schedule.
     *
     * @param gamma the decay factor per step, {@code > 0}
     */
    public ExponentialSchedule(double gamma) {
        this.gamma = gamma;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(gamma > 0)) {
            throw new PropertyException("", "gamma", "gamma must be positive, found " + gamma);
        }
    }

    @Override
    public double learningRate(double baseLearningRate, long step) {
        checkStep(step);
        return baseLearningRate * Math.pow(gamma, step);
    }

    @Override
    public String toString() {
        return "ExponentialSchedule(gamma=" + gamma + ")";
    }
}

package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * A linear warm-up in front of any schedule: for {@code step < W} the rate is
 * {@code lr (s + (1 - s) step / W)} (PyTorch's {@code LinearLR} with {@code start_factor} s), from step W on it is
 * the wrapped schedule at {@code step - W} (as PyTorch's {@code SequentialLR} with milestone W).
 */
public final class WarmupSchedule extends AbstractSchedule {

    @Config(mandatory = true, description = "The number of warm-up steps W.")
    private int warmupSteps;

    @Config(description = "The fraction s of the base rate at step 0.")
    private double startFactor = 0.1;

    @Config(description = "The schedule after the warm-up.")
    private LearningRateSchedule schedule = new ConstantSchedule();

    /** For olcut. */
    private WarmupSchedule() {
    }

    /**
     * Creates the schedule.
     *
     * @param warmupSteps the warm-up steps W, {@code > 0}
     * @param startFactor the fraction of the base rate at step 0, in [0, 1]
     * @param schedule    the schedule after the warm-up
     */
    public WarmupSchedule(int warmupSteps, double startFactor, LearningRateSchedule schedule) {
        this.warmupSteps = warmupSteps;
        this.startFactor = startFactor;
        this.schedule = schedule;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (warmupSteps <= 0) {
            throw new PropertyException("", "warmupSteps", "warmupSteps must be positive, found " + warmupSteps);
        }
        if (!(startFactor >= 0 && startFactor <= 1)) {
            throw new PropertyException("", "startFactor", "startFactor must be in [0, 1], found " + startFactor);
        }
        if (schedule == null) {
            throw new PropertyException("", "schedule", "schedule must be set (e.g. a ConstantSchedule)");
        }
    }

    @Override
    public double learningRate(double baseLearningRate, long step) {
        checkStep(step);
        if (step < warmupSteps) {
            return baseLearningRate * (startFactor + (1 - startFactor) * step / warmupSteps);
        }
        return schedule.learningRate(baseLearningRate, step - warmupSteps);
    }

    @Override
    public String toString() {
        return "WarmupSchedule(warmupSteps=" + warmupSteps + ", startFactor=" + startFactor + ", then " + schedule
                + ")";
    }
}

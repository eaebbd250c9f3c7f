package org.dml4j.nn.optim;

/**
 * The base learning rate at every step.
 */
public final class ConstantSchedule extends AbstractSchedule {

    /** Creates the schedule. */
    public ConstantSchedule() {
    }

    @Override
    public double learningRate(double baseLearningRate, long step) {
        checkStep(step);
        return baseLearningRate;
    }

    @Override
    public String toString() {
        return "ConstantSchedule";
    }
}

package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;

/**
 * The learning rate as a function of the step, as PyTorch's {@code lr_scheduler}s in closed form. The step is the
 * number of schedule steps already taken (0 for the first); whether a step is a batch or an epoch is the caller's
 * choice. Stateless, so a resumed run only needs its step count.
 */
public interface LearningRateSchedule extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * The learning rate at a step.
     *
     * @param baseLearningRate the configured learning rate
     * @param step             the number of steps taken, {@code >= 0}
     * @return the learning rate to use
     */
    double learningRate(double baseLearningRate, long step);
}

package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An update rule with its hyperparameters (but not its state), following the formulas of the PyTorch optimizer of the
 * same name. Stateless and thread-safe: one training run gets its state from {@link #newUpdater()}.
 */
public interface Optimizer extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Updates one parameter in place.
     *
     * @param parameter    the parameter, changed in place
     * @param gradient     dL/d(parameter); not modified
     * @param learningRate the learning rate of this step (schedule and group multiplier applied)
     * @param state        the parameter's state; its {@link ParameterState#step()} is already this step's number
     *                     (1 on the first step)
     */
    void update(INDArray parameter, INDArray gradient, double learningRate, ParameterState state);

    /** @return a fresh updater (no state) applying this rule */
    default Updater newUpdater() {
        return new Updater(this);
    }
}

package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * The provenance and step check shared by the schedules.
 */
abstract class AbstractSchedule implements LearningRateSchedule {

    /**
     * Rejects a negative step.
     *
     * @param step the step
     */
    protected static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, found " + step);
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "LearningRateSchedule");
    }
}

package org.dml4j.nn.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A snapshot of an {@link Updater}'s state for checkpoints: for each parameter name, its step count and its slot
 * arrays (copies, independent of the updater).
 *
 * @param steps the step count of each parameter
 * @param slots the slot arrays of each parameter, by slot name
 */
public record OptimizerState(Map<String, Long> steps, Map<String, Map<String, INDArray>> slots) {

    /**
     * Checks that the two maps name the same parameters.
     *
     * @param steps the step counts
     * @param slots the slot arrays
     */
    public OptimizerState {
        if (!steps.keySet().equals(slots.keySet())) {
            throw new IllegalArgumentException("steps and slots must name the same parameters, found "
                    + steps.keySet() + " and " + slots.keySet());
        }
        steps = Map.copyOf(steps);
        slots = Map.copyOf(slots);
    }
}

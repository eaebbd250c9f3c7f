package org.dml4j.nn.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one {@link Optimizer} over one training run: a {@link ParameterState} per parameter name, created on
 * the parameter's first step. Not thread-safe.
 */
public final class Updater {

    private final Optimizer optimizer;
    private final Map<String, ParameterState> states = new LinkedHashMap<>();

    /**
     * Creates an updater with no state.
     *
     * @param optimizer the update rule
     */
    public Updater(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /**
     * Steps every parameter once, in place.
     *
     * @param parameters   the parameters by name (live arrays)
     * @param gradients    a gradient for each parameter
     * @param learningRate this step's learning rate
     * @throws IllegalArgumentException if a gradient is missing or its shape differs from its parameter's
     */
    public void step(Map<String, INDArray> parameters, Map<String, INDArray> gradients, double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be >= 0 and finite, found " + learningRate);
        }
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            String name = e.getKey();
            INDArray parameter = e.getValue();
            INDArray gradient = gradients.get(name);
            if (gradient == null) {
                throw new IllegalArgumentException("no gradient for parameter '" + name
                        + "': run the backward pass before stepping");
            }
            if (!Arrays.equals(parameter.shape(), gradient.shape())) {
                throw new IllegalArgumentException("gradient of '" + name + "' has shape "
                        + Arrays.toString(gradient.shape()) + " but the parameter has "
                        + Arrays.toString(parameter.shape()));
            }
            ParameterState state = states.computeIfAbsent(name, n -> new ParameterState());
            state.advance();
            optimizer.update(parameter, gradient, learningRate, state);
        }
    }

    /**
     * Steps several parameter groups, each with the learning rate times its multiplier.
     *
     * @param groups       the groups
     * @param learningRate the scheduled learning rate
     */
    public void step(List<ParameterGroup> groups, double learningRate) {
        for (ParameterGroup group : groups) {
            step(group.parameters(), group.gradients(), learningRate * group.learningRateMultiplier());
        }
    }

    /** @return the optimizer this updater applies */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** @return a copy of the whole state, for a checkpoint */
    public OptimizerState save() {
        Map<String, Long> steps = new LinkedHashMap<>();
        Map<String, Map<String, INDArray>> slots = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterState> e : states.entrySet()) {
            steps.put(e.getKey(), e.getValue().step());
            slots.put(e.getKey(), copy(e.getValue().slots()));
        }
        return new OptimizerState(steps, slots);
    }

    /**
     * Replaces the whole state with a copy of a saved one; stepping then continues exactly as the saved updater
     * would have.
     *
     * @param state a state from {@link #save()}
     */
    public void restore(OptimizerState state) {
        states.clear();
        for (Map.Entry<String, Long> e : state.steps().entrySet()) {
            states.put(e.getKey(), new ParameterState(e.getValue(), copy(state.slots().get(e.getKey()))));
        }
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> slots) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        slots.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }
}

package org.dml4j.nn.optim;

import org.dml4j.nd.Workspaces;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The optimizer state of one parameter: its step count and named state arrays ("slots"), named as in PyTorch's
 * optimizer state ({@code exp_avg}, {@code exp_avg_sq}, {@code momentum_buffer}, {@code square_avg},
 * {@code grad_avg}).
 */
public final class ParameterState {

    private long step;
    private final Map<String, INDArray> slots;

    /** Creates an empty state (no step taken). */
    public ParameterState() {
        this(0, new LinkedHashMap<>());
    }

    ParameterState(long step, Map<String, INDArray> slots) {
        this.step = step;
        this.slots = slots;
    }

    /** @return the number of steps taken, counting the one in progress */
    public long step() {
        return step;
    }

    void advance() {
        step++;
    }

    /**
     * Returns a slot, creating it filled with zeros shaped like {@code like} on first use.
     *
     * @param name the slot's name
     * @param like an array of the slot's shape and type
     * @return the live slot array
     */
    public INDArray slot(String name, INDArray like) {
        return slots.computeIfAbsent(name, n -> Workspaces.persistent(() -> like.ulike().assign(0)));
    }

    /**
     * Whether a slot exists yet.
     *
     * @param name the slot's name
     * @return true once created
     */
    public boolean has(String name) {
        return slots.containsKey(name);
    }

    /**
     * Sets a slot to a copy of {@code value}, made outside any workspace so that it outlives the training step.
     *
     * @param name  the slot's name
     * @param value the values it holds from now on
     * @return the slot's array (the copy)
     */
    public INDArray put(String name, INDArray value) {
        INDArray copy = Workspaces.persistent(value::dup);
        slots.put(name, copy);
        return copy;
    }

    /** @return the slots; live arrays */
    Map<String, INDArray> slots() {
        return slots;
    }
}

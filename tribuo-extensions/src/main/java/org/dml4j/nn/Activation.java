package org.dml4j.nn;

import java.util.function.Supplier;

/**
 * The activation functions a {@link NetworkSpec} can place between layers.
 */
public enum Activation {
    /** {@link ReLU}. */
    RELU(ReLU::new),
    /** {@link Tanh}. */
    TANH(Tanh::new);

    private final Supplier<Layer> factory;

    Activation(Supplier<Layer> factory) {
        this.factory = factory;
    }

    /** @return a new layer computing this activation */
    public Layer create() {
        return factory.get();
    }
}

package org.dml4j.nn;

/**
 * A pretrained trunk inside an {@link EmbeddingNetwork} (an imported ONNX model), whose training a fine-tuning
 * schedule controls: it can be held entirely frozen for a while (the head's warm-up) and then returned to its own
 * configuration. While a parameter is frozen it is not trained: it moves from {@link #parameters()} to
 * {@link #buffers()}, so it is saved and restored but never stepped.
 */
public interface Backbone extends Layer {

    /**
     * Holds every parameter frozen ({@code true}) or returns the trunk to the freezing it was built with
     * ({@code false}). The values are not changed.
     *
     * @param held whether the whole trunk is frozen
     */
    void holdFrozen(boolean held);

    /** @return whether no parameter of the trunk trains now (held, or built with all its layers frozen) */
    boolean frozen();

    /**
     * Whether the frozen trunk computes a fixed function of its input in training mode, the same as in inference:
     * its batch normalizations use their running statistics (and do not update them) when frozen. Only then can its
     * features be computed once and cached.
     *
     * @return true when a frozen trunk is a fixed feature extractor
     */
    boolean fixedWhenFrozen();

    /**
     * The trunk with its current weights as a self-contained ONNX model (a serialized {@code ModelProto} with one
     * {@code [batch, C, H, W]} input), to run in another runtime (onnxruntime).
     *
     * @return the model's bytes
     */
    byte[] onnxModel();
}

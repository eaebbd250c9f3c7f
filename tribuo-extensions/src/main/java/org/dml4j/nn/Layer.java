package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * One differentiable step of an {@link EmbeddingNetwork}: a forward pass that remembers what its backward pass needs,
 * and a backward pass that returns the gradient with respect to the input and stores the gradients of the layer's
 * parameters.
 * <p>
 * A layer is stateful and not thread-safe: {@link #backward} applies to the most recent {@link #forward}. Each
 * backward pass replaces the previous parameter gradients (they are not accumulated).
 */
public interface Layer {

    /**
     * Computes the layer's output and keeps what the backward pass needs.
     *
     * @param input    the input, one example per row (first dimension)
     * @param training true while training (dropout active, batch statistics used and running averages updated);
     *                 false for inference
     * @return the output
     */
    INDArray forward(INDArray input, boolean training);

    /**
     * Back-propagates through the most recent forward pass.
     *
     * @param gradOutput dL/d(output), the shape of the last output
     * @return dL/d(input), the shape of the last input
     * @throws IllegalStateException if no forward pass preceded it
     */
    INDArray backward(INDArray gradOutput);

    /**
     * Back-propagates through the most recent forward pass, computing dL/d(input) only when asked: the first layer of a
     * network stores its parameter gradients without the (costly, unused) gradient with respect to the data.
     *
     * @param gradOutput    dL/d(output)
     * @param inputGradient whether dL/d(input) is needed
     * @return dL/d(input), or null when {@code inputGradient} is false and the layer skipped it
     */
    default INDArray backward(INDArray gradOutput, boolean inputGradient) {
        return backward(gradOutput);
    }

    /**
     * The trainable parameters by name. The arrays are live: an optimizer updates them in place.
     *
     * @return the parameters (empty for layers without any)
     */
    default Map<String, INDArray> parameters() {
        return Map.of();
    }

    /**
     * The gradients of the last backward pass, by the names of {@link #parameters()}.
     *
     * @return the gradients (empty before the first backward pass and for layers without parameters)
     */
    default Map<String, INDArray> gradients() {
        return Map.of();
    }

    /**
     * Non-trainable state that inference depends on (batch normalization's running averages), by name. Live arrays,
     * for checkpoints.
     *
     * @return the buffers (empty for most layers)
     */
    default Map<String, INDArray> buffers() {
        return Map.of();
    }

    /**
     * A deep copy: parameters, buffers and random state are copied, the forward/backward cache is not.
     *
     * @return the copy
     */
    Layer copy();

    /**
     * Tells the layer that the training step {@code step} starts, so layers with random state (dropout) can draw it
     * from the step rather than from how many passes they have run: a run resumed from a checkpoint then draws the
     * same masks as an uninterrupted one. The default does nothing.
     *
     * @param step the number of optimizer steps taken before this one
     */
    default void beginStep(long step) {
    }
}

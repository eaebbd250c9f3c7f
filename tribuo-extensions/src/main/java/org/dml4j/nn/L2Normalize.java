package org.dml4j.nn;

import org.dml4j.distance.L2Normalization;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The output layer {@code x / max(||x||, 1e-12)} per row (PyTorch's {@code F.normalize(x, dim=1)}), with the exact
 * backward pass of {@link L2Normalization}.
 */
public final class L2Normalize implements Layer {

    private L2Normalization normalization;

    /** Creates the layer. */
    public L2Normalize() {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        normalization = L2Normalization.of(input);
        return normalization.normalized();
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return ForwardCache.require(normalization, "L2Normalize").backward(gradOutput);
    }

    @Override
    public Layer copy() {
        return new L2Normalize();
    }

    @Override
    public String toString() {
        return "L2Normalize";
    }
}

package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The rectifier {@code max(x, 0)}; its gradient at 0 is 0, as in PyTorch.
 */
public final class ReLU implements Layer {

    private INDArray mask;

    /** Creates the layer. */
    public ReLU() {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        mask = input.gt(0).castTo(input.dataType());
        return Transforms.relu(input, true);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return gradOutput.mul(ForwardCache.require(mask, "ReLU"));
    }

    @Override
    public Layer copy() {
        return new ReLU();
    }

    @Override
    public String toString() {
        return "ReLU";
    }
}

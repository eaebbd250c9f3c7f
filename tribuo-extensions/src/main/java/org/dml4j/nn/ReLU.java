package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The rectifier {@code max(x, 0)}; its gradient at 0 is 0, as in PyTorch.
 */
public final class ReLU implements Layer {

    private INDArray input;

    /** Creates the layer. */
    public ReLU() {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        this.input = input;
        return Transforms.relu(input, true);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        // One relu_bp op (the gradient where the input is positive, else 0) instead of a mask, a cast and a product.
        INDArray gradInput = gradOutput.ulike();
        Nd4j.exec(new ThresholdReluBp(ForwardCache.require(input, "ReLU"), gradOutput, gradInput, 0.0));
        return gradInput;
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

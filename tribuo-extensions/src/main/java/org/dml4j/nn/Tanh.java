package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The hyperbolic tangent, with gradient {@code 1 - tanh²(x)}.
 */
public final class Tanh implements Layer {

    private INDArray output;

    /** Creates the layer. */
    public Tanh() {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        output = Transforms.tanh(input, true);
        return output;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray y = ForwardCache.require(output, "Tanh");
        return gradOutput.mul(y.mul(y).rsubi(1.0));
    }

    @Override
    public Layer copy() {
        return new Tanh();
    }

    @Override
    public String toString() {
        return "Tanh";
    }
}

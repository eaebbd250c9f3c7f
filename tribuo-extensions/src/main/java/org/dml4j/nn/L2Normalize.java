package org.dml4j.nn;

import org.dml4j.distance.L2Normalization;
import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The output layer {@code x / max(||x||, 1e-12)} per row (PyTorch's {@code F.normalize(x, dim=1)}), with the exact
 * backward pass of {@link L2Normalization}. It computes in float64 and rounds the result once to the input's type.
 */
public final class L2Normalize implements Layer {

    private L2Normalization normalization;

    /** Creates the layer. */
    public L2Normalize() {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        if (input.rank() != 2) {
            throw new IllegalArgumentException("L2Normalize expects a matrix (one embedding per row), found shape "
                    + Arrays.toString(input.shape()) + ": put a Flatten before it");
        }
        normalization = L2Normalization.of(HostArrays.doubles(input), input.rows(), input.columns());
        return HostArrays.create(normalization.normalized(), input.dataType(), input.shape());
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        double[] gradient = ForwardCache.require(normalization, "L2Normalize").backward(HostArrays.doubles(gradOutput));
        return HostArrays.create(gradient, gradOutput.dataType(), gradOutput.shape());
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

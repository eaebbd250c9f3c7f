package org.dml4j.distance;

import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The inner product {@code <u_i, v_j>} of the (optionally normalized) rows, computed with one matrix product; its
 * gradients are {@code dU = G v} and {@code dV = Gᵀ u}, and for a self matrix ({@code v = u}) their sum
 * {@code (G + Gᵀ) u}, one product instead of two.
 */
abstract class InnerProductSimilarity extends AbstractDistance {

    @Override
    public boolean isInverted() {
        return true;
    }

    @Override
    protected double[] matrix(Inputs in) {
        return HostArrays.doubles(Nd4j.gemm(in.queries(), in.references(), false, true));
    }

    @Override
    protected INDArray[] gradient(Inputs in, double[] values, double[] gradientValues) {
        INDArray gradient = matrixOf(in, gradientValues);
        if (in.self()) {
            return new INDArray[]{Nd4j.gemm(gradient.add(gradient.transpose()), in.queries(), false, false), null};
        }
        return new INDArray[]{Nd4j.gemm(gradient, in.references(), false, false),
                Nd4j.gemm(gradient, in.queries(), true, false)};
    }
}

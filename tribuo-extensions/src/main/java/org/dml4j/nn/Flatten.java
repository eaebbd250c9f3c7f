package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Flattens each example to a row: {@code [N, d1, d2, ...]} becomes {@code [N, d1·d2·...]} (c order).
 */
public final class Flatten implements Layer {

    private long[] shape;

    /** Creates the layer. */
    public Flatten() {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        shape = input.shape();
        return input.reshape('c', shape[0], input.length() / shape[0]);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return gradOutput.reshape('c', ForwardCache.require(shape, "Flatten"));
    }

    @Override
    public Layer copy() {
        return new Flatten();
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}

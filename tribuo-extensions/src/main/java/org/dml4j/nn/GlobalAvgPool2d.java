package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Global average pooling: each channel of each image of a CNHW batch ({@link ImageBatch}) averaged over its pixels,
 * giving the rows {@code [N, C]} (PyTorch's {@code AdaptiveAvgPool2d(1)} then {@code flatten(1)}).
 */
public final class GlobalAvgPool2d implements Layer {

    private long[] shape;

    /** Creates the layer. */
    public GlobalAvgPool2d() {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException("GlobalAvgPool2d expects an image batch, found rank " + input.rank());
        }
        shape = input.shape();
        INDArray means = input.reshape('c', shape[0] * shape[1], shape[2] * shape[3]).mean(1);
        return means.reshape('c', shape[0], shape[1]).transpose().dup('c');
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = ForwardCache.require(shape, "GlobalAvgPool2d");
        INDArray perPlane = gradOutput.transpose().dup('c').reshape('c', s[0] * s[1], 1).divi(s[2] * s[3]);
        return Nd4j.zeros(gradOutput.dataType(), s[0] * s[1], s[2] * s[3]).addiColumnVector(perPlane)
                .reshape('c', s);
    }

    @Override
    public Layer copy() {
        return new GlobalAvgPool2d();
    }

    @Override
    public String toString() {
        return "GlobalAvgPool2d";
    }
}

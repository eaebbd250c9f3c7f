package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Flattens each image of a CNHW batch ({@link ImageBatch}) to a row: {@code [C, N, H, W]} becomes
 * {@code [N, C·H·W]}, each row in PyTorch's {@code (c, h, w)} order (what {@code torch.flatten(x, 1)} gives for the
 * NCHW batch).
 */
public final class Flatten implements Layer {

    private long[] shape;

    /** Creates the layer. */
    public Flatten() {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        shape = input.shape();
        return ImageBatch.swapOuter(input, shape[0], shape[1], shape[1], input.length() / shape[1]);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = ForwardCache.require(shape, "Flatten");
        return ImageBatch.swapOuter(gradOutput, s[1], s[0], s);
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

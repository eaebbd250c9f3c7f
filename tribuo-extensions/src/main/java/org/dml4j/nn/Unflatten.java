package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Turns rows of {@code C·H·W} features (PyTorch's NCHW order: a 784-feature MNIST row is a {@code [1, 28, 28]}
 * image) into a batch in the image layers' CNHW layout {@code [C, N, H, W]} ({@link ImageBatch}), so that image
 * networks take the same matrices as the others.
 */
public final class Unflatten implements Layer {

    private final long channels;
    private final long height;
    private final long width;

    /**
     * Creates the layer.
     *
     * @param channels the image channels
     * @param height   the image height
     * @param width    the image width
     */
    public Unflatten(int channels, int height, int width) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Unflatten needs positive channels, height and width, found "
                    + channels + ", " + height + ", " + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** @return the image shape {@code [channels, height, width]} */
    public int[] imageShape() {
        return new int[]{(int) channels, (int) height, (int) width};
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        if (input.rank() != 2 || input.columns() != channels * height * width) {
            throw new IllegalArgumentException("Unflatten expects [batch, " + channels * height * width
                    + "] input, found " + Arrays.toString(input.shape()));
        }
        return ImageBatch.swapOuter(input, input.rows(), channels, channels, input.rows(), height, width);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return ImageBatch.swapOuter(gradOutput, channels, gradOutput.size(1), gradOutput.size(1),
                channels * height * width);
    }

    @Override
    public Layer copy() {
        return new Unflatten((int) channels, (int) height, (int) width);
    }

    @Override
    public String toString() {
        return "Unflatten(" + channels + ", " + height + ", " + width + ")";
    }
}

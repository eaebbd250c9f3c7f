package org.dml4j.nn;

import org.dml4j.nd.ColumnSums;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * A 2-D convolution over NCHW batches with a square kernel, stride and zero padding (PyTorch's {@code nn.Conv2d}
 * without dilation or groups): {@code weight} is {@code [out, in, k, k]}, {@code bias} is {@code [out]}, both
 * initialized by {@link PyTorchInit} with {@code fan_in = in·k·k}.
 * <p>
 * The forward pass unfolds the input with ND4J's {@code im2col} into a {@code [N·oh·ow, in·k·k]} matrix and multiplies
 * it by the weights; the backward pass multiplies the other way and folds the columns back with {@code col2im}.
 * Output size: {@code (size + 2·padding - k) / stride + 1}.
 */
public final class Conv2d extends WeightedLayer {

    private final int kernel;
    private final int stride;
    private final int padding;
    private INDArray columns;
    private long[] inputShape;

    /**
     * Creates a convolution with PyTorch's default initialization.
     *
     * @param inChannels  the input channels
     * @param outChannels the output channels
     * @param kernel      the kernel's side
     * @param stride      the stride
     * @param padding     the zero padding on each side
     * @param rng         the random source for the initialization
     * @param dataType    the parameters' type
     */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, SplittableRandom rng,
                  DataType dataType) {
        this(PyTorchInit.uniform(weightShape(inChannels, outChannels, kernel, stride, padding),
                        (long) inChannels * kernel * kernel, rng, dataType),
                PyTorchInit.uniform(new long[]{outChannels}, (long) inChannels * kernel * kernel, rng, dataType),
                kernel, stride, padding);
    }

    private static long[] weightShape(int inChannels, int outChannels, int kernel, int stride, int padding) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d needs positive channels, kernel and stride and padding >= 0, "
                    + "found in=" + inChannels + " out=" + outChannels + " kernel=" + kernel + " stride=" + stride
                    + " padding=" + padding);
        }
        return new long[]{outChannels, inChannels, kernel, kernel};
    }

    private Conv2d(INDArray weight, INDArray bias, int kernel, int stride, int padding) {
        super(weight, bias);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /**
     * The output side of a convolution or pooling window.
     *
     * @param size    the input side
     * @param kernel  the window side
     * @param stride  the stride
     * @param padding the padding on each side
     * @return the output side
     */
    static long outputSize(long size, int kernel, int stride, int padding) {
        long out = (size + 2L * padding - kernel) / stride + 1;
        if (out <= 0) {
            throw new IllegalArgumentException("a window of " + kernel + " with padding " + padding
                    + " does not fit an input of side " + size);
        }
        return out;
    }

    private INDArray weightMatrix() {
        INDArray weight = weight();
        return weight.reshape('c', weight.size(0), weight.length() / weight.size(0));
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        INDArray weight = weight();
        Nchw.check(input, weight.size(1), "Conv2d");
        inputShape = input.shape();
        long n = inputShape[0];
        long oh = outputSize(inputShape[2], kernel, stride, padding);
        long ow = outputSize(inputShape[3], kernel, stride, padding);
        INDArray cols = Nd4j.create(input.dataType(), n, inputShape[1], kernel, kernel, oh, ow);
        Convolution.im2col(input, kernel, kernel, stride, stride, padding, padding, false, cols);
        // [N, C, k, k, oh, ow] -> [N·oh·ow, C·k·k]
        columns = cols.permute(0, 4, 5, 1, 2, 3).dup('c').reshape(n * oh * ow, weight.length() / weight.size(0));
        INDArray rows = Nd4j.gemm(columns, weightMatrix(), false, true).addiRowVector(bias());
        return Nchw.fromRows(rows, n, oh, ow);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray cols = ForwardCache.require(columns, "Conv2d");
        long[] s = inputShape;
        INDArray g = Nchw.toRows(gradOutput);
        setGradients(Nd4j.gemm(g, cols, true, false).reshape('c', weight().shape()), ColumnSums.of(g));
        long oh = gradOutput.size(2);
        long ow = gradOutput.size(3);
        INDArray dCols = g.mmul(weightMatrix())
                .reshape('c', s[0], oh, ow, s[1], kernel, kernel)
                .permute(0, 3, 4, 5, 1, 2).dup('c');
        return Convolution.col2im(dCols, stride, stride, padding, padding, (int) s[2], (int) s[3]);
    }

    @Override
    public Layer copy() {
        return new Conv2d(weight().dup(), bias().dup(), kernel, stride, padding);
    }

    @Override
    public String toString() {
        INDArray weight = weight();
        return "Conv2d(" + weight.size(1) + " -> " + weight.size(0) + ", kernel=" + kernel + ", stride=" + stride
                + ", padding=" + padding + ")";
    }
}

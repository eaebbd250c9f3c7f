package org.dml4j.nn;

import org.dml4j.nd.NativeOpThreads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * {@link Conv2d}'s passes as ND4J's {@code conv2d} and {@code conv2d_bp} ops, which a backend built with oneDNN
 * (nd4j-native's {@code linux-x86_64-onednn} classifier, the build's default) runs as oneDNN's direct convolution:
 * no column matrix, 0.4-0.8× the CPU time of the {@code im2col} + OpenBLAS lowering for the layers where
 * {@link #applies} (BENCHMARKS.md, issue 22). For float32 on such a backend only: oneDNN has no float64
 * convolution (ND4J's own float64 op is slower than the lowering), so float64 networks, and backends without oneDNN,
 * keep the lowering. The CNHW batches ({@link ImageBatch}) are handed to the ops as NCHW views (a permutation, no
 * copy). The ops run with all of ND4J's threads ({@link NativeOpThreads#all}) inside the training step's and the
 * embedding's one-thread scope: oneDNN divides a convolution well, and on two cores that made the Fashion-MNIST CNN's
 * and ResNet's training epochs 22-25% shorter and their embedding up to 22% faster (BENCHMARKS.md, issue 24).
 */
final class DirectConv {

    /** Whether the backend runs ND4J's convolution ops in oneDNN. */
    static final boolean ONEDNN = oneDnn();

    /** The fewest input channels of a convolution run here. */
    static final int MIN_IN_CHANNELS = 16;

    /** The fewest pixels of an input image of a convolution run here (14 × 14). */
    static final int MIN_PIXELS = 196;

    private DirectConv() {
    }

    private static boolean oneDnn() {
        Nd4j.getExecutioner(); // loads the backend, which NativeOpsHolder needs first
        return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
    }

    /**
     * Whether a convolution's passes run here: float32 on a oneDNN backend, stride 1, at least
     * {@value #MIN_IN_CHANNELS} input channels and images of at least {@value #MIN_PIXELS} pixels. Where the ops
     * were measured slower than the lowering in the benchmarked networks (the first layer's one or three input
     * channels, stride-2 and 1×1 projections, 7×7 images: 1.1-3× the lowering's CPU time per forward + backward),
     * the lowering stays: ND4J builds oneDNN's primitives anew on every call, reorders the CNHW views to oneDNN's
     * blocked layout and back, and its backward op always computes the input gradient.
     *
     * @param conv the layer
     * @param x    its CNHW input
     * @return whether its passes run here
     */
    static boolean applies(Conv2d conv, INDArray x) {
        return ONEDNN && x.dataType() == DataType.FLOAT && conv.stride() == 1 && x.size(0) >= MIN_IN_CHANNELS
                && x.size(2) * x.size(3) >= MIN_PIXELS;
    }

    /** The ops' integer arguments: kernel, stride, padding, dilation 1, explicit padding, NCHW, [out, in, k, k]. */
    private static int[] arguments(Conv2d conv) {
        int k = conv.kernel();
        int s = conv.stride();
        int p = conv.padding();
        return new int[]{k, k, s, s, p, p, 1, 1, 0, 0, 1};
    }

    private static INDArray nchw(INDArray cnhw) {
        return cnhw.permute(1, 0, 2, 3);
    }

    /**
     * The forward pass.
     *
     * @param conv   the layer (its geometry)
     * @param x      the CNHW input
     * @param weight the {@code [out, in, k, k]} weight
     * @param bias   the bias, or null for none
     * @param outH   the output height
     * @param outW   the output width
     * @return the CNHW output
     */
    static INDArray forward(Conv2d conv, INDArray x, INDArray weight, INDArray bias, long outH, long outW) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[]{weight.size(0), x.size(1), outH, outW}, 'c');
        INDArray[] inputs = bias == null ? new INDArray[]{nchw(x), weight} : new INDArray[]{nchw(x), weight, bias};
        try (NativeOpThreads threads = NativeOpThreads.all()) {
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs).addOutputs(nchw(out))
                    .addIntegerArguments(arguments(conv)).build());
        }
        return out;
    }

    /**
     * The backward pass (the op has no form without the bias).
     *
     * @param conv       the layer (its geometry)
     * @param x          the CNHW input of the forward pass
     * @param weight     the {@code [out, in, k, k]} weight
     * @param bias       the bias
     * @param gradOutput the CNHW output gradient
     * @return the CNHW input gradient, the weight gradient and the bias gradient
     */
    static INDArray[] backward(Conv2d conv, INDArray x, INDArray weight, INDArray bias, INDArray gradOutput) {
        INDArray gradInput = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        INDArray gradWeight = Nd4j.createUninitialized(DataType.FLOAT, weight.shape(), 'c');
        INDArray gradBias = Nd4j.createUninitialized(DataType.FLOAT, bias.shape(), 'c');
        try (NativeOpThreads threads = NativeOpThreads.all()) {
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(nchw(x), weight, bias, nchw(gradOutput))
                    .addOutputs(nchw(gradInput), gradWeight, gradBias).addIntegerArguments(arguments(conv)).build());
        }
        return new INDArray[]{gradInput, gradWeight, gradBias};
    }
}

package org.dml4j.nn;

import org.dml4j.nd.HostArrays;
import org.dml4j.nd.MatrixProducts;
import org.dml4j.nd.Workspaces;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * A 2-D convolution over CNHW batches ({@link ImageBatch}) with a square kernel, stride and zero padding (PyTorch's
 * {@code nn.Conv2d} without dilation or groups): {@code weight} is {@code [out, in, k, k]}, {@code bias} is
 * {@code [out]}, both initialized by {@link PyTorchInit} with {@code fan_in = in·k·k}.
 * <p>
 * In float32 on a backend built with oneDNN, stride-1 layers with enough input channels and pixels run oneDNN's
 * direct convolution ({@link DirectConv}). Otherwise (float64, other backends, the other layers) the forward pass
 * unfolds the input into a {@code [in·k·k, N·oh·ow]} column matrix ({@link ConvColumns}, Java loops
 * over a host copy of the input writing the matrix's buffer) and multiplies the {@code [out, in·k·k]} weight by it: the product is the CNHW output. The
 * backward pass multiplies the output gradient by the columns' transpose (weight gradient) and the weight's transpose
 * by the output gradient (column gradients, folded back into the input gradient). When the column matrix of the whole
 * batch would exceed {@value #MAX_COLUMN_VALUES} values, the images are processed in runs (chunks) and the backward
 * pass unfolds each run again rather than keeping all columns; a run's arrays live in a workspace of their own, reused by
 * the next run, so a training step's workspace does not grow with the number of runs. Host buffers that do not outlive a call are the
 * thread's shared ones ({@link ImageBatch#shared}); the layer keeps only the host copy of its input.
 * Inference ({@link EmbeddingNetwork#embed}) goes through {@code infer} instead, which applies the layers after the
 * product in one {@link ConvEpilogue} and keeps nothing. Output size: {@code (size + 2·padding - k) / stride + 1}.
 */
public final class Conv2d extends WeightedLayer {

    /** The largest column matrix built at once (64 MiB of float32). */
    static final int MAX_COLUMN_VALUES = 1 << 24;

    private static final String CHUNK_WORKSPACE = "DML4J_CONV_CHUNK";

    private final int kernel;
    private final int stride;
    private final int padding;
    private ConvColumns columns;
    private Object input;
    private INDArray directInput;
    private Object inputGradient;
    private INDArray batchColumns;
    private int columnLimit = MAX_COLUMN_VALUES;

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

    /** @return the kernel's side */
    public int kernel() {
        return kernel;
    }

    /** @return the stride */
    public int stride() {
        return stride;
    }

    /** @return the zero padding on each side */
    public int padding() {
        return padding;
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

    int outChannels() {
        return (int) weight().size(0);
    }

    /**
     * Lowers the largest column matrix built at once (for tests of the chunked path).
     *
     * @param values the most values of one column matrix
     * @return this layer
     */
    Conv2d limitColumns(int values) {
        columnLimit = values;
        return this;
    }

    /** @return how many images' columns of a batch are built at once */
    private int imagesPerChunk(ConvColumns geometry) {
        long perImage = (long) geometry.rows() * geometry.outHeight() * geometry.outWidth();
        // a power of two, so that the runs of a batch of 2^k images all have the same size
        return (int) Math.max(1, Math.min(geometry.batch(), Long.highestOneBit(Math.max(1, columnLimit / perImage))));
    }

    /** Unfolds images {@code [n0, n1)} of a host batch into a new column-matrix array. */
    private static INDArray unfold(ConvColumns geometry, Object host, int n0, int n1) {
        int width = (n1 - n0) * geometry.outHeight() * geometry.outWidth();
        INDArray cols = Nd4j.createUninitialized(host instanceof float[] ? DataType.FLOAT : DataType.DOUBLE,
                new long[]{geometry.rows(), width}, 'c');
        geometry.im2col(host, n0, n1, cols);
        return cols;
    }

    private ConvColumns geometry(INDArray x) {
        ImageBatch.check(x, weight().size(1), "Conv2d");
        long[] s = x.shape();
        return new ConvColumns((int) s[0], Math.toIntExact(s[1]), (int) s[2], (int) s[3], kernel, stride, padding);
    }

    /**
     * The convolution without its bias, {@code [out, N·oh·ow]}, of a host batch; keeps the batch's column array for
     * the backward pass when asked and it was built at once.
     */
    private INDArray convolve(ConvColumns geometry, Object host, boolean keepColumns) {
        int n = geometry.batch();
        int pixels = geometry.outHeight() * geometry.outWidth();
        int chunk = imagesPerChunk(geometry);
        INDArray weight = weightMatrix();
        if (chunk == n) {
            INDArray unfolded = unfold(geometry, host, 0, n);
            batchColumns = keepColumns ? unfolded : batchColumns;
            return MatrixProducts.product(weight, unfolded, false, false);
        }
        Object out = ImageBatch.shared(ImageBatch.STAGING, host, outChannels() * n * pixels);
        for (int n0 = 0; n0 < n; n0 += chunk) {
            int n1 = Math.min(n, n0 + chunk);
            try (MemoryWorkspace ignored = Workspaces.pass(CHUNK_WORKSPACE)) {
                INDArray product = MatrixProducts.product(weight, unfold(geometry, host, n0, n1), false, false);
                Object chunkOut = ImageBatch.readShared(product, ImageBatch.SECOND);
                ImageBatch.copyColumns(chunkOut, (n1 - n0) * pixels, 0, out, n * pixels, n0 * pixels,
                        outChannels(), (n1 - n0) * pixels);
            }
        }
        return ImageBatch.write(out, outChannels(), (long) n * pixels);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        return run(x, true);
    }

    /**
     * The forward pass without the bias: a {@link BatchNorm2d} after this layer adds it within its own passes
     * ({@link BatchNorm2d#forward(INDArray, INDArray, INDArray, boolean, boolean, MaxPool2d)}) and gives
     * {@link #backward(INDArray, boolean, INDArray)} its gradient.
     *
     * @param x the CNHW input
     * @return the CNHW output less the bias
     */
    INDArray forwardWithoutBias(INDArray x) {
        return run(x, false);
    }

    private INDArray run(INDArray x, boolean addBias) {
        columns = geometry(x);
        batchColumns = null;
        directInput = DirectConv.applies(this, x) ? x : null;
        if (directInput != null) {
            input = null;
            return DirectConv.forward(this, x, weight(), addBias ? bias() : null, columns.outHeight(),
                    columns.outWidth());
        }
        input = ImageBatch.read(x, input);
        INDArray out = convolve(columns, input, true);
        return (addBias ? out.addiColumnVector(bias()) : out).reshape('c', outChannels(), columns.batch(),
                columns.outHeight(), columns.outWidth());
    }


    /**
     * Inference only: the convolution followed by an epilogue (its bias and what the layers after it do, in one pass
     * over the product), without touching what {@link #backward} needs from the last {@link #forward}.
     *
     * @param x        the CNHW input
     * @param epilogue the per-channel affine map (holding this layer's bias), residual, ReLU and pooling to apply
     * @return the epilogue's output
     */
    INDArray infer(INDArray x, ConvEpilogue epilogue) {
        ConvColumns geometry = geometry(x);
        INDArray out = DirectConv.applies(this, x)
                ? DirectConv.forward(this, x, weight(), null, geometry.outHeight(), geometry.outWidth())
                .reshape('c', outChannels(), (long) geometry.batch() * geometry.outHeight() * geometry.outWidth())
                : convolve(geometry, ImageBatch.readShared(x, ImageBatch.INPUT), false);
        return epilogue.apply(out, geometry.batch(), geometry.outHeight(), geometry.outWidth());
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return backward(gradOutput, true);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean wantInputGradient) {
        return backward(gradOutput, wantInputGradient, null);
    }

    /**
     * The backward pass given the bias's gradient, after a forward pass that left the bias to the layer after it.
     *
     * @param gradOutput        the gradient of the output
     * @param wantInputGradient whether to compute the input's gradient
     * @param biasGradient      the bias's gradient, or null to sum it from {@code gradOutput}
     * @return the input's gradient, or null when not wanted
     */
    INDArray backward(INDArray gradOutput, boolean wantInputGradient, INDArray biasGradient) {
        ConvColumns cols = ForwardCache.require(columns, "Conv2d");
        int n = cols.batch();
        int pixels = cols.outHeight() * cols.outWidth();
        if (directInput != null) {
            INDArray[] g = DirectConv.backward(this, directInput, weight(), bias(),
                    gradOutput.reshape('c', outChannels(), n, cols.outHeight(), cols.outWidth()));
            setGradients(g[1], biasGradient != null ? biasGradient : g[2]);
            return wantInputGradient ? g[0] : null;
        }
        INDArray grad = gradOutput.reshape('c', outChannels(), (long) n * pixels);
        INDArray weight = weightMatrix();
        int chunk = imagesPerChunk(cols);
        if (wantInputGradient) {
            int length = cols.channels() * n * cols.height() * cols.width();
            inputGradient = ImageBatch.zeros(input, length, ImageBatch.shared(ImageBatch.GRADIENT, input, length));
        }
        INDArray weightGrad;
        if (chunk == n) {
            // the forward pass's column array while its workspace pass is on (a training step), else unfolded again
            INDArray unfolded = batchColumns != null && !HostArrays.isOutdated(batchColumns) ? batchColumns
                    : unfold(cols, input, 0, n);
            batchColumns = null;
            weightGrad = MatrixProducts.product(grad, unfolded, false, true);
            if (wantInputGradient) {
                foldGradient(weight, grad, 0, n);
            }
        } else {
            weightGrad = Nd4j.zeros(grad.dataType(), outChannels(), cols.rows());
            Object host = ImageBatch.readShared(grad, ImageBatch.STAGING);
            for (int n0 = 0; n0 < n; n0 += chunk) {
                int n1 = Math.min(n, n0 + chunk);
                Object chunkGrad = ImageBatch.shared(ImageBatch.SECOND, host, outChannels() * (n1 - n0) * pixels);
                ImageBatch.copyColumns(host, n * pixels, n0 * pixels, chunkGrad, (n1 - n0) * pixels, 0,
                        outChannels(), (n1 - n0) * pixels);
                try (MemoryWorkspace ignored = Workspaces.pass(CHUNK_WORKSPACE)) {
                    INDArray g = ImageBatch.write(chunkGrad, outChannels(), (long) (n1 - n0) * pixels);
                    MatrixProducts.accumulate(g, unfold(cols, input, n0, n1), weightGrad, false, true, 1.0, 1.0);
                    if (wantInputGradient) {
                        foldGradient(weight, g, n0, n1);
                    }
                }
            }
        }
        setGradients(weightGrad.reshape('c', weight().shape()), biasGradient != null ? biasGradient : grad.sum(1));
        INDArray dx = wantInputGradient ? ImageBatch.write(inputGradient, cols.channels(), n, cols.height(),
                cols.width()) : null;
        inputGradient = null;
        return dx;
    }

    /** Adds the input gradient of images {@code [n0, n1)}: the weight's transpose times their output gradient. */
    private void foldGradient(INDArray weight, INDArray grad, int n0, int n1) {
        columns.col2im(MatrixProducts.product(weight, grad, true, false), n0, n1, inputGradient);
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

package org.dml4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Map;

/**
 * Batch normalization of each channel of a CNHW batch ({@link ImageBatch}) over the batch and both spatial dimensions,
 * as PyTorch's {@code nn.BatchNorm2d}, with {@link BatchNorm1d}'s parameters, buffers, {@code eps} and
 * {@code momentum}. Each channel is one contiguous row of the batch's {@code [C, N·H·W]} matrix: Java loops over a
 * host copy ({@link ChannelRows}) compute its statistics in two passes and normalize in a third, channels in
 * parallel; the backward pass recomputes {@code x̂} from the kept input rather than storing it. A training pass
 * ({@link TrainingPass}) runs a ReLU and a max pooling after it within that third pass, and their backward within
 * this layer's.
 */
public final class BatchNorm2d implements Layer {

    private final BatchNorm1d parameters;
    private final long channels;
    private long[] shape;
    private Object input;
    private double[] mean;
    private double[] inverseStd;
    private double[] scale;
    private double[] shift;
    private boolean batchStatistics;
    private boolean relu;
    private MaxPool2d pool;
    private int[] argMax;
    private double[] inputBias;
    private INDArray inputBiasGradient;
    private Object residual;
    private boolean withResidual;
    private INDArray residualGradient;

    /**
     * Creates a batch normalization layer.
     *
     * @param channels the number of channels
     * @param dataType the parameters' type
     */
    public BatchNorm2d(int channels, DataType dataType) {
        this(new BatchNorm1d(channels, dataType), channels);
    }

    private BatchNorm2d(BatchNorm1d parameters, long channels) {
        this.parameters = parameters;
        this.channels = channels;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        return forward(x, training, false, null);
    }

    /**
     * This layer's forward pass followed by a ReLU (when {@code relu}) and a max pooling (when {@code pool} is not
     * null), in one pass over the normalized values that writes only the pooled output (the training pass,
     * {@link TrainingPass}); {@link #backward} then takes the gradient of that output. The same values as the layers
     * run one by one.
     *
     * @param x        the CNHW input
     * @param training true for batch statistics (and running-statistic updates), false for the running ones
     * @param relu     whether a ReLU follows
     * @param pool     the max pooling after that, or null
     * @return the output of the last of the fused layers
     */
    INDArray forward(INDArray x, boolean training, boolean relu, MaxPool2d pool) {
        return forward(x, null, null, training, relu, pool);
    }

    /**
     * {@link #forward(INDArray, boolean, boolean, MaxPool2d)} of {@code x + bias} (per channel) plus, before the
     * ReLU, a residual: the convolution before this layer leaves its bias to it (batch statistics remove any
     * per-channel constant, so the bias only moves the running mean, and its gradient is 0 in training), and a
     * residual block adds its shortcut here. After {@link #backward}, {@link #inputBiasGradient} is the bias's
     * gradient and {@link #residualGradient} the residual's.
     *
     * @param x        the CNHW input, without the bias
     * @param bias     the per-channel bias to add to {@code x}, or null for none
     * @param residual a CNHW batch of the output's shape added after the normalization, or null; needs no pooling
     * @param training true for batch statistics (and running-statistic updates), false for the running ones
     * @param relu     whether a ReLU follows
     * @param pool     the max pooling after that, or null
     * @return the output of the last of the fused layers
     */
    INDArray forward(INDArray x, INDArray bias, INDArray residual, boolean training, boolean relu, MaxPool2d pool) {
        ImageBatch.check(x, channels, "BatchNorm2d");
        if (residual != null && (pool != null || !Arrays.equals(residual.shape(), x.shape()))) {
            throw new IllegalArgumentException("BatchNorm2d adds a residual of its input's shape "
                    + Arrays.toString(x.shape()) + " and no pooling, found " + Arrays.toString(residual.shape()));
        }
        shape = x.shape();
        this.relu = relu;
        this.pool = pool;
        inputBias = bias == null ? null : bias.toDoubleVector();
        withResidual = residual != null;
        int c = (int) channels;
        int m = Math.toIntExact(x.length() / channels);
        input = ImageBatch.read(x, input);
        this.residual = withResidual ? ImageBatch.read(residual, this.residual) : this.residual;
        statistics(x.dataType(), training, m);
        if (pool == null) {
            Object output = ImageBatch.shared(ImageBatch.STAGING, input, c * m);
            ImageBatch.forChannels(c, m, k -> {
                if (input instanceof float[] f) {
                    ChannelRows.affine(f, k * m, m, scale[k], shift[k], relu && !withResidual, (float[]) output,
                            k * m);
                    if (withResidual) {
                        ChannelRows.addResidual((float[]) output, (float[]) this.residual, k * m, m, relu);
                    }
                } else {
                    ChannelRows.affine((double[]) input, k * m, m, scale[k], shift[k], relu && !withResidual,
                            (double[]) output, k * m);
                    if (withResidual) {
                        ChannelRows.addResidual((double[]) output, (double[]) this.residual, k * m, m, relu);
                    }
                }
            });
            return ImageBatch.write(output, shape);
        }
        int n = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        int oh = pool.outputSize(h);
        int ow = pool.outputSize(w);
        int length = c * n * oh * ow;
        Object output = ImageBatch.shared(ImageBatch.STAGING, input, length);
        argMax = argMax != null && argMax.length >= length ? argMax : new int[length];
        ImageBatch.forChannels(c, m, k -> {
            // each plane normalized into a cache-sized array, pooled from there; argMax indexes the input
            Object plane = ImageBatch.scratch(input, h * w, null);
            for (int i = 0; i < n; i++) {
                int p = k * n + i;
                if (input instanceof float[] f) {
                    ChannelRows.affine(f, p * h * w, h * w, scale[k], shift[k], relu, (float[]) plane, 0);
                    pool.pool((float[]) plane, 0, h, w, (float[]) output, p * oh * ow, oh, ow, argMax);
                } else {
                    ChannelRows.affine((double[]) input, p * h * w, h * w, scale[k], shift[k], relu,
                            (double[]) plane, 0);
                    pool.pool((double[]) plane, 0, h, w, (double[]) output, p * oh * ow, oh, ow, argMax);
                }
                for (int o = p * oh * ow; o < (p + 1) * oh * ow; o++) {
                    argMax[o] += p * h * w;
                }
            }
        });
        return ImageBatch.write(output, shape[0], shape[1], oh, ow);
    }

    /**
     * Sets {@code mean}, {@code inverseStd} and the normalization's per-channel {@code scale} and {@code shift} from
     * the batch (training; the running statistics move towards it) or from the running statistics. {@code mean} is
     * that of the kept input, which lacks {@code inputBias}: the running mean is the mean plus the bias.
     */
    private void statistics(DataType type, boolean training, int m) {
        int c = (int) channels;
        batchStatistics = training;
        Map<String, INDArray> buffers = parameters.buffers();
        mean = new double[c];
        double[] variance = new double[c];
        if (training) {
            if (m < 2) {
                throw new IllegalArgumentException("BatchNorm2d needs more than one value per channel in training, "
                        + "found " + m);
            }
            ImageBatch.forChannels(c, m, k -> {
                double[] mv = input instanceof float[] f ? ChannelRows.meanVariance(f, k * m, m)
                        : ChannelRows.meanVariance((double[]) input, k * m, m);
                mean[k] = mv[0];
                variance[k] = mv[1];
            });
            double[] biased = mean.clone();
            for (int k = 0; inputBias != null && k < c; k++) {
                biased[k] += inputBias[k];
            }
            INDArray batchMean = Nd4j.createFromArray(biased).castTo(type);
            INDArray unbiased = Nd4j.createFromArray(variance).muli(m / (m - 1.0)).castTo(type);
            buffers.get("running_mean").muli(1 - BatchNorm1d.MOMENTUM).addi(batchMean.muli(BatchNorm1d.MOMENTUM));
            buffers.get("running_var").muli(1 - BatchNorm1d.MOMENTUM).addi(unbiased.muli(BatchNorm1d.MOMENTUM));
        } else {
            System.arraycopy(buffers.get("running_mean").toDoubleVector(), 0, mean, 0, c);
            System.arraycopy(buffers.get("running_var").toDoubleVector(), 0, variance, 0, c);
            for (int k = 0; inputBias != null && k < c; k++) {
                mean[k] -= inputBias[k];
            }
        }
        double[] gamma = parameters.parameters().get("weight").toDoubleVector();
        double[] beta = parameters.parameters().get("bias").toDoubleVector();
        inverseStd = new double[c];
        scale = new double[c];
        shift = new double[c];
        for (int k = 0; k < c; k++) {
            inverseStd[k] = 1 / Math.sqrt(variance[k] + BatchNorm1d.EPSILON);
            scale[k] = gamma[k] * inverseStd[k];
            shift[k] = beta[k] - mean[k] * scale[k];
        }
    }

    /**
     * With batch statistics {@code dx = γ·invStd·(g - Σg/M - x̂·Σ(g·x̂)/M)}; with running statistics the normalization
     * is affine, so {@code dx = γ·invStd·g}. {@code dγ = Σ(g·x̂)}, {@code dβ = Σg}. After a fused forward pass,
     * {@code g} is the gradient of the fused ReLU's or pooling's output, taken back through them on the way: through
     * the pooling, only each window's maximum gets a gradient, so the sums run over the pooled values alone; through
     * a fused residual and ReLU, {@code g} is masked once and is also the residual's gradient. The gradient of a
     * fused input bias is {@code Σ dx}: 0 with batch statistics ({@code Σ x̂ = 0}), {@code γ·invStd·Σg} without.
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = ForwardCache.require(shape, "BatchNorm2d");
        int c = (int) channels;
        int m = Math.toIntExact(s[1] * s[2] * s[3]);
        int count = Math.toIntExact(gradOutput.length() / channels);
        Object output = ImageBatch.readShared(gradOutput, ImageBatch.STAGING);
        Object inputGradient = ImageBatch.shared(ImageBatch.SECOND, input, c * m);
        double[] gamma = parameters.parameters().get("weight").toDoubleVector();
        double[] gammaGrad = new double[c];
        double[] betaGrad = new double[c];
        double[] biasGrad = new double[c];
        ImageBatch.forChannels(c, m, k -> {
            if (relu && pool == null) {
                if (output instanceof float[] g) {
                    ChannelRows.reluMask(g, (float[]) input, withResidual ? (float[]) residual : null, k * m, m,
                            scale[k], shift[k]);
                } else {
                    ChannelRows.reluMask((double[]) output, (double[]) input,
                            withResidual ? (double[]) residual : null, k * m, m, scale[k], shift[k]);
                }
            }
            double[] sums = pool != null ? pooledSums(output, k * count, count, k)
                    : output instanceof float[] g ? ChannelRows.gradientSums(g, (float[]) input, k * m, m, mean[k],
                    inverseStd[k]) : ChannelRows.gradientSums((double[]) output, (double[]) input, k * m, m, mean[k],
                    inverseStd[k]);
            betaGrad[k] = sums[0];
            gammaGrad[k] = sums[1];
            double a = gamma[k] * inverseStd[k];
            double b = batchStatistics ? -a * inverseStd[k] * sums[1] / m : 0;
            double shiftGrad = batchStatistics ? -a * sums[0] / m - b * mean[k] : 0;
            biasGrad[k] = batchStatistics ? 0 : a * sums[0];
            if (pool != null) {
                poolGradient(output, k * count, count, k, a, b, shiftGrad, inputGradient, k * m, m);
            } else if (output instanceof float[] g) {
                ChannelRows.gradient(g, (float[]) input, k * m, m, a, b, shiftGrad, (float[]) inputGradient);
            } else {
                ChannelRows.gradient((double[]) output, (double[]) input, k * m, m, a, b, shiftGrad,
                        (double[]) inputGradient);
            }
        });
        DataType type = gradOutput.dataType();
        parameters.setGradients(Nd4j.createFromArray(gammaGrad).castTo(type),
                Nd4j.createFromArray(betaGrad).castTo(type));
        inputBiasGradient = inputBias == null ? null : Nd4j.createFromArray(biasGrad).castTo(type);
        residualGradient = withResidual ? ImageBatch.write(output, s) : null;
        return ImageBatch.write(inputGradient, s);
    }

    /**
     * The gradient of the bias given to the last {@link #forward(INDArray, INDArray, INDArray, boolean, boolean,
     * MaxPool2d)}, from the last {@link #backward}.
     *
     * @return the per-channel gradient, or null when that forward pass had no bias
     */
    INDArray inputBiasGradient() {
        return inputBiasGradient;
    }

    /**
     * The gradient of the residual given to the last {@link #forward(INDArray, INDArray, INDArray, boolean, boolean,
     * MaxPool2d)}, from the last {@link #backward}: the output gradient through the ReLU.
     *
     * @return the gradient, or null when that forward pass had no residual
     */
    INDArray residualGradient() {
        return residualGradient;
    }

    /** The gradient sums of channel {@code k} from its pooled gradients {@code g[from, from + count)}. */
    private double[] pooledSums(Object g, int from, int count, int k) {
        return g instanceof float[] f ? ChannelRows.pooledGradientSums(f, from, count, argMax, (float[]) input, relu,
                scale[k], shift[k], mean[k], inverseStd[k])
                : ChannelRows.pooledGradientSums((double[]) g, from, count, argMax, (double[]) input, relu,
                scale[k], shift[k], mean[k], inverseStd[k]);
    }

    /**
     * Channel {@code k}'s input gradient {@code dx = a·g + b·x + c} over {@code dx[to, to + m)}, where {@code g} is 0
     * but at the pooled maxima: {@code b·x + c} everywhere, then {@code a·g} added at the maxima.
     */
    private void poolGradient(Object g, int from, int count, int k, double a, double b, double c, Object dx, int to,
                              int m) {
        if (g instanceof float[] f) {
            ChannelRows.affine((float[]) input, to, m, b, c, false, (float[]) dx, to);
            ChannelRows.addPooledGradient(f, from, count, argMax, (float[]) input, relu, scale[k], shift[k], a,
                    (float[]) dx);
        } else {
            ChannelRows.affine((double[]) input, to, m, b, c, false, (double[]) dx, to);
            ChannelRows.addPooledGradient((double[]) g, from, count, argMax, (double[]) input, relu, scale[k],
                    shift[k], a, (double[]) dx);
        }
    }

    /**
     * Folds this layer's inference-mode map {@code y = (x - running_mean)·γ/√(running_var + eps) + β} into a
     * per-channel affine map {@code x·scale + shift} applied before it: afterwards {@code x·scale + shift} is the
     * composition.
     *
     * @param scale the scales, multiplied
     * @param shift the shifts, replaced
     */
    void foldInto(double[] scale, double[] shift) {
        double[] mean = parameters.buffers().get("running_mean").toDoubleVector();
        double[] variance = parameters.buffers().get("running_var").toDoubleVector();
        double[] gamma = parameters.parameters().get("weight").toDoubleVector();
        double[] beta = parameters.parameters().get("bias").toDoubleVector();
        for (int k = 0; k < channels; k++) {
            double s = gamma[k] / Math.sqrt(variance[k] + BatchNorm1d.EPSILON);
            scale[k] *= s;
            shift[k] = shift[k] * s + beta[k] - mean[k] * s;
        }
    }

    @Override
    public Map<String, INDArray> parameters() {
        return parameters.parameters();
    }

    @Override
    public Map<String, INDArray> gradients() {
        return parameters.gradients();
    }

    @Override
    public Map<String, INDArray> buffers() {
        return parameters.buffers();
    }

    @Override
    public Layer copy() {
        return new BatchNorm2d((BatchNorm1d) parameters.copy(), channels);
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ")";
    }
}

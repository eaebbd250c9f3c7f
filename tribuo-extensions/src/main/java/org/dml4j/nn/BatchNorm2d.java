package org.dml4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * Batch normalization of each channel of a CNHW batch ({@link ImageBatch}) over the batch and both spatial dimensions,
 * as PyTorch's {@code nn.BatchNorm2d}, with {@link BatchNorm1d}'s parameters, buffers, {@code eps} and
 * {@code momentum}. Each channel is one contiguous row of the batch's {@code [C, N·H·W]} matrix: Java loops over a
 * host copy ({@link ChannelRows}) compute its statistics in two passes and normalize in a third, channels in
 * parallel; the backward pass recomputes {@code x̂} from the kept input rather than storing it.
 */
public final class BatchNorm2d implements Layer {

    private final BatchNorm1d parameters;
    private final long channels;
    private long[] shape;
    private Object input;
    private double[] mean;
    private double[] inverseStd;
    private boolean batchStatistics;

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
        ImageBatch.check(x, channels, "BatchNorm2d");
        shape = x.shape();
        int c = (int) channels;
        int m = Math.toIntExact(x.length() / channels);
        batchStatistics = training;
        Map<String, INDArray> buffers = parameters.buffers();
        input = ImageBatch.read(x, input);
        Object output = ImageBatch.shared(ImageBatch.STAGING, input, c * m);
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
            INDArray batchMean = Nd4j.createFromArray(mean).castTo(x.dataType());
            INDArray unbiased = Nd4j.createFromArray(variance).muli(m / (m - 1.0)).castTo(x.dataType());
            buffers.get("running_mean").muli(1 - BatchNorm1d.MOMENTUM).addi(batchMean.muli(BatchNorm1d.MOMENTUM));
            buffers.get("running_var").muli(1 - BatchNorm1d.MOMENTUM).addi(unbiased.muli(BatchNorm1d.MOMENTUM));
        } else {
            System.arraycopy(buffers.get("running_mean").toDoubleVector(), 0, mean, 0, c);
            System.arraycopy(buffers.get("running_var").toDoubleVector(), 0, variance, 0, c);
        }
        double[] gamma = parameters.parameters().get("weight").toDoubleVector();
        double[] beta = parameters.parameters().get("bias").toDoubleVector();
        inverseStd = new double[c];
        ImageBatch.forChannels(c, m, k -> {
            inverseStd[k] = 1 / Math.sqrt(variance[k] + BatchNorm1d.EPSILON);
            double scale = gamma[k] * inverseStd[k];
            double shift = beta[k] - mean[k] * scale;
            if (input instanceof float[] f) {
                ChannelRows.affine(f, k * m, m, scale, shift, (float[]) output);
            } else {
                ChannelRows.affine((double[]) input, k * m, m, scale, shift, (double[]) output);
            }
        });
        return ImageBatch.write(output, shape);
    }

    /**
     * With batch statistics {@code dx = γ·invStd·(g - Σg/M - x̂·Σ(g·x̂)/M)}; with running statistics the normalization
     * is affine, so {@code dx = γ·invStd·g}. {@code dγ = Σ(g·x̂)}, {@code dβ = Σg}.
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = ForwardCache.require(shape, "BatchNorm2d");
        int c = (int) channels;
        int m = Math.toIntExact(gradOutput.length() / channels);
        Object output = ImageBatch.readShared(gradOutput, ImageBatch.STAGING);
        Object inputGradient = ImageBatch.shared(ImageBatch.SECOND, input, c * m);
        double[] gamma = parameters.parameters().get("weight").toDoubleVector();
        double[] gammaGrad = new double[c];
        double[] betaGrad = new double[c];
        ImageBatch.forChannels(c, m, k -> {
            double[] sums = output instanceof float[] g ? ChannelRows.gradientSums(g, (float[]) input, k * m, m,
                    mean[k], inverseStd[k]) : ChannelRows.gradientSums((double[]) output, (double[]) input, k * m, m,
                    mean[k], inverseStd[k]);
            betaGrad[k] = sums[0];
            gammaGrad[k] = sums[1];
            double a = gamma[k] * inverseStd[k];
            double b = batchStatistics ? -a * inverseStd[k] * sums[1] / m : 0;
            double shift = batchStatistics ? -a * sums[0] / m - b * mean[k] : 0;
            if (output instanceof float[] g) {
                ChannelRows.gradient(g, (float[]) input, k * m, m, a, b, shift, (float[]) inputGradient);
            } else {
                ChannelRows.gradient((double[]) output, (double[]) input, k * m, m, a, b, shift,
                        (double[]) inputGradient);
            }
        });
        DataType type = gradOutput.dataType();
        parameters.setGradients(Nd4j.createFromArray(gammaGrad).castTo(type),
                Nd4j.createFromArray(betaGrad).castTo(type));
        return ImageBatch.write(inputGradient, s);
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

package org.dml4j.nn;

import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Layer normalization over the last dimension (PyTorch's {@code nn.LayerNorm(features)}, Ba et al., 2016): each row
 * of {@code [batch, features]} or each token of {@code [batch, tokens, features]} becomes
 * {@code (x - mean) / sqrt(var + eps) · weight + bias}, with the biased variance and {@code eps = 1e-5}. {@code weight}
 * starts at ones, {@code bias} at zeros. It computes in float64 and rounds the result once to the input's type.
 * <p>
 * Image batches (rank 4, {@link ImageBatch}) are rejected: their last dimension is the image width; a
 * {@link TransformerBlock} normalizes the tokens of an image's positions.
 */
public final class LayerNorm implements Layer {

    /** The variance's offset, PyTorch's default. */
    public static final double EPSILON = 1e-5;

    private final int features;
    private final INDArray weight;
    private final INDArray bias;
    private Map<String, INDArray> gradients = Map.of();
    private long[] shape;
    private double[] normalized;
    private double[] inverseStd;

    /**
     * Creates a layer normalization with weight 1 and bias 0.
     *
     * @param features the size of the normalized (last) dimension
     * @param dataType the parameters' type
     */
    public LayerNorm(int features, DataType dataType) {
        this(features, Nd4j.ones(dataType, features), Nd4j.zeros(dataType, features));
    }

    private LayerNorm(int features, INDArray weight, INDArray bias) {
        if (features <= 0) {
            throw new IllegalArgumentException("LayerNorm needs a positive feature count, found " + features);
        }
        this.features = features;
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        if (input.rank() < 2 || input.rank() > 3 || input.size(input.rank() - 1) != features) {
            throw new IllegalArgumentException("LayerNorm expects [batch, " + features + "] rows or [batch, tokens, "
                    + features + "] tokens, found " + Arrays.toString(input.shape()));
        }
        shape = input.shape();
        double[] x = HostArrays.doubles(input);
        double[] gamma = weight.toDoubleVector();
        double[] beta = bias.toDoubleVector();
        int rows = x.length / features;
        normalized = new double[x.length];
        inverseStd = new double[rows];
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            int from = r * features;
            double mean = 0;
            for (int k = 0; k < features; k++) {
                mean += x[from + k];
            }
            mean /= features;
            double variance = 0;
            for (int k = 0; k < features; k++) {
                double d = x[from + k] - mean;
                variance += d * d;
            }
            inverseStd[r] = 1 / Math.sqrt(variance / features + EPSILON);
            for (int k = 0; k < features; k++) {
                normalized[from + k] = (x[from + k] - mean) * inverseStd[r];
                y[from + k] = normalized[from + k] * gamma[k] + beta[k];
            }
        }
        return HostArrays.create(y, input.dataType(), shape);
    }

    /**
     * {@code dx = invStd·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂))} per row with {@code ĝ = g·weight}; {@code dweight = Σ g·x̂},
     * {@code dbias = Σ g} over the rows.
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = ForwardCache.require(shape, "LayerNorm");
        double[] g = HostArrays.doubles(gradOutput);
        double[] gamma = weight.toDoubleVector();
        double[] dx = new double[g.length];
        double[] dGamma = new double[features];
        double[] dBeta = new double[features];
        for (int r = 0; r < inverseStd.length; r++) {
            int from = r * features;
            double meanG = 0;
            double meanGx = 0;
            for (int k = 0; k < features; k++) {
                double gHat = g[from + k] * gamma[k];
                meanG += gHat;
                meanGx += gHat * normalized[from + k];
                dGamma[k] += g[from + k] * normalized[from + k];
                dBeta[k] += g[from + k];
            }
            meanG /= features;
            meanGx /= features;
            for (int k = 0; k < features; k++) {
                double gHat = g[from + k] * gamma[k];
                dx[from + k] = inverseStd[r] * (gHat - meanG - normalized[from + k] * meanGx);
            }
        }
        DataType type = weight.dataType();
        Map<String, INDArray> grads = new LinkedHashMap<>();
        grads.put("weight", HostArrays.create(dGamma, type, features));
        grads.put("bias", HostArrays.create(dBeta, type, features));
        gradients = grads;
        return HostArrays.create(dx, gradOutput.dataType(), s);
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("weight", weight);
        params.put("bias", bias);
        return params;
    }

    @Override
    public Map<String, INDArray> gradients() {
        return gradients;
    }

    @Override
    public Layer copy() {
        return new LayerNorm(features, weight.dup(), bias.dup());
    }

    @Override
    public String toString() {
        return "LayerNorm(" + features + ")";
    }
}

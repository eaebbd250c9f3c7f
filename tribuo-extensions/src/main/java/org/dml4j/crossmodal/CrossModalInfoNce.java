package org.dml4j.crossmodal;

import org.dml4j.distance.L2Normalization;
import org.dml4j.nd.HostArrays;
import org.dml4j.nd.MatrixProducts;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * The symmetric cross-modal InfoNCE loss of CLIP (Radford et al. 2021) with a learnable temperature: for a batch of
 * {@code B} pairs, row {@code i} of the first modality's embeddings {@code a} and row {@code i} of the second's
 * {@code b} match, every other row of the other modality is a negative. With {@code â}, {@code b̂} the L2-normalized
 * rows and the logits {@code L = exp(s) â b̂ᵀ},
 * <pre>
 *   loss = ½ (CE(L, diag) + CE(Lᵀ, diag))
 * </pre>
 * the mean cross-entropy of each A row against the B rows (A→B) and of each B row against the A rows (B→A). The
 * temperature is {@code t = exp(-s)}; the log-scale {@code s} is a trained parameter, clamped to
 * {@code [ln(1/maxTemperature), ln(1/minTemperature)]} as CLIP clamps it to {@code [0, ln 100]} (as
 * {@code torch.clamp}, its gradient is 0 outside the range). Computed in float64 whatever the inputs' type; the
 * gradients come back in the inputs' type.
 */
public final class CrossModalInfoNce {

    private final double minLogScale;
    private final double maxLogScale;

    /**
     * Creates the loss.
     *
     * @param minTemperature the smallest temperature (CLIP: 0.01)
     * @param maxTemperature the largest temperature (CLIP: 1)
     * @throws IllegalArgumentException unless {@code 0 < minTemperature <= maxTemperature}
     */
    public CrossModalInfoNce(double minTemperature, double maxTemperature) {
        if (!(minTemperature > 0) || !(minTemperature <= maxTemperature) || Double.isInfinite(maxTemperature)) {
            throw new IllegalArgumentException("temperatures must satisfy 0 < minTemperature <= maxTemperature < inf, "
                    + "found " + minTemperature + " and " + maxTemperature);
        }
        this.minLogScale = Math.log(1 / maxTemperature);
        this.maxLogScale = Math.log(1 / minTemperature);
    }

    /**
     * The log-scale the loss uses for a parameter value: clamped to the temperature range.
     *
     * @param logScale the parameter {@code s}
     * @return {@code s} clamped to {@code [ln(1/maxTemperature), ln(1/minTemperature)]}
     */
    public double clamp(double logScale) {
        return Math.min(maxLogScale, Math.max(minLogScale, logScale));
    }

    /**
     * The value and gradients of a loss evaluation.
     *
     * @param value         the loss
     * @param gradientA     dL/da, B × d_a (d_a: the width of the first modality's embeddings)
     * @param gradientB     dL/db, B × d_b
     * @param gradientScale dL/ds, the gradient with respect to the log-scale parameter
     */
    public record Result(double value, INDArray gradientA, INDArray gradientB, double gradientScale) {
    }

    /**
     * Computes the loss of a batch of pairs.
     *
     * @param a        the first modality's raw embeddings, B × d
     * @param b        the second modality's raw embeddings, B × d (row i matches row i of {@code a})
     * @param logScale the log-scale parameter {@code s} (the temperature is {@code exp(-clamp(s))})
     * @return the value and the gradients
     * @throws IllegalArgumentException if the shapes differ or the batch has fewer than 2 pairs
     */
    public Result compute(INDArray a, INDArray b, double logScale) {
        if (a.rank() != 2 || !Arrays.equals(a.shape(), b.shape()) || a.rows() < 2) {
            throw new IllegalArgumentException("the two modalities' embeddings must both be B × d with B >= 2, found "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        int n = a.rows();
        int d = a.columns();
        L2Normalization normA = L2Normalization.of(HostArrays.doubles(a), n, d);
        L2Normalization normB = L2Normalization.of(HostArrays.doubles(b), n, d);
        INDArray unitA = Nd4j.create(normA.normalized(), new long[]{n, d}, 'c');
        INDArray unitB = Nd4j.create(normB.normalized(), new long[]{n, d}, 'c');
        double s = clamp(logScale);
        double scale = Math.exp(s);
        double[] logits = HostArrays.doubles(MatrixProducts.product(unitA, unitB, false, true).muli(scale));
        double[] rowSoftmax = new double[n * n];
        double[] columnSoftmax = new double[n * n];
        double value = 0;
        for (int i = 0; i < n; i++) {
            value += softmax(logits, i * n, 1, n, rowSoftmax) - logits[i * n + i];
            value += softmax(logits, i, n, n, columnSoftmax) - logits[i * n + i];
        }
        value /= 2.0 * n;
        // dL/dL_ij = (P_ij + Q_ij - 2 [i == j]) / (2B); dL/ds = sum_ij dL/dL_ij * L_ij
        double[] gradLogits = new double[n * n];
        double gradScale = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int ij = i * n + j;
                double g = (rowSoftmax[ij] + columnSoftmax[ij] - (i == j ? 2 : 0)) / (2.0 * n);
                gradLogits[ij] = g * scale;
                gradScale += g * logits[ij];
            }
        }
        if (logScale < minLogScale || logScale > maxLogScale) {
            gradScale = 0;
        }
        INDArray gradSimilarity = Nd4j.create(gradLogits, new long[]{n, n}, 'c');
        double[] gradUnitA = HostArrays.doubles(MatrixProducts.product(gradSimilarity, unitB, false, false));
        double[] gradUnitB = HostArrays.doubles(MatrixProducts.product(gradSimilarity, unitA, true, false));
        DataType type = a.dataType();
        return new Result(value,
                Nd4j.create(normA.backward(gradUnitA), new long[]{n, d}, 'c').castTo(type),
                Nd4j.create(normB.backward(gradUnitB), new long[]{n, d}, 'c').castTo(type), gradScale);
    }

    /**
     * The softmax of {@code count} logits starting at {@code start} with stride {@code stride}, written to the same
     * positions of {@code out}.
     *
     * @return the log-sum-exp of those logits
     */
    private static double softmax(double[] logits, int start, int stride, int count, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < count; k++) {
            max = Math.max(max, logits[start + k * stride]);
        }
        double sum = 0;
        for (int k = 0; k < count; k++) {
            double e = Math.exp(logits[start + k * stride] - max);
            out[start + k * stride] = e;
            sum += e;
        }
        for (int k = 0; k < count; k++) {
            out[start + k * stride] /= sum;
        }
        return max + Math.log(sum);
    }

    @Override
    public String toString() {
        return "CrossModalInfoNce(temperature in [" + Math.exp(-maxLogScale) + ", " + Math.exp(-minLogScale) + "])";
    }
}

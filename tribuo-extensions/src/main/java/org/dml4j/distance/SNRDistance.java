package org.dml4j.distance;

import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The signal-to-noise-ratio distance (Yuan et al., "Signal-To-Noise Ratio: A Robust Distance Metric for Deep Metric
 * Learning", CVPR 2019), PML's {@code SNRDistance}: {@code var(u_i - v_j) / var(u_i)}, the variance of the
 * difference ("noise") over the variance of the query ("signal"), each over the embedding dimensions. It is not
 * symmetric. As every PML distance it L2-normalizes the embeddings first by default.
 * <p>
 * With centered rows {@code ũ = u - mean(u)} it is {@code ||ũ_i - ṽ_j||² / ||ũ_i||²} (the {@code 1/(d-1)} of the
 * two unbiased variances cancels), so the matrix is the squared Euclidean distance between centered rows scaled per
 * query row, and its gradient that of {@link LpDistance} plus the term of the denominator. A query whose variance is
 * 0 (a constant embedding, e.g. an all-zero row) has no signal: PML divides by zero there (infinite or NaN distances);
 * DML4J floors the denominator at {@value #VARIANCE_FLOOR}, so such a row is at distance 0 from its copies and far
 * from everything else, with finite gradients.
 */
public final class SNRDistance extends AbstractDistance {

    /** The floor under {@code ||ũ_i||²}, the query's variance times {@code d - 1}. */
    public static final double VARIANCE_FLOOR = 1e-12;

    /** The SNR distance on normalized embeddings (PML's default). */
    public SNRDistance() {
    }

    /**
     * Creates the SNR distance.
     *
     * @param normalizeEmbeddings whether embeddings are L2-normalized first
     */
    public SNRDistance(boolean normalizeEmbeddings) {
        this.normalizeEmbeddings = normalizeEmbeddings;
    }

    @Override
    public boolean isInverted() {
        return false;
    }

    @Override
    protected double[] matrix(Inputs in) {
        Inputs centered = centered(in);
        double[] out = LpDistance.squaredDistances(centered);
        double[] signal = signal(centered);
        for (int i = 0; i < in.rows(); i++) {
            for (int j = 0; j < in.cols(); j++) {
                out[i * in.cols() + j] /= signal[i];
            }
        }
        return out;
    }

    /**
     * With {@code G = dL/dM}, {@code W_ij = 2 G_ij / ||ũ_i||²} weighs the squared distances between centered rows
     * ({@link LpDistance#squaredDistanceGradient}), and the denominator adds {@code -2 (Σ_j G_ij M_ij) ũ_i / ||ũ_i||²}
     * to query row i (nothing where it is floored). Every term is a combination of centered rows, so the centering's
     * own backward pass (subtracting the mean) leaves it unchanged.
     */
    @Override
    protected double[][] gradient(Inputs in, double[] values, double[] gradient, boolean references) {
        Inputs centered = centered(in);
        double[] signal = signal(centered);
        int rows = in.rows();
        int cols = in.cols();
        int dim = in.dim();
        double[] w = new double[gradient.length];
        double[] denominator = new double[rows];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                w[k] = 2 * gradient[k] / signal[i];
                sum += gradient[k] * values[k];
            }
            denominator[i] = signal[i] > VARIANCE_FLOOR ? 2 * sum / signal[i] : 0;
        }
        double[][] grads = LpDistance.squaredDistanceGradient(centered, w, references);
        double[] queries = centered.queries();
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < dim; k++) {
                grads[0][i * dim + k] -= denominator[i] * queries[i * dim + k];
            }
        }
        return grads;
    }

    /** The inputs with each row minus its mean. */
    private static Inputs centered(Inputs in) {
        double[] queries = center(in.queries(), in.rows(), in.dim());
        double[] references = in.self() ? queries : center(in.references(), in.cols(), in.dim());
        INDArray queryArray = HostArrays.float64(queries, in.rows(), in.dim());
        INDArray referenceArray = in.self() ? queryArray : HostArrays.float64(references, in.cols(), in.dim());
        return new Inputs(queries, references, queryArray, referenceArray, in.rows(), in.cols(), in.dim(), in.self());
    }

    private static double[] center(double[] x, int rows, int dim) {
        double[] out = new double[x.length];
        for (int i = 0; i < rows; i++) {
            double mean = 0;
            for (int k = 0; k < dim; k++) {
                mean += x[i * dim + k];
            }
            mean /= dim;
            for (int k = 0; k < dim; k++) {
                out[i * dim + k] = x[i * dim + k] - mean;
            }
        }
        return out;
    }

    /** {@code max(||ũ_i||², floor)} per query row of centered inputs. */
    private static double[] signal(Inputs centered) {
        double[] out = new double[centered.rows()];
        double[] q = centered.queries();
        int dim = centered.dim();
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                s += q[i * dim + k] * q[i * dim + k];
            }
            out[i] = Math.max(s, VARIANCE_FLOOR);
        }
        return out;
    }
}

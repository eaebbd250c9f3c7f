package org.dml4j.distance;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * The Euclidean distance {@code ||u_i - v_j||}, or its square with {@code power = 2}, on L2-normalized embeddings by
 * default (PML's {@code LpDistance} with p = 2, the default distance of most losses).
 * <p>
 * The matrix is computed with one matrix product as {@code ||u||² + ||v||² - 2 u·v}; where that cancels badly (the
 * squared distance is a small fraction of the squared norms, e.g. duplicate embeddings) the entry is recomputed
 * exactly from the difference, so zero distances are exactly zero. The gradient at a zero distance is 0 (the
 * subgradient PyTorch's {@code cdist} uses).
 */
public final class LpDistance extends AbstractDistance {

    @Config(description = "The exponent applied to the Euclidean distance: 1 (distance) or 2 (squared distance).")
    private int power = 1;

    /** Euclidean distance on normalized embeddings. */
    public LpDistance() {
    }

    /**
     * Creates an Lp (p = 2) distance.
     *
     * @param normalizeEmbeddings whether embeddings are L2-normalized first
     * @param power               1 for the distance, 2 for its square
     */
    public LpDistance(boolean normalizeEmbeddings, int power) {
        this.normalizeEmbeddings = normalizeEmbeddings;
        this.power = power;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (power != 1 && power != 2) {
            throw new PropertyException("", "power", "power must be 1 or 2, found " + power);
        }
    }

    /** @return the exponent (1 or 2) */
    public int power() {
        return power;
    }

    @Override
    protected boolean sameSettings(AbstractDistance other) {
        return ((LpDistance) other).power == power;
    }

    @Override
    public boolean isInverted() {
        return false;
    }

    @Override
    protected double[] matrix(Inputs in) {
        double[] out = squaredDistances(in);
        if (power == 1) {
            for (int k = 0; k < out.length; k++) {
                out[k] = Math.sqrt(out[k]);
            }
        }
        return out;
    }

    /**
     * The squared Euclidean distances {@code ||u_i - v_j||²} between the inputs' rows, from one matrix product, with
     * the entries where the product form cancels badly recomputed exactly (so duplicates are exactly 0).
     *
     * @param in the inputs
     * @return the {@code rows × cols} squared distances, row-major
     */
    static double[] squaredDistances(Inputs in) {
        int rows = in.rows();
        int cols = in.cols();
        int dim = in.dim();
        double[] dots = in.dots();
        double[] uRows = in.queries();
        double[] vRows = in.references();
        double[] uSq = squaredNorms(uRows, rows, dim);
        double[] vSq = in.self() ? uSq : squaredNorms(vRows, cols, dim);
        // Below this fraction of ||u||²+||v||² the product form's rounding error (a few ulps of ||u||²+||v||²) is more
        // than about 1e-10 of the squared distance: recompute those entries from the difference.
        double cancellation = 1e-6;
        // Two passes over each row, the first without branches so that the JIT vectorises it.
        double[] out = dots;
        for (int i = 0; i < rows; i++) {
            int offset = i * cols;
            double rowSq = uSq[i];
            for (int j = 0; j < cols; j++) {
                out[offset + j] = rowSq + vSq[j] - 2 * dots[offset + j];
            }
            for (int j = 0; j < cols; j++) {
                if (out[offset + j] <= cancellation * (rowSq + vSq[j])) {
                    out[offset + j] = exactSquaredDistance(uRows, i, vRows, j, dim);
                }
            }
        }
        return out;
    }

    private static double[] squaredNorms(double[] rows, int count, int dim) {
        double[] sq = new double[count];
        for (int i = 0; i < count; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                double x = rows[i * dim + k];
                s += x * x;
            }
            sq[i] = s;
        }
        return sq;
    }

    private static double exactSquaredDistance(double[] u, int i, double[] v, int j, int dim) {
        // Four partial sums: independent additions the processor can overlap.
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int a = i * dim;
        int b = j * dim;
        int k = 0;
        for (; k + 3 < dim; k += 4) {
            double d0 = u[a + k] - v[b + k];
            double d1 = u[a + k + 1] - v[b + k + 1];
            double d2 = u[a + k + 2] - v[b + k + 2];
            double d3 = u[a + k + 3] - v[b + k + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; k < dim; k++) {
            double d = u[a + k] - v[b + k];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * With {@code W_ij = 2 dL/dM_ij dM_ij/d(||u_i - v_j||²)} the gradients are
     * {@code dU = diag(rowsum W) u - W v} and {@code dV = diag(colsum W) v - Wᵀ u}; for a self matrix their sum is
     * {@code diag(rowsum S) u - S u} with {@code S = W + Wᵀ}.
     */
    @Override
    protected double[][] gradient(Inputs in, double[] values, double[] gradient, boolean references) {
        // 2 dM/d(d²): 1/||d|| for power 1 (0 at a zero distance, PyTorch's subgradient), 2 for power 2. Branch-free
        // passes first, so that the JIT vectorises them, then the zero distances.
        double[] w = new double[gradient.length];
        if (power == 2) {
            for (int k = 0; k < w.length; k++) {
                w[k] = 2 * gradient[k];
            }
        } else {
            for (int k = 0; k < w.length; k++) {
                w[k] = gradient[k] / values[k];
            }
            for (int k = 0; k < w.length; k++) {
                if (values[k] == 0) {
                    w[k] = 0;
                }
            }
        }
        return squaredDistanceGradient(in, w, references);
    }

    /**
     * The gradients of {@code Σ_ij W_ij ||u_i - v_j||² / 2} with respect to the inputs' rows:
     * {@code dU = diag(rowsum W) u - W v} and {@code dV = diag(colsum W) v - Wᵀ u}; for a self matrix their sum
     * {@code diag(rowsum S) u - S u} with {@code S = W + Wᵀ}.
     *
     * @param in         the inputs
     * @param w          the row-major {@code rows × cols} weights W, overwritten for a self matrix
     * @param references whether dV is needed (ignored for a self matrix)
     * @return {dU, dV} (dV null when not needed or for a self matrix, where dU holds the total)
     */
    static double[][] squaredDistanceGradient(Inputs in, double[] w, boolean references) {
        int rows = in.rows();
        int cols = in.cols();
        if (in.self()) {
            // dU + dV with v = u: one product with the symmetric S instead of two.
            double[] symmetric = symmetrize(w, rows);
            double[] product = in.timesReferences(symmetric);
            return new double[][]{scaledMinus(in.queries(), rowSums(symmetric, rows, cols), product, in.dim()), null};
        }
        double[] dU = scaledMinus(in.queries(), rowSums(w, rows, cols), in.timesReferences(w), in.dim());
        if (!references) {
            return new double[][]{dU, null};
        }
        double[] dV = scaledMinus(in.references(), columnSums(w, rows, cols), in.transposeTimesQueries(w), in.dim());
        return new double[][]{dU, dV};
    }

    private static double[] rowSums(double[] m, int rows, int cols) {
        double[] sums = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += m[i * cols + j];
            }
            sums[i] = s;
        }
        return sums;
    }

    private static double[] columnSums(double[] m, int rows, int cols) {
        double[] sums = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                sums[j] += m[i * cols + j];
            }
        }
        return sums;
    }

    /** {@code diag(scales) x - product}, row-major, reusing {@code product}'s array. */
    private static double[] scaledMinus(double[] x, double[] scales, double[] product, int dim) {
        for (int i = 0; i < scales.length; i++) {
            for (int k = 0; k < dim; k++) {
                product[i * dim + k] = scales[i] * x[i * dim + k] - product[i * dim + k];
            }
        }
        return product;
    }
}

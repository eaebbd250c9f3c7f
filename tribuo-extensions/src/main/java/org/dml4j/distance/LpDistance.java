package org.dml4j.distance;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
    public boolean isInverted() {
        return false;
    }

    @Override
    protected double[] matrix(Inputs in) {
        INDArray u = in.queries();
        INDArray v = in.references();
        int rows = (int) u.rows();
        int cols = (int) v.rows();
        int dim = (int) u.columns();
        double[] dots = HostArrays.doubles(Nd4j.gemm(u, v, false, true));
        double[] uRows = HostArrays.doubles(u);
        double[] vRows = in.self() ? uRows : HostArrays.doubles(v);
        double[] uSq = squaredNorms(uRows, rows, dim);
        double[] vSq = in.self() ? uSq : squaredNorms(vRows, cols, dim);
        // Below this fraction of ||u||²+||v||² the product form loses digits: recompute those entries exactly.
        double cancellation = 1e-4;
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double scale = uSq[i] + vSq[j];
                double sq = scale - 2 * dots[i * cols + j];
                if (sq <= cancellation * scale) {
                    sq = exactSquaredDistance(uRows, i, vRows, j, dim);
                }
                out[i * cols + j] = power == 2 ? sq : Math.sqrt(sq);
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
        double s = 0;
        for (int k = 0; k < dim; k++) {
            double diff = u[i * dim + k] - v[j * dim + k];
            s += diff * diff;
        }
        return s;
    }

    /**
     * With {@code W_ij = 2 dL/dM_ij dM_ij/d(||u_i - v_j||²)} the gradients are
     * {@code dU = diag(rowsum W) u - W v} and {@code dV = diag(colsum W) v - Wᵀ u}; for a self matrix their sum is
     * {@code diag(rowsum S) u - S u} with {@code S = W + Wᵀ}.
     */
    @Override
    protected INDArray[] gradient(Inputs in, double[] values, double[] gradient) {
        INDArray w;
        if (power == 1) {
            // d||d||/d(d) = d/||d||, and 0 at a zero distance.
            double[] g = new double[gradient.length];
            for (int k = 0; k < g.length; k++) {
                g[k] = values[k] == 0 ? 0 : gradient[k] / values[k];
            }
            w = matrixOf(in, g);
        } else {
            w = matrixOf(in, gradient).muli(2);
        }
        INDArray u = in.queries();
        INDArray v = in.references();
        if (in.self()) {
            // dU + dV with v = u: diag(rowsum S) u - S u for the symmetric S = W + Wᵀ, one product instead of two.
            INDArray symmetric = w.add(w.transpose());
            return new INDArray[]{u.mulColumnVector(symmetric.sum(true, 1)).subi(Nd4j.gemm(symmetric, u, false, false)),
                    null};
        }
        INDArray dU = u.mulColumnVector(w.sum(true, 1)).subi(Nd4j.gemm(w, v, false, false));
        INDArray dV = v.mulColumnVector(w.sum(true, 0).transpose()).subi(Nd4j.gemm(w, u, true, false));
        return new INDArray[]{dU, dV};
    }
}

package org.dml4j.regularize;

import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The absolute sum of each row, {@code |Σ_k x_ik|} (PML's {@code ZeroMeanRegularizer}, mean over rows): pushes each
 * embedding's components to average zero. The gradient where the sum is exactly 0 is 0.
 */
public final class ZeroMeanRegularizer extends AbstractRegularizer {

    /** Creates the regularizer with PML's default reducer (mean). */
    public ZeroMeanRegularizer() {
    }

    /**
     * Creates the regularizer.
     *
     * @param reducer the reducer of the per-row terms
     */
    public ZeroMeanRegularizer(Reducer reducer) {
        this.reducer = reducer;
    }

    @Override
    protected Terms terms(double[] x, int rows, int dim) {
        double[] sums = new double[rows];
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < dim; k++) {
                sums[i] += x[i * dim + k];
            }
            values[i] = Math.abs(sums[i]);
        }
        return new Terms() {
            @Override
            public LossTerms terms() {
                return LossTerms.perElement(values);
            }

            @Override
            public double[] backward(double[] weights) {
                double[] grad = new double[x.length];
                for (int i = 0; i < rows; i++) {
                    java.util.Arrays.fill(grad, i * dim, (i + 1) * dim, weights[i] * Math.signum(sums[i]));
                }
                return grad;
            }
        };
    }

    @Override
    public String toString() {
        return "ZeroMeanRegularizer(reducer=" + reducer + ")";
    }
}

package org.dml4j.regularize;

import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The spread of the rows' squared norms (PML's {@code CenterInvariantRegularizer}, from Wu et al. 2017 "Deep Face
 * Recognition with Center Invariant Loss"): with {@code s_i = ||w_i||²} and {@code m} their mean, the term of row i
 * is {@code (s_i - m)² / 4} (mean over rows): class vectors of equal norm treat every class alike. Meant as a weight
 * regularizer.
 */
public final class CenterInvariantRegularizer extends AbstractRegularizer {

    /** Creates the regularizer with PML's default reducer (mean). */
    public CenterInvariantRegularizer() {
    }

    /**
     * Creates the regularizer.
     *
     * @param reducer the reducer of the per-row terms
     */
    public CenterInvariantRegularizer(Reducer reducer) {
        this.reducer = reducer;
    }

    @Override
    protected Terms terms(double[] x, int rows, int dim) {
        double[] deviations = new double[rows];
        double mean = 0;
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                s += x[i * dim + k] * x[i * dim + k];
            }
            deviations[i] = s;
            mean += s / rows;
        }
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            deviations[i] -= mean;
            values[i] = deviations[i] * deviations[i] / 4;
        }
        return new Terms() {
            @Override
            public LossTerms terms() {
                return LossTerms.perElement(values);
            }

            /** dL/dw_j = w_j (g_j e_j - (1/N) Σ_i g_i e_i), with e the deviations and g the term weights. */
            @Override
            public double[] backward(double[] weights) {
                double shared = 0;
                for (int i = 0; i < rows; i++) {
                    shared += weights[i] * deviations[i] / rows;
                }
                double[] grad = new double[x.length];
                for (int j = 0; j < rows; j++) {
                    double scale = weights[j] * deviations[j] - shared;
                    for (int k = 0; k < dim; k++) {
                        grad[j * dim + k] = scale * x[j * dim + k];
                    }
                }
                return grad;
            }
        };
    }

    @Override
    public String toString() {
        return "CenterInvariantRegularizer(reducer=" + reducer + ")";
    }
}

package org.dml4j.regularize;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The Lp norm of each row raised to a power, {@code ||x_i||_p^power} (PML's {@code LpRegularizer}, default p = 2,
 * power = 1, mean over rows): keeps embeddings from growing. The gradient at a zero row is 0.
 */
public final class LpRegularizer extends AbstractRegularizer {

    @Config(description = "The p of the norm, >= 1 (PML default 2).")
    private double p = 2;

    @Config(description = "The power the norm is raised to, > 0 (PML default 1).")
    private double power = 1;

    /** Creates the regularizer with PML's defaults (L2 norm, power 1, mean). */
    public LpRegularizer() {
    }

    /**
     * Creates the regularizer.
     *
     * @param p       the p of the norm
     * @param power   the power of the norm
     * @param reducer the reducer of the per-row terms
     */
    public LpRegularizer(double p, double power, Reducer reducer) {
        this.p = p;
        this.power = power;
        this.reducer = reducer;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(p >= 1) || Double.isInfinite(p)) {
            throw new PropertyException("", "p", "p must be a finite number >= 1, found " + p);
        }
        if (!(power > 0) || Double.isInfinite(power)) {
            throw new PropertyException("", "power", "power must be a finite number > 0, found " + power);
        }
    }

    @Override
    protected Terms terms(double[] x, int rows, int dim) {
        double[] norms = new double[rows];
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                s += Math.pow(Math.abs(x[i * dim + k]), p);
            }
            norms[i] = Math.pow(s, 1 / p);
            values[i] = power == 1 ? norms[i] : Math.pow(norms[i], power);
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
                    if (norms[i] == 0 || weights[i] == 0) {
                        continue;
                    }
                    // d n^power / dx_k = power n^(power-1) sign(x_k) |x_k|^(p-1) / n^(p-1)
                    double scale = weights[i] * power * Math.pow(norms[i], power - p);
                    for (int k = 0; k < dim; k++) {
                        double v = x[i * dim + k];
                        grad[i * dim + k] = scale * Math.signum(v) * Math.pow(Math.abs(v), p - 1);
                    }
                }
                return grad;
            }
        };
    }

    @Override
    public String toString() {
        return "LpRegularizer(p=" + p + ", power=" + power + ", reducer=" + reducer + ")";
    }
}

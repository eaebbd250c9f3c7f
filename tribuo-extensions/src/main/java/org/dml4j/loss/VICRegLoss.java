package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.mining.IndexTuples;
import org.dml4j.nd.HostArrays;
import org.dml4j.nd.MatrixProducts;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * VICReg (Bardes, Ponce and LeCun, "VICReg: Variance-Invariance-Covariance Regularization for Self-Supervised
 * Learning", ICLR 2022), PML's {@code VICRegLoss}: a self-supervised loss between two views Z and Z' of the same
 * batch (row i of each is an embedding of the same example under two augmentations), without labels or a distance:
 * <pre>
 *   λ · mean_i (1/d) ||z_i - z'_i||²                                        invariance
 * + μ · mean_k relu(1 - sqrt(var_k(Z) + ε)) / 2  + the same for Z'          variance (per dimension k)
 * + ν · (Σ_{k≠l} cov(Z)_kl² + Σ_{k≠l} cov(Z')_kl²) / d                       covariance
 * </pre>
 * with unbiased variances and covariances over the batch. The invariance and the two variance terms are reduced by
 * the reducer (the mean by default; each with it, then added, as PML's {@code MultipleReducers}); the covariance
 * term is already reduced, as in PML.
 * <p>
 * Use it through {@link #compute(INDArray, INDArray)} with the two views, or as PML through the reference-set form
 * {@code compute(view1, labels, null, view2, labels)} (labels are not used). A training loop makes two augmentations
 * of each batch, embeds both with the same network (keeping both forward passes), calls {@code compute(z1, z2)}, and
 * back-propagates {@code queryGradient()} through the first pass and {@code referenceGradient()} through the second,
 * adding the two parameter gradients before the optimizer step. Called with one batch and labels, as a supervised
 * loss, it throws.
 */
public final class VICRegLoss extends AbstractMetricLoss {

    /** PML's default invariance weight λ. */
    public static final double DEFAULT_INVARIANCE_LAMBDA = 25.0;

    @Config(description = "The weight λ of the invariance term (PML default " + DEFAULT_INVARIANCE_LAMBDA + ").")
    private double invarianceLambda = DEFAULT_INVARIANCE_LAMBDA;

    /** PML's default variance weight μ. */
    public static final double DEFAULT_VARIANCE_MU = 25.0;

    @Config(description = "The weight μ of the variance terms (PML default " + DEFAULT_VARIANCE_MU + ").")
    private double varianceMu = DEFAULT_VARIANCE_MU;

    /** PML's default covariance weight ν. */
    public static final double DEFAULT_COVARIANCE_V = 1.0;

    @Config(description = "The weight ν of the covariance term (PML default " + DEFAULT_COVARIANCE_V + ").")
    private double covarianceV = DEFAULT_COVARIANCE_V;

    /** PML's default ε under the square root of the variance. */
    public static final double DEFAULT_EPS = 1e-4;

    @Config(description = "The ε added to each variance before its square root (PML default " + DEFAULT_EPS + ").")
    private double eps = DEFAULT_EPS;

    /** Creates the loss with PML's defaults: λ = μ = 25, ν = 1, ε = 1e-4, mean reducer. */
    public VICRegLoss() {
        super(null, new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param invarianceLambda the invariance weight λ
     * @param varianceMu       the variance weight μ
     * @param covarianceV      the covariance weight ν
     * @param eps              the ε under the square roots
     * @param reducer          the reducer of the invariance and variance terms
     */
    public VICRegLoss(double invarianceLambda, double varianceMu, double covarianceV, double eps, Reducer reducer) {
        super(null, reducer);
        this.invarianceLambda = invarianceLambda;
        this.varianceMu = varianceMu;
        this.covarianceV = covarianceV;
        this.eps = eps;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (distance != null) {
            throw new PropertyException("", "distance", "VICRegLoss uses no distance (as in PML), found " + distance);
        }
        if (!(eps > 0) || !Double.isFinite(invarianceLambda + varianceMu + covarianceV + eps)) {
            throw new PropertyException("", "eps", "eps must be > 0 and the weights finite, found eps=" + eps
                    + ", invarianceLambda=" + invarianceLambda + ", varianceMu=" + varianceMu + ", covarianceV="
                    + covarianceV);
        }
    }

    /**
     * Not supported: VICReg compares two views of one batch.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        throw new UnsupportedOperationException("VICRegLoss compares two views of the same batch, without labels:"
                + " call compute(view1, view2) (see the VICRegLoss documentation for a training loop)");
    }

    /** @return true: the second view comes as the reference set, as PML's {@code loss(emb, ref_emb=view2)} */
    @Override
    public boolean acceptsReferences() {
        return true;
    }

    /**
     * PML's call {@code loss(view1, ref_emb=view2)}: the same as {@link #compute(INDArray, INDArray)}.
     *
     * @param queries         the first view, B × d
     * @param queryLabels     not used (may be null)
     * @param tuples          must be null (no mining, as in PML)
     * @param references      the second view, B × d
     * @param referenceLabels not used (may be null)
     * @return the value and the gradients with respect to both views
     */
    @Override
    public ReferenceLossResult compute(INDArray queries, int[] queryLabels, IndexTuples tuples, INDArray references,
                                       int[] referenceLabels) {
        if (tuples != null) {
            throw new IllegalArgumentException("VICRegLoss takes no mined tuples (as in PML)");
        }
        return compute(queries, references);
    }

    /**
     * Computes the loss between two views of one batch.
     *
     * @param view1 the embeddings of the first view, B × d (B ≥ 2)
     * @param view2 the embeddings of the second view, row i the same example as row i of {@code view1}
     * @return the value, {@code queryGradient()} = dL/d(view1) and {@code referenceGradient()} = dL/d(view2)
     */
    public ReferenceLossResult compute(INDArray view1, INDArray view2) {
        if (view1.rank() != 2 || view2.rank() != 2 || !java.util.Arrays.equals(view1.shape(), view2.shape())) {
            throw new IllegalArgumentException("the two views must be matrices of the same shape, found "
                    + java.util.Arrays.toString(view1.shape()) + " and " + java.util.Arrays.toString(view2.shape()));
        }
        int n = view1.rows();
        int dim = view1.columns();
        if (n < 2) {
            throw new IllegalArgumentException("VICRegLoss needs at least 2 rows per view (its variances are over"
                    + " the batch), found " + n);
        }
        double[] z1 = HostArrays.doubles(view1);
        double[] z2 = HostArrays.doubles(view2);
        double[] g1 = new double[z1.length];
        double[] g2 = new double[z2.length];
        double value = invariance(z1, z2, n, dim, g1, g2)
                + variance(z1, n, dim, g1) + variance(z2, n, dim, g2)
                + covariance(z1, n, dim, g1) + covariance(z2, n, dim, g2);
        return new ReferenceLossResult(value, HostArrays.create(g1, view1.dataType(), n, dim),
                HostArrays.create(g2, view2.dataType(), n, dim));
    }

    /** λ · (1/d) ||z_i - z'_i||² per row, reduced; accumulates its gradient. */
    private double invariance(double[] z1, double[] z2, int n, int dim, double[] g1, double[] g2) {
        double[] terms = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                double d = z1[i * dim + k] - z2[i * dim + k];
                s += d * d;
            }
            terms[i] = invarianceLambda * s / dim;
        }
        double[] weights = new double[n];
        double value = reduce(LossTerms.perElement(terms), weights);
        for (int i = 0; i < n; i++) {
            double w = weights[i] * invarianceLambda * 2 / dim;
            for (int k = 0; k < dim; k++) {
                double g = w * (z1[i * dim + k] - z2[i * dim + k]);
                g1[i * dim + k] += g;
                g2[i * dim + k] -= g;
            }
        }
        return value;
    }

    /** μ · relu(1 - sqrt(var_k + ε)) / 2 per dimension of one view, reduced; accumulates its gradient. */
    private double variance(double[] z, int n, int dim, double[] grad) {
        double[] centered = centerColumns(z, n, dim);
        double[] std = new double[dim];
        double[] terms = new double[dim];
        for (int k = 0; k < dim; k++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += centered[i * dim + k] * centered[i * dim + k];
            }
            std[k] = Math.sqrt(s / (n - 1) + eps);
            terms[k] = varianceMu * LossMath.relu(1 - std[k]) / 2;
        }
        double[] weights = new double[dim];
        double value = reduce(LossTerms.perElement(terms), weights);
        for (int k = 0; k < dim; k++) {
            // d term / d z_ik = -μ/2 · 1[1 - std > 0] · (z_ik - mean_k) / ((n - 1) std_k)
            double w = -weights[k] * varianceMu / 2 * LossMath.reluGrad(1 - std[k]) / ((n - 1) * std[k]);
            for (int i = 0; i < n; i++) {
                grad[i * dim + k] += w * centered[i * dim + k];
            }
        }
        return value;
    }

    /**
     * ν · Σ_{k≠l} C_kl² / d for one view's covariance C = Z̃ᵀZ̃ / (n - 1), already reduced; accumulates its gradient
     * {@code 4ν / (d (n - 1)) · Z̃ C₀} (C₀: C without its diagonal), whose columns sum to 0, so the centering leaves it
     * as it is.
     */
    private double covariance(double[] z, int n, int dim, double[] grad) {
        INDArray centered = HostArrays.float64(centerColumns(z, n, dim), n, dim);
        double[] cov = HostArrays.doubles(MatrixProducts.product(centered, centered, true, false).divi(n - 1));
        double sum = 0;
        for (int k = 0; k < dim; k++) {
            cov[k * dim + k] = 0;
        }
        for (double c : cov) {
            sum += c * c;
        }
        double[] product = HostArrays.doubles(MatrixProducts.product(centered, HostArrays.float64(cov, dim, dim), false, false));
        double scale = 4 * covarianceV / ((double) dim * (n - 1));
        for (int k = 0; k < grad.length; k++) {
            grad[k] += scale * product[k];
        }
        return covarianceV * sum / dim;
    }

    private static double[] centerColumns(double[] z, int n, int dim) {
        double[] mean = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                mean[k] += z[i * dim + k];
            }
        }
        double[] out = new double[z.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                out[i * dim + k] = z[i * dim + k] - mean[k] / n;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "VICRegLoss(invarianceLambda=" + invarianceLambda + ", varianceMu=" + varianceMu + ", covarianceV="
                + covarianceV + ", eps=" + eps + ", reducer=" + reducer + ")";
    }
}

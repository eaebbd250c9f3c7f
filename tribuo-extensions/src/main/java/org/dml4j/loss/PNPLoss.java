package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * The ranking loss with a penalty on positives before negatives (Li et al., "Rethinking the Optimization of Average
 * Precision: Only Penalizing Negative Instances before Positive Ones is Enough", AAAI 2022), PML's {@code PNPLoss}.
 * For a query {@code q} and each of its positives {@code i} — <em>the query itself included</em>, as in PML — the
 * smoothed number of negatives ranked before it is
 * {@code R_qi = Σ_{j: y_j ≠ y_q} σ((S_qj - S_qi) / anneal)}, with PML's sigmoid {@code 1 / (1 + e^{clamp(-x, -50,
 * 50)})} (no gradient where the clamp bites). A variant {@code f} turns it into a penalty; the loss is
 * {@code mean_q mean_{i ∈ P_q ∪ {q}} f(R_qi)} over the queries with a positive, one value for the batch:
 * <ul>
 *     <li>{@code O} (PNP-O, default): {@code f(R) = R};</li>
 *     <li>{@code Ds} (PNP-D_s): {@code log(1 + R)};</li>
 *     <li>{@code Dq} (PNP-D_q): the loss is {@code 1 - mean mean (1 + R)^{-alpha}};</li>
 *     <li>{@code Iu} (PNP-I_u): {@code (1 + R) log(1 + R)};</li>
 *     <li>{@code Ib} (PNP-I_b): {@code (b R - log(1 + b R)) / b²}.</li>
 * </ul>
 * A batch where no query has a positive gives 0. As in PML the distance must be cosine similarity and the loss takes
 * neither mined tuples nor a reference set.
 */
public final class PNPLoss extends WholeBatchLoss {

    /** The penalty of the rank of a positive, by PML's variant names. */
    public enum Variant {
        /** PNP-O: the number of negatives before the positive. */
        O,
        /** PNP-D_s: its logarithm. */
        Ds,
        /** PNP-D_q: one minus the mean of {@code (1 + R)^{-alpha}}. */
        Dq,
        /** PNP-I_u: {@code (1 + R) log(1 + R)}. */
        Iu,
        /** PNP-I_b: {@code (b R - log(1 + b R)) / b²}. */
        Ib
    }

    /** PML's default variant. */
    public static final Variant DEFAULT_VARIANT = Variant.O;
    /** PML's default b of the {@code Ib} variant. */
    public static final double DEFAULT_B = 2;
    /** PML's default exponent alpha of the {@code Dq} variant. */
    public static final double DEFAULT_ALPHA = 1;
    /** PML's default temperature of the sigmoid. */
    public static final double DEFAULT_ANNEAL = 0.01;

    @Config(description = "The penalty variant: O, Ds, Dq, Iu or Ib (PML default O).")
    private Variant variant = DEFAULT_VARIANT;

    @Config(description = "The b of the Ib variant (PML default " + DEFAULT_B + ").")
    private double b = DEFAULT_B;

    @Config(description = "The exponent of the Dq variant (PML default " + DEFAULT_ALPHA + ").")
    private double alpha = DEFAULT_ALPHA;

    @Config(description = "The temperature of the sigmoid (PML default " + DEFAULT_ANNEAL + ").")
    private double anneal = DEFAULT_ANNEAL;

    /** Creates the loss with PML's defaults (PNP-O, b 2, alpha 1, anneal 0.01, cosine similarity). */
    public PNPLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param variant  the variant
     * @param b        the b of {@code Ib}
     * @param alpha    the exponent of {@code Dq}
     * @param anneal   the sigmoid's temperature
     * @param distance the distance: {@link CosineSimilarity}
     * @param reducer  the reducer, which sees the batch's value as one term
     */
    public PNPLoss(Variant variant, double b, double alpha, double anneal, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.variant = variant;
        this.b = b;
        this.alpha = alpha;
        this.anneal = anneal;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (variant == null) {
            throw new PropertyException("", "variant", "variant must be one of O, Ds, Dq, Iu, Ib");
        }
        if (!(anneal > 0)) {
            throw new PropertyException("", "anneal", "anneal must be > 0, found " + anneal);
        }
        if (!(b > 0) || !Double.isFinite(alpha)) {
            throw new PropertyException("", "b", "b must be > 0 and alpha finite, found b=" + b + ", alpha=" + alpha);
        }
        if (!(distance instanceof CosineSimilarity)) {
            throw new PropertyException("", "distance", "PNPLoss needs CosineSimilarity (as PML), found "
                    + distance);
        }
    }

    @Override
    protected double rank(PairwiseMatrix m, int[] labels, double[] gradient) {
        int n = m.rows();
        int[] groupSize = new int[n];
        int queries = 0;
        for (int q = 0; q < n; q++) {
            for (int i = 0; i < n; i++) {
                groupSize[q] += labels[i] == labels[q] ? 1 : 0;
            }
            queries += groupSize[q] > 1 ? 1 : 0;
        }
        if (queries == 0) {
            return 0;
        }
        double sum = 0;
        double[][] dPenalty = new double[n][];
        for (int q = 0; q < n; q++) {
            if (groupSize[q] == 1) {
                continue;
            }
            dPenalty[q] = new double[n];
            for (int i = 0; i < n; i++) {
                if (labels[i] == labels[q]) {
                    double rank = 0;
                    for (int j = 0; j < n; j++) {
                        rank += labels[j] != labels[q] ? sigmoid(m.get(q, j) - m.get(q, i)) : 0;
                    }
                    sum += penalty(rank) / groupSize[q];
                    dPenalty[q][i] = penaltyGradient(rank) / groupSize[q];
                }
            }
        }
        double mean = sum / queries;
        double[] reduced = reduceWhole(variant == Variant.Dq ? 1 - mean : mean, n);
        double scale = reduced[1] / queries * (variant == Variant.Dq ? -1 : 1);
        for (int q = 0; q < n; q++) {
            if (dPenalty[q] == null) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                if (labels[i] != labels[q]) {
                    continue;
                }
                double g = scale * dPenalty[q][i];
                for (int j = 0; j < n; j++) {
                    if (labels[j] != labels[q]) {
                        double dSigmoid = g * sigmoidGradient(m.get(q, j) - m.get(q, i));
                        gradient[q * n + j] += dSigmoid;
                        gradient[q * n + i] -= dSigmoid;
                    }
                }
            }
        }
        return reduced[0];
    }

    /** PML's tempered sigmoid: {@code 1 / (1 + e^{clamp(-x / anneal, -50, 50)})}. */
    private double sigmoid(double x) {
        return 1 / (1 + Math.exp(Math.max(-50, Math.min(50, -x / anneal))));
    }

    /** The derivative of {@link #sigmoid}: 0 where the clamp bites (PyTorch passes the gradient at the bounds). */
    private double sigmoidGradient(double x) {
        double exponent = -x / anneal;
        if (exponent < -50 || exponent > 50) {
            return 0;
        }
        double s = sigmoid(x);
        return s * (1 - s) / anneal;
    }

    private double penalty(double rank) {
        return switch (variant) {
            case O -> rank;
            case Ds -> Math.log1p(rank);
            case Dq -> Math.pow(1 + rank, -alpha);
            case Iu -> (1 + rank) * Math.log1p(rank);
            case Ib -> (b * rank - Math.log1p(b * rank)) / (b * b);
        };
    }

    private double penaltyGradient(double rank) {
        return switch (variant) {
            case O -> 1;
            case Ds -> 1 / (1 + rank);
            case Dq -> -alpha * Math.pow(1 + rank, -alpha - 1);
            case Iu -> Math.log1p(rank) + 1;
            case Ib -> (1 - 1 / (1 + b * rank)) / b;
        };
    }

    @Override
    public String toString() {
        return "PNPLoss(variant=" + variant + ", b=" + b + ", alpha=" + alpha + ", anneal=" + anneal + ", reducer="
                + reducer + ")";
    }
}

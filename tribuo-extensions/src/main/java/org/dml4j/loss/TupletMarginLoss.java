package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * The tuplet margin loss (Yu and Tao, "Deep Metric Learning with Tuplet Margin Loss", ICCV 2019), PML's
 * {@code TupletMarginLoss}: for each positive pair {@code (a, p)} with angle {@code θ_ap},
 * {@code log(1 + Σ_n exp(s (cos θ_an - cos(θ_ap - m))))} over the negative pairs {@code (a, n)} of the same anchor
 * (0 without any), mean over the positive pairs. The margin m is given in degrees, as in PML; the similarity must be
 * the cosine. PML's rule for pair losses applies: when every index list has at most one entry the loss is 0.
 * <p>
 * Where a positive pair's cosine is 1 (duplicate embeddings of one class) PML's {@code acos} has an infinite
 * derivative, or gives NaN when rounding puts the cosine just above 1, and its gradient is NaN; DML4J clamps the
 * cosine and floors {@code sin θ}, so the gradient stays finite (see {@link LossMath#shiftedAngleCosineGrad}).
 */
public final class TupletMarginLoss extends TupleLoss {

    /** PML's default margin in degrees. */
    public static final double DEFAULT_MARGIN_DEGREES = 5.73;

    @Config(description = "The angular margin m in degrees (PML default " + DEFAULT_MARGIN_DEGREES + ", 0.1 rad).")
    private double marginDegrees = DEFAULT_MARGIN_DEGREES;

    /** PML's default scale. */
    public static final double DEFAULT_SCALE = 64.0;

    @Config(description = "The scale s of the cosine differences (PML default " + DEFAULT_SCALE + ").")
    private double scale = DEFAULT_SCALE;

    /** Creates the loss with PML's defaults: margin {@value #DEFAULT_MARGIN_DEGREES}°, scale 64, cosine. */
    public TupletMarginLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss on the cosine similarity.
     *
     * @param marginDegrees the angular margin in degrees
     * @param scale         the scale
     * @param reducer       the reducer over the positive pairs
     */
    public TupletMarginLoss(double marginDegrees, double scale, Reducer reducer) {
        super(new CosineSimilarity(), reducer);
        this.marginDegrees = marginDegrees;
        this.scale = scale;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(distance instanceof CosineSimilarity)) {
            throw new PropertyException("", "distance", "TupletMarginLoss needs CosineSimilarity (its margin is an"
                    + " angle), found " + distance);
        }
        if (!Double.isFinite(marginDegrees) || !(scale > 0) || Double.isInfinite(scale)) {
            throw new PropertyException("", "scale", "marginDegrees must be finite and scale > 0, found "
                    + marginDegrees + ", " + scale);
        }
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        PairTuples pairs = pairs(tuples, m, labels, referenceLabels);
        if (pairs.isDegenerate() || pairs.numPositive() == 0 || pairs.numNegative() == 0) {
            return 0;
        }
        int cols = m.cols();
        double shift = -Math.toRadians(marginDegrees);
        int[][] negativesOf = PairGroups.byAnchor(pairs.negAnchors(), m.rows());
        int numPos = pairs.numPositive();
        double[] terms = new double[numPos];
        double[][] softmax = new double[numPos][];
        for (int k = 0; k < numPos; k++) {
            int a = pairs.posAnchors()[k];
            double pos = LossMath.shiftedAngleCosine(m.get(a, pairs.positives()[k]), shift);
            int[] group = negativesOf[a];
            double[] v = new double[group.length];
            for (int l = 0; l < group.length; l++) {
                v[l] = scale * (m.get(a, pairs.negatives()[group[l]]) - pos);
            }
            softmax[k] = new double[group.length];
            terms[k] = LossMath.logSumExp(v, group.length, true, softmax[k]);
        }
        double[] weights = new double[numPos];
        double value = reduce(LossTerms.of(terms, pairs.posAnchors(), m.rows()).withLabels(labels), weights);
        for (int k = 0; k < numPos; k++) {
            int a = pairs.posAnchors()[k];
            int p = pairs.positives()[k];
            int[] group = negativesOf[a];
            double mass = 0;
            for (int l = 0; l < group.length; l++) {
                double g = weights[k] * scale * softmax[k][l];
                gradient[a * cols + pairs.negatives()[group[l]]] += g;
                mass += g;
            }
            gradient[a * cols + p] -= mass * LossMath.shiftedAngleCosineGrad(m.get(a, p), shift);
        }
        return value;
    }

    @Override
    public String toString() {
        return "TupletMarginLoss(marginDegrees=" + marginDegrees + ", scale=" + scale + ", reducer=" + reducer + ")";
    }
}

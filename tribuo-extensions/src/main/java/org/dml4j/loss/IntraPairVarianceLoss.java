package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * The intra-pair variance loss (Yu et al. 2019, "Deep Metric Learning with Tuplet Margin Loss", section 3.3), PML's
 * {@code IntraPairVarianceLoss}: with {@code mu_P} and {@code mu_N} the mean similarity of the positive and of the
 * negative pairs, each positive pair gives {@code relu((1 - posEps) mu_P - S_ap)²} and each negative pair
 * {@code relu(S_an - (1 + negEps) mu_N)²} (for a distance the two roles swap); the means are part of the gradient.
 * Each part is reduced on its own (mean by default) and the two are added.
 */
public final class IntraPairVarianceLoss extends TupleLoss {

    /** PML's default positive epsilon. */
    public static final double DEFAULT_POS_EPS = 0.01;

    @Config(description = "The positive pairs' tolerance below their mean (PML default " + DEFAULT_POS_EPS + ").")
    private double posEps = DEFAULT_POS_EPS;

    /** PML's default negative epsilon. */
    public static final double DEFAULT_NEG_EPS = 0.01;

    @Config(description = "The negative pairs' tolerance above their mean (PML default " + DEFAULT_NEG_EPS + ").")
    private double negEps = DEFAULT_NEG_EPS;

    /** Creates the loss with PML's defaults (0.01, 0.01, cosine similarity). */
    public IntraPairVarianceLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param posEps   the positive epsilon (>= 0)
     * @param negEps   the negative epsilon (>= 0)
     * @param distance the distance
     * @param reducer  the reducer of each part
     */
    public IntraPairVarianceLoss(double posEps, double negEps, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.posEps = posEps;
        this.negEps = negEps;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(posEps >= 0) || !(negEps >= 0)) {
            throw new PropertyException("", "posEps", "IntraPairVarianceLoss needs posEps and negEps >= 0, found "
                    + posEps + ", " + negEps);
        }
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        PairTuples pairs = pairs(tuples, m, labels, referenceLabels);
        if (pairs.isDegenerate()) {
            return 0;
        }
        // A similarity should rise above its positive mean and a distance fall below it; negatives the other way.
        boolean inverted = distance.isInverted();
        return part(m, labels, pairs.posAnchors(), pairs.positives(), posEps, inverted, gradient)
                + part(m, labels, pairs.negAnchors(), pairs.negatives(), negEps, !inverted, gradient);
    }

    /**
     * One part: {@code relu((1 - eps) mu - s_k)²} when the values should increase, else
     * {@code relu(s_k - (1 + eps) mu)²}, reduced; its gradient is added to {@code gradient}.
     */
    private double part(PairwiseMatrix m, int[] labels, int[] anchors, int[] others, double eps, boolean increase,
                        double[] gradient) {
        int n = anchors.length;
        if (n == 0) {
            return 0;
        }
        int cols = m.cols();
        double mean = 0;
        double[] values = new double[n];
        for (int k = 0; k < n; k++) {
            values[k] = m.get(anchors[k], others[k]);
            mean += values[k];
        }
        mean /= n;
        double[] gaps = new double[n];
        double[] terms = new double[n];
        for (int k = 0; k < n; k++) {
            gaps[k] = LossMath.relu(increase ? (1 - eps) * mean - values[k] : values[k] - (1 + eps) * mean);
            terms[k] = gaps[k] * gaps[k];
        }
        double[] weights = new double[n];
        double value = reduce(LossTerms.of(terms, anchors, m.rows()).withLabels(labels), weights);
        // d term_k / d s_j = 2 gap_k (±(1 ∓ eps)/n ∓ [j == k]): a shared part through the mean, and the own part.
        double throughMean = 0;
        for (int k = 0; k < n; k++) {
            throughMean += 2 * weights[k] * gaps[k];
        }
        throughMean *= increase ? (1 - eps) / n : -(1 + eps) / n;
        for (int k = 0; k < n; k++) {
            double own = 2 * weights[k] * gaps[k] * (increase ? -1 : 1);
            gradient[anchors[k] * cols + others[k]] += throughMean + own;
        }
        return value;
    }

    @Override
    public String toString() {
        return "IntraPairVarianceLoss(posEps=" + posEps + ", negEps=" + negEps + ", distance=" + distance
                + ", reducer=" + reducer + ")";
    }
}

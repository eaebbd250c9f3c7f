package org.dml4j.loss;

import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * The lifted structured loss (Oh Song et al. 2016), PML's {@code LiftedStructureLoss}: per positive pair
 * {@code (a, p)}, {@code relu(log Σ exp(negMargin - D_in) + D_ap - posMargin)² / 2} over the negative pairs
 * {@code (i, n)} anchored at {@code a} or {@code p} (mirrored for a similarity); mean over positive pairs.
 */
public final class LiftedStructureLoss extends PairMarginLoss {

    /** PML's default negative margin. */
    public static final double DEFAULT_NEG_MARGIN = 1.0;

    /** PML's default positive margin. */
    public static final double DEFAULT_POS_MARGIN = 0.0;

    /** Creates the loss with PML's defaults. */
    public LiftedStructureLoss() {
        super(DEFAULT_POS_MARGIN, DEFAULT_NEG_MARGIN, new LpDistance(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param negMargin the negative margin
     * @param posMargin the positive margin
     * @param distance  the distance
     * @param reducer   the reducer over positive pairs
     */
    public LiftedStructureLoss(double negMargin, double posMargin, Distance distance, Reducer reducer) {
        super(posMargin, negMargin, distance, reducer);
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        PairTuples pairs = pairs(tuples, m, labels, referenceLabels);
        if (pairs.isDegenerate() || pairs.numPositive() == 0 || pairs.numNegative() == 0) {
            return 0;
        }
        int size = m.rows();
        int cols = m.cols();
        int[][] negativesByAnchor = PairGroups.byAnchor(pairs.negAnchors(), size);
        int[] none = new int[0];
        int count = pairs.numPositive();
        double[] z = new double[count];
        double[] terms = new double[count];
        double[][] softmaxes = new double[count][];
        int[][] members = new int[count][];
        for (int k = 0; k < count; k++) {
            int a = pairs.posAnchors()[k];
            int p = pairs.positives()[k];
            // As PML, also with a reference set: the negative pairs whose anchor row has the positive's index (once,
            // when that is the anchor's own index).
            members[k] = PairGroups.concat(negativesByAnchor[a], p < size && p != a ? negativesByAnchor[p] : none);
            double[] v = new double[members[k].length];
            for (int j = 0; j < v.length; j++) {
                int pair = members[k][j];
                v[j] = distance.margin(negMargin, m.get(pairs.negAnchors()[pair], pairs.negatives()[pair]));
            }
            softmaxes[k] = new double[v.length];
            z[k] = LossMath.logSumExp(v, v.length, false, softmaxes[k]) + distance.margin(m.get(a, p), posMargin);
            terms[k] = LossMath.relu(z[k]) * LossMath.relu(z[k]) / 2;
        }
        double[] weights = new double[count];
        double value = reduce(LossTerms.of(terms, pairs.posAnchors(), size).withLabels(labels), weights);
        double sign = distance.marginSign();
        for (int k = 0; k < count; k++) {
            double dz = weights[k] * LossMath.relu(z[k]);
            if (dz == 0) {
                continue;
            }
            gradient[pairs.posAnchors()[k] * cols + pairs.positives()[k]] += dz * sign;
            for (int j = 0; j < members[k].length; j++) {
                int pair = members[k][j];
                gradient[pairs.negAnchors()[pair] * cols + pairs.negatives()[pair]] -= dz * softmaxes[k][j] * sign;
            }
        }
        return value;
    }

    /** @return the loss with its margins in the order of its constructor (negative first) */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "(negMargin=" + negMargin + ", posMargin=" + posMargin + ", distance="
                + distance + ", reducer=" + reducer + ")";
    }
}

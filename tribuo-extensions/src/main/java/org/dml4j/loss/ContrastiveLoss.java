package org.dml4j.loss;

import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The contrastive loss (Hadsell et al. 2006), PML's {@code ContrastiveLoss}: positive pairs are pulled within
 * {@code posMargin}, negative pairs pushed beyond {@code negMargin}:
 * {@code relu(D_ap - posMargin)} and {@code relu(negMargin - D_an)} (mirrored for a similarity). Each part is reduced
 * on its own (average of the non-zero terms by default) and the two are added. {@link
 * SignalToNoiseRatioContrastiveLoss} is this loss on the SNR distance.
 */
public class ContrastiveLoss extends PairMarginLoss {

    /** PML's default positive margin. */
    public static final double DEFAULT_POS_MARGIN = 0.0;

    /** PML's default negative margin. */
    public static final double DEFAULT_NEG_MARGIN = 1.0;

    /**
     * Creates the loss with PML's defaults: margins {@value #DEFAULT_POS_MARGIN} and {@value #DEFAULT_NEG_MARGIN},
     * Euclidean distance on normalized embeddings.
     */
    public ContrastiveLoss() {
        super(DEFAULT_POS_MARGIN, DEFAULT_NEG_MARGIN, new LpDistance(), new AvgNonZeroReducer());
    }

    /**
     * Creates the loss.
     *
     * @param posMargin the positive margin
     * @param negMargin the negative margin
     * @param distance  the distance
     * @param reducer   the reducer of each part
     */
    public ContrastiveLoss(double posMargin, double negMargin, Distance distance, Reducer reducer) {
        super(posMargin, negMargin, distance, reducer);
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        PairTuples pairs = pairs(tuples, m, labels, referenceLabels);
        if (pairs.isDegenerate()) {
            return 0;
        }
        int size = m.rows();
        int cols = m.cols();
        double sign = distance.marginSign();
        double[] pos = new double[pairs.numPositive()];
        for (int k = 0; k < pos.length; k++) {
            pos[k] = LossMath.relu(distance.margin(m.get(pairs.posAnchors()[k], pairs.positives()[k]), posMargin));
        }
        double[] neg = new double[pairs.numNegative()];
        for (int k = 0; k < neg.length; k++) {
            neg[k] = LossMath.relu(distance.margin(negMargin, m.get(pairs.negAnchors()[k], pairs.negatives()[k])));
        }
        double[] posWeights = new double[pos.length];
        double[] negWeights = new double[neg.length];
        double value = reduce(LossTerms.of(pos, pairs.posAnchors(), size).named("pos_loss").withLabels(labels), posWeights)
                + reduce(LossTerms.of(neg, pairs.negAnchors(), size).named("neg_loss").withLabels(labels), negWeights);
        for (int k = 0; k < pos.length; k++) {
            if (pos[k] > 0) {
                gradient[pairs.posAnchors()[k] * cols + pairs.positives()[k]] += posWeights[k] * sign;
            }
        }
        for (int k = 0; k < neg.length; k++) {
            if (neg[k] > 0) {
                gradient[pairs.negAnchors()[k] * cols + pairs.negatives()[k]] -= negWeights[k] * sign;
            }
        }
        return value;
    }
}

package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.QuadrupletMiner;
import org.dml4j.mining.QuadrupletTuples;
import org.dml4j.mining.TripletTuples;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The quadruplet loss (Chen et al. 2017, "Beyond triplet loss"): per quadruplet {@code (a, p, n, k)} a triplet term
 * {@code relu(D_ap - D_an + margin)} and a second term {@code relu(D_ap - D_nk + secondMargin)} on a negative pair
 * that shares no sample and no label with the anchor, pushing inter-class distances above intra-class ones globally,
 * not only per anchor (mirrored for a similarity). Each term is reduced on its own (average of the non-zero terms by
 * default) and the two are added. The paper's second margin is half the first; with its squared distances use
 * {@code LpDistance(true, 2)}.
 * <p>
 * Tuples: quadruplets from a {@link QuadrupletMiner} are used as given; triplets (from any triplet miner, or all
 * triplets of the batch when none is given) are completed with their hardest second negative
 * ({@link QuadrupletMiner#complete}).
 */
public final class QuadrupletLoss extends TupleLoss {

    @Config(description = "The margin of the triplet term (default 0.2).")
    private double margin = 0.2;

    @Config(description = "The margin of the second, anchor-free term (default 0.1, half the first as in the paper).")
    private double secondMargin = 0.1;

    /** Creates the loss with margins 0.2 and 0.1 on Euclidean distances of normalized embeddings. */
    public QuadrupletLoss() {
        super(new LpDistance(), new AvgNonZeroReducer());
    }

    /**
     * Creates the loss.
     *
     * @param margin       the triplet term's margin
     * @param secondMargin the second term's margin
     * @param distance     the distance
     * @param reducer      the reducer of each term
     */
    public QuadrupletLoss(double margin, double secondMargin, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.margin = margin;
        this.secondMargin = secondMargin;
        postConfig();
    }

    /** @return false: the second negative pair needs the references against themselves */
    @Override
    public boolean acceptsReferences() {
        return false;
    }

    @Override
    public void postConfig() {
        if (Double.isNaN(margin) || Double.isNaN(secondMargin)) {
            throw new PropertyException("", "margin", "margins must be numbers, found " + margin + ", "
                    + secondMargin);
        }
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        QuadrupletTuples q = tuples instanceof QuadrupletTuples given ? given
                : QuadrupletMiner.complete(TripletTuples.from(tuples, labels), labels, m);
        int count = q.size();
        if (count == 0) {
            return 0;
        }
        int size = labels.length;
        double[] tripletTerms = new double[count];
        double[] pairTerms = new double[count];
        for (int t = 0; t < count; t++) {
            double ap = m.get(q.anchors()[t], q.positives()[t]);
            tripletTerms[t] = LossMath.relu(distance.margin(ap, m.get(q.anchors()[t], q.negatives()[t])) + margin);
            pairTerms[t] = LossMath.relu(distance.margin(ap, m.get(q.negatives()[t], q.secondNegatives()[t]))
                    + secondMargin);
        }
        double[] tripletWeights = new double[count];
        double[] pairWeights = new double[count];
        double value = reduce(LossTerms.of(tripletTerms, q.anchors(), size).withLabels(labels), tripletWeights)
                + reduce(LossTerms.of(pairTerms, q.anchors(), size).withLabels(labels), pairWeights);
        double sign = distance.marginSign();
        for (int t = 0; t < count; t++) {
            int ap = q.anchors()[t] * size + q.positives()[t];
            if (tripletTerms[t] > 0) {
                gradient[ap] += tripletWeights[t] * sign;
                gradient[q.anchors()[t] * size + q.negatives()[t]] -= tripletWeights[t] * sign;
            }
            if (pairTerms[t] > 0) {
                gradient[ap] += pairWeights[t] * sign;
                gradient[q.negatives()[t] * size + q.secondNegatives()[t]] -= pairWeights[t] * sign;
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "QuadrupletLoss(margin=" + margin + ", secondMargin=" + secondMargin + ", distance=" + distance
                + ", reducer=" + reducer + ")";
    }
}

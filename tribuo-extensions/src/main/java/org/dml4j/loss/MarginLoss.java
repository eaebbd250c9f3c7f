package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.TripletTuples;
import org.dml4j.reduce.DivisorReducer;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The margin loss of Wu et al. 2017 ("Sampling matters"), PML's {@code MarginLoss} with a fixed {@code beta}: per
 * triplet {@code relu(D_ap - beta + margin) + relu(beta - D_an + margin)}, divided by the number of non-zero parts.
 * (PML's learnable, per-class beta with its {@code nu} regularizer is not supported.)
 */
public final class MarginLoss extends TupleLoss {

    /** PML's default margin. */
    public static final double DEFAULT_MARGIN = 0.2;

    @Config(description = "The margin around the boundary beta (PML default " + DEFAULT_MARGIN + ").")
    private double margin = DEFAULT_MARGIN;

    /** PML's default boundary beta. */
    public static final double DEFAULT_BETA = 1.2;

    @Config(description = "The boundary between positive and negative distances (PML default " + DEFAULT_BETA + ").")
    private double beta = DEFAULT_BETA;

    /**
     * Creates the loss with PML's defaults: margin {@value #DEFAULT_MARGIN}, beta {@value #DEFAULT_BETA}, Euclidean
     * distance on normalized embeddings.
     */
    public MarginLoss() {
        super(new LpDistance(), new DivisorReducer());
    }

    /**
     * Creates the loss.
     *
     * @param margin   the margin
     * @param beta     the boundary
     * @param distance the distance
     * @param reducer  the reducer (the divisor it receives is the number of non-zero parts)
     */
    public MarginLoss(double margin, double beta, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.margin = margin;
        this.beta = beta;
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        TripletTuples t = triplets(tuples, m, labels, referenceLabels);
        int count = t.size();
        if (count == 0) {
            return 0;
        }
        int size = m.rows();
        int cols = m.cols();
        double[] pos = new double[count];
        double[] neg = new double[count];
        double[] terms = new double[count];
        int nonZero = 0;
        for (int k = 0; k < count; k++) {
            pos[k] = LossMath.relu(distance.margin(m.get(t.anchors()[k], t.positives()[k]), beta) + margin);
            neg[k] = LossMath.relu(distance.margin(beta, m.get(t.anchors()[k], t.negatives()[k])) + margin);
            terms[k] = pos[k] + neg[k];
            nonZero += (pos[k] > 0 ? 1 : 0) + (neg[k] > 0 ? 1 : 0);
        }
        double[] weights = new double[count];
        double value = reduce(LossTerms.of(terms, t.anchors(), size).withDivisor(nonZero).named("margin_loss").withLabels(labels), weights);
        double sign = distance.marginSign();
        for (int k = 0; k < count; k++) {
            if (pos[k] > 0) {
                gradient[t.anchors()[k] * cols + t.positives()[k]] += weights[k] * sign;
            }
            if (neg[k] > 0) {
                gradient[t.anchors()[k] * cols + t.negatives()[k]] -= weights[k] * sign;
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "MarginLoss(margin=" + margin + ", beta=" + beta + ", distance=" + distance + ", reducer=" + reducer
                + ")";
    }
}

package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.TripletTuples;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The triplet margin loss (Weinberger and Saul 2009; Schroff et al. 2015), PML's {@code TripletMarginLoss}:
 * {@code relu(D_ap - D_an + margin)} per triplet (mirrored for a similarity), over all triplets of the batch unless
 * a miner chose some, reduced by the average of the non-zero terms. Options: {@code smoothLoss} uses
 * {@code softplus} instead of {@code relu}; {@code swap} uses the closer of {@code D_an} and {@code D_pn} (Balntas
 * et al. 2016).
 */
public final class TripletMarginLoss extends TupleLoss {

    /** PML's default margin. */
    public static final double DEFAULT_MARGIN = 0.05;

    @Config(description = "The margin between the anchor-positive and anchor-negative distances (PML default "
            + DEFAULT_MARGIN + ").")
    private double margin = DEFAULT_MARGIN;

    @Config(description = "Use the closer of anchor-negative and positive-negative (distance swap).")
    private boolean swap = false;

    @Config(description = "Use softplus instead of relu on the margin violation.")
    private boolean smoothLoss = false;

    /**
     * Creates the loss with PML's defaults: margin {@value #DEFAULT_MARGIN}, Euclidean distance on normalized
     * embeddings.
     */
    public TripletMarginLoss() {
        super(new LpDistance(), new AvgNonZeroReducer());
    }

    /**
     * Creates the loss with the default distance and reducer.
     *
     * @param margin the margin
     */
    public TripletMarginLoss(double margin) {
        this(margin, new LpDistance(), new AvgNonZeroReducer());
    }

    /**
     * Creates the loss.
     *
     * @param margin   the margin
     * @param distance the distance
     * @param reducer  the reducer
     */
    public TripletMarginLoss(double margin, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.margin = margin;
        postConfig();
    }

    /**
     * Sets the swap and smooth-loss options.
     *
     * @param swap       use the closer of anchor-negative and positive-negative
     * @param smoothLoss use softplus instead of relu
     * @return this loss
     */
    public TripletMarginLoss withOptions(boolean swap, boolean smoothLoss) {
        this.swap = swap;
        this.smoothLoss = smoothLoss;
        return this;
    }

    /** @return false with {@code swap}: the positive-negative distance needs the references against themselves */
    @Override
    public boolean acceptsReferences() {
        return !swap;
    }

    @Override
    public void postConfig() {
        if (Double.isNaN(margin)) {
            throw new PropertyException("", "margin", "margin must be a number");
        }
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
        double[] violation = new double[count];
        double[] terms = new double[count];
        int[] negativeRows = new int[count];
        for (int k = 0; k < count; k++) {
            int a = t.anchors()[k];
            int p = t.positives()[k];
            int n = t.negatives()[k];
            negativeRows[k] = a;
            double an = m.get(a, n);
            if (swap) {
                double pn = m.get(p, n);
                if (distance.margin(pn, an) < 0) {
                    an = pn;
                    negativeRows[k] = p;
                }
            }
            violation[k] = distance.margin(m.get(a, p), an) + margin;
            terms[k] = smoothLoss ? LossMath.softplus(violation[k]) : LossMath.relu(violation[k]);
        }
        double[] weights = new double[count];
        double value = reduce(LossTerms.of(terms, t.anchors(), size).withLabels(labels), weights);
        double sign = distance.marginSign();
        for (int k = 0; k < count; k++) {
            double local = smoothLoss ? LossMath.softplusGrad(violation[k]) : LossMath.reluGrad(violation[k]);
            double g = weights[k] * local * sign;
            if (g != 0) {
                gradient[t.anchors()[k] * cols + t.positives()[k]] += g;
                gradient[negativeRows[k] * cols + t.negatives()[k]] -= g;
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "TripletMarginLoss(margin=" + margin + ", swap=" + swap + ", smoothLoss=" + smoothLoss
                + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}

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
 * The generalized lifted structure loss (Hermans et al. 2017, "In Defense of the Triplet Loss for Person
 * Re-Identification", page 4), PML's {@code GeneralizedLiftedStructureLoss}: per row i,
 * {@code relu(log Σ_{P_i} exp(D_ip - posMargin) + log Σ_{N_i} exp(negMargin - D_in))} over the row's positive and
 * negative pairs (an empty sum contributes 0; mirrored for a similarity); mean over every row.
 */
public final class GeneralizedLiftedStructureLoss extends PairMarginLoss {

    /** PML's default negative margin. */
    public static final double DEFAULT_NEG_MARGIN = 1.0;

    /** PML's default positive margin. */
    public static final double DEFAULT_POS_MARGIN = 0.0;

    /** Creates the loss with PML's defaults (margins 1 and 0, Euclidean distance on normalized embeddings). */
    public GeneralizedLiftedStructureLoss() {
        super(DEFAULT_POS_MARGIN, DEFAULT_NEG_MARGIN, new LpDistance(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param negMargin the negative margin
     * @param posMargin the positive margin
     * @param distance  the distance
     * @param reducer   the reducer over rows
     */
    public GeneralizedLiftedStructureLoss(double negMargin, double posMargin, Distance distance, Reducer reducer) {
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
        boolean[] posMask = pairs.positiveMask(size, cols);
        boolean[] negMask = pairs.negativeMask(size, cols);
        double[] z = new double[size];
        int[][] posCols = new int[size][];
        int[][] negCols = new int[size][];
        double[][] posSoftmax = new double[size][cols];
        double[][] negSoftmax = new double[size][cols];
        double[] v = new double[cols];
        for (int i = 0; i < size; i++) {
            posCols[i] = PairGroups.columns(posMask, i, cols);
            negCols[i] = PairGroups.columns(negMask, i, cols);
            for (int j = 0; j < posCols[i].length; j++) {
                v[j] = distance.margin(m.get(i, posCols[i][j]), posMargin);
            }
            z[i] = LossMath.logSumExp(v, posCols[i].length, false, posSoftmax[i]);
            for (int j = 0; j < negCols[i].length; j++) {
                v[j] = distance.margin(negMargin, m.get(i, negCols[i][j]));
            }
            z[i] += LossMath.logSumExp(v, negCols[i].length, false, negSoftmax[i]);
        }
        double[] terms = new double[size];
        for (int i = 0; i < size; i++) {
            terms[i] = LossMath.relu(z[i]);
        }
        double[] weights = new double[size];
        double value = reduce(LossTerms.perElement(terms).withLabels(labels), weights);
        double sign = distance.marginSign();
        for (int i = 0; i < size; i++) {
            double dz = weights[i] * LossMath.reluGrad(z[i]);
            for (int j = 0; j < posCols[i].length; j++) {
                gradient[i * cols + posCols[i][j]] += dz * posSoftmax[i][j] * sign;
            }
            for (int j = 0; j < negCols[i].length; j++) {
                gradient[i * cols + negCols[i][j]] -= dz * negSoftmax[i][j] * sign;
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

package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The circle loss (Sun et al. 2020), PML's {@code CircleLoss}: per anchor with positives and negatives,
 * {@code softplus(lse_P(-gamma a_p (S_ap - (1-m))) + lse_N(gamma a_n (S_an - m)))} with the self-paced weights
 * {@code a_p = relu(1 + m - S_ap)} and {@code a_n = relu(S_an + m)} treated as constants in the gradient, as in the
 * paper and PML. Needs a similarity.
 */
public final class CircleLoss extends TupleLoss {

    /** PML's default relaxation margin m. */
    public static final double DEFAULT_M = 0.4;

    @Config(description = "The relaxation margin m (PML default " + DEFAULT_M + ").")
    private double m = DEFAULT_M;

    /** PML's default scale gamma. */
    public static final double DEFAULT_GAMMA = 80.0;

    @Config(description = "The scale gamma (PML default " + DEFAULT_GAMMA + ").")
    private double gamma = DEFAULT_GAMMA;

    /** Creates the loss with PML's defaults (m 0.4, gamma 80, cosine similarity). */
    public CircleLoss() {
        super(new CosineSimilarity(), new AvgNonZeroReducer());
    }

    /**
     * Creates the loss.
     *
     * @param m        the relaxation margin
     * @param gamma    the scale
     * @param distance a similarity
     * @param reducer  the reducer over anchors
     */
    public CircleLoss(double m, double gamma, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.m = m;
        this.gamma = gamma;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!distance.isInverted()) {
            throw new PropertyException("", "distance", "CircleLoss needs a similarity (e.g. CosineSimilarity), found "
                    + distance);
        }
    }

    @Override
    protected double compute(PairwiseMatrix mat, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        PairTuples pairs = pairs(tuples, mat, labels, referenceLabels);
        if (pairs.isDegenerate()) {
            return 0;
        }
        int size = mat.rows();
        int cols = mat.cols();
        boolean[] posMask = pairs.positiveMask(size, cols);
        boolean[] negMask = pairs.negativeMask(size, cols);
        double[] terms = new double[size];
        double[] z = new double[size];
        int[][] posCols = new int[size][];
        int[][] negCols = new int[size][];
        double[][] posSlope = new double[size][];
        double[][] negSlope = new double[size][];
        double[][] posSoftmax = new double[size][];
        double[][] negSoftmax = new double[size][];
        for (int i = 0; i < size; i++) {
            posCols[i] = PairGroups.columns(posMask, i, cols);
            negCols[i] = PairGroups.columns(negMask, i, cols);
            if (posCols[i].length == 0 || negCols[i].length == 0) {
                continue;
            }
            posSlope[i] = new double[posCols[i].length];
            double[] posLogits = new double[posCols[i].length];
            for (int j = 0; j < posLogits.length; j++) {
                double s = mat.get(i, posCols[i][j]);
                posSlope[i][j] = -gamma * LossMath.relu(1 + m - s);
                posLogits[j] = posSlope[i][j] * (s - (1 - m));
            }
            negSlope[i] = new double[negCols[i].length];
            double[] negLogits = new double[negCols[i].length];
            for (int j = 0; j < negLogits.length; j++) {
                double s = mat.get(i, negCols[i][j]);
                negSlope[i][j] = gamma * LossMath.relu(s + m);
                negLogits[j] = negSlope[i][j] * (s - m);
            }
            posSoftmax[i] = new double[posLogits.length];
            negSoftmax[i] = new double[negLogits.length];
            z[i] = LossMath.logSumExp(posLogits, posLogits.length, false, posSoftmax[i])
                    + LossMath.logSumExp(negLogits, negLogits.length, false, negSoftmax[i]);
            terms[i] = LossMath.softplus(z[i]);
        }
        double[] weights = new double[size];
        double value = reduce(LossTerms.perElement(terms).withLabels(labels), weights);
        for (int i = 0; i < size; i++) {
            if (weights[i] == 0 || posSlope[i] == null) {
                continue;
            }
            double dz = weights[i] * LossMath.softplusGrad(z[i]);
            for (int j = 0; j < posCols[i].length; j++) {
                gradient[i * cols + posCols[i][j]] += dz * posSoftmax[i][j] * posSlope[i][j];
            }
            for (int j = 0; j < negCols[i].length; j++) {
                gradient[i * cols + negCols[i][j]] += dz * negSoftmax[i][j] * negSlope[i][j];
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "CircleLoss(m=" + m + ", gamma=" + gamma + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}

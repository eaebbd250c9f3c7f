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
 * The multi-similarity loss (Wang et al. 2019), PML's {@code MultiSimilarityLoss}: per anchor
 * {@code (1/alpha) log(1 + Σ_P exp(-alpha (S_ap - base))) + (1/beta) log(1 + Σ_N exp(beta (S_an - base)))}
 * (mirrored for a distance), mean over every row of the batch. Pair with {@link
 * org.dml4j.mining.MultiSimilarityMiner} as in the paper.
 */
public final class MultiSimilarityLoss extends TupleLoss {

    /** PML's default positive scale alpha. */
    public static final double DEFAULT_ALPHA = 2.0;

    @Config(description = "The positive scale alpha (PML default " + DEFAULT_ALPHA + ").")
    private double alpha = DEFAULT_ALPHA;

    /** PML's default negative scale beta. */
    public static final double DEFAULT_BETA = 50.0;

    @Config(description = "The negative scale beta (PML default " + DEFAULT_BETA + ").")
    private double beta = DEFAULT_BETA;

    /** PML's default similarity offset. */
    public static final double DEFAULT_BASE = 0.5;

    @Config(description = "The similarity offset (PML default " + DEFAULT_BASE + ").")
    private double base = DEFAULT_BASE;

    /** Creates the loss with PML's defaults (2, 50, 0.5, cosine similarity). */
    public MultiSimilarityLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param alpha    the positive scale
     * @param beta     the negative scale
     * @param base     the offset
     * @param distance the distance
     * @param reducer  the reducer over rows
     */
    public MultiSimilarityLoss(double alpha, double beta, double base, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.alpha = alpha;
        this.beta = beta;
        this.base = base;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(alpha > 0) || !(beta > 0)) {
            throw new PropertyException("", "alpha", "alpha and beta must be > 0, found " + alpha + ", " + beta);
        }
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
        double sign = distance.marginSign();
        double[] terms = new double[size];
        double[][] posSoftmax = new double[size][cols];
        double[][] negSoftmax = new double[size][cols];
        int[][] posCols = new int[size][];
        int[][] negCols = new int[size][];
        for (int i = 0; i < size; i++) {
            posCols[i] = PairGroups.columns(posMask, i, cols);
            negCols[i] = PairGroups.columns(negMask, i, cols);
            double[] v = new double[cols];
            for (int j = 0; j < posCols[i].length; j++) {
                v[j] = alpha * distance.margin(m.get(i, posCols[i][j]), base);
            }
            double pos = LossMath.logSumExp(v, posCols[i].length, true, posSoftmax[i]) / alpha;
            for (int j = 0; j < negCols[i].length; j++) {
                v[j] = beta * distance.margin(base, m.get(i, negCols[i][j]));
            }
            double neg = LossMath.logSumExp(v, negCols[i].length, true, negSoftmax[i]) / beta;
            terms[i] = pos + neg;
        }
        double[] weights = new double[size];
        double value = reduce(LossTerms.perElement(terms).withLabels(labels), weights);
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < posCols[i].length; j++) {
                gradient[i * cols + posCols[i][j]] += weights[i] * posSoftmax[i][j] * sign;
            }
            for (int j = 0; j < negCols[i].length; j++) {
                gradient[i * cols + negCols[i][j]] -= weights[i] * negSoftmax[i][j] * sign;
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "MultiSimilarityLoss(alpha=" + alpha + ", beta=" + beta + ", base=" + base + ", distance=" + distance
                + ", reducer=" + reducer + ")";
    }
}

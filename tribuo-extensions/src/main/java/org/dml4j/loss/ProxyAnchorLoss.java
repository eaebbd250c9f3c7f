package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.DivisorReducer;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

import java.util.stream.IntStream;

/**
 * Proxy-Anchor (Kim et al. 2020), PML's {@code ProxyAnchorLoss}: per class {@code c},
 * {@code log(1 + Σ_{y_i=c} e^{-alpha(S_ic - margin)})} divided by the number of classes present in the batch, plus
 * {@code log(1 + Σ_{y_i≠c} e^{alpha(S_ic + margin)})} divided by the number of classes.
 */
public final class ProxyAnchorLoss extends ClassParameterLoss {

    /** PML's default margin delta. */
    public static final double DEFAULT_MARGIN = 0.1;

    @Config(description = "The margin delta (PML default " + DEFAULT_MARGIN + ").")
    private double margin = DEFAULT_MARGIN;

    /** PML's default scale alpha. */
    public static final double DEFAULT_ALPHA = 32.0;

    @Config(description = "The scale alpha (PML default " + DEFAULT_ALPHA + ").")
    private double alpha = DEFAULT_ALPHA;

    private ProxyAnchorLoss() {
        super(new CosineSimilarity(), new DivisorReducer());
    }

    /**
     * Creates the loss with PML's defaults (margin 0.1, alpha 32, cosine similarity).
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     */
    public ProxyAnchorLoss(int numClasses, int embeddingSize) {
        this(numClasses, embeddingSize, DEFAULT_MARGIN, DEFAULT_ALPHA, new CosineSimilarity(), new DivisorReducer());
    }

    /**
     * Creates the loss.
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     * @param margin        the margin
     * @param alpha         the scale
     * @param distance      the distance
     * @param reducer       the reducer of each part (it receives the divisors above)
     */
    public ProxyAnchorLoss(int numClasses, int embeddingSize, double margin, double alpha, Distance distance,
                           Reducer reducer) {
        super(distance, reducer);
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        this.margin = margin;
        this.alpha = alpha;
        postConfig();
    }

    @Override
    public String parameterName() {
        return "proxies";
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, double[] minerWeights, double[] gradient) {
        int size = labels.length;
        int[] classes = IntStream.range(0, numClasses).toArray();
        double[] pos = new double[numClasses];
        double[] neg = new double[numClasses];
        double[][] posSoftmax = new double[numClasses][size];
        double[][] negSoftmax = new double[numClasses][size];
        int[][] posRows = new int[numClasses][];
        int[][] negRows = new int[numClasses][];
        int present = 0;
        for (int c = 0; c < numClasses; c++) {
            int finalC = c;
            posRows[c] = IntStream.range(0, size).filter(i -> labels[i] == finalC).toArray();
            negRows[c] = IntStream.range(0, size).filter(i -> labels[i] != finalC).toArray();
            present += posRows[c].length > 0 ? 1 : 0;
            double[] v = new double[size];
            for (int k = 0; k < posRows[c].length; k++) {
                int i = posRows[c][k];
                v[k] = alpha * distance.margin(m.get(i, c), margin) + minerWeights[i] - 1;
            }
            pos[c] = LossMath.logSumExp(v, posRows[c].length, true, posSoftmax[c]);
            for (int k = 0; k < negRows[c].length; k++) {
                int i = negRows[c][k];
                v[k] = alpha * distance.margin(-margin, m.get(i, c)) + minerWeights[i] - 1;
            }
            neg[c] = LossMath.logSumExp(v, negRows[c].length, true, negSoftmax[c]);
        }
        double[] posWeights = new double[numClasses];
        double[] negWeights = new double[numClasses];
        double value = reduce(LossTerms.of(pos, classes, numClasses).withDivisor(present).named("pos_loss"), posWeights)
                + reduce(LossTerms.of(neg, classes, numClasses).withDivisor(numClasses).named("neg_loss"), negWeights);
        double sign = distance.marginSign();
        for (int c = 0; c < numClasses; c++) {
            for (int k = 0; k < posRows[c].length; k++) {
                gradient[posRows[c][k] * numClasses + c] += posWeights[c] * posSoftmax[c][k] * alpha * sign;
            }
            for (int k = 0; k < negRows[c].length; k++) {
                gradient[negRows[c][k] * numClasses + c] -= negWeights[c] * negSoftmax[c][k] * alpha * sign;
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "ProxyAnchorLoss(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize + ", margin=" + margin
                + ", alpha=" + alpha + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}

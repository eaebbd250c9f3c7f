package org.dml4j.loss;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * The normalized temperature-scaled cross-entropy loss of SimCLR (Chen et al. 2020; also InfoNCE), PML's
 * {@code NTXentLoss}: per positive pair {@code (a, p)},
 * {@code -log(e^{S_ap/t} / (e^{S_ap/t} + Σ_{(a,n)} e^{S_an/t}))} over the negative pairs of the same anchor; mean
 * over positive pairs.
 */
public final class NTXentLoss extends TemperatureScaledLoss {

    /** PML's default temperature. */
    public static final double DEFAULT_TEMPERATURE = 0.07;

    /** Creates the loss with PML's defaults (temperature {@value #DEFAULT_TEMPERATURE}, cosine similarity). */
    public NTXentLoss() {
        super(DEFAULT_TEMPERATURE, new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param temperature the temperature
     * @param distance    the distance
     * @param reducer     the reducer over positive pairs
     */
    public NTXentLoss(double temperature, Distance distance, Reducer reducer) {
        super(temperature, distance, reducer);
        postConfig();
    }


    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        PairTuples pairs = pairs(tuples, m, labels, referenceLabels);
        if (nothingToContrast(pairs)) {
            return 0;
        }
        int size = m.rows();
        int cols = m.cols();
        double scale = logitScale();
        int[][] negativesByAnchor = PairGroups.byAnchor(pairs.negAnchors(), size);
        int count = pairs.numPositive();
        double[] terms = new double[count];
        double[] probability = new double[count];
        double[][] negShares = new double[count][];
        for (int k = 0; k < count; k++) {
            int a = pairs.posAnchors()[k];
            int[] negs = negativesByAnchor[a];
            double pos = scale * m.get(a, pairs.positives()[k]);
            double max = pos;
            double[] logits = new double[negs.length];
            for (int j = 0; j < negs.length; j++) {
                logits[j] = scale * m.get(a, pairs.negatives()[negs[j]]);
                max = Math.max(max, logits[j]);
            }
            double numerator = Math.exp(pos - max);
            double denominator = numerator;
            negShares[k] = new double[negs.length];
            for (int j = 0; j < negs.length; j++) {
                negShares[k][j] = Math.exp(logits[j] - max);
                denominator += negShares[k][j];
            }
            for (int j = 0; j < negs.length; j++) {
                negShares[k][j] /= denominator;
            }
            probability[k] = numerator / denominator;
            terms[k] = -Math.log(probability[k] + Double.MIN_NORMAL);
        }
        double[] weights = new double[count];
        double value = reduce(LossTerms.of(terms, pairs.posAnchors(), size).withLabels(labels), weights);
        for (int k = 0; k < count; k++) {
            if (weights[k] == 0) {
                continue;
            }
            int a = pairs.posAnchors()[k];
            double q = probability[k];
            double outer = weights[k] * scale * q / (q + Double.MIN_NORMAL);
            gradient[a * cols + pairs.positives()[k]] -= outer * (1 - q);
            int[] negs = negativesByAnchor[a];
            for (int j = 0; j < negs.length; j++) {
                gradient[a * cols + pairs.negatives()[negs[j]]] += outer * negShares[k][j];
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "NTXentLoss(temperature=" + temperature + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}

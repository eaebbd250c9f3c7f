package org.dml4j.loss;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The supervised contrastive loss (Khosla et al. 2020), PML's {@code SupConLoss}: per anchor {@code i} with
 * positives {@code P_i}, {@code -(1/|P_i|) Σ_{j∈P_i} (S_ij/t - log Σ_{k∈P_i∪N_i} e^{S_ik/t})}; the average of the
 * non-zero anchor terms.
 */
public final class SupConLoss extends TemperatureScaledLoss {

    /** PML's default temperature. */
    public static final double DEFAULT_TEMPERATURE = 0.1;

    /** Creates the loss with PML's defaults (temperature {@value #DEFAULT_TEMPERATURE}, cosine similarity). */
    public SupConLoss() {
        super(DEFAULT_TEMPERATURE, new CosineSimilarity(), new AvgNonZeroReducer());
    }

    /**
     * Creates the loss.
     *
     * @param temperature the temperature
     * @param distance    the distance
     * @param reducer     the reducer over anchors
     */
    public SupConLoss(double temperature, Distance distance, Reducer reducer) {
        super(temperature, distance, reducer);
        postConfig();
    }


    @Override
    protected double compute(PairwiseMatrix m, int[] labels, IndexTuples tuples, double[] gradient) {
        PairTuples pairs = pairs(tuples, labels);
        if (nothingToContrast(pairs)) {
            return 0;
        }
        int size = labels.length;
        double scale = logitScale();
        boolean[] posMask = pairs.positiveMask(size);
        boolean[] negMask = pairs.negativeMask(size);
        double[] terms = new double[size];
        double[][] softmax = new double[size][];
        int[][] candidates = new int[size][];
        int[] numPositives = new int[size];
        for (int i = 0; i < size; i++) {
            boolean[] either = new boolean[size];
            for (int j = 0; j < size; j++) {
                either[j] = posMask[i * size + j] || negMask[i * size + j];
                numPositives[i] += posMask[i * size + j] ? 1 : 0;
            }
            candidates[i] = PairGroups.columns(either, 0, size);
            double[] logits = new double[candidates[i].length];
            for (int j = 0; j < logits.length; j++) {
                logits[j] = scale * m.get(i, candidates[i][j]);
            }
            softmax[i] = new double[logits.length];
            double logNormalizer = LossMath.logSumExp(logits, logits.length, false, softmax[i]);
            double sum = 0;
            for (int j = 0; j < size; j++) {
                if (posMask[i * size + j]) {
                    sum += scale * m.get(i, j) - logNormalizer;
                }
            }
            terms[i] = -sum / (numPositives[i] + Double.MIN_NORMAL);
        }
        double[] weights = new double[size];
        double value = reduce(LossTerms.perElement(terms), weights);
        for (int i = 0; i < size; i++) {
            if (weights[i] == 0 || numPositives[i] == 0) {
                continue;
            }
            double outer = weights[i] * scale / (numPositives[i] + Double.MIN_NORMAL);
            for (int j = 0; j < size; j++) {
                if (posMask[i * size + j]) {
                    gradient[i * size + j] -= outer;
                }
            }
            for (int j = 0; j < candidates[i].length; j++) {
                gradient[i * size + candidates[i][j]] += outer * numPositives[i] * softmax[i][j];
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "SupConLoss(temperature=" + temperature + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}

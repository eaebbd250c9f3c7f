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
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        PairTuples pairs = pairs(tuples, m, labels, referenceLabels);
        if (nothingToContrast(pairs)) {
            return 0;
        }
        int size = m.rows();
        int cols = m.cols();
        double scale = logitScale();
        boolean[] posMask = pairs.positiveMask(size, cols);
        boolean[] negMask = pairs.negativeMask(size, cols);
        double[] terms = new double[size];
        double[][] softmax = new double[size][];
        int[][] candidates = new int[size][];
        int[] numPositives = new int[size];
        for (int i = 0; i < size; i++) {
            boolean[] either = new boolean[cols];
            for (int j = 0; j < cols; j++) {
                either[j] = posMask[i * cols + j] || negMask[i * cols + j];
                numPositives[i] += posMask[i * cols + j] ? 1 : 0;
            }
            candidates[i] = PairGroups.columns(either, 0, cols);
            double[] logits = new double[candidates[i].length];
            for (int j = 0; j < logits.length; j++) {
                logits[j] = scale * m.get(i, candidates[i][j]);
            }
            softmax[i] = new double[logits.length];
            double logNormalizer = LossMath.logSumExp(logits, logits.length, false, softmax[i]);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                if (posMask[i * cols + j]) {
                    sum += scale * m.get(i, j) - logNormalizer;
                }
            }
            terms[i] = -sum / (numPositives[i] + Double.MIN_NORMAL);
        }
        double[] weights = new double[size];
        double value = reduce(LossTerms.perElement(terms).withLabels(labels), weights);
        for (int i = 0; i < size; i++) {
            if (weights[i] == 0 || numPositives[i] == 0) {
                continue;
            }
            double outer = weights[i] * scale / (numPositives[i] + Double.MIN_NORMAL);
            for (int j = 0; j < cols; j++) {
                if (posMask[i * cols + j]) {
                    gradient[i * cols + j] -= outer;
                }
            }
            for (int j = 0; j < candidates[i].length; j++) {
                gradient[i * cols + candidates[i][j]] += outer * numPositives[i] * softmax[i][j];
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "SupConLoss(temperature=" + temperature + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}

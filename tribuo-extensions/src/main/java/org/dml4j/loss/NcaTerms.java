package org.dml4j.loss;

import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The computation NCA and ProxyNCA share (PML's {@code NCALoss.nca_computation}): per query row
 * {@code -log Σ_{same label} softmax_j(-scale · M_ij)} (the query itself excluded for a self matrix), rows whose
 * probability mass is exactly 0 dropped, each row weighted by the miner weight of its query.
 */
final class NcaTerms {

    private NcaTerms() {
    }

    /**
     * Computes the reduced loss and accumulates dL/dM.
     *
     * @param m               the query × reference matrix
     * @param queryLabels     the label of each row
     * @param referenceLabels the label of each column
     * @param softmaxScale    the scale of the logits
     * @param minerWeights    the weight of each query row (see {@link MinerWeights})
     * @param reducer         the reducer over rows
     * @param gradient        output: dL/dM, row-major
     * @return the loss
     */
    static double compute(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels, double softmaxScale,
                          double[] minerWeights, Reducer reducer, double[] gradient) {
        int rows = m.rows();
        int cols = m.cols();
        double scale = -m.marginSign() * softmaxScale;
        double[][] softmax = new double[rows][];
        double[] mass = new double[rows];
        int kept = 0;
        for (int i = 0; i < rows; i++) {
            double[] logits = new double[cols];
            int count = 0;
            int[] colOf = new int[cols];
            for (int j = 0; j < cols; j++) {
                if (!(m.isSelf() && j == i)) {
                    logits[count] = scale * m.get(i, j);
                    colOf[count++] = j;
                }
            }
            double[] q = new double[count];
            LossMath.logSumExp(logits, count, false, q);
            softmax[i] = new double[cols];
            for (int c = 0; c < count; c++) {
                softmax[i][colOf[c]] = q[c];
                if (referenceLabels[colOf[c]] == queryLabels[i]) {
                    mass[i] += q[c];
                }
            }
            if (mass[i] != 0) {
                kept++;
            }
        }
        double[] terms = new double[kept];
        int[] anchors = new int[kept];
        int t = 0;
        for (int i = 0; i < rows; i++) {
            if (mass[i] != 0) {
                terms[t] = -Math.log(mass[i]) * minerWeights[i];
                anchors[t++] = i;
            }
        }
        double[] weights = new double[kept];
        double value = reducer.reduce(LossTerms.of(terms, anchors, rows).withLabels(queryLabels), weights);
        for (int k = 0; k < kept; k++) {
            int i = anchors[k];
            double w = weights[k] * minerWeights[i] * scale;
            for (int j = 0; j < cols; j++) {
                double q = softmax[i][j];
                double dLogit = referenceLabels[j] == queryLabels[i] ? q - q / mass[i] : q;
                gradient[i * cols + j] += w * dLogit;
            }
        }
        return value;
    }
}

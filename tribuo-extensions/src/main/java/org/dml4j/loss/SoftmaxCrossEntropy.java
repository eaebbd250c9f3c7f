package org.dml4j.loss;

import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * The reduced softmax cross-entropy of the softmax losses (L-Softmax and its family, normalized softmax, instance
 * loss): one term per row, {@code rowWeight_i · (log Σ_c e^{logit_ic} - logit_{i,target_i})} (PyTorch's
 * {@code cross_entropy} times PML's miner weight), reduced per element.
 */
final class SoftmaxCrossEntropy {

    private SoftmaxCrossEntropy() {
    }

    /**
     * Computes the reduced value and its gradient with respect to every logit.
     *
     * @param logits     the logits, one row per example; row i's first {@code classes} entries are used
     * @param classes    the number of logits per row
     * @param targets    the target index of each row
     * @param labels     the batch labels, for reducers that weight by class
     * @param rowWeights the weight of each row's term (PML's miner weights; all 1 without a miner)
     * @param reducer    the reducer over rows
     * @param dLogits    output: {@code dL/dlogit}, same shape as {@code logits}
     * @return the loss value
     */
    static double reduce(double[][] logits, int classes, int[] targets, int[] labels, double[] rowWeights,
                         Reducer reducer, double[][] dLogits) {
        int rows = logits.length;
        double[] terms = new double[rows];
        for (int i = 0; i < rows; i++) {
            double logNormalizer = LossMath.logSumExp(logits[i], classes, false, dLogits[i]);
            dLogits[i][targets[i]] -= 1;
            terms[i] = (logNormalizer - logits[i][targets[i]]) * rowWeights[i];
        }
        double[] weights = new double[rows];
        double value = reducer.reduce(LossTerms.perElement(terms).withLabels(labels), weights);
        for (int i = 0; i < rows; i++) {
            double w = weights[i] * rowWeights[i];
            for (int c = 0; c < classes; c++) {
                dLogits[i][c] *= w;
            }
        }
        return value;
    }
}

package org.dml4j.loss;

import org.dml4j.distance.Distance;
import org.dml4j.distance.DotProductSimilarity;
import org.dml4j.distance.EmbeddingGradients;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.nd.HostArrays;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.TreeMap;

/**
 * The N-pair loss (Sohn, "Improved Deep Metric Learning with Multi-class N-pair Loss Objective", NeurIPS 2016), PML's
 * {@code NPairsLoss}: one positive pair per label, and for the N pairs the cross-entropy of each anchor over the N
 * positives, its own positive being the target: {@code -S(a_i, p_i) + log Σ_j exp S(a_i, p_j)} (a distance enters
 * negated), mean over the N anchors.
 * <p>
 * As in PML, the pair of each label is the first positive pair (in row-major order, or in the mined tuples' order)
 * whose anchor has that label, so a class with one member in the batch takes no part. The default similarity is
 * PML's default {@code DotProductSimilarity}, which normalizes the embeddings (the inner product of the unit
 * vectors). The loss takes no reference set, as in PML.
 */
public final class NPairsLoss extends AbstractMetricLoss {

    /** Creates the loss with PML's defaults: dot product of the normalized embeddings, mean over the anchors. */
    public NPairsLoss() {
        super(new DotProductSimilarity(true), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param distance the similarity (or distance, negated in the logits)
     * @param reducer  the reducer over the anchors
     */
    public NPairsLoss(Distance distance, Reducer reducer) {
        super(distance, reducer);
    }

    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        checkBatch(embeddings, labels);
        int[][] pairs = firstPairPerLabel(PairTuples.from(tuples, labels), labels);
        int[] anchors = pairs[0];
        int[] positives = pairs[1];
        int n = anchors.length;
        int dim = embeddings.columns();
        double[] total = new double[labels.length * dim];
        if (n == 0) {
            return new LossResult(0, HostArrays.create(total, embeddings.dataType(), labels.length, dim), Map.of());
        }
        PairwiseMatrix m = distance.pairwise(embeddings.getRows(anchors), embeddings.getRows(positives));
        double sign = -distance.marginSign();
        double[][] softmax = new double[n][n];
        double[] terms = new double[n];
        for (int i = 0; i < n; i++) {
            double[] logits = new double[n];
            for (int j = 0; j < n; j++) {
                logits[j] = sign * m.get(i, j);
            }
            terms[i] = LossMath.logSumExp(logits, n, false, softmax[i]) - logits[i];
        }
        double[] weights = new double[n];
        double value = reduce(LossTerms.of(terms, anchors, labels.length).withLabels(labels), weights);
        double[] gradient = m.newGradient();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                gradient[i * n + j] = weights[i] * sign * (softmax[i][j] - (i == j ? 1 : 0));
            }
        }
        EmbeddingGradients grads = m.backward(gradient);
        scatterRows(HostArrays.doubles(grads.queries()), anchors, total, dim);
        scatterRows(HostArrays.doubles(grads.references()), positives, total, dim);
        return new LossResult(value, HostArrays.create(total, embeddings.dataType(), labels.length, dim), Map.of());
    }

    /**
     * PML's {@code convert_to_pos_pairs_with_unique_labels}: of the positive pairs, the first whose anchor has each
     * label, ordered by label.
     */
    private static int[][] firstPairPerLabel(PairTuples pairs, int[] labels) {
        Map<Integer, Integer> first = new TreeMap<>();
        for (int k = 0; k < pairs.numPositive(); k++) {
            first.putIfAbsent(labels[pairs.posAnchors()[k]], k);
        }
        int[][] out = new int[2][first.size()];
        int i = 0;
        for (int k : first.values()) {
            out[0][i] = pairs.posAnchors()[k];
            out[1][i++] = pairs.positives()[k];
        }
        return out;
    }

    /** Adds row i of {@code rows} to row {@code targets[i]} of {@code total}. */
    private static void scatterRows(double[] rows, int[] targets, double[] total, int dim) {
        for (int i = 0; i < targets.length; i++) {
            for (int k = 0; k < dim; k++) {
                total[targets[i] * dim + k] += rows[i * dim + k];
            }
        }
    }

    @Override
    public String toString() {
        return "NPairsLoss(distance=" + distance + ", reducer=" + reducer + ")";
    }
}

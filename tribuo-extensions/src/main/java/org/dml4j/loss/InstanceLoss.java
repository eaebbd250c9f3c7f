package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

import java.util.Arrays;

/**
 * The instance loss (Zheng et al. 2020, "Dual-Path Convolutional Image-Text Embeddings with Instance Loss", ACM
 * TOMM), PML's {@code InstanceLoss}, itself the authors' code: each row of the batch's cosine similarity matrix,
 * times {@code gamma}, is a vector of logits over the batch, and row i's target is column {@code r_i}, the rank of
 * its label among the batch's distinct labels (sorted); cross-entropy, mean over rows.
 * <p>
 * The target is a column of the batch, not a class: it is the example itself when the labels are {@code 0..B-1} in
 * batch order (one instance per row, the paper's setting), and in general an example that need not share the row's
 * label. DML4J keeps this definition, as PML and the authors' reference do. No mined tuples and no reference set,
 * as in PML.
 */
public final class InstanceLoss extends TupleLoss {

    /** PML's default scale gamma. */
    public static final double DEFAULT_GAMMA = 64;

    @Config(description = "The scale gamma of the similarity logits (PML default " + DEFAULT_GAMMA + ").")
    private double gamma = DEFAULT_GAMMA;

    /** Creates the loss with PML's default (gamma 64, cosine similarity). */
    public InstanceLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param gamma    the logit scale (> 0)
     * @param distance a cosine similarity
     * @param reducer  the reducer over rows
     */
    public InstanceLoss(double gamma, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.gamma = gamma;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(gamma > 0)) {
            throw new PropertyException("", "gamma", "InstanceLoss needs gamma > 0, found " + gamma);
        }
        requireCosine("InstanceLoss", distance);
    }

    /** @return false, as PML */
    @Override
    public boolean acceptsReferences() {
        return false;
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        if (tuples != null) {
            throw new IllegalArgumentException("InstanceLoss takes no mined tuples (as in PML): train it without a "
                    + "miner");
        }
        int size = m.rows();
        int[] distinct = Arrays.stream(labels).distinct().sorted().toArray();
        int[] targets = new int[size];
        double[][] logits = new double[size][size];
        for (int i = 0; i < size; i++) {
            targets[i] = Arrays.binarySearch(distinct, labels[i]);
            for (int j = 0; j < size; j++) {
                logits[i][j] = m.get(i, j) * gamma;
            }
        }
        double[] rowWeights = new double[size];
        Arrays.fill(rowWeights, 1);
        double[][] dLogits = new double[size][size];
        double value = SoftmaxCrossEntropy.reduce(logits, size, targets, labels, rowWeights, reducer, dLogits);
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                gradient[i * size + j] += dLogits[i][j] * gamma;
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "InstanceLoss(gamma=" + gamma + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}

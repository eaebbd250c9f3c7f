package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.EmbeddingGradients;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prototypical-network loss (Snell et al. 2017, "Prototypical Networks for Few-shot Learning") on an episodic
 * batch: for each class of the batch, its first {@code shot} rows (in batch order) are its support set and their
 * mean its prototype {@code p_c}; its other rows are queries. Each query {@code q} of class {@code y} has the
 * cross-entropy of a softmax over its negated distances to the prototypes,
 * {@code -log softmax_c(-D(q, p_c))_y = D(q, p_y) + log Σ_c exp(-D(q, p_c))} (for a similarity the logits are the
 * similarities themselves), and the reducer combines the query terms (the mean over queries by default, the
 * paper's). The paper's distance, and the default, is the squared Euclidean distance on raw embeddings. The
 * gradient reaches the queries through the distance and each support row through its prototype (a share of
 * {@code 1/shot}).
 * <p>
 * An {@link org.dml4j.sampling.EpisodeSampler} with the same {@code shot} lays batches out this way. Each class in a
 * batch needs more than {@code shot} rows; the loss takes no mined tuples and no reference set.
 */
public final class PrototypicalLoss extends AbstractMetricLoss {

    @Config(description = "The support rows of each class in a batch: the first shot rows of a class (in batch "
            + "order) make its prototype, the others are queries.")
    private int shot = 1;

    /** For OLCUT. */
    private PrototypicalLoss() {
        super(new LpDistance(false, 2), new MeanReducer());
    }

    /**
     * Creates the loss of the paper: squared Euclidean distance on raw embeddings, mean over queries.
     *
     * @param shot the support rows of each class
     * @throws PropertyException if {@code shot < 1}
     */
    public PrototypicalLoss(int shot) {
        this(shot, new LpDistance(false, 2), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param shot     the support rows of each class
     * @param distance the distance between queries and prototypes
     * @param reducer  the reducer over queries
     * @throws PropertyException if {@code shot < 1}
     */
    public PrototypicalLoss(int shot, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.shot = shot;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (shot < 1) {
            throw new PropertyException("", "shot", "shot must be >= 1, found " + shot);
        }
    }

    /** @return the support rows of each class */
    public int shot() {
        return shot;
    }

    /** @return false: the support/query split of the batch decides what is compared */
    @Override
    public boolean acceptsTuples() {
        return false;
    }

    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        if (tuples != null) {
            throw new IllegalArgumentException("PrototypicalLoss compares each query with the class prototypes and "
                    + "takes no mined tuples: unset the miner");
        }
        checkBatch(embeddings, labels);
        Map<Integer, List<Integer>> rowsOf = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            rowsOf.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        int classes = rowsOf.size();
        int queries = labels.length - classes * shot;
        double[][] rows = embeddings.castTo(DataType.DOUBLE).toDoubleMatrix();
        int dim = embeddings.columns();
        double[][] prototypes = new double[classes][dim];
        double[][] queryRows = new double[queries][];
        int[] queryIndex = new int[queries];
        int[] targets = new int[queries];
        int[] queryLabels = new int[queries];
        int c = 0;
        int q = 0;
        for (Map.Entry<Integer, List<Integer>> entry : rowsOf.entrySet()) {
            List<Integer> members = entry.getValue();
            if (members.size() <= shot) {
                throw new IllegalArgumentException("class label " + entry.getKey() + " has " + members.size()
                        + " rows in the batch; PrototypicalLoss needs shot = " + shot + " support rows and at least"
                        + " one query per class: sample episodes with an EpisodeSampler of the same shot");
            }
            for (int s = 0; s < shot; s++) {
                double[] row = rows[members.get(s)];
                for (int k = 0; k < dim; k++) {
                    prototypes[c][k] += row[k] / shot;
                }
            }
            for (int m = shot; m < members.size(); m++) {
                queryIndex[q] = members.get(m);
                queryRows[q] = rows[members.get(m)];
                targets[q] = c;
                queryLabels[q++] = entry.getKey();
            }
            c++;
        }
        DataType type = embeddings.dataType();
        PairwiseMatrix matrix = distance.pairwise(Nd4j.create(queryRows).castTo(type),
                Nd4j.create(prototypes).castTo(type));
        double sign = -matrix.marginSign();
        double[][] logits = new double[queries][classes];
        for (int i = 0; i < queries; i++) {
            for (int k = 0; k < classes; k++) {
                logits[i][k] = sign * matrix.get(i, k);
            }
        }
        double[][] dLogits = new double[queries][classes];
        double[] ones = new double[queries];
        Arrays.fill(ones, 1.0);
        double value = SoftmaxCrossEntropy.reduce(logits, classes, targets, queryLabels, ones, reducer, dLogits);
        double[] dMatrix = matrix.newGradient();
        for (int i = 0; i < queries; i++) {
            for (int k = 0; k < classes; k++) {
                dMatrix[i * classes + k] = sign * dLogits[i][k];
            }
        }
        EmbeddingGradients grads = matrix.backward(dMatrix);
        return new LossResult(value, batchGradient(grads, rowsOf, queryIndex, labels.length, dim, type), Map.of());
    }

    /** Scatters the query and prototype gradients back to the batch rows. */
    private INDArray batchGradient(EmbeddingGradients grads, Map<Integer, List<Integer>> rowsOf, int[] queryIndex,
                                   int batch, int dim, DataType type) {
        double[][] queryGrad = grads.queries().castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] prototypeGrad = grads.references().castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] out = new double[batch][dim];
        for (int i = 0; i < queryIndex.length; i++) {
            out[queryIndex[i]] = queryGrad[i];
        }
        int c = 0;
        for (List<Integer> members : rowsOf.values()) {
            for (int s = 0; s < shot; s++) {
                double[] row = out[members.get(s)];
                for (int k = 0; k < dim; k++) {
                    row[k] = prototypeGrad[c][k] / shot;
                }
            }
            c++;
        }
        return Nd4j.create(out).castTo(type);
    }

    @Override
    public String toString() {
        return "PrototypicalLoss(shot=" + shot + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}

package org.dml4j.loss;

import org.dml4j.distance.Distance;
import org.dml4j.distance.EmbeddingGradients;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.reduce.Reducer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The skeleton shared by the losses over pairs, triplets or quadruplets (PML's "compute the distance matrix, pick
 * the tuples, apply a per-tuple formula, reduce"): subclasses supply the formula on the matrix and its gradient
 * dL/dM; the distance turns that into dL/d(embeddings). The matrix is the batch against itself, or queries against a
 * reference set (PML's {@code ref_emb}), where anchors index the rows and the other members of a tuple the columns.
 */
public abstract class TupleLoss extends AbstractMetricLoss {

    /**
     * @param distance the default distance
     * @param reducer  the default reducer
     */
    protected TupleLoss(Distance distance, Reducer reducer) {
        super(distance, reducer);
    }

    @Override
    public final LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        checkBatch(embeddings, labels);
        return compute(distance.pairwise(embeddings), labels, tuples);
    }

    /**
     * Computes the loss from a batch's matrix that is already computed, e.g. shared with a miner on the same
     * distance; the gradient is with respect to the embeddings the matrix was computed from.
     *
     * @param matrix the batch against itself under {@link #distance()}
     * @param labels the labels, one per row of the matrix
     * @param tuples the mined tuples, or null for the default
     * @return the value and the gradient with respect to the embeddings
     */
    public final LossResult compute(PairwiseMatrix matrix, int[] labels, IndexTuples tuples) {
        if (!matrix.isSelf() || matrix.rows() != labels.length) {
            throw new IllegalArgumentException("the loss needs the batch's matrix against itself, one row per"
                    + " label; found " + matrix.rows() + " x " + matrix.cols()
                    + (matrix.isSelf() ? "" : " between two sets") + " for " + labels.length + " labels");
        }
        checkLabels(labels);
        double[] gradient = matrix.newGradient();
        double value = compute(matrix, labels, labels, tuples, gradient);
        return new LossResult(value, matrix.backward(gradient).queries(), Map.of());
    }

    /** @return true unless an option of the loss needs the batch against itself */
    @Override
    public boolean acceptsReferences() {
        return true;
    }

    @Override
    public final ReferenceLossResult compute(INDArray queries, int[] queryLabels, IndexTuples tuples,
                                             INDArray references, int[] referenceLabels) {
        checkSet("batch", queries, queryLabels);
        checkSet("reference set", references, referenceLabels);
        PairwiseMatrix matrix = distance.pairwise(queries, references);
        double[] gradient = matrix.newGradient();
        double value = computeAgainst(matrix, queryLabels, referenceLabels, tuples, gradient);
        EmbeddingGradients grads = matrix.backward(gradient);
        return new ReferenceLossResult(value, grads.queries(), grads.references());
    }

    /**
     * Computes the loss of queries against references held constant (detached, as a cross-batch memory), from their
     * matrix already computed, e.g. shared with a miner: only the gradient with respect to the queries is computed.
     *
     * @param matrix          the queries against the references under {@link #distance()}
     * @param queryLabels     the label of each row
     * @param referenceLabels the label of each column
     * @param tuples          tuples whose anchors index the rows and other members the columns, or null for the
     *                        default
     * @return the value and the gradient with respect to the queries
     * @throws UnsupportedOperationException if the loss takes no reference set ({@link #acceptsReferences()})
     */
    public final LossResult computeDetached(PairwiseMatrix matrix, int[] queryLabels, int[] referenceLabels,
                                            IndexTuples tuples) {
        if (matrix.isSelf() || matrix.rows() != queryLabels.length || matrix.cols() != referenceLabels.length) {
            throw new IllegalArgumentException("the loss needs a matrix of queries against references, one row per"
                    + " query label and one column per reference label; found " + matrix.rows() + " x "
                    + matrix.cols() + (matrix.isSelf() ? " of a batch against itself" : "") + " for "
                    + queryLabels.length + " and " + referenceLabels.length + " labels");
        }
        checkLabels(queryLabels);
        checkLabels(referenceLabels);
        double[] gradient = matrix.newGradient();
        double value = computeAgainst(matrix, queryLabels, referenceLabels, tuples, gradient);
        return new LossResult(value, matrix.backwardQueries(gradient), Map.of());
    }

    private double computeAgainst(PairwiseMatrix matrix, int[] queryLabels, int[] referenceLabels,
                                  IndexTuples tuples, double[] gradient) {
        if (!acceptsReferences()) {
            throw new UnsupportedOperationException(this + " does not take a reference set");
        }
        return compute(matrix, queryLabels, referenceLabels, tuples, gradient);
    }

    /**
     * Computes the loss from a matrix: the batch against itself ({@link PairwiseMatrix#isSelf()}; default tuples
     * never pair a row with itself) or queries against references (default tuples are every tuple between the two
     * sets, as PML's with {@code ref_emb}).
     *
     * @param matrix          the {@code rows × cols} matrix
     * @param queryLabels     the label of each row
     * @param referenceLabels the label of each column (the same array for a self matrix)
     * @param tuples          the mined tuples (anchors index rows, other members columns), or null for the default
     * @param gradient        output: dL/dM accumulated into this row-major {@code rows × cols} array
     * @return the loss value
     */
    protected abstract double compute(PairwiseMatrix matrix, int[] queryLabels, int[] referenceLabels,
                                      IndexTuples tuples, double[] gradient);
}

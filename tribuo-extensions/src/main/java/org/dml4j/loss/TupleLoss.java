package org.dml4j.loss;

import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.reduce.Reducer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The skeleton shared by the losses over pairs, triplets or quadruplets of the batch (PML's "compute the distance
 * matrix, pick the tuples, apply a per-tuple formula, reduce"): subclasses supply the formula on the B × B matrix
 * and its gradient dL/dM; the distance turns that into dL/d(embeddings).
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
        double value = compute(matrix, labels, tuples, gradient);
        return new LossResult(value, matrix.backward(gradient).queries(), Map.of());
    }

    /**
     * Computes the loss from the batch's pairwise matrix.
     *
     * @param matrix   the B × B matrix of the batch
     * @param labels   the B labels
     * @param tuples   the mined tuples, or null for the default
     * @param gradient output: dL/dM accumulated into this row-major B × B array
     * @return the loss value
     */
    protected abstract double compute(PairwiseMatrix matrix, int[] labels, IndexTuples tuples, double[] gradient);
}

package org.dml4j.mining;

import org.dml4j.distance.PairwiseMatrix;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A miner that decides from the batch's pairwise matrix alone: the matrix is computed here, or given by a caller
 * that shares it with a loss on the same distance.
 *
 * @param <T> the kind of tuples mined
 */
abstract class AbstractMatrixMiner<T extends IndexTuples> extends AbstractMiner implements MatrixMiner<T> {

    @Override
    public final T mine(INDArray embeddings, int[] labels) {
        return fromMatrix(matrix(embeddings, labels), labels);
    }

    @Override
    public final T mine(PairwiseMatrix matrix, int[] labels) {
        if (!matrix.isSelf()) {
            throw new IllegalArgumentException("a miner needs the batch's matrix against itself, found a "
                    + matrix.rows() + " x " + matrix.cols() + " matrix between two sets");
        }
        if (matrix.rows() != labels.length) {
            throw new IllegalArgumentException("the matrix has " + matrix.rows() + " rows but there are "
                    + labels.length + " labels");
        }
        return fromMatrix(matrix, labels);
    }

    /**
     * Mines from the batch's matrix.
     *
     * @param matrix the B × B matrix under {@link #distance()}, checked against the labels
     * @param labels the B labels
     * @return the mined tuples
     */
    protected abstract T fromMatrix(PairwiseMatrix matrix, int[] labels);
}

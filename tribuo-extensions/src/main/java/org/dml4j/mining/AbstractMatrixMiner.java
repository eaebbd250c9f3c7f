package org.dml4j.mining;

import org.dml4j.distance.PairwiseMatrix;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A miner that decides from the batch's pairwise matrix alone: the matrix is computed here, or given by a caller
 * that shares it with a loss on the same distance. The same rule mines a batch against itself or queries against a
 * reference set.
 *
 * @param <T> the kind of tuples mined
 */
abstract class AbstractMatrixMiner<T extends IndexTuples> extends AbstractMiner implements MatrixMiner<T> {

    @Override
    public final T mine(INDArray embeddings, int[] labels) {
        return fromMatrix(matrix(embeddings, labels), labels, labels);
    }

    @Override
    public boolean acceptsReferences() {
        return true;
    }

    @Override
    public final T mine(INDArray queries, int[] queryLabels, INDArray references, int[] referenceLabels) {
        checkCount("query", queries.rows(), queryLabels.length);
        checkCount("reference", references.rows(), referenceLabels.length);
        return fromReferences(queries, queryLabels, references, referenceLabels);
    }

    /**
     * Mines queries against a reference set whose counts are checked: from their whole matrix, unless a miner
     * mines it in blocks ({@link RowWiseMatrixMiner}).
     *
     * @param queries         the query rows
     * @param queryLabels     their labels
     * @param references      the reference rows
     * @param referenceLabels their labels
     * @return the tuples, anchors indexing the queries and the other members the references
     */
    protected T fromReferences(INDArray queries, int[] queryLabels, INDArray references, int[] referenceLabels) {
        return fromMatrix(distance.pairwise(queries, references), queryLabels, referenceLabels);
    }

    @Override
    public final T mine(PairwiseMatrix matrix, int[] labels) {
        if (!matrix.isSelf()) {
            throw new IllegalArgumentException("a miner needs the batch's matrix against itself, found a "
                    + matrix.rows() + " x " + matrix.cols() + " matrix between two sets");
        }
        checkCount("matrix", matrix.rows(), labels.length);
        return fromMatrix(matrix, labels, labels);
    }

    @Override
    public final T mine(PairwiseMatrix matrix, int[] queryLabels, int[] referenceLabels) {
        checkCount("matrix", matrix.rows(), queryLabels.length);
        if (matrix.cols() != referenceLabels.length) {
            throw new IllegalArgumentException("found " + matrix.cols() + " matrix columns but "
                    + referenceLabels.length + " reference labels");
        }
        return fromMatrix(matrix, queryLabels, referenceLabels);
    }

    private static void checkCount(String what, long rows, int labels) {
        if (rows != labels) {
            throw new IllegalArgumentException("found " + rows + " " + what + " rows but " + labels + " labels");
        }
    }

    /**
     * Mines from a matrix: the batch against itself ({@link PairwiseMatrix#isSelf()}, where a row is never paired
     * with itself) or queries against references (where every pair counts).
     *
     * @param matrix          the matrix under {@link #distance()}, checked against the labels
     * @param queryLabels     the label of each row
     * @param referenceLabels the label of each column (the same array for a self matrix)
     * @return the mined tuples
     */
    protected abstract T fromMatrix(PairwiseMatrix matrix, int[] queryLabels, int[] referenceLabels);
}

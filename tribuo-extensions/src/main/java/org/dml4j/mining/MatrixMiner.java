package org.dml4j.mining;

import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A miner that decides from the batch's pairwise matrix alone. A loss computed on the same distance can then share
 * one matrix with it instead of computing its own (PML computes it twice), see {@code org.dml4j.train.MinedLoss}.
 *
 * @param <T> the kind of tuples mined
 */
public interface MatrixMiner<T extends IndexTuples> extends Miner {

    /** @return the distance the miner compares with */
    Distance distance();

    @Override
    T mine(INDArray embeddings, int[] labels);

    @Override
    T mine(INDArray queries, int[] queryLabels, INDArray references, int[] referenceLabels);

    /**
     * Mines from the batch's matrix under {@link #distance()}, as {@link #mine(INDArray, int[])} would after
     * computing it.
     *
     * @param matrix the batch against itself ({@link PairwiseMatrix#isSelf()}), computed with {@link #distance()}
     * @param labels the batch labels, one per row of the matrix
     * @return the mined tuples
     */
    T mine(PairwiseMatrix matrix, int[] labels);

    /**
     * Mines from a matrix of queries against references under {@link #distance()}, as
     * {@link #mine(INDArray, int[], INDArray, int[])} would after computing it (for a self matrix: as
     * {@link #mine(PairwiseMatrix, int[])}).
     *
     * @param matrix          the queries against the references, computed with {@link #distance()}
     * @param queryLabels     the label of each row of the matrix
     * @param referenceLabels the label of each column
     * @return the mined tuples, anchors indexing the queries and the other members the references
     */
    T mine(PairwiseMatrix matrix, int[] queryLabels, int[] referenceLabels);
}

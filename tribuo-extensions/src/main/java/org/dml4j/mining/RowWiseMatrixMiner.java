package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import org.dml4j.distance.BatchedDistance;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A matrix miner whose rule decides the tuples of each query row from that row of the matrix alone (batch-hard,
 * triplet margin, pair margin, multi-similarity). Against a reference set it can mine block by block through
 * {@link BatchedDistance} (PML's {@code BatchedDistance} with a per-block callback): only
 * {@code referenceBatchSize} rows of the queries × references matrix exist at a time, and the tuples are exactly
 * those of the whole matrix, in the same order.
 *
 * @param <T> the kind of tuples mined
 */
public abstract class RowWiseMatrixMiner<T extends IndexTuples> extends AbstractMatrixMiner<T> {

    @Config(description = "Query rows per block when mining queries against a reference set (PML's BatchedDistance):"
            + " the queries x references matrix is computed and scanned that many rows at a time; 0 (default): all"
            + " at once.")
    private int referenceBatchSize = 0;

    /**
     * Mines against reference sets block by block.
     *
     * @param rows query rows per block, or 0 for the whole matrix at once
     * @return this miner
     */
    public RowWiseMatrixMiner<T> withReferenceBatchSize(int rows) {
        this.referenceBatchSize = rows;
        checkReferenceBatchSize();
        return this;
    }

    /** @return the query rows per block against a reference set (0: the whole matrix at once) */
    public int referenceBatchSize() {
        return referenceBatchSize;
    }

    private void checkReferenceBatchSize() {
        if (referenceBatchSize < 0) {
            throw new IllegalArgumentException("referenceBatchSize must be >= 0 (0: the whole matrix at once), found "
                    + referenceBatchSize);
        }
    }

    @Override
    protected final T fromReferences(INDArray queries, int[] queryLabels, INDArray references,
                                     int[] referenceLabels) {
        checkReferenceBatchSize();
        if (referenceBatchSize == 0 || referenceBatchSize >= queryLabels.length) {
            return super.fromReferences(queries, queryLabels, references, referenceLabels);
        }
        List<IndexTuples> blocks = new ArrayList<>();
        List<Integer> firstRows = new ArrayList<>();
        new BatchedDistance(distance, referenceBatchSize).forEachBlock(queries, references, (block, start, end) -> {
            blocks.add(fromMatrix(block, Arrays.copyOfRange(queryLabels, start, end), referenceLabels));
            firstRows.add(start);
        });
        @SuppressWarnings("unchecked")
        T merged = (T) TupleBlocks.concatenate(blocks, firstRows);
        return merged;
    }
}

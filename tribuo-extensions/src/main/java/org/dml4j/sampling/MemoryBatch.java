package org.dml4j.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The current batch followed by the contents of a {@link CrossBatchMemory}, ready for a miner: rows
 * {@code [0, batchSize)} are the batch, the rest the remembered embeddings from oldest to newest.
 *
 * @param embeddings the {@code (batchSize + memory size) × d} embeddings
 * @param labels     their labels
 * @param batchSize  the number of leading rows that belong to the current batch
 */
public record MemoryBatch(INDArray embeddings, int[] labels, int batchSize) {

    /** @return the number of remembered rows after the batch */
    public int memoryRows() {
        return labels.length - batchSize;
    }
}

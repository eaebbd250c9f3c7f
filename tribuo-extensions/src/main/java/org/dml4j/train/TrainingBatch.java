package org.dml4j.train;

import org.dml4j.mining.IndexTuples;

/**
 * One planned training batch.
 *
 * @param rows   the training-data rows to embed
 * @param labels the label of each row, as the loss and miner see it
 * @param tuples the batch's tuples as indices into {@code rows}, or null to let the miner (or the loss's default)
 *               choose them
 */
record TrainingBatch(int[] rows, int[] labels, IndexTuples tuples) {
}

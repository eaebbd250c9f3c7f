package org.dml4j.mining;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.CrossBatchMemoryLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mining queries against a reference set in blocks of query rows ({@code referenceBatchSize}, through
 * {@link org.dml4j.distance.BatchedDistance}) gives exactly the tuples of the whole matrix, in the same order.
 */
class BatchedReferenceMiningTest {

    private static final int QUERIES = 37;
    private static final int REFERENCES = 53;

    private static int[] labels(int count, int seed) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (i * 7 + seed) % 5;
        }
        return labels;
    }

    private static List<RowWiseMatrixMiner<?>> miners() {
        return List.of(new TripletMarginMiner(0.5, TripletMarginMiner.Type.ALL, new LpDistance()),
                new TripletMarginMiner(0.3, TripletMarginMiner.Type.SEMIHARD, new CosineSimilarity()),
                new TripletMarginMiner(0.2, TripletMarginMiner.Type.HARD, new LpDistance()),
                new BatchHardMiner(), new MultiSimilarityMiner(), new PairMarginMiner());
    }

    @Test
    void blocksGiveTheWholeMatrixsTuplesInOrder() {
        int[] queryLabels = labels(QUERIES, 1);
        int[] referenceLabels = labels(REFERENCES, 3);
        INDArray queries = FiniteDifferences.clustered(queryLabels, 6, 21);
        INDArray references = FiniteDifferences.clustered(referenceLabels, 6, 22);
        for (RowWiseMatrixMiner<?> miner : miners()) {
            IndexTuples whole = miner.mine(queries, queryLabels, references, referenceLabels);
            assertTrue(whole.size() > 0, miner.toString());
            for (int rows : new int[]{1, 5, 8, QUERIES - 1, QUERIES, 1000}) {
                miner.withReferenceBatchSize(rows);
                assertEquals(rows, miner.referenceBatchSize());
                assertEquals(whole, miner.mine(queries, queryLabels, references, referenceLabels),
                        miner + " in blocks of " + rows);
            }
            miner.withReferenceBatchSize(0);
        }
    }

    @Test
    void aCrossBatchMemoryMinesItsMemoryInBlocksWithTheSameLoss() {
        // the miner's cosine differs from the loss's distance, so the memory is mined through the reference path
        ContrastiveLoss loss = new ContrastiveLoss();
        CrossBatchMemoryLoss whole = new CrossBatchMemoryLoss(loss, new MultiSimilarityMiner(), 64);
        CrossBatchMemoryLoss blocked = new CrossBatchMemoryLoss(loss,
                new MultiSimilarityMiner().withReferenceBatchSize(4), 64);
        for (int step = 0; step < 3; step++) {
            int[] labels = labels(16, step);
            INDArray batch = FiniteDifferences.clustered(labels, 6, 30 + step);
            CrossBatchMemoryLoss.Step a = whole.step(batch, labels);
            CrossBatchMemoryLoss.Step b = blocked.step(batch, labels);
            assertEquals(a.tuples(), b.tuples());
            LossResult ra = a.result();
            LossResult rb = b.result();
            assertEquals(ra.value(), rb.value(), 0);
            assertArrayEquals(ra.embeddingGradient().data().asDouble(), rb.embeddingGradient().data().asDouble(), 0);
        }
    }

    @Test
    void aNegativeBlockSizeIsRefusedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchHardMiner().withReferenceBatchSize(-1));
        assertTrue(e.getMessage().contains("referenceBatchSize must be >= 0"), e.getMessage());
    }
}

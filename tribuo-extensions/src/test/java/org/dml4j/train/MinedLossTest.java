package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MultiSimilarityLoss;
import org.dml4j.loss.ProxyNCALoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MinedLossTest {

    private static final int[] LABELS = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};

    private static INDArray batch(long seed) {
        return Nd4j.randn(seed, new long[]{LABELS.length, 6}).castTo(DataType.FLOAT);
    }

    @Test
    void theMinerAndLossShareTheMatrixOnlyWhenTheyUseTheSameDistance() {
        TripletMarginMiner semihard = new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD, new LpDistance());
        assertTrue(new MinedLoss(new MultiSimilarityLoss(), new MultiSimilarityMiner()).sharesMatrix());
        assertTrue(new MinedLoss(new TripletMarginLoss(0.2), semihard).sharesMatrix());
        assertFalse(new MinedLoss(new TripletMarginLoss(0.2, new LpDistance(true, 2), new AvgNonZeroReducer()),
                semihard).sharesMatrix(), "squared against plain Euclidean");
        assertFalse(new MinedLoss(new MultiSimilarityLoss(), new MultiSimilarityMiner(0.1, new LpDistance()))
                .sharesMatrix(), "cosine against Euclidean");
        assertFalse(new MinedLoss(new ProxyNCALoss(4, 6), semihard).sharesMatrix(), "not a loss over the batch matrix");
        assertFalse(new MinedLoss(new ContrastiveLoss(), null).sharesMatrix());
    }

    @Test
    void sharingGivesTheSameTuplesValueAndGradientAsComputingTwice() {
        INDArray x = batch(3);
        MultiSimilarityMiner miner = new MultiSimilarityMiner(0.1, new CosineSimilarity());
        MultiSimilarityLoss loss = new MultiSimilarityLoss();
        MinedLoss.MinedBatch shared = new MinedLoss(loss, miner).mine(x, LABELS, null);
        IndexTuples separate = miner.mine(x, LABELS);
        assertEquals(separate, shared.tuples());
        LossResult expected = loss.compute(x, LABELS, separate);
        LossResult got = shared.loss();
        assertEquals(expected.value(), got.value());
        assertEquals(expected.embeddingGradient(), got.embeddingGradient());
        assertEquals(DataType.FLOAT, got.embeddingGradient().dataType());
    }

    @Test
    void aSharedDistanceComputesTheMatrixOncePerBatch() {
        CountingDistance counting = new CountingDistance(new LpDistance());
        TripletMarginMiner miner = new TripletMarginMiner(0.2, TripletMarginMiner.Type.ALL, counting);
        MinedLoss shared = new MinedLoss(new TripletMarginLoss(0.2, counting, new AvgNonZeroReducer()), miner);
        assertTrue(shared.sharesMatrix());
        shared.mine(batch(4), LABELS, null).loss();
        assertEquals(1, counting.calls);

        CountingDistance other = new CountingDistance(new LpDistance());
        new MinedLoss(new TripletMarginLoss(0.2, other, new AvgNonZeroReducer()), miner)
                .mine(batch(4), LABELS, null).loss();
        assertEquals(3, counting.calls + other.calls, "without sharing each side computes its own matrix");
    }

    @Test
    void givenTuplesAreUsedAsTheyAreAndNotMined() {
        PairTuples given = new PairTuples(new int[]{0, 3}, new int[]{1, 4}, new int[]{0, 6}, new int[]{9, 1});
        MinedLoss minedLoss = new MinedLoss(new ContrastiveLoss(), new MultiSimilarityMiner());
        INDArray x = batch(5);
        MinedLoss.MinedBatch mined = minedLoss.mine(x, LABELS, given);
        assertSame(given, mined.tuples());
        assertEquals(new ContrastiveLoss().compute(x, LABELS, given).value(), mined.loss().value());
        assertNull(new MinedLoss(new ContrastiveLoss(), null).mine(x, LABELS, null).tuples());
    }

    @Test
    void aMatrixBetweenTwoSetsOrOfTheWrongSizeIsRejected() {
        PairwiseMatrix cross = new LpDistance().pairwise(batch(6), batch(7));
        IllegalArgumentException miner = assertThrows(IllegalArgumentException.class,
                () -> new MultiSimilarityMiner(0.1, new LpDistance()).mine(cross, LABELS));
        assertTrue(miner.getMessage().contains("against itself"), miner.getMessage());
        IllegalArgumentException loss = assertThrows(IllegalArgumentException.class,
                () -> new ContrastiveLoss().compute(cross, LABELS, null));
        assertTrue(loss.getMessage().contains("between two sets"), loss.getMessage());
        PairwiseMatrix self = new LpDistance().pairwise(batch(8));
        int[] fewer = {0, 0, 1, 1};
        assertThrows(IllegalArgumentException.class, () -> new MultiSimilarityMiner().mine(self, fewer));
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveLoss().compute(self, fewer, null));
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> new MinedLoss(new MultiSimilarityLoss(), new MultiSimilarityMiner()).mine(batch(9), fewer, null));
        assertTrue(rows.getMessage().contains("12 embeddings but 4 labels"), rows.getMessage());
    }

    /** A real distance that counts its matrices: the one thing the real one cannot show. */
    private static final class CountingDistance implements Distance {
        private final Distance inner;
        private int calls;

        CountingDistance(Distance inner) {
            this.inner = inner;
        }

        @Override
        public PairwiseMatrix pairwise(INDArray embeddings) {
            calls++;
            return inner.pairwise(embeddings);
        }

        @Override
        public PairwiseMatrix pairwise(INDArray queries, INDArray references) {
            calls++;
            return inner.pairwise(queries, references);
        }

        @Override
        public boolean isInverted() {
            return inner.isInverted();
        }

        @Override
        public boolean normalizesEmbeddings() {
            return inner.normalizesEmbeddings();
        }

        @Override
        public ConfiguredObjectProvenance getProvenance() {
            return inner.getProvenance();
        }
    }
}

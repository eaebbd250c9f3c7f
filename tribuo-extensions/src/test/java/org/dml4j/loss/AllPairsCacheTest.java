package org.dml4j.loss;

import org.dml4j.mining.PairTuples;
import org.dml4j.mining.TripletTuples;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class AllPairsCacheTest {

    private static void assertSamePairs(PairTuples expected, PairTuples actual) {
        assertArrayEquals(expected.posAnchors(), actual.posAnchors());
        assertArrayEquals(expected.positives(), actual.positives());
        assertArrayEquals(expected.negAnchors(), actual.negAnchors());
        assertArrayEquals(expected.negatives(), actual.negatives());
    }

    @Test
    void theSamePatternWithOtherLabelsReusesThePairs() {
        AllPairsCache cache = new AllPairsCache();
        int[] first = {3, 3, 7, 7, 1, 1};
        int[] samePattern = {9, 9, 0, 0, 4, 4};
        PairTuples pairs = cache.pairs(null, first);
        assertSamePairs(PairTuples.all(first), pairs);
        PairTuples again = cache.pairs(null, samePattern);
        assertSame(pairs, again);
        assertSamePairs(PairTuples.all(samePattern), again);
    }

    @Test
    void anotherPatternGetsItsOwnPairs() {
        AllPairsCache cache = new AllPairsCache();
        int[] first = {3, 3, 7, 7, 1, 1};
        // The same label values in another arrangement, and a merge of two classes: both change the pairs.
        for (int[] other : new int[][]{{3, 7, 3, 7, 1, 1}, {3, 3, 3, 3, 1, 1}, {3, 3, 7, 7, 1}}) {
            PairTuples before = cache.pairs(null, first);
            PairTuples pairs = cache.pairs(null, other);
            assertNotSame(before, pairs);
            assertSamePairs(PairTuples.all(other), pairs);
        }
    }

    @Test
    void minedTuplesAreConvertedAsBefore() {
        AllPairsCache cache = new AllPairsCache();
        int[] labels = {0, 0, 1, 1};
        TripletTuples mined = new TripletTuples(new int[]{0, 2}, new int[]{1, 3}, new int[]{2, 0});
        assertSamePairs(PairTuples.from(mined, labels), cache.pairs(mined, labels));
        PairTuples minedPairs = new PairTuples(new int[]{1}, new int[]{0}, new int[]{3}, new int[]{0});
        assertSame(minedPairs, cache.pairs(minedPairs, labels));
    }

    @Test
    void aLossGivesTheSameValueAndGradientAsAFreshOneAfterABatchOfAnotherPattern() {
        INDArray embeddings = Nd4j.rand(DataType.DOUBLE, 8, 5);
        int[] labels = {2, 2, 5, 5, 2, 5, 8, 8};
        int[] otherPattern = {1, 2, 3, 4, 1, 2, 3, 4};
        int[] relabelled = {6, 6, 0, 0, 6, 0, 3, 3};
        ContrastiveLoss used = new ContrastiveLoss();
        used.compute(embeddings, labels, null);
        used.compute(embeddings, otherPattern, null);
        LossResult reused = used.compute(embeddings, relabelled, null);
        LossResult fresh = new ContrastiveLoss().compute(embeddings, relabelled, null);
        assertEquals(fresh.value(), reused.value());
        assertEquals(fresh.embeddingGradient(), reused.embeddingGradient());
    }
}

package org.dml4j.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RankMetricsTest {
    /** Relevant at positions 1, 3 and 6: rel = 1,0,1,0,0,1,... */
    private static final int[] RANKS = {1, 3, 6};

    @Test
    void handComputedValues() {
        assertEquals(1.0, RankMetrics.precisionAt(RANKS, 1), 1e-15);
        assertEquals(0.5, RankMetrics.precisionAt(RANKS, 4), 1e-15);
        assertEquals(1.0, RankMetrics.recallAt(RANKS, 1), 1e-15);
        assertEquals(2.0 / 3.0, RankMetrics.irRecallAt(RANKS, 4), 1e-15);
        assertEquals((1.0 + 2.0 / 3.0 + 3.0 / 6.0) / 3.0, RankMetrics.averagePrecision(RANKS), 1e-15);
        assertEquals((1.0 + 2.0 / 3.0) / 3.0, RankMetrics.averagePrecisionAtR(RANKS), 1e-15);
        assertEquals(2.0 / 3.0, RankMetrics.rPrecision(RANKS), 1e-15);
        assertEquals(1.0, RankMetrics.reciprocalRank(RANKS), 1e-15);
        double log2of3 = Math.log(3) / Math.log(2);
        assertEquals((1.0 + 0.5) / (1.0 + 1.0 / log2of3 + 0.5), RankMetrics.ndcgAt(RANKS, 4), 1e-15);
    }

    @Test
    void missesAtTheTop() {
        int[] ranks = {4, 5};
        assertEquals(0.0, RankMetrics.recallAt(ranks, 3), 0.0);
        assertEquals(1.0, RankMetrics.recallAt(ranks, 4), 0.0);
        assertEquals(0.25, RankMetrics.reciprocalRank(ranks), 0.0);
        assertEquals(0.0, RankMetrics.averagePrecisionAtR(ranks), 0.0);
        assertEquals(0.0, RankMetrics.ndcgAt(ranks, 2), 0.0);
    }

    @Test
    void perfectRankingScoresOne() {
        int[] ranks = {1, 2, 3, 4};
        assertEquals(1.0, RankMetrics.averagePrecision(ranks), 0.0);
        assertEquals(1.0, RankMetrics.averagePrecisionAtR(ranks), 0.0);
        assertEquals(1.0, RankMetrics.ndcgAt(ranks, 10), 1e-15);
        assertEquals(1.0, RankMetrics.irRecallAt(ranks, 10), 0.0);
    }

    @Test
    void noRelevantIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> RankMetrics.averagePrecision(new int[0]));
    }
}

package org.dml4j.mining;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TuplesTest {

    private static final int[] LABELS = {0, 0, 1, 1, 1, 2};

    @Test
    void allPairsAndTriplets() {
        PairTuples pairs = PairTuples.all(LABELS);
        assertEquals(2 + 6, pairs.numPositive());
        assertEquals(30 - 8, pairs.numNegative());
        TripletTuples triplets = TripletTuples.all(LABELS);
        // Class 0: 2 ordered positive pairs x 4 negatives; class 1: 6 x 3.
        assertEquals(2 * 4 + 6 * 3, triplets.size());
        for (int t = 0; t < triplets.size(); t++) {
            int a = triplets.anchors()[t];
            assertTrue(a != triplets.positives()[t] && LABELS[a] == LABELS[triplets.positives()[t]]);
            assertTrue(LABELS[a] != LABELS[triplets.negatives()[t]]);
        }
    }

    @Test
    void allPairsAreEveryOrderedPairInRowMajorOrder() {
        int[] labels = {3, 1, 3, 3, 0, 1, 1};
        assertEquals(PairTuples.where(labels, (i, j) -> true, (i, j) -> true), PairTuples.all(labels));
        assertEquals(0, PairTuples.all(new int[]{4}).size());
    }

    @Test
    void conversionsFollowPml() {
        TripletTuples t = new TripletTuples(new int[]{0, 2}, new int[]{1, 3}, new int[]{5, 0});
        PairTuples p = PairTuples.from(t, LABELS);
        assertArrayEquals(new int[]{0, 2}, p.posAnchors());
        assertArrayEquals(new int[]{1, 3}, p.positives());
        assertArrayEquals(new int[]{0, 2}, p.negAnchors());
        assertArrayEquals(new int[]{5, 0}, p.negatives());
        PairTuples pairs = new PairTuples(new int[]{2, 2}, new int[]{3, 4}, new int[]{2, 0}, new int[]{5, 2});
        TripletTuples back = TripletTuples.from(pairs, LABELS);
        assertEquals(new TripletTuples(new int[]{2, 2}, new int[]{3, 4}, new int[]{5, 5}), back);
        QuadrupletTuples q = new QuadrupletTuples(new int[]{0}, new int[]{1}, new int[]{2}, new int[]{5});
        assertEquals(new TripletTuples(new int[]{0}, new int[]{1}, new int[]{2}), TripletTuples.from(q, LABELS));
    }

    @Test
    void degenerateRuleAndMasks() {
        assertTrue(new PairTuples(new int[]{0}, new int[]{1}, new int[]{}, new int[]{}).isDegenerate());
        PairTuples all = PairTuples.all(LABELS);
        boolean[] pos = all.positiveMask(LABELS.length, LABELS.length);
        assertTrue(pos[1] && pos[6] && !pos[2] && !pos[0]);
        assertThrows(IllegalArgumentException.class, () -> new TripletTuples(new int[1], new int[2], new int[1]));
    }
}

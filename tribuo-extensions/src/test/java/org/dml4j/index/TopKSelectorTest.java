package org.dml4j.index;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class TopKSelectorTest {

    private static int[] drain(TopKSelector s) {
        int[][] idx = new int[1][];
        double[][] dist = new double[1][];
        s.drainSorted(idx, dist, 0);
        return idx[0];
    }

    @Test
    void keepsSmallestWithTiesByIndex() {
        TopKSelector s = new TopKSelector(3);
        double[] d = {5, 1, 3, 1, 0.5, 3, 1};
        for (int i = 0; i < d.length; i++) {
            s.offer(d[i], i);
        }
        assertArrayEquals(new int[]{4, 1, 3}, drain(s));
    }

    @Test
    void tieOrderDoesNotDependOnOfferOrder() {
        TopKSelector s = new TopKSelector(2);
        s.offer(2.0, 9);
        s.offer(2.0, 3);
        s.offer(2.0, 5);
        s.offer(2.0, 1);
        assertArrayEquals(new int[]{1, 3}, drain(s));
    }

    @Test
    void fewerCandidatesThanK() {
        TopKSelector s = new TopKSelector(5);
        s.offer(2.0, 0);
        s.offer(1.0, 1);
        assertArrayEquals(new int[]{1, 0}, drain(s));
    }
}

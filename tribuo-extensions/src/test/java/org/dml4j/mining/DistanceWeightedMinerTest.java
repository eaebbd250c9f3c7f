package org.dml4j.mining;

import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistanceWeightedMinerTest {

    private static final int[] LABELS = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
    private static final int DIM = 4;

    /** The sampling weight of the paper, written out independently of the miner. */
    private static double paperWeight(double distance) {
        double d = Math.max(distance, 0.5);
        return Math.pow(d, 2 - DIM) * Math.pow(1 - d * d / 4, (3 - DIM) / 2.0);
    }

    @Test
    void negativesFollowTheInverseDensity() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 21).muli(0.3);
        PairwiseMatrix m = new LpDistance().pairwise(x);
        DistanceWeightedMiner miner = new DistanceWeightedMiner(0.5, 1.4, 99);
        int anchor = 0;
        double[] expected = new double[LABELS.length];
        double total = 0;
        for (int j = 0; j < LABELS.length; j++) {
            if (LABELS[j] != LABELS[anchor] && m.get(anchor, j) < 1.4) {
                expected[j] = paperWeight(m.get(anchor, j));
                total += expected[j];
            }
        }
        assertTrue(total > 0, "the test batch must have drawable negatives");
        int[] counts = new int[LABELS.length];
        int draws = 0;
        for (int round = 0; round < 4000; round++) {
            TripletTuples t = miner.mine(x, LABELS);
            for (int k = 0; k < t.size(); k++) {
                if (t.anchors()[k] == anchor) {
                    counts[t.negatives()[k]]++;
                    draws++;
                }
            }
        }
        for (int j = 0; j < LABELS.length; j++) {
            double p = expected[j] / total;
            double observed = counts[j] / (double) draws;
            // Five standard errors of a binomial proportion.
            double tolerance = 5 * Math.sqrt(p * (1 - p) / draws) + 1e-9;
            assertEquals(p, observed, tolerance, "negative " + j);
            if (p == 0) {
                assertEquals(0, counts[j], "never draws a positive or a negative beyond the cutoff");
            }
        }
    }

    @Test
    void sameSeedSameTuples() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 5);
        TripletTuples a = new DistanceWeightedMiner(0.5, 1.4, 7).mine(x, LABELS);
        TripletTuples b = new DistanceWeightedMiner(0.5, 1.4, 7).mine(x, LABELS);
        TripletTuples c = new DistanceWeightedMiner(0.5, 1.4, 8).mine(x, LABELS);
        assertEquals(a, b);
        assertNotEquals(a, c);
        // As PML: one triplet per member of the anchor's class, for every anchor.
        assertEquals(LABELS.length * 3, a.size());
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(RuntimeException.class, () -> new DistanceWeightedMiner(1.5, 1.4, 1));
    }
}

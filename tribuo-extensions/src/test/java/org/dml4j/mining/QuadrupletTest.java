package org.dml4j.mining;

import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.QuadrupletLoss;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuadrupletTest {

    private static final int[] LABELS = {0, 0, 1, 1, 2, 2, 3, 3, 0, 1};

    @Test
    void secondNegativesAreTheHardestValidOnes() {
        INDArray x = FiniteDifferences.clustered(LABELS, 5, 13);
        PairwiseMatrix m = new LpDistance().pairwise(x);
        QuadrupletTuples q = new QuadrupletMiner().mine(x, LABELS);
        assertEquals(LABELS.length, q.size(), "one batch-hard triplet per anchor, each completed");
        for (int t = 0; t < q.size(); t++) {
            int a = q.anchors()[t];
            int n = q.negatives()[t];
            int k = q.secondNegatives()[t];
            assertTrue(LABELS[k] != LABELS[a] && LABELS[k] != LABELS[n]);
            for (int j = 0; j < LABELS.length; j++) {
                if (LABELS[j] != LABELS[a] && LABELS[j] != LABELS[n]) {
                    assertTrue(m.get(n, k) <= m.get(n, j), "k must be the closest valid second negative");
                }
            }
        }
    }

    @Test
    void lossMatchesItsDefinitionAndItsGradient() {
        INDArray x = FiniteDifferences.clustered(LABELS, 5, 17);
        QuadrupletTuples q = new QuadrupletTuples(new int[]{0, 2, 4}, new int[]{1, 3, 5}, new int[]{2, 4, 6},
                new int[]{4, 6, 8});
        PairwiseMatrix m = new LpDistance().pairwise(x);
        double tripletSum = 0;
        double pairSum = 0;
        int tripletCount = 0;
        int pairCount = 0;
        for (int t = 0; t < 3; t++) {
            double ap = m.get(q.anchors()[t], q.positives()[t]);
            double first = Math.max(0, ap - m.get(q.anchors()[t], q.negatives()[t]) + 0.9);
            double second = Math.max(0, ap - m.get(q.negatives()[t], q.secondNegatives()[t]) + 0.5);
            tripletSum += first;
            pairSum += second;
            tripletCount += first > 0 ? 1 : 0;
            pairCount += second > 0 ? 1 : 0;
        }
        double expected = (tripletCount == 0 ? 0 : tripletSum / tripletCount) + (pairCount == 0 ? 0 : pairSum / pairCount);
        QuadrupletLoss loss = new QuadrupletLoss(0.9, 0.5, new LpDistance(), new org.dml4j.reduce.AvgNonZeroReducer());
        LossResult r = loss.compute(x, LABELS, q);
        assertTrue(expected > 0);
        assertEquals(expected, r.value(), 1e-12);
        assertTrue(FiniteDifferences.relativeError(v -> loss.compute(v, LABELS, q).value(), x,
                r.embeddingGradient()) < 1e-6);
    }

    @Test
    void tripletsFromAnyMinerAreCompleted() {
        INDArray x = FiniteDifferences.clustered(LABELS, 5, 19);
        TripletTuples semihard = new TripletMarginMiner(0.5, TripletMarginMiner.Type.ALL, new LpDistance())
                .mine(x, LABELS);
        QuadrupletLoss loss = new QuadrupletLoss();
        QuadrupletTuples completed = QuadrupletMiner.complete(semihard, LABELS, new LpDistance().pairwise(x));
        assertEquals(semihard.size(), completed.size());
        assertEquals(loss.compute(x, LABELS, completed).value(), loss.compute(x, LABELS, semihard).value(), 1e-12);
    }
}

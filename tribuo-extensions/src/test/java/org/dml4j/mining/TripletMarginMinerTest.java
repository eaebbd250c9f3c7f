package org.dml4j.mining;

import org.dml4j.distance.Distance;
import org.dml4j.distance.DotProductSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TripletMarginMinerTest {

    /**
     * The miner's anchor-by-anchor scan against the definition written out over every triplet, on small integer
     * embeddings whose squared distances and dot products are exact integers, so that many triplets sit exactly on
     * the interval ends (mg = 0 and mg = margin).
     */
    @Test
    void keepsExactlyTheTripletsOfTheDefinitionInItsOrderIncludingTies() {
        Random random = new Random(11);
        int size = 40;
        double[][] rows = new double[size][4];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            labels[i] = random.nextInt(5);
            for (int k = 0; k < 4; k++) {
                rows[i][k] = random.nextInt(3) - 1;
            }
        }
        INDArray x = Nd4j.createFromArray(rows).castTo(DataType.DOUBLE);
        for (Distance distance : List.<Distance>of(new LpDistance(false, 2), new DotProductSimilarity())) {
            PairwiseMatrix m = distance.pairwise(x);
            for (double margin : new double[]{0, 1, 2}) {
                for (TripletMarginMiner.Type type : TripletMarginMiner.Type.values()) {
                    TripletTuples expected = TripletTuples.where(labels,
                            (a, p, n) -> keep(type, margin, distance.margin(m.get(a, n), m.get(a, p))));
                    TripletTuples got = new TripletMarginMiner(margin, type, distance).mine(x, labels);
                    assertEquals(expected, got, distance + " " + type + " margin " + margin);
                }
            }
            TripletTuples onTheMargin = TripletTuples.where(labels,
                    (a, p, n) -> distance.margin(m.get(a, n), m.get(a, p)) == 1);
            assertTrue(onTheMargin.size() > 20, "the data must have ties to test them: " + onTheMargin.size());
        }
    }

    private static boolean keep(TripletMarginMiner.Type type, double margin, double mg) {
        return switch (type) {
            case ALL -> mg <= margin;
            case HARD -> mg <= margin && mg <= 0;
            case SEMIHARD -> mg <= margin && mg > 0;
            case EASY -> mg > margin;
        };
    }

    @Test
    void aBatchLargerThanTheFirstBufferGrowsIt() {
        // 3 classes of 30: every anchor has 29 positives and 60 negatives, 90 * 29 * 60 = 156,600 triplets, more
        // than the 90 * 90 the buffer starts with.
        int[] labels = new int[90];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        INDArray x = Nd4j.randn(5, new long[]{90, 8});
        TripletTuples all = new TripletMarginMiner(1e9, TripletMarginMiner.Type.ALL, new LpDistance()).mine(x, labels);
        assertEquals(90 * 29 * 60, all.size());
        assertEquals(TripletTuples.all(labels), all);
    }
}

package org.dml4j.loss;

import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.QuadrupletTuples;
import org.dml4j.mining.TripletTuples;

import java.util.Arrays;

/**
 * Per-example weights from mined tuples for the losses that work per example (NCA, proxy and softmax losses), as
 * PML's {@code convert_to_weights}: without tuples every weight is 1; otherwise each example's weight is its number
 * of occurrences in the tuples divided by the largest such number (0 for examples in no tuple). Against a reference
 * set only the anchors index the queries, so only they count ({@code using_ref}).
 */
final class MinerWeights {

    private MinerWeights() {
    }

    static double[] of(IndexTuples tuples, int batchSize) {
        return of(tuples, batchSize, false);
    }

    /**
     * @param tuples         the mined tuples, or null
     * @param batchSize      the number of (query) rows
     * @param usingReference whether the tuples' other members index a reference set (then only anchors count)
     * @return the weight of each row
     */
    static double[] of(IndexTuples tuples, int batchSize, boolean usingReference) {
        double[] weights = new double[batchSize];
        if (tuples == null || tuples.size() == 0) {
            Arrays.fill(weights, 1);
            return weights;
        }
        for (int[] indices : usingReference ? anchorLists(tuples) : indexLists(tuples)) {
            for (int i : indices) {
                weights[i]++;
            }
        }
        double max = Arrays.stream(weights).max().orElse(1);
        for (int i = 0; i < batchSize; i++) {
            weights[i] /= max;
        }
        return weights;
    }

    private static int[][] anchorLists(IndexTuples tuples) {
        if (tuples instanceof PairTuples p) {
            return new int[][]{p.posAnchors(), p.negAnchors()};
        }
        if (tuples instanceof TripletTuples t) {
            return new int[][]{t.anchors()};
        }
        return new int[][]{((QuadrupletTuples) tuples).anchors()};
    }

    private static int[][] indexLists(IndexTuples tuples) {
        if (tuples instanceof PairTuples p) {
            return new int[][]{p.posAnchors(), p.positives(), p.negAnchors(), p.negatives()};
        }
        if (tuples instanceof TripletTuples t) {
            return new int[][]{t.anchors(), t.positives(), t.negatives()};
        }
        QuadrupletTuples q = (QuadrupletTuples) tuples;
        return new int[][]{q.anchors(), q.positives(), q.negatives(), q.secondNegatives()};
    }
}

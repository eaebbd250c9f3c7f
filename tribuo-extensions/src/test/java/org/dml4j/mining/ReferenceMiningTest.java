package org.dml4j.mining;

import org.dml4j.distance.LpDistance;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Miners of queries against a reference set (PML's {@code miner(embeddings, labels, ref_emb, ref_labels)}): against a
 * copy of the batch they mine what they mine on the batch plus the pairs with each query's own copy, which PML keeps.
 */
class ReferenceMiningTest {

    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};

    private static List<MatrixMiner<?>> miners() {
        return List.of(new TripletMarginMiner(0.5, TripletMarginMiner.Type.ALL, new LpDistance()),
                new TripletMarginMiner(0.3, TripletMarginMiner.Type.SEMIHARD, new LpDistance()),
                new BatchHardMiner(), new MultiSimilarityMiner(), new PairMarginMiner());
    }

    @Test
    void againstACopyOfTheBatchMinersAddOnlyTheSelfPairs() {
        INDArray x = FiniteDifferences.clustered(LABELS, 6, 11);
        for (MatrixMiner<?> miner : miners()) {
            assertTrue(miner.acceptsReferences());
            IndexTuples self = miner.mine(x, LABELS);
            IndexTuples reference = miner.mine(x, LABELS, x.dup(), LABELS);
            assertTrue(self.size() > 0, miner.toString());
            assertEquals(self, withoutSelfPairs(reference), miner.toString());
            assertEquals(reference, miner.mine(miner.distance().pairwise(x, x.dup()), LABELS, LABELS));
        }
        // Every anchor is a positive of its own copy: the pair-margin miner keeps all of those beyond -margin.
        PairTuples all = new PairMarginMiner(-1, 0.8, new LpDistance()).mine(x, LABELS, x.dup(), LABELS);
        assertEquals(PairTuples.all(LABELS).numPositive() + LABELS.length, all.numPositive());
    }

    private static IndexTuples withoutSelfPairs(IndexTuples tuples) {
        if (tuples instanceof PairTuples p) {
            List<int[]> kept = keep(p.posAnchors(), p.positives());
            return new PairTuples(kept.get(0), kept.get(1), p.negAnchors(), p.negatives());
        }
        TripletTuples t = (TripletTuples) tuples;
        List<int[]> kept = keep(t.anchors(), t.positives(), t.negatives());
        return new TripletTuples(kept.get(0), kept.get(1), kept.get(2));
    }

    private static List<int[]> keep(int[]... columns) {
        IntList[] out = {new IntList(), new IntList(), new IntList()};
        for (int t = 0; t < columns[0].length; t++) {
            if (columns[0][t] != columns[1][t]) {
                for (int c = 0; c < columns.length; c++) {
                    out[c].add(columns[c][t]);
                }
            }
        }
        return List.of(out[0].toArray(), out[1].toArray(), out[2].toArray());
    }

    @Test
    void distanceWeightedTriplesAnchorInQueriesAndDrawFromReferences() {
        int[] referenceLabels = {0, 1, 2, 3, 0, 1, 2, 3, 4};
        INDArray queries = FiniteDifferences.clustered(LABELS, 6, 12);
        INDArray references = FiniteDifferences.clustered(referenceLabels, 6, 13);
        TripletTuples t = new DistanceWeightedMiner(0.5, 2.0, 3).mine(queries, LABELS, references, referenceLabels);
        // As PML: per anchor as many triplets as the references hold of its class (2 here).
        assertEquals(2 * LABELS.length, t.size());
        for (int k = 0; k < t.size(); k++) {
            assertEquals(LABELS[t.anchors()[k]], referenceLabels[t.positives()[k]]);
            assertFalse(LABELS[t.anchors()[k]] == referenceLabels[t.negatives()[k]]);
        }
    }

    @Test
    void theQuadrupletMinerTakesNoReferenceSet() {
        QuadrupletMiner miner = new QuadrupletMiner(new BatchHardMiner(), new LpDistance());
        INDArray x = FiniteDifferences.clustered(LABELS, 6, 1);
        assertFalse(miner.acceptsReferences());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> miner.mine(x, LABELS, x, LABELS));
        assertTrue(e.getMessage().startsWith("QuadrupletMiner does not mine against a reference set"), e.getMessage());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> new BatchHardMiner().mine(x, LABELS, x, new int[]{0}));
        assertEquals("found 12 reference rows but 1 labels", mismatch.getMessage());
    }
}

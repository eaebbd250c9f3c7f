package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.LpDistance;
import org.dml4j.mining.BatchHardMiner;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.QuadrupletMiner;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.mining.TripletTuples;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossBatchMemoryLossTest {

    private static final int[] LABELS = {0, 0, 1, 1, 2, 2, 3, 3};

    private static INDArray batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 4);
        return x.diviColumnVector(x.norm2(1));
    }

    @Test
    void theLossSeesTheBatchAgainstTheMemoryWithoutSelfComparisons() {
        CrossBatchMemoryLoss xbm = new CrossBatchMemoryLoss(new ContrastiveLoss(), null, 32);
        PairTuples first = (PairTuples) xbm.step(batch(1), LABELS).tuples();
        // Memory = the batch itself: each anchor against the 7 other copies.
        assertEquals(8 * 7, first.size());
        xbm.step(batch(2), LABELS);
        PairTuples third = (PairTuples) xbm.step(batch(3), LABELS).tuples();
        assertEquals(24, xbm.memory().size());
        assertEquals(8 * 23, third.size(), "more tuples than the 8 × 7 of the batch alone");
        // The batch was enqueued last: row a's copy is memory row 16 + a.
        for (int k = 0; k < third.numPositive(); k++) {
            assertTrue(third.posAnchors()[k] < 8 && third.positives()[k] < 24);
            assertTrue(third.positives()[k] != 16 + third.posAnchors()[k], "an anchor is not its own positive");
        }
        for (int k = 0; k < third.numNegative(); k++) {
            assertTrue(third.negAnchors()[k] < 8 && third.negatives()[k] < 24);
        }
    }

    /**
     * The step is the wrapped loss of the batch against the memory as a reference set. For the contrastive loss
     * that is also what the former {@code [batch; memory]} computation gave; for the multi-similarity loss, whose
     * mean runs over query rows, that computation divided by B + M where PML divides by B.
     */
    @Test
    void theStepIsTheLossAgainstTheMemoryAsAReferenceSet() {
        for (TupleLoss loss : new TupleLoss[]{new ContrastiveLoss(), new MultiSimilarityLoss()}) {
            CrossBatchMemoryLoss xbm = new CrossBatchMemoryLoss(loss, null, 16);
            xbm.step(batch(1), LABELS);
            INDArray x = batch(2);
            CrossBatchMemoryLoss.Step step = xbm.step(x, LABELS);
            INDArray memory = xbm.memory().embeddings();
            int[] memoryLabels = xbm.memory().labels();
            ReferenceLossResult direct = loss.compute(x, LABELS, step.tuples(), memory, memoryLabels);
            assertEquals(direct.value(), step.result().value(), 0);
            assertEquals(direct.queryGradient(), step.result().embeddingGradient());

            PairTuples pairs = (PairTuples) step.tuples();
            PairTuples shifted = new PairTuples(pairs.posAnchors(), plus(pairs.positives(), 8), pairs.negAnchors(),
                    plus(pairs.negatives(), 8));
            int[] allLabels = new int[24];
            for (int i = 0; i < 24; i++) {
                allLabels[i] = i < 8 ? LABELS[i] : memoryLabels[i - 8];
            }
            LossResult concatenated = loss.compute(Nd4j.concat(0, x, memory), allLabels, shifted);
            double expected = loss instanceof MultiSimilarityLoss ? step.result().value() * 8 / 24
                    : step.result().value();
            assertEquals(expected, concatenated.value(), 1e-6);
        }
    }

    private static int[] plus(int[] indices, int offset) {
        int[] out = indices.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += offset;
        }
        return out;
    }

    @Test
    void onlyTheBatchReceivesGradientAndTheMemoryKeepsACopy() {
        CrossBatchMemoryLoss xbm = new CrossBatchMemoryLoss(new ContrastiveLoss(), null, 16);
        xbm.step(batch(1), LABELS);
        INDArray before = xbm.memory().embeddings();
        INDArray x = batch(2);
        LossResult result = xbm.compute(x, LABELS, null);
        assertArrayEquals(new long[]{8, 4}, result.embeddingGradient().shape());
        assertTrue(result.embeddingGradient().norm2Number().doubleValue() > 0);
        x.muli(0);
        assertEquals(before, xbm.memory().embeddings().get(NDArrayIndex.interval(0, 8), NDArrayIndex.all()));
        assertTrue(xbm.memory().embeddings().get(NDArrayIndex.interval(8, 16), NDArrayIndex.all())
                .norm2Number().doubleValue() > 0, "the memory keeps a copy of the batch");
    }

    @Test
    void minedTuplesAreTheMinersAgainstTheMemoryLessSelfComparisons() {
        TripletMarginMiner miner = new TripletMarginMiner(1.0, TripletMarginMiner.Type.ALL, new LpDistance());
        CrossBatchMemoryLoss xbm = new CrossBatchMemoryLoss(new TripletMarginLoss(0.2), miner, 16);
        xbm.step(batch(1), LABELS);
        TripletTuples t = (TripletTuples) xbm.step(batch(2), LABELS).tuples();
        TripletTuples mined = miner.mine(batch(2), LABELS, xbm.memory().embeddings(), xbm.memory().labels());
        assertEquals(CrossBatchMemoryLoss.withoutSelfComparisons(mined, 8), t);
        assertTrue(t.size() > 0 && t.size() < mined.size(), "the miner also picks the anchors' own copies");
        for (int k = 0; k < t.size(); k++) {
            assertTrue(t.anchors()[k] < 8 && t.positives()[k] != 8 + t.anchors()[k], "triplet " + k);
        }
        // A miner on another distance than the loss's mines its own matrix.
        CrossBatchMemoryLoss other = new CrossBatchMemoryLoss(new MultiSimilarityLoss(), new BatchHardMiner(), 16);
        assertEquals(8, other.step(batch(1), LABELS).tuples().size());
    }

    @Test
    void selfComparisonsAreThePositivesThatAreTheAnchorsCopy() {
        // Copies start at memory row 4: anchor 0's copy is row 4, anchor 1's row 5.
        PairTuples pairs = new PairTuples(new int[]{0, 0, 1}, new int[]{5, 4, 5}, new int[]{0}, new int[]{6});
        assertEquals(new PairTuples(new int[]{0}, new int[]{5}, new int[]{0}, new int[]{6}),
                CrossBatchMemoryLoss.withoutSelfComparisons(pairs, 4));
        assertEquals(new TripletTuples(new int[]{1}, new int[]{2}, new int[]{3}), CrossBatchMemoryLoss
                .withoutSelfComparisons(new TripletTuples(new int[]{0, 1}, new int[]{2, 2}, new int[]{3, 3}), 2));
    }

    @Test
    void settingsThatCannotWorkAreRejectedNamingTheField() {
        PropertyException e = assertThrows(PropertyException.class,
                () -> new CrossBatchMemoryLoss(new ProxyAnchorLoss(4, 8), null, 64));
        assertEquals("loss", e.getProperty());
        assertTrue(e.getMessage().contains("ProxyAnchorLoss"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new CrossBatchMemoryLoss(new ContrastiveLoss(),
                new QuadrupletMiner(new BatchHardMiner(), new LpDistance()), 64));
        assertEquals("miner", e.getProperty());
        e = assertThrows(PropertyException.class, () -> new CrossBatchMemoryLoss(new ContrastiveLoss(), null, 0));
        assertEquals("memorySize", e.getProperty());
        CrossBatchMemoryLoss xbm = new CrossBatchMemoryLoss(new ContrastiveLoss(), null, 4);
        IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                () -> xbm.step(batch(1), LABELS));
        assertTrue(tooLarge.getMessage().contains("memorySize must be >= the batch size"), tooLarge.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> xbm.compute(batch(1), LABELS, PairTuples.all(LABELS)));
    }

    @Test
    void eachTrainingRunGetsAnEmptyMemory() {
        CrossBatchMemoryLoss xbm = new CrossBatchMemoryLoss(new ContrastiveLoss(), null, 16);
        xbm.step(batch(1), LABELS);
        CrossBatchMemoryLoss fresh = (CrossBatchMemoryLoss) xbm.forTraining(7);
        assertNotSame(xbm.memory(), fresh.memory());
        assertEquals(0, fresh.memory().size());
        assertEquals(8, xbm.memory().size());
    }
}

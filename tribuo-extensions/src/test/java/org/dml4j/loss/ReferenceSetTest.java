package org.dml4j.loss;

import org.dml4j.distance.LpDistance;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.mining.TripletTuples;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Losses of queries against a separate reference set (PML's {@code ref_emb}, {@code ref_labels}): gradients with
 * respect to both sets against finite differences, agreement with the ordinary loss when the batch is its own
 * reference set without self pairs, and clear errors from the losses that take no reference set.
 */
class ReferenceSetTest {

    private static final int[] QUERY_LABELS = {0, 1, 2, 0, 1, 3, 2};
    private static final int[] REFERENCE_LABELS = {0, 1, 2, 2, 0, 1, 3, 4, 1};
    private static final int[] BATCH_LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};
    private static final int DIM = 5;

    /** Every loss of {@link LossGradientTest} that takes a reference set, and CircleLoss. */
    private static Map<String, TupleLoss> losses() {
        Map<String, TupleLoss> losses = new LinkedHashMap<>();
        LossGradientTest.losses().forEach((name, loss) -> {
            if (loss.acceptsReferences()) {
                losses.put(name, (TupleLoss) loss);
            }
        });
        losses.put("circle", new CircleLoss());
        return losses;
    }

    @TestFactory
    Stream<DynamicTest> gradientsOfBothSetsMatchFiniteDifferences() {
        // CircleLoss treats its self-paced weights as constants (as PML), so finite differences do not apply.
        return losses().entrySet().stream().filter(e -> !e.getKey().equals("circle"))
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> checkBothGradients(e.getValue(), null,
                        FiniteDifferences.clustered(QUERY_LABELS, DIM, 3),
                        FiniteDifferences.clustered(REFERENCE_LABELS, DIM, 4))));
    }

    @Test
    void minedTuplesAgainstReferencesHaveFiniteDifferenceGradients() {
        INDArray queries = FiniteDifferences.clustered(QUERY_LABELS, DIM, 5);
        INDArray references = FiniteDifferences.clustered(REFERENCE_LABELS, DIM, 6);
        TripletTuples triplets = new TripletMarginMiner(0.3, TripletMarginMiner.Type.ALL, new LpDistance())
                .mine(queries, QUERY_LABELS, references, REFERENCE_LABELS);
        PairTuples pairs = new MultiSimilarityMiner().mine(queries, QUERY_LABELS, references, REFERENCE_LABELS);
        assertTrue(triplets.size() > 0 && pairs.size() > 0);
        checkBothGradients(new TripletMarginLoss(0.3), triplets, queries, references);
        checkBothGradients(new MultiSimilarityLoss(), pairs, queries, references);
        checkBothGradients(new NCALoss(), pairs, queries, references);
    }

    private static void checkBothGradients(TupleLoss loss, IndexTuples tuples, INDArray queries,
                                           INDArray references) {
        ReferenceLossResult result = loss.compute(queries, QUERY_LABELS, tuples, references, REFERENCE_LABELS);
        assertTrue(result.value() > 0, loss + ": a random batch should have a positive loss");
        assertTrue(result.referenceGradient().norm2Number().doubleValue() > 0, loss + ": no reference gradient");
        double queryError = FiniteDifferences.relativeError(v -> loss.compute(v, QUERY_LABELS, tuples, references,
                REFERENCE_LABELS).value(), queries, result.queryGradient());
        double referenceError = FiniteDifferences.relativeError(v -> loss.compute(queries, QUERY_LABELS, tuples, v,
                REFERENCE_LABELS).value(), references, result.referenceGradient());
        assertTrue(queryError < 1e-5 && referenceError < 1e-5, loss + ": " + queryError + ", " + referenceError);
    }

    /**
     * With the batch as its own reference set and the batch's tuples (no self pairs), every tuple loss computes its
     * ordinary value, and the two gradients add up to the ordinary gradient. NCA is the exception, as in PML: its
     * tuples only weight the anchors, so a reference set always includes each query's own copy.
     */
    @TestFactory
    Stream<DynamicTest> theBatchAsItsOwnReferenceSetWithoutSelfPairsGivesTheOrdinaryLoss() {
        return losses().entrySet().stream().filter(e -> !(e.getValue() instanceof NCALoss))
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
                    TupleLoss loss = e.getValue();
                    INDArray x = FiniteDifferences.clustered(BATCH_LABELS, DIM, 8);
                    IndexTuples tuples = loss instanceof TripletMarginLoss || loss instanceof MarginLoss
                            ? TripletTuples.all(BATCH_LABELS) : PairTuples.all(BATCH_LABELS);
                    LossResult ordinary = loss.compute(x, BATCH_LABELS);
                    ReferenceLossResult split = loss.compute(x, BATCH_LABELS, tuples, x.dup(), BATCH_LABELS);
                    assertTrue(ordinary.value() > 0);
                    assertEquals(ordinary.value(), split.value(), 1e-12 * ordinary.value());
                    INDArray total = split.queryGradient().add(split.referenceGradient());
                    double scale = ordinary.embeddingGradient().amaxNumber().doubleValue();
                    assertEquals(0, total.sub(ordinary.embeddingGradient()).amaxNumber().doubleValue(), 1e-10 * scale);
                }));
    }

    @Test
    void defaultTuplesAgainstAReferenceSetKeepEachQuerysOwnCopy() {
        INDArray x = FiniteDifferences.clustered(BATCH_LABELS, DIM, 9);
        MultiSimilarityLoss loss = new MultiSimilarityLoss();
        double withCopies = loss.compute(x, BATCH_LABELS, null, x.dup(), BATCH_LABELS).value();
        assertEquals(loss.compute(x, BATCH_LABELS, PairTuples.all(BATCH_LABELS, BATCH_LABELS), x.dup(), BATCH_LABELS)
                .value(), withCopies, 0);
        assertFalse(Math.abs(withCopies - loss.compute(x, BATCH_LABELS).value()) < 1e-6,
                "the copy is a positive pair, as in PML");
        NCALoss nca = new NCALoss();
        assertTrue(nca.compute(x, BATCH_LABELS, null, x.dup(), BATCH_LABELS).value()
                < nca.compute(x, BATCH_LABELS).value(), "NCA's own copy adds probability mass to its class");
    }

    @Test
    void lossesWithoutReferenceSetsSaySo() {
        INDArray x = FiniteDifferences.clustered(QUERY_LABELS, DIM, 1);
        INDArray r = FiniteDifferences.clustered(REFERENCE_LABELS, DIM, 2);
        for (MetricLoss loss : new MetricLoss[]{new ProxyAnchorLoss(5, DIM), new ProxyNCALoss(5, DIM),
                new ArcFaceLoss(5, DIM), new CosFaceLoss(5, DIM), new QuadrupletLoss(),
                new TripletMarginLoss(0.1).withOptions(true, false)}) {
            assertFalse(loss.acceptsReferences(), loss.toString());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> loss.compute(x, QUERY_LABELS, null, r, REFERENCE_LABELS));
            assertTrue(e.getMessage().contains("reference set"), e.getMessage());
        }
        assertTrue(new TripletMarginLoss(0.1).acceptsReferences());
    }

    @Test
    void mismatchedReferenceLabelsAreRejected() {
        INDArray x = FiniteDifferences.clustered(QUERY_LABELS, DIM, 1);
        INDArray r = FiniteDifferences.clustered(REFERENCE_LABELS, DIM, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContrastiveLoss().compute(x, QUERY_LABELS, null, r, QUERY_LABELS));
        assertEquals("the reference set has 9 embeddings but 7 labels", e.getMessage());
    }
}

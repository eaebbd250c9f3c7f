package org.dml4j.loss;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.DotProductSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.SNRDistance;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.PerAnchorReducer;
import org.dml4j.reduce.SumReducer;
import org.dml4j.reduce.ThresholdReducer;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Analytic gradients of every loss, with distances and reducers beyond the golden cases' defaults, against central
 * finite differences (tuples held fixed, as PML's miners run without gradient); numerical stability on PML's edge
 * cases; and input checks. CircleLoss is left out of the finite-difference check: its gradient treats its
 * self-paced weights as constants by design, and the golden cases check it exactly.
 */
class LossGradientTest {

    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};
    private static final int DIM = 6;

    static Map<String, MetricLoss> losses() {
        Map<String, MetricLoss> losses = new LinkedHashMap<>();
        losses.put("contrastive", new ContrastiveLoss());
        losses.put("contrastive-per-anchor-dot", new ContrastiveLoss(0.5, 0.2, new DotProductSimilarity(),
                new PerAnchorReducer(new MeanReducer())));
        losses.put("triplet", new TripletMarginLoss(0.2));
        losses.put("triplet-swap-smooth", new TripletMarginLoss(0.3, new LpDistance(false, 1), new MeanReducer())
                .withOptions(true, true));
        losses.put("triplet-threshold-cosine", new TripletMarginLoss(0.4, new CosineSimilarity(),
                new ThresholdReducer(0.05, 0.6)));
        losses.put("quadruplet", new QuadrupletLoss());
        losses.put("quadruplet-squared-sum", new QuadrupletLoss(0.5, 0.25, new LpDistance(true, 2), new SumReducer()));
        losses.put("margin", new MarginLoss());
        losses.put("lifted-structure", new LiftedStructureLoss());
        losses.put("multi-similarity", new MultiSimilarityLoss());
        losses.put("ntxent", new NTXentLoss());
        losses.put("ntxent-distance", new NTXentLoss(0.5, new LpDistance(), new MeanReducer()));
        losses.put("supcon", new SupConLoss());
        losses.put("nca", new NCALoss());
        losses.put("nca-scaled-unnormalized", new NCALoss(3, new LpDistance(false, 2), new MeanReducer()));
        losses.put("proxy-nca", new ProxyNCALoss(4, DIM));
        losses.put("proxy-anchor", new ProxyAnchorLoss(5, DIM));
        losses.put("arcface", new ArcFaceLoss(4, DIM));
        losses.put("cosface", new CosFaceLoss(4, DIM));
        losses.put("angular", new AngularLoss());
        losses.put("angular-sum", new AngularLoss(50, new CosineSimilarity(), new SumReducer()));
        losses.put("generalized-lifted-structure", new GeneralizedLiftedStructureLoss());
        losses.put("generalized-lifted-structure-cosine", new GeneralizedLiftedStructureLoss(0.3, 0.9,
                new CosineSimilarity(), new MeanReducer()));
        losses.put("intra-pair-variance", new IntraPairVarianceLoss());
        losses.put("intra-pair-variance-lp-sum", new IntraPairVarianceLoss(0.05, 0.1, new LpDistance(),
                new SumReducer()));
        losses.put("instance", new InstanceLoss(4, new CosineSimilarity(), new MeanReducer()));
        losses.put("normalized-softmax", new NormalizedSoftmaxLoss(4, DIM));
        losses.put("normalized-softmax-lp", new NormalizedSoftmaxLoss(4, DIM, 0.5, new LpDistance(),
                new MeanReducer()));
        losses.put("large-margin-softmax", new LargeMarginSoftmaxLoss(4, DIM));
        losses.put("large-margin-softmax-m3", new LargeMarginSoftmaxLoss(4, DIM, 3, 2));
        losses.put("sphereface", new SphereFaceLoss(4, DIM));
        losses.put("sub-center-arcface", new SubCenterArcFaceLoss(4, DIM));
        RankingLossTest.addLosses(losses);
        losses.put("n-pairs", new NPairsLoss());
        losses.put("n-pairs-lp-sum", new NPairsLoss(new LpDistance(false, 2), new SumReducer()));
        losses.put("tuplet-margin", new TupletMarginLoss());
        losses.put("tuplet-margin-sum", new TupletMarginLoss(20, 16, new SumReducer()));
        losses.put("snr-contrastive", new SignalToNoiseRatioContrastiveLoss());
        losses.put("snr-contrastive-unnormalized", new SignalToNoiseRatioContrastiveLoss(0.1, 0.8,
                new SNRDistance(false), new MeanReducer()));
        losses.put("threshold-consistent-margin", new ThresholdConsistentMarginLoss());
        losses.put("soft-triple", new SoftTripleLoss(4, DIM));
        losses.put("soft-triple-k3", new SoftTripleLoss(5, DIM, 3, 8, 0.5, 0.2, new CosineSimilarity(),
                new AvgNonZeroReducer()));
        losses.put("p2s-grad", new P2SGradLoss(4, DIM));
        losses.put("manifold", new ManifoldLoss(4, DIM));
        losses.put("manifold-context-only-lp", new ManifoldLoss(5, DIM, Double.POSITIVE_INFINITY, 0.6, 0.01,
                new LpDistance()));
        losses.put("smooth-ap", new SmoothAPLoss());
        losses.put("smooth-ap-lp-sum", new SmoothAPLoss(0.2, new LpDistance(), new SumReducer()));
        losses.put("multiple", new MultipleLosses(java.util.List.of(
                new WeightedLoss(new TripletMarginLoss(0.2), 1, null),
                new WeightedLoss(new ThresholdConsistentMarginLoss(), 0.5, null),
                new WeightedLoss(new ProxyNCALoss(4, DIM), 2, null))));
        return losses;
    }

    @TestFactory
    Stream<DynamicTest> embeddingGradientsMatchFiniteDifferences() {
        return losses().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            MetricLoss loss = e.getValue();
            INDArray x = FiniteDifferences.clustered(LABELS, DIM, 7);
            LossResult result = loss.compute(x, LABELS);
            assertTrue(result.value() != 0, "a random batch should have a non-zero loss (positive, except the"
                    + " dynamic soft margin loss, mean CDF(gap)·gap)");
            double error = FiniteDifferences.relativeError(
                    v -> loss.compute(v, LABELS).value(), x, result.embeddingGradient());
            assertTrue(error < 1e-5, e.getKey() + " relative gradient error " + error);
        }));
    }

    @TestFactory
    Stream<DynamicTest> classVectorGradientsMatchFiniteDifferences() {
        // P2SGrad renormalizes its class vectors before each computation, as PML: see P2SGradLossTest instead.
        return losses().entrySet().stream().filter(e -> e.getValue() instanceof ClassParameterLoss
                        && !(e.getValue() instanceof P2SGradLoss))
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
                    ClassParameterLoss loss = (ClassParameterLoss) e.getValue();
                    INDArray x = FiniteDifferences.clustered(LABELS, DIM, 3);
                    INDArray vectors = loss.classVectors().castTo(DataType.DOUBLE);
                    loss.setClassVectors(vectors);
                    LossResult result = loss.compute(x, LABELS);
                    INDArray analytic = result.parameterGradients().get(loss.parameterName());
                    double error = FiniteDifferences.relativeError(v -> {
                        loss.setClassVectors(v);
                        return loss.compute(x, LABELS).value();
                    }, vectors, analytic);
                    assertTrue(error < 1e-5, e.getKey() + " relative class-vector gradient error " + error);
                }));
    }

    @Test
    void minedTuplesAreConstantsForTheGradient() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 11);
        IndexTuples triplets = new TripletMarginMiner(0.3, TripletMarginMiner.Type.SEMIHARD, new LpDistance())
                .mine(x, LABELS);
        IndexTuples pairs = new MultiSimilarityMiner().mine(x, LABELS);
        MetricLoss triplet = new TripletMarginLoss(0.3);
        MetricLoss ms = new MultiSimilarityLoss();
        assertTrue(FiniteDifferences.relativeError(v -> triplet.compute(v, LABELS, triplets).value(), x,
                triplet.compute(x, LABELS, triplets).embeddingGradient()) < 1e-5);
        assertTrue(FiniteDifferences.relativeError(v -> ms.compute(v, LABELS, pairs).value(), x,
                ms.compute(x, LABELS, pairs).embeddingGradient()) < 1e-5);
    }

    /** PML's edge cases and worse: zero rows, duplicates, huge values. Nothing may be NaN or infinite. */
    @TestFactory
    Stream<DynamicTest> stableOnDegenerateBatches() {
        double[][] zeros = new double[LABELS.length][DIM];
        double[][] duplicates = new double[LABELS.length][DIM];
        double[][] huge = new double[LABELS.length][DIM];
        for (int i = 0; i < LABELS.length; i++) {
            for (int k = 0; k < DIM; k++) {
                duplicates[i][k] = (i % 2) + k;
                huge[i][k] = 1e15 * ((i * 7 + k * 3) % 5 - 2);
            }
        }
        Map<String, double[][]> batches = Map.of("zeros", zeros, "duplicates", duplicates, "huge", huge);
        return losses().entrySet().stream().flatMap(e -> batches.entrySet().stream().map(b ->
                DynamicTest.dynamicTest(e.getKey() + "/" + b.getKey(), () -> {
                    for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
                        LossResult r = e.getValue().compute(Nd4j.create(b.getValue()).castTo(type), LABELS);
                        assertTrue(Double.isFinite(r.value()), "loss " + r.value());
                        assertEquals(type, r.embeddingGradient().dataType());
                        assertFalse(r.embeddingGradient().castTo(DataType.DOUBLE).isInfinite().any());
                        assertFalse(r.embeddingGradient().castTo(DataType.DOUBLE).isNaN().any());
                        for (INDArray g : r.parameterGradients().values()) {
                            assertFalse(g.castTo(DataType.DOUBLE).isNaN().any());
                        }
                    }
                })));
    }

    @Test
    void badBatchesAreRejectedWithTheReason() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 1);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> new ContrastiveLoss().compute(x, new int[]{0, 1}));
        assertTrue(count.getMessage().contains("12 embeddings but 2 labels"), count.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> new ProxyNCALoss(2, DIM).compute(x, LABELS));
        assertTrue(label.getMessage().contains("numClasses"), label.getMessage());
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> new ArcFaceLoss(4, DIM + 1).compute(x, LABELS));
        assertTrue(dim.getMessage().contains("embeddingSize=7"), dim.getMessage());
    }

    @Test
    void classVectorsAreTrainableParameters() {
        ProxyAnchorLoss loss = new ProxyAnchorLoss(5, DIM);
        assertSame(loss.classVectors(), loss.parameters().get("proxies"));
        assertEquals(DataType.FLOAT, loss.classVectors().dataType());
        LossResult r = loss.compute(FiniteDifferences.clustered(LABELS, DIM, 2).castTo(DataType.FLOAT), LABELS);
        assertEquals(DataType.FLOAT, r.parameterGradients().get("proxies").dataType());
        assertTrue(new ArcFaceLoss(4, DIM).parameters().containsKey("classWeights"));
    }

    @Test
    void emptyOrDegenerateBatchesGiveZero() {
        int[] oneClass = {0, 0, 0, 0};
        int[] allDistinct = {0, 1, 2, 3};
        INDArray x = FiniteDifferences.clustered(allDistinct, DIM, 5);
        assertEquals(0, new TripletMarginLoss().compute(x, oneClass).value());
        assertEquals(0, new TripletMarginLoss().compute(x, allDistinct).value());
        assertEquals(0, new NCALoss().compute(x, allDistinct).value(), "PML gives NaN here; DML4J 0");
        assertEquals(0, new SupConLoss().compute(x, oneClass).value());
        assertEquals(0, new AvgNonZeroReducer().reduce(org.dml4j.reduce.LossTerms.perElement(new double[0])));
    }
}

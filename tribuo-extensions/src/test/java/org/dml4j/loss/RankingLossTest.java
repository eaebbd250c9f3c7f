package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.SumReducer;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ranking and histogram losses (FastAP, histogram, PNP, ranked list, dynamic soft margin) beyond their golden
 * cases: mined tuples
 * held fixed under finite differences, PML's batch and configuration rules, and the cases where PML fails.
 */
class RankingLossTest {

    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};
    private static final int DIM = 6;

    /** The losses of this family for {@link LossGradientTest}, with options beyond the golden cases'. */
    static void addLosses(Map<String, MetricLoss> losses) {
        losses.put("fast-ap", new FastAPLoss());
        losses.put("fast-ap-7-bins-distance-sum", new FastAPLoss(7, new LpDistance(), new SumReducer()));
        losses.put("histogram", new HistogramLoss());
        losses.put("histogram-20-bins", new HistogramLoss(20, new CosineSimilarity(), new MeanReducer()));
        for (PNPLoss.Variant variant : PNPLoss.Variant.values()) {
            losses.put("pnp-" + variant, new PNPLoss(variant, 3, 2, 0.1, new CosineSimilarity(), new MeanReducer()));
        }
        losses.put("pnp", new PNPLoss());
        losses.put("ranked-list", new RankedListLoss(0.4, 10));
        losses.put("ranked-list-tp-squared", new RankedListLoss(0.6, 4, 0.3, 1.1, 2, new LpDistance(true, 2),
                new SumReducer()));
        // stateful: the finite differences probe a fresh copy (first call) at each point
        losses.put("dynamic-soft-margin", new FreshEachCall(new DynamicSoftMarginLoss()));
        losses.put("dynamic-soft-margin-squared", new FreshEachCall(new DynamicSoftMarginLoss(-4, 16, 0.5,
                new LpDistance(true, 2), new SumReducer())));
    }

    /** A stateful loss computed by a fresh copy (its {@code forTraining}) at every call. */
    private record FreshEachCall(MetricLoss loss) implements MetricLoss {
        @Override
        public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
            return loss.forTraining(0).compute(embeddings, labels, tuples);
        }

        @Override
        public com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance getProvenance() {
            return loss.getProvenance();
        }
    }

    @Test
    void dynamicSoftMarginKeepsItsHistogramAcrossBatchesAndRunsDoNotShareIt() {
        DynamicSoftMarginLoss loss = new DynamicSoftMarginLoss();
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 21);
        INDArray y = FiniteDifferences.clustered(LABELS, DIM, 22);
        double first = loss.compute(y, LABELS).value();
        double[] afterOne = loss.histogram();
        assertEquals(1, java.util.Arrays.stream(afterOne).sum(), 1e-12);
        loss.compute(x, LABELS);
        assertTrue(loss.compute(y, LABELS).value() != first, "the histogram of earlier batches weighs the loss");
        MetricLoss fresh = loss.forTraining(0);
        assertEquals(first, fresh.compute(y, LABELS).value(), 1e-15);
        // a new run starts from an empty histogram; the training one is untouched by it
        assertTrue(java.util.Arrays.stream(loss.histogram()).sum() > 0);
    }

    @Test
    void dynamicSoftMarginTakesTripletsBeyondPmlsRange() {
        // PML raises "index 10 is out of bounds" when D_ap - D_an >= 1.6 (defaults); DML4J uses the last node.
        int[] labels = {0, 0, 1};
        INDArray x = org.nd4j.linalg.factory.Nd4j.create(new double[][]{{1, 0}, {-1, 0}, {1, 1e-3}});
        LossResult r = new DynamicSoftMarginLoss().compute(x, labels);
        // triplets (0,1,2): gap 2 - 1e-3, weighed by CDF 1 at the last node; (1,0,2): gap about 0
        assertEquals(1.0, r.value(), 1e-3, "the mean of the out-of-range gap weighed by CDF 1 and a zero gap");
        assertFalse(r.embeddingGradient().isNaN().any());
    }

    @Test
    void minedTuplesAreConstantsForTheGradient() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 13);
        IndexTuples pairs = new MultiSimilarityMiner().mine(x, LABELS);
        IndexTuples triplets = new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD, new CosineSimilarity())
                .mine(x, LABELS);
        for (Map.Entry<MetricLoss, IndexTuples> e : Map.<MetricLoss, IndexTuples>of(new FastAPLoss(), pairs, new HistogramLoss(), triplets,
                new HistogramLoss(), pairs).entrySet()) {
            MetricLoss loss = e.getKey();
            LossResult mined = loss.compute(x, LABELS, e.getValue());
            assertTrue(mined.value() > 0, loss + " on mined tuples");
            assertTrue(mined.value() != loss.compute(x, LABELS).value(), "the tuples change " + loss);
            double error = FiniteDifferences.relativeError(v -> loss.compute(v, LABELS, e.getValue()).value(), x,
                    mined.embeddingGradient());
            assertTrue(error < 1e-5, loss + " relative gradient error " + error);
        }
    }

    @Test
    void histogramTakesSimilarityOneWherePmlFails() {
        // PML raises "index 101 is out of bounds" here; DML4J takes the limit from below.
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 3);
        x.putRow(3, x.getRow(0));
        LossResult exact = new HistogramLoss().compute(x, LABELS);
        INDArray nearly = x.dup();
        nearly.putScalar(3, 0, x.getDouble(0, 0) * (1 + 1e-9));
        assertEquals(new HistogramLoss().compute(nearly, LABELS).value(), exact.value(), 1e-7);
        assertFalse(exact.embeddingGradient().isNaN().any());
    }

    @Test
    void batchesWithoutTheNeededPairsGiveZero() {
        int[] oneClass = {0, 0, 0, 0};
        int[] allDistinct = {0, 1, 2, 3};
        INDArray x = FiniteDifferences.clustered(allDistinct, DIM, 5);
        for (MetricLoss loss : new MetricLoss[]{new FastAPLoss(), new HistogramLoss(), new PNPLoss()}) {
            assertEquals(0, loss.compute(x, allDistinct).value(), loss + " without positives");
            assertEquals(0, loss.compute(x, allDistinct).embeddingGradient().amaxNumber().doubleValue(),
                    loss + " gradient without positives");
        }
        assertEquals(0, new HistogramLoss().compute(x, oneClass).value(), "no negatives");
        assertEquals(0, new PNPLoss().compute(x, oneClass).value(), "no negatives");
        assertTrue(new RankedListLoss(0.4, 10).compute(x, allDistinct).value() > 0, "negatives inside alpha");
    }

    @Test
    void pmlConfigurationRulesAreEnforced() {
        assertMessage(() -> new FastAPLoss(10, new CosineSimilarity(), new MeanReducer()), "LpDistance");
        assertMessage(() -> new FastAPLoss(10, new LpDistance(false, 2), new MeanReducer()), "normalized");
        assertMessage(() -> new FastAPLoss(0, new LpDistance(), new MeanReducer()), "numBins");
        assertMessage(() -> new HistogramLoss(100, new LpDistance(), new MeanReducer()), "CosineSimilarity");
        assertMessage(() -> new PNPLoss(PNPLoss.Variant.O, 2, 1, 0, new CosineSimilarity(), new MeanReducer()),
                "anneal");
        assertMessage(() -> new PNPLoss(PNPLoss.Variant.O, 2, 1, 0.01, new LpDistance(), new MeanReducer()),
                "CosineSimilarity");
        assertMessage(() -> new RankedListLoss(0.4, 10, 1.5, Double.NaN, 0, new LpDistance(), new MeanReducer()),
                "imbalance");
        assertMessage(() -> new RankedListLoss(0.4, 10, 0.5, Double.NaN, 0, new CosineSimilarity(),
                new MeanReducer()), "similarity");
        assertEquals(1.2, new RankedListLoss(0.4, 10).alpha(), 1e-15);
        assertMessage(() -> new DynamicSoftMarginLoss(-2, 10, 0, new LpDistance(), new MeanReducer()), "momentum");
        assertMessage(() -> new DynamicSoftMarginLoss(2, 10, 0.1, new LpDistance(), new MeanReducer()), "minVal");
        assertMessage(() -> new DynamicSoftMarginLoss(-2, 10, 0.1, new CosineSimilarity(), new MeanReducer()),
                "LpDistance");
    }

    @Test
    void wholeBatchLossesRejectTuplesAndReferences() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 9);
        IndexTuples pairs = new MultiSimilarityMiner().mine(x, LABELS);
        for (MetricLoss loss : new MetricLoss[]{new PNPLoss(), new RankedListLoss(0.4, 10)}) {
            assertFalse(loss.acceptsTuples());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loss.compute(x, LABELS, pairs));
            assertTrue(e.getMessage().contains("takes no mined tuples"), e.getMessage());
        }
        for (MetricLoss loss : new MetricLoss[]{new FastAPLoss(), new HistogramLoss(), new PNPLoss()}) {
            assertFalse(loss.acceptsReferences());
            assertThrows(UnsupportedOperationException.class, () -> loss.compute(x, LABELS, null, x, LABELS));
        }
    }

    @Test
    void configuredFromOlcutFiles(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("losses.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="pnp" type="org.dml4j.loss.PNPLoss">
                    <property name="variant" value="Dq"/>
                    <property name="alpha" value="4"/>
                  </component>
                  <component name="rll" type="org.dml4j.loss.RankedListLoss">
                    <property name="margin" value="0.5"/>
                    <property name="tn" value="8"/>
                  </component>
                  <component name="fastap" type="org.dml4j.loss.FastAPLoss">
                    <property name="numBins" value="20"/>
                  </component>
                  <component name="histogram" type="org.dml4j.loss.HistogramLoss">
                    <property name="numBins" value="50"/>
                  </component>
                  <component name="dsm" type="org.dml4j.loss.DynamicSoftMarginLoss">
                    <property name="momentum" value="0.1"/>
                  </component>
                  <component name="rll-without-tn" type="org.dml4j.loss.RankedListLoss">
                    <property name="margin" value="0.5"/>
                  </component>
                </config>
                """);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 4);
        Map<String, String> expected = Map.of("pnp", "variant = Dq", "rll", "tn = 8.0", "fastap", "numBins = 20",
                "histogram", "numBins = 50", "dsm", "momentum = 0.1");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            MetricLoss loss = (MetricLoss) cm.lookup(e.getKey());
            String provenance = ProvenanceUtil.formattedProvenanceString(loss.getProvenance());
            assertTrue(provenance.contains(e.getValue()), provenance);
            assertTrue(Double.isFinite(loss.compute(x, LABELS).value()), e.getKey());
        }
        assertEquals(1.25, ((RankedListLoss) cm.lookup("rll")).alpha(), 1e-15);
        RuntimeException missing = assertThrows(RuntimeException.class, () -> cm.lookup("rll-without-tn"));
        assertTrue(missing.getMessage().contains("tn"), missing.getMessage());
    }

    private static void assertMessage(Runnable build, String fragment) {
        PropertyException e = assertThrows(PropertyException.class, build::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}

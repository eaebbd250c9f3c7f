package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.distance.LpDistance;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PML's MultipleLosses: the weighted sum of values and gradients, a miner per term, parameters and configuration. */
class MultipleLossesTest {

    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};

    @Test
    void valueAndGradientsAreTheWeightedSumsWithEachTermsMiner() {
        INDArray x = FiniteDifferences.clustered(LABELS, 5, 3);
        TripletMarginMiner semihard = new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD, new LpDistance());
        MetricLoss triplet = new TripletMarginLoss(0.2);
        MetricLoss ms = new MultiSimilarityLoss();
        ProxyNCALoss proxy = new ProxyNCALoss(4, 5);
        MultipleLosses sum = new MultipleLosses(List.of(new WeightedLoss(triplet, 1.5, semihard),
                new WeightedLoss(ms, 0.25, new MultiSimilarityMiner()), new WeightedLoss(proxy, 2, null)));
        LossResult r = sum.compute(x, LABELS);
        IndexTuples triplets = semihard.mine(x, LABELS);
        IndexTuples pairs = new MultiSimilarityMiner().mine(x, LABELS);
        LossResult a = triplet.compute(x, LABELS, triplets);
        LossResult b = ms.compute(x, LABELS, pairs);
        LossResult c = proxy.compute(x, LABELS);
        assertEquals(1.5 * a.value() + 0.25 * b.value() + 2 * c.value(), r.value(), 1e-12);
        INDArray expected = a.embeddingGradient().mul(1.5).add(b.embeddingGradient().mul(0.25))
                .add(c.embeddingGradient().mul(2));
        assertTrue(expected.equalsWithEps(r.embeddingGradient(), 1e-12));
        assertEquals(Map.of("2.proxies", proxy.classVectors()), sum.parameters());
        assertTrue(c.parameterGradients().get("proxies").mul(2).equalsWithEps(
                r.parameterGradients().get("2.proxies"), 1e-12));
        assertEquals(sum.parameters().keySet(), r.parameterGradients().keySet());
        assertSame(triplet.distance(), sum.distance(), "a model ranks by the first term's distance");
    }

    @Test
    void tuplesAreRejectedWhenATermMinesItsOwn() {
        INDArray x = FiniteDifferences.clustered(LABELS, 5, 3);
        IndexTuples tuples = new MultiSimilarityMiner().mine(x, LABELS);
        MultipleLosses mined = new MultipleLosses(List.of(new WeightedLoss(new ContrastiveLoss(), 1,
                new MultiSimilarityMiner())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mined.compute(x, LABELS, tuples));
        assertTrue(e.getMessage().contains("takes none"), e.getMessage());
        MultipleLosses plain = MultipleLosses.of(new ContrastiveLoss(), new ThresholdConsistentMarginLoss());
        assertEquals(new ContrastiveLoss().compute(x, LABELS, tuples).value()
                + new ThresholdConsistentMarginLoss().compute(x, LABELS, tuples).value(),
                plain.compute(x, LABELS, tuples).value(), 1e-12, "given tuples reach every term without a miner");
        assertThrows(RuntimeException.class, () -> new MultipleLosses(List.of()));
    }

    @Test
    void eachTrainingRunGetsFreshParametersForItsTerms() {
        MultipleLosses withProxies = MultipleLosses.of(new ContrastiveLoss(), new ProxyNCALoss(0, 0));
        MetricLoss run = withProxies.forTraining(7, 4, 5);
        assertNotSame(withProxies, run);
        assertEquals(4, run.parameters().get("1.proxies").rows());
        MultipleLosses plain = MultipleLosses.of(new ContrastiveLoss());
        assertSame(plain, plain.forTraining(7, 4, 5), "nothing to initialize");
    }

    @Test
    void configuredFromXmlAndDescribedInProvenance(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("multiple.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="sum" type="org.dml4j.loss.MultipleLosses">
                    <propertylist name="losses">
                      <item>contrastive</item>
                      <item>tcm</item>
                    </propertylist>
                  </component>
                  <component name="contrastive" type="org.dml4j.loss.WeightedLoss">
                    <property name="loss" value="contrastiveLoss"/>
                    <property name="miner" value="miner"/>
                  </component>
                  <component name="tcm" type="org.dml4j.loss.WeightedLoss">
                    <property name="loss" value="tcmLoss"/>
                    <property name="weight" value="0.5"/>
                  </component>
                  <component name="contrastiveLoss" type="org.dml4j.loss.ContrastiveLoss"/>
                  <component name="tcmLoss" type="org.dml4j.loss.ThresholdConsistentMarginLoss"/>
                  <component name="miner" type="org.dml4j.mining.MultiSimilarityMiner"/>
                </config>
                """);
        MultipleLosses sum = (MultipleLosses) new ConfigurationManager(config.toString()).lookup("sum");
        assertEquals(2, sum.losses().size());
        assertEquals(0.5, sum.losses().get(1).weight());
        String provenance = ProvenanceUtil.formattedProvenanceString(sum.getProvenance());
        assertTrue(provenance.contains("ThresholdConsistentMarginLoss") && provenance.contains("weight = 0.5")
                && provenance.contains("MultiSimilarityMiner"), provenance);
    }
}
